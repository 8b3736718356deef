import type { CurrencyCode, HolderId, Instant, IsoDate, IssuerId, StoredEvent } from '../events/index.js';
import {
  CurrencyCode as CurrencyCodeCodec,
  FX_STREAM,
  HOLDERS_STREAM,
  HolderId as HolderIdCodec,
  instantOf,
  IssuerId as IssuerIdCodec,
  issuerOfStream,
  toIssuerStreamId,
  utcDateOf,
} from '../events/index.js';
import { projectHistory, type HistoryJson } from '../projections/history.js';
import {
  capTableFromState,
  projectCapTable,
  projectStake,
  stakeFromState,
  type CapTableJson,
  type StakeJson,
} from '../projections/ownership.js';
import { groupMembers, holderRegistry } from '../projections/registry.js';
import {
  COST_METHODS,
  isCostMethod,
  projectProceeds,
  type CostMethod,
  type ProceedsJson,
  type ProceedsRequest,
} from '../projections/proceeds.js';
import type { PointInTime } from '../projections/timeline.js';
import { indexedHistory, indexedProceeds } from './holderReads.js';
import { checkHolderKnown, checkIssuerKnown, isNamedIn, issuerFoundIn } from './knownNames.js';
import { parseDate, parseKnownAt } from './timeArguments.js';
import { fail } from './domain/problem.js';
import { fastOwnership } from './snapshots.js';
import { tailOwnership } from './tailSnapshots.js';
import type { EventStore } from './store/eventStore.js';

/**
 * The query layer: reads only the streams a question needs, checks the names asked about, and
 * hands the events to the pure projections. Times come in as arguments (`now`), never from a clock.
 */

/** A query's JSON-ready answer (the `--json` document) and the warnings to print on stderr (e.g. a missing FX rate). */
export type QueryAnswer<T> = Readonly<{ result: T; warnings: string[] }>;

export type StakeQuery = Readonly<{ issuer: string; holder: string; asOf?: string; knownAt?: string; group?: boolean }>;
export type CapTableQuery = Readonly<{ issuer: string; asOf?: string; knownAt?: string }>;
export type HistoryQuery = Readonly<{ issuer: string; holder?: string; knownAt?: string }>;
export type ProceedsQuery = Readonly<{
  holder: string;
  issuer?: string;
  from?: string;
  to?: string;
  method?: string;
  currency?: string;
  knownAt?: string;
  group?: boolean;
}>;

// ---- reading and checking input ----

const issuerArg = (value: string): IssuerId =>
  IssuerIdCodec.is(value)
    ? value
    : fail('InvalidInput', `--issuer: expected ${IssuerIdCodec.name}, got ${JSON.stringify(value)}`, { flag: '--issuer', value });

const holderArg = (value: string): HolderId =>
  HolderIdCodec.is(value)
    ? value
    : fail('InvalidInput', `--holder: expected ${HolderIdCodec.name}, got ${JSON.stringify(value)}`, { flag: '--holder', value });

const methodArg = (value: string | undefined): CostMethod => {
  if (value === undefined) return 'fifo';
  return isCostMethod(value)
    ? value
    : fail('InvalidInput', `--method: expected one of ${COST_METHODS.join(', ')}, got ${JSON.stringify(value)}`, {
        flag: '--method',
        value,
      });
};

const currencyArg = (value: string | undefined): CurrencyCode | undefined => {
  if (value === undefined) return undefined;
  return CurrencyCodeCodec.is(value)
    ? value
    : fail('InvalidInput', `--currency: expected ${CurrencyCodeCodec.name}, got ${JSON.stringify(value)}`, { flag: '--currency', value });
};

/** Defaults: asOf = today in UTC, knownAt = now. */
const knownAtArg = (value: string | undefined, now: Date): Instant =>
  value === undefined ? instantOf(now) : parseKnownAt(value, '--known-at');
const pointInTime = (asOf: string | undefined, knownAt: string | undefined, now: Date): PointInTime => ({
  asOf: asOf === undefined ? utcDateOf(now) : parseDate(asOf, '--as-of'),
  knownAt: knownAtArg(knownAt, now),
});

/** The issuer's stream; UnknownIssuer unless its registration was recorded by `knownAt`. */
const readIssuer = async (store: EventStore, issuer: IssuerId, knownAt: Instant): Promise<StoredEvent[]> => {
  const events = await store.readStream(toIssuerStreamId(issuer));
  checkIssuerKnown(issuer, issuerFoundIn(events, knownAt), knownAt);
  return events;
};

// ---- the queries ----

