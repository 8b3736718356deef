import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { ObligationsJson } from '../../../projections/obligations/index.js';
import type { StakeJson } from '../../../projections/ownership.js';
import type { ProceedsJson } from '../../../projections/proceeds.js';
import { fail } from '../../domain/problem.js';
import type { EventStore } from '../../store/eventStore.js';
import { parseStoreUrl, redactUrl } from '../../store/storeUrl.js';
import type { CliContext } from '../context.js';
import { showPercent, showShares } from '../../../projections/humanNumbers.js';
import { renderTable } from '../table.js';
import { noticesTable } from '../views/obligations.js';
import { proceedsText } from '../views/proceeds.js';

const DEMO_STORE_URL = 'sqlite:./shareledger-demo.db';
const DEMO_FILE = 'examples/sensetime.jsonl';
const ISSUER = 'sensetime';
const HOLDER = 'taobao-holding';
const GROUP = 'alibaba-group';
const CLASS = 'B';
/** docs/cli.md#demo: before the IPO, the end of 2022, either side of the 6 July 2023 block sale, after the last sale. */
const DEMO_DATES = ['2021-12-29', '2022-12-31', '2023-07-05', '2023-07-07', '2023-07-21'] as const;

/** examples/sensetime.jsonl of the installed package: found by walking up from this module. */
const demoFile = (): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, DEMO_FILE);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${DEMO_FILE} is missing from the installation`);
    dir = parent;
  }
};

const demoIds = (text: string): Set<string> =>
  new Set(text.split('\n').flatMap((line) => (line.trim() ? [String((JSON.parse(line) as { id: string }).id).toLowerCase()] : [])));

/** Whether a store holds nothing but (part of) the demo ledger, so recreating it loses nothing. */
const holdsOnlyDemo = async (store: EventStore, ids: Set<string>): Promise<boolean> => {
  for await (const e of store.readAll()) if (!ids.has(e.id.toLowerCase())) return false;
  return true;
};

const refuse = (url: string): never =>
  fail('Usage', `refusing to load the demo into ${redactUrl(url)}: it holds events that are not from the demo; give demo a fresh --store`, {
    store: redactUrl(url),
  });

/**
 * Makes the demo store fresh: a SQLite file is deleted and recreated (only when it holds nothing
 * but the demo, so a real ledger is never lost by mistake); memory: is always fresh; on
 * EventStoreDB nothing can be deleted, so the demo needs an empty database or an earlier demo
 * (the import is idempotent).
 */
const freshen = async (cli: CliContext, url: string, ids: Set<string>): Promise<void> => {
  const location = parseStoreUrl(url);
  if (location.kind === 'memory') return;
  if (location.kind === 'sqlite' && !fs.existsSync(location.path)) return;
  const onlyDemo = await cli.withStore((store) => holdsOnlyDemo(store, ids), url);
  if (!onlyDemo) refuse(url);
  if (location.kind === 'sqlite')
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${location.path}${suffix}`, { force: true });
};

const classShare = (s: StakeJson) => {
  const c = s.classes.find((k) => k.class === CLASS);
  return { shares: c?.shares ?? '0', outstanding: c?.outstanding ?? '0', percentOfClass: c?.percentOfClass ?? null };
};

type DemoStake = {
  asOf: string;
  outstanding: string;
  holder: { holder: string; shares: string; percentOfClass: string | null };
  group: { holder: string; holders: string[]; shares: string; percentOfClass: string | null };
};

