import { Command, InvalidArgumentError } from 'commander';
import type { IssuerId } from '../../../events/index.js';
import { fail } from '../../domain/problem.js';
import type { CliContext } from '../context.js';
import { toJson } from '../context.js';
import { showDelta, showShares } from '../../../projections/humanNumbers.js';

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got ${JSON.stringify(v)}`);
  return n;
};

export const watchCommand = (cli: CliContext): Command =>
  new Command('watch')
    .description('follow the ledger: print each event and the stake changes it causes, as they are appended (Ctrl-C to stop)')
    .option('--issuer <issuer>', 'only this issuer (default: every stream)')
    .option('--new-only', 'skip what is already stored; print only events appended from now on')
    .option('--limit <n>', 'stop after printing this many events', positiveInt)
    .addHelpText(
      'after',
      `
Catch-up: every stored event first (unless --new-only), then new ones as they arrive. With --json,
one JSON document per event and line (JSON Lines), since the output never ends:
  {"id","stream","revision","type","date","recordedAt","actor","changes":[{"class","holder","before","after"}]}

Examples:
  $ shareledger watch --issuer sensetime
  $ shareledger --json watch --new-only --limit 10`,
    )
    .action(async (o: { issuer?: string; newOnly?: boolean; limit?: number }) => {
      const { IssuerId, toIssuerStreamId } = cli.events;
      if (o.issuer !== undefined && !IssuerId.is(o.issuer))
        fail('InvalidInput', `--issuer: expected ${IssuerId.name}, got ${JSON.stringify(o.issuer)}`, { flag: '--issuer' });
      const { watchLedger } = await import('../../watch.js');
      const stream = o.issuer === undefined ? undefined : toIssuerStreamId(o.issuer as IssuerId);
      await cli.withStore(async (store) => {
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        // What is stored when the watch starts: skipped with --new-only.
        const startedWith = new Map<string, number>();
        if (o.newOnly) for (const h of await store.heads()) startedWith.set(h.stream, h.revision);
        let printed = 0;
        try {
          for await (const { event, changes } of watchLedger(store, { signal: controller.signal, ...(stream ? { stream } : {}) })) {
            if (event.revision <= (startedWith.get(event.stream) ?? -1)) continue;
            if (cli.globals.json) {
              const { id, stream: s, revision, type, date, recordedAt, actor } = event;
              cli.stdout.write(`${toJson({ id, stream: s, revision, type, date, recordedAt, actor, changes })}\n`);
            } else {
              const head = `${event.date}  ${event.type}  ${event.stream}@${event.revision}  (${event.actor}, ${event.recordedAt})`;
              const lines = changes.map(
                (c) =>
                  `    ${c.holder} class ${c.class}: ${showShares(c.before)} → ${showShares(c.after)} (${showDelta(c.before, c.after)})`,
              );
              cli.stdout.write(`${[head, ...lines].join('\n')}\n`);
            }
            printed += 1;
            if (o.limit !== undefined && printed >= o.limit) break;
          }
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          controller.abort();
        }
      });
    });
