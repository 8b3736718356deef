import type { EventId, Instant, IsoDate, StoredEvent } from '../events/index.js';
import { FX_STREAM, HOLDERS_STREAM, instantOf, IssuerId, toIssuerStreamId } from '../events/index.js';
import { auditPeriod, dayBefore, flaggedEvents, projectAudit, type StreamFacts } from '../projections/audit.js';
import { auditEventRows, type AuditEntry, type Retracted } from '../projections/auditEvents.js';
import { fxRates } from '../projections/fx.js';
import { compareText } from '../projections/format.js';
import type { TextLines } from '../projections/textLines.js';
import { holderRegistries } from '../projections/registry.js';
import { END_OF_TIME, selectTimeline, type PointInTime } from '../projections/timeline.js';
import { fail } from './domain/problem.js';
import { byEffectivePoint, type PlacedEvent } from './domain/timeline.js';
import { readHolidays } from './obligationsQuery.js';
import { auditDocument, wholeDocument, type AuditJson } from './integrity/auditDocument.js';
import type { LargeReport } from './integrity/auditText.js';
import { verifyLedger } from './integrity/verify.js';
import type { DerivedReads, EventRecordFields } from './store/derivedReads.js';
import { recordsOf, type EventRecord, type EventStore, type StreamHead } from './store/eventStore.js';
import { selectRows } from './snapshots.js';
import { parseDate } from './timeArguments.js';

/** Up to this many events in the period, the md and html reports list every one (docs/audit.md#large-reports). */
export const LIST_EVERY_EVENT_UP_TO = 5000;

export type AuditOptions = Readonly<{
  issuer: string;
  from?: string;
  to?: string;
  /** The report's time: knownAt, and the default end of the period. */
  now: Date;
  onProgress?: (checked: number, total: number) => void;
  /** A holidays file for the obligations' due dates (docs/obligations.md). */
  holidays?: string;
  /** Events in the period up to which the report keeps its events table in memory (default LIST_EVERY_EVENT_UP_TO). */
  listEveryEventUpTo?: number;
  /**
   * Where the holders' disposals are kept until the report is written (see AuditRequest): false
   * for a report that shows only how many each holder made (md, html), and reading a holder's
   * `disposals` then throws; a function for lists kept elsewhere (a LineSpool's). Default: memory.
   */
  disposalLines?: boolean | (() => TextLines);
  /** Where the reconciled disclosures are kept until the report is written, one text each: default memory. */
  disclosureLines?: () => TextLines;
  /** Whether the report is its events table alone (see AuditRequest): csv, the events and the notices each caused. */
  eventsTableOnly?: boolean;
}>;

/**
 * An audit report ready to be written: its document without the events table, and the table,
 * which is read again from the store each time it is walked unless it was short enough to keep.
 */
export type AuditReport = LargeReport &
  Readonly<{
    /** Whether the period has more events than the report lists in md and html. */
    large: boolean;
  }>;

/** The events the audit's first pass reads whole; of the others it needs only their records. */
const READ_WHOLE = ['IssuerRegistered', 'EventRetracted', 'IPOCompleted'] as const;

/**
 * One pass over the issuer's stream in revision order: what the report must know before it reads
 * the timeline (the retractions and their targets, the registration, the listing date, the
 * disclosures' sources if `withSources`), and the stream's last event.
 */
const readFacts = async (
  store: EventStore,
  stream: string,
  knownAt: Instant,
  withSources: boolean,
): Promise<{ facts: StreamFacts; head: StoredEvent | undefined }> => {
  let registration: StreamFacts['registration'];
  const retractions: Retracted[] = [];
  const listings: StoredEvent[] = [];
  const disclosureSources = new Map<number, string>();
  let last: EventRecord | undefined;
  for await (const r of recordsOf(store, stream, READ_WHOLE)) {
    last = r;
    if (r.recordedAt > knownAt) continue;
    if (withSources && r.type === 'StakeDisclosed' && r.source !== undefined) disclosureSources.set(r.revision, r.source);
    const e = r.event;
    if (e?.type === 'IssuerRegistered') registration ??= e;
    else if (e?.type === 'EventRetracted') retractions.push(e);
    else if (e?.type === 'IPOCompleted') listings.push(e);
  }
  let head = last?.event;
  if (last !== undefined && head === undefined) for await (const e of store.iterateStream(stream, last.revision)) head = e;
  const targets = new Map<EventId, StoredEvent>();
  for (const r of retractions) {
    const id = r.data.eventId;
    const t = targets.has(id) ? targets.get(id) : await store.findEvent(id);
    if (t !== undefined && t.id === id && t.stream === stream && t.recordedAt <= knownAt) targets.set(id, t);
  }
  const retracted = new Set(retractions.map((r) => r.data.eventId));
  const listing = listings.filter((e) => !retracted.has(e.id)).sort(byEffectivePoint)[0]?.date ?? registration?.date;
  return { facts: { registration, retractions, targets, listing, disclosureSources }, head };
};