export const demoCommand = (cli: CliContext): Command =>
  new Command('demo')
    .description(`load ${DEMO_FILE} (SenseTime, 2014-2023) into a fresh store and print the headline answers`)
    .option('--store <url>', `where to load it; recreated on every run (default: ${DEMO_STORE_URL}, not SHARELEDGER_STORE)`)
    .addHelpText(
      'after',
      `
Shows Taobao Holding's class B stake in SenseTime, and Alibaba Group's as a control group, as of
${DEMO_DATES.join(', ')}, the disclosure notices Taobao Holding had to file (regime hk), and its
realized proceeds.

Examples:
  $ shareledger demo
  $ shareledger demo --store memory: --json`,
    )
    .action(async (o: { store?: string }) => {
      const { queryProceeds, queryStake } = await import('../../queries.js');
      const { queryObligations } = await import('../../obligationsQuery.js');
      const url = o.store ?? (cli.globals.storeGiven ? cli.globals.storeUrl : DEMO_STORE_URL);
      const file = demoFile();
      const text = fs.readFileSync(file, 'utf8');
      await freshen(cli, url, demoIds(text));
      const result = await cli.withStore(async (store) => {
        const report = await (await cli.ledger(store)).import(text);
        const now = cli.now();
        const stakes: DemoStake[] = [];
        for (const asOf of DEMO_DATES) {
          const own = (await queryStake(store, { issuer: ISSUER, holder: HOLDER, asOf }, now)).result;
          const group = (await queryStake(store, { issuer: ISSUER, holder: GROUP, asOf, group: true }, now)).result;
          const mine = classShare(own);
          const ours = classShare(group);
          stakes.push({
            asOf,
            outstanding: mine.outstanding,
            holder: { holder: HOLDER, shares: mine.shares, percentOfClass: mine.percentOfClass },
            group: { holder: GROUP, holders: group.holders ?? [GROUP], shares: ours.shares, percentOfClass: ours.percentOfClass },
          });
        }
        const notices = (await queryObligations(store, { issuer: ISSUER, holder: HOLDER, regime: 'hk' }, now)).result;
        const proceeds = await queryProceeds(store, { holder: HOLDER, issuer: ISSUER }, now);
        proceeds.warnings.forEach((w) => cli.warn(w));
        return {
          store: store.description,
          events: report.appended + report.alreadyPresent,
          file: DEMO_FILE,
          issuer: ISSUER,
          class: CLASS,
          stakes,
          notices,
          proceeds: proceeds.result,
        };
      }, url);
      cli.emit(result, () => demoText(cli, url, result));
    });

const demoText = (
  cli: CliContext,
  url: string,
  r: { store: string; events: number; stakes: DemoStake[]; notices: ObligationsJson; proceeds: ProceedsJson },
): string => {
  const style = cli.style;
  const again = `shareledger --store ${redactUrl(url)}`;
  return [
    `Loaded ${r.events} events of ${DEMO_FILE} into ${r.store}.`,
    "SenseTime (HKEX: 0020); every assumption is in its event's note (see: shareledger export).",
    '',
    style.bold(`Class B stake of Taobao Holding, and of Alibaba Group as a group (it controls Taobao Holding)`),
    renderTable(
      [
        { header: 'as of' },
        { header: 'Taobao Holding', align: 'right' },
        { header: '% of B', align: 'right' },
        { header: 'Alibaba group', align: 'right' },
        { header: '% of B', align: 'right' },
        { header: 'class B outstanding', align: 'right' },
      ],
      r.stakes.map((s) => [
        s.asOf,
        showShares(s.holder.shares),
        showPercent(s.holder.percentOfClass),
        showShares(s.group.shares),
        showPercent(s.group.percentOfClass),
        showShares(s.outstanding),
      ]),
      style,
    ),
    '',
    style.bold(`Disclosure notices of Taobao Holding under Hong Kong's SFO Part XV (regime hk, weekdays as business days)`),
    noticesTable(r.notices, style),
    '',
    proceedsText(r.proceeds, style),
    '',
    'Try next:',
    `  ${again} cap-table --issuer sensetime --as-of 2023-07-07`,
    `  ${again} history --issuer sensetime --holder taobao-holding`,
    `  ${again} proceeds --holder alibaba-group --group --currency USD`,
    `  ${again} obligations --issuer sensetime --holder alibaba-group --group --regime us`,
  ].join('\n');
};
