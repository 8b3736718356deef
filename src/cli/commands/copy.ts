import { Command } from 'commander';
import type { StoredEvent } from '../../../events/index.js';
import type { VerifyResult } from '../../integrity/verify.js';
import { fail } from '../../problem.js';
import type { AppendBatch, EventStore, StreamHead } from '../../store/eventStore.js';
import { parseStoreUrl, redactUrl } from '../../store/storeUrl.js';
import type { CliContext } from '../context.js';
import { countEvents } from '../progress.js';

/** Events per batch: EventStoreDB appends each batch atomically and bounds the size of one append. */
const BATCH_EVENTS = 500;

const sameLocation = (a: string, b: string): boolean => {
  const x = parseStoreUrl(a);
  const y = parseStoreUrl(b);
  if (x.kind === 'sqlite' && y.kind === 'sqlite') return x.path === y.path;
  return x.kind !== 'memory' && a === b;
};

/**
 * Where the target stands: empty, or holding an earlier (interrupted) copy of this ledger, which
 * the copy continues. Anything else is refused before a single event is written.
 */
const resumePoints = async (source: EventStore, target: EventStore, sourceHeads: ReadonlyArray<StreamHead>): Promise<Map<string, number>> => {
  const heads = new Map(sourceHeads.map((h) => [h.stream, h]));
  const points = new Map<string, number>();
  for (const t of await target.heads()) {
    const s = heads.get(t.stream);
    const event = s && s.revision >= t.revision ? (await source.readStream(t.stream))[t.revision] : undefined;
    if (!event || event.hash !== t.hash)
      fail('VerificationFailed', `the target ${target.description} already holds a different ledger (stream ${t.stream} at revision ${t.revision} differs from the source): copy into an empty store`, {
        stream: t.stream,
        revision: t.revision,
      });
    points.set(t.stream, t.revision);
  }
  return points;
};

const batchesOf = (events: ReadonlyArray<StoredEvent>, from: Map<string, number>): AppendBatch[] => {
  const tips = new Map(from);
  const open = new Map<string, StoredEvent[]>();
  const batches: AppendBatch[] = [];
  const close = (stream: string) => {
    const pending = open.get(stream);
    if (!pending?.length) return;
    const expectedRevision = tips.get(stream) ?? -1;
    batches.push({ stream, expectedRevision, events: pending });
    tips.set(stream, expectedRevision + pending.length);
    open.delete(stream);
  };
  for (const e of events) {
    if (e.revision <= (from.get(e.stream) ?? -1)) continue;
    const pending = open.get(e.stream) ?? [];
    pending.push(e);
    open.set(e.stream, pending);
    if (pending.length >= BATCH_EVENTS) close(e.stream);
  }
  for (const stream of [...open.keys()]) close(stream);
  return batches;
};

const sameHeads = (a: ReadonlyArray<StreamHead>, b: ReadonlyArray<StreamHead>): boolean =>
  a.length === b.length && a.every((h, i) => h.stream === b[i]!.stream && h.revision === b[i]!.revision && h.hash === b[i]!.hash);

export const copyCommand = (cli: CliContext): Command =>
  new Command('copy')
    .description('copy the whole ledger to another store, envelopes and hashes unchanged, then verify the target')
    .requiredOption('--to <url>', 'the target store: memory:, sqlite:PATH, esdb://… or kurrentdb://…')
    .addHelpText(
      'after',
      `
The target must be empty, or hold an earlier copy of this ledger (an interrupted copy continues).

Examples:
  $ shareledger --store sqlite:./shareledger.db copy --to sqlite:./backup.db
  $ shareledger copy --to "esdb://localhost:2113?tls=false"`,
    )
    .action(async (o: { to: string }) => {
      parseStoreUrl(o.to);
      const { verifyLedger } = await import('../../integrity/verify.js');
      if (sameLocation(cli.globals.storeUrl, o.to)) fail('Usage', `--to ${redactUrl(o.to)} is the source store itself`, { to: redactUrl(o.to) });
      const summary = await cli.withStore((source) =>
        cli.withStore(async (target) => {
          const sourceHeads = await source.heads();
          const from = await resumePoints(source, target, sourceHeads);
          const total = await countEvents(source);
          const bar = cli.progress('reading', total);
          let verified: VerifyResult;
          let batches: AppendBatch[];
          try {
            const events: StoredEvent[] = [];
            for await (const e of source.readAll()) {
              events.push(e);
              bar.update(events.length);
            }
            batches = batchesOf(events, from);
            const copying = batches.reduce((n, b) => n + b.events.length, 0);
            bar.phase(`writing ${copying.toLocaleString('en-US')} events`);
            if (batches.length) await target.append(batches);
            cli.logger.info({ from: source.description, to: target.description, events: copying }, 'copied');
            bar.phase('verifying');
            verified = await verifyLedger(target, { onProgress: (checked) => bar.update(checked, 'verifying') });
          } finally {
            bar.finish();
          }
          const targetHeads = await target.heads();
          const copied = batches.reduce((n, b) => n + b.events.length, 0);
          const result = {
            from: source.description,
            to: target.description,
            copied,
            alreadyPresent: total - copied,
            streams: sourceHeads.length,
            headsMatch: sameHeads(sourceHeads, targetHeads),
            verify: verified,
          };
          if (!result.headsMatch || !verified.ok)
            fail('VerificationFailed', `the copy in ${target.description} does not verify: ${verified.problems[0]?.message ?? 'its stream heads differ from the source'}`, result);
          return result;
        }, o.to),
      );
      cli.emit(
        summary,
        () =>
          `copied ${summary.copied.toLocaleString('en-US')} events${summary.alreadyPresent ? ` (${summary.alreadyPresent.toLocaleString('en-US')} were already there)` : ''} of ${summary.streams} streams from ${summary.from} to ${summary.to}\n` +
          `verified: ${summary.verify.events.toLocaleString('en-US')} events, every hash chain intact, stream heads equal to the source`,
      );
    });