/** The head of each stream read (its last event), sorted by stream name as `EventStore.heads` gives them. */
const headsOf = (lastEvents: ReadonlyArray<StoredEvent | undefined>): StreamHead[] =>
  lastEvents
    .filter((e): e is StoredEvent => e !== undefined)
    .map((e) => ({ stream: e.stream, revision: e.revision, hash: e.hash }))
    .sort((a, b) => compareText(a.stream, b.stream));

/**
 * An entry of the derived timeline whose actor, source and note are read from the store when
 * first asked for: the audit's fold asks only for those of the rows it keeps (a short report's),
 * and keeping them for every revision of a busy stream cost ~57 MB at 10M.
 */
class EntryOfRow implements AuditEntry {
  private fields: EventRecordFields | undefined;

  constructor(
    readonly event: PlacedEvent,
    readonly recordedAt: Instant,
    private readonly reads: DerivedReads,
    private readonly stream: string,
  ) {}

  private get record(): EventRecordFields {
    return (this.fields ??= this.reads.recordAt(this.stream, this.event.revision));
  }

  get actor(): string {
    return this.record.actor;
  }

  get source(): string | undefined {
    return this.record.source;
  }

  get note(): string | undefined {
    return this.record.note;
  }
}

/**
 * The issuer's events recorded by knownAt, in timeline order, dated up to `to`: `whole` for a
 * reader of every entry's actor, source and note (the events table), else read where asked for.
 * From the store's derived timeline where it has one it can trust for the stream (rows read a
 * page at a time, with the envelope's fields in the same statement when `whole`); else from the
 * envelopes, sorted in memory.
 */
const timelineOf = async (
  store: EventStore,
  stream: string,
  knownAt: Instant,
  trusted: boolean,
): Promise<(to: IsoDate, whole: boolean) => Iterable<AuditEntry>> => {
  const derived = store.derivedReads;
  if (derived && trusted && !derived.isDamaged(stream))
    return function* (to, whole) {
      if (whole) {
        // Its recordedAt is the stored instant: the entry is the audit's as it comes.
        for (const entry of derived.timelineWithRecords(stream, '', to)) if (entry.recordedAt <= knownAt) yield entry as AuditEntry;
      } else
        for (const { event, recordedAt } of derived.timeline(stream, '', to))
          if (recordedAt <= knownAt) yield new EntryOfRow(event, recordedAt as Instant, derived, stream);
    };
  const recorded = (await store.readStream(stream)).filter((e) => e.recordedAt <= knownAt).sort(byEffectivePoint);
  return function* (to) {
    for (const e of recorded) {
      if (e.date > to) break;
      yield { event: e, recordedAt: e.recordedAt, actor: e.actor, source: e.source, note: e.note };
    }
  };
};

/** A registry stream (`holders`, `fx`) as the report reads it: its timeline at a point, and its last event. */
type Registry = Readonly<{ at: (point: PointInTime) => Iterable<PlacedEvent>; head: StoredEvent | undefined }>;

/**
 * A registry stream from the store's derived timeline when the stream verified (a row decodes for
 * a fraction of an envelope, and is read only where the report asks), else from its envelopes.
 */
const registryOf = async (store: EventStore, stream: string, trusted: boolean): Promise<Registry> => {
  const derived = store.derivedReads;
  if (derived && trusted && !derived.isDamaged(stream)) {
    let head: StoredEvent | undefined;
    const last = derived.head(stream);
    if (last >= 0) for await (const e of store.iterateStream(stream, last)) head = e;
    return { at: (point) => selectRows(derived, stream, '', point), head };
  }
  const events = await store.readStream(stream);
  return { at: (point) => selectTimeline(events, point), head: events[events.length - 1] };
};

/**
 * Gathers an issuer's audit report: reads the options as given, verifies the issuer's stream and
 * the `holders` and `fx` streams (on a worker thread where one can run) and meanwhile reads the
 * issuer's stream once in revision order and its timeline once, and the registries, and hands
 * them to the audit projection.
 */