/** `stake`: a holder's (or with `group`, its control group's) stake in an issuer. */
export const queryStake = async (store: EventStore, query: StakeQuery, now: Date): Promise<QueryAnswer<StakeJson>> => {
  const issuer = issuerArg(query.issuer);
  const holder = holderArg(query.holder);
  const at = pointInTime(query.asOf, query.knownAt, now);
  const group = query.group ?? false;
  // A store with derived reads (SQLite): a snapshot and the timeline after it (src/snapshots.ts);
  // one that keeps snapshots (EventStoreDB): a snapshot and the stream after it (src/tailSnapshots.ts).
  // The same answer as the replay below.
  const fast = store.derivedReads
    ? fastOwnership(store.derivedReads, issuer, at, { holder, holders: group })
    : store.snapshots && (await tailOwnership(store, issuer, at, { holder, holders: group }));
  if (fast) {
    const members = fast.holdersTimeline && groupMembers(holderRegistry(fast.holdersTimeline), holder);
    return { result: stakeFromState(fast.state, at, holder, members), warnings: [] };
  }
  const issuerEvents = await readIssuer(store, issuer, at.knownAt);
  const holderEvents = await store.readStream(HOLDERS_STREAM);
  checkHolderKnown(holder, [issuerEvents, holderEvents], at.knownAt, `of ${issuer}`);
  return { result: projectStake({ issuerEvents, holderEvents }, { issuer, holder, group: query.group ?? false }, at), warnings: [] };
};

/** `cap-table`: every holder's shares and percentages, sorted by shares. */
export const queryCapTable = async (store: EventStore, query: CapTableQuery, now: Date): Promise<QueryAnswer<CapTableJson>> => {
  const issuer = issuerArg(query.issuer);
  const at = pointInTime(query.asOf, query.knownAt, now);
  const fast = store.derivedReads
    ? fastOwnership(store.derivedReads, issuer, at, { holders: true })
    : store.snapshots && (await tailOwnership(store, issuer, at, { holders: true }));
  if (fast) return { result: capTableFromState(fast.state, at, holderRegistry(fast.holdersTimeline ?? [])), warnings: [] };
  const issuerEvents = await readIssuer(store, issuer, at.knownAt);
  const holderEvents = await store.readStream(HOLDERS_STREAM);
  return { result: projectCapTable({ issuerEvents, holderEvents }, issuer, at), warnings: [] };
};

/** `history`: every change of a holding, over all effective dates, as known at knownAt. */
export const queryHistory = async (store: EventStore, query: HistoryQuery, now: Date): Promise<QueryAnswer<HistoryJson>> => {
  const issuer = issuerArg(query.issuer);
  const holder = query.holder === undefined ? undefined : holderArg(query.holder);
  const knownAt = knownAtArg(query.knownAt, now);
  // A store with derived reads (SQLite): only the rows the holder's entries depend on (src/holderReads.ts).
  const indexed = store.derivedReads && indexedHistory(store.derivedReads, issuer, holder, knownAt);
  if (indexed) return { result: indexed, warnings: [] };
  const issuerEvents = await readIssuer(store, issuer, knownAt);
  if (holder !== undefined) checkHolderKnown(holder, [issuerEvents, await store.readStream(HOLDERS_STREAM)], knownAt, `of ${issuer}`);
  return { result: projectHistory(issuerEvents, issuer, knownAt, holder), warnings: [] };
};

/** Every issuer stream of the store, in stream-name order. */
const readAllIssuers = async (store: EventStore): Promise<StoredEvent[][]> => {
  const streams = (await store.heads()).map((h) => h.stream).filter((s) => issuerOfStream(s) !== undefined);
  const out: StoredEvent[][] = [];
  for (const stream of streams) out.push(await store.readStream(stream));
  return out;
};

/** `proceeds`: realized proceeds of a holder (or group), in one issuer or all. */
export const queryProceeds = async (store: EventStore, query: ProceedsQuery, now: Date): Promise<QueryAnswer<ProceedsJson>> => {
  const holder = holderArg(query.holder);
  const issuer = query.issuer === undefined ? undefined : issuerArg(query.issuer);
  const method = methodArg(query.method);
  const currency = currencyArg(query.currency);
  const from: IsoDate | undefined = query.from === undefined ? undefined : parseDate(query.from, '--from');
  const to: IsoDate | undefined = query.to === undefined ? undefined : parseDate(query.to, '--to');
  if (from !== undefined && to !== undefined && from > to)
    fail('InvalidInput', `--from ${from} is after --to ${to}`, { flag: '--from', value: from, to });
  const knownAt = knownAtArg(query.knownAt, now);
  const request: ProceedsRequest = {
    holder,
    method,
    group: query.group ?? false,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(currency !== undefined ? { currency } : {}),
  };
  // A store with derived reads (SQLite): only the issuers naming the holder, and of those the rows its lots depend on (src/holderReads.ts).
  const indexed = store.derivedReads && indexedProceeds(store.derivedReads, request, issuer, knownAt);
  if (indexed) return { result: indexed.proceeds, warnings: indexed.warnings };
  const issuerStreams = issuer === undefined ? await readAllIssuers(store) : [await readIssuer(store, issuer, knownAt)];
  const holderEvents = await store.readStream(HOLDERS_STREAM);
  // A holder known from another issuer has simply sold nothing of this one: look further before failing.
  const known = [...issuerStreams, holderEvents];
  if (issuer !== undefined && !isNamedIn(known, holder, knownAt)) known.push(...(await readAllIssuers(store)));
  checkHolderKnown(holder, known, knownAt, 'of any issuer');
  const fxEvents = await store.readStream(FX_STREAM);
  const { proceeds, warnings } = projectProceeds({ issuerStreams, holderEvents, fxEvents }, request, knownAt);
  return { result: proceeds, warnings };
};

export { checkHolderKnown, holderArg, issuerArg, pointInTime, readIssuer };
