import fs from 'node:fs';
import type { IsoDate } from '../events/index.js';
import { HOLDERS_STREAM } from '../events/index.js';
import {
  type BusinessCalendar,
  DEFAULT_REGIME,
  findRegime,
  type ObligationsJson,
  parseHolidays,
  projectObligations,
  type Regime,
  regimeIds,
  WEEKDAYS_ONLY,
} from '../projections/obligations/index.js';
import { parseDate } from './timeArguments.js';
import { fail, isLedgerError } from './domain/problem.js';
import { checkHolderKnown, holderArg, issuerArg, pointInTime, type QueryAnswer, readIssuer } from './queries.js';
import type { EventStore } from './store/eventStore.js';

export type ObligationsQuery = Readonly<{
  issuer: string;
  holder?: string;
  group?: boolean;
  regime?: string;
  from?: string;
  to?: string;
  asOf?: string;
  knownAt?: string;
  /** A file of holidays, one ISO date per line (docs/obligations.md). */
  holidays?: string;
}>;

const regimeArg = (value: string | undefined): Regime =>
  findRegime(value ?? DEFAULT_REGIME) ??
  fail('InvalidInput', `--regime: expected one of ${regimeIds().join(', ')}, got ${JSON.stringify(value)}`, {
    flag: '--regime',
    value,
    regimes: regimeIds(),
  });

/** Reads the holidays file; a missing or unreadable file is invalid input naming it. */
export const readHolidays = (file: string | undefined): BusinessCalendar => {
  if (file === undefined) return WEEKDAYS_ONLY;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return fail('InvalidInput', `--holidays ${file}: cannot read the holidays file (${reason})`, { flag: '--holidays', file });
  }
  return parseHolidays(text, file);
};

/**
 * `obligations`: the notices a holder (or group, or every holder) had to file under a regime,
 * reconciled with the disclosures, as the ledger knew it at knownAt; asOf is "today" for the
 * statuses. An unknown holder is invalid input here (exit 2): the question names nobody to answer for.
 */
export const queryObligations = async (store: EventStore, query: ObligationsQuery, now: Date): Promise<QueryAnswer<ObligationsJson>> => {
  const issuer = issuerArg(query.issuer);
  const holder = query.holder === undefined ? undefined : holderArg(query.holder);
  const regime = regimeArg(query.regime);
  const from: IsoDate | undefined = query.from === undefined ? undefined : parseDate(query.from, '--from');
  const to: IsoDate | undefined = query.to === undefined ? undefined : parseDate(query.to, '--to');
  if (from !== undefined && to !== undefined && from > to)
    fail('InvalidInput', `--from ${from} is after --to ${to}`, { flag: '--from', value: from, to });
  const at = pointInTime(query.asOf, query.knownAt, now);
  const calendar = readHolidays(query.holidays);
  const issuerEvents = await readIssuer(store, issuer, at.knownAt);
  const holderEvents = await store.readStream(HOLDERS_STREAM);
  if (holder !== undefined) {
    try {
      checkHolderKnown(holder, [issuerEvents, holderEvents], at.knownAt, `of ${issuer}`);
    } catch (e) {
      if (isLedgerError(e) && e.problem.kind === 'UnknownHolder')
        fail('InvalidInput', `--holder: ${e.problem.message}`, { flag: '--holder', value: holder, ...e.problem.details });
      throw e;
    }
  }
  const result = projectObligations(
    { issuerEvents, holderEvents },
    {
      issuer,
      regime,
      group: query.group ?? false,
      calendar,
      ...(holder !== undefined ? { holder } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    },
    at,
  );
  return { result, warnings: [] };
};