export const openAuditReport = async (store: EventStore, options: AuditOptions): Promise<AuditReport> => {
  const issuer = IssuerId.is(options.issuer)
    ? options.issuer
    : fail('InvalidInput', `--issuer: expected ${IssuerId.name}, got ${JSON.stringify(options.issuer)}`, {
        flag: '--issuer',
        value: options.issuer,
      });
  const from = options.from === undefined ? undefined : parseDate(options.from, '--from');
  const to = options.to === undefined ? undefined : parseDate(options.to, '--to');
  if (from !== undefined && to !== undefined && from > to)
    fail('InvalidInput', `--from ${from} is after --to ${to}`, { flag: '--from', from, to });
  const calendar = readHolidays(options.holidays);
  const knownAt = instantOf(options.now);
  const stream = toIssuerStreamId(issuer);
  const streams = [stream, HOLDERS_STREAM, FX_STREAM];
  // The streams are verified on a worker thread (where one can run) while this one reads them.
  // Not the disposal caches: the report reads none of them (`verify` checks them).
  const verifying = verifyLedger(store, {
    streams,
    offThread: true,
    disposalCaches: false,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  verifying.catch(() => undefined); // awaited below: a failure meanwhile is not an unhandled rejection
  // The events table alone shows no reconciled disclosure, nor their sources (172k at 10M).
  const { facts, head } = await readFacts(store, stream, knownAt, options.eventsTableOnly !== true);
  if (facts.registration === undefined) {
    await verifying;
    fail('UnknownIssuer', `unknown issuer ${issuer}`, { issuer });
  }
  const request = {
    issuer,
    knownAt,
    calendar,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(options.disposalLines !== undefined ? { disposalLines: options.disposalLines } : {}),
    ...(options.disclosureLines !== undefined ? { disclosureLines: options.disclosureLines } : {}),
    ...(options.eventsTableOnly !== undefined ? { eventsTableOnly: options.eventsTableOnly } : {}),
  };
  const period = auditPeriod(request, facts);
  const listUpTo = options.listEveryEventUpTo ?? LIST_EVERY_EVENT_UP_TO;
  /** The figures, each stream read from its derived rows if `trusted`, else from its envelopes. */
  const figure = async (trusted: (stream: string) => boolean) => {
    const holders = await registryOf(store, HOLDERS_STREAM, trusted(HOLDERS_STREAM));
    const fx = await registryOf(store, FX_STREAM, trusted(FX_STREAM));
    // The timeline at the start is the one at the end up to that date: the same events are selected by knownAt.
    const { atSplit: start, end } = holderRegistries(holders.at({ asOf: period.to, knownAt }), dayBefore(period.from));
    const registries = { start, end, fx: () => fxRates(fx.at({ asOf: END_OF_TIME, knownAt })) };
    const timeline = await timelineOf(store, stream, knownAt, trusted(stream));
    const figures = projectAudit(timeline(period.to, false), facts, registries, request, listUpTo);
    return { figures, timeline, heads: headsOf([head, holders.head, fx.head]) };
  };
  // Built meanwhile from the derived rows, as a sound ledger allows; built again if a stream does
  // not verify, reading it from its envelopes, as they are, not from rows derived from them
  // (damaged rows may even have failed the first build).
  const trusting = await figure(() => true).then(
    (built) => ({ built }),
    (error: unknown) => ({ error }),
  );
  const verification = await verifying;
  const untrusted = new Set(verification.problems.map((p) => p.stream));
  const sound = !streams.some((s) => untrusted.has(s));
  if (sound && 'error' in trusting) throw trusting.error;
  const { figures, timeline, heads } = sound && 'built' in trusting ? trusting.built : await figure((s) => !untrusted.has(s));
  const kept = figures.events;
  return {
    head: auditDocument(figures, verification, heads),
    figures,
    listUpTo,
    flagged: flaggedEvents(figures),
    large: kept === undefined,
    events: () => kept ?? auditEventRows(timeline(period.to, true), facts, { issuer, ...period }),
  };
};

/** The whole report as one document (the library's `auditReport`; the CLI writes a large one as it reads it). */
export const auditReport = async (store: EventStore, options: AuditOptions): Promise<AuditJson> => {
  const report = await openAuditReport(store, options);
  return wholeDocument(report.head, [...report.events()]);
};
