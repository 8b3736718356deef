import type { JSONType } from '@eventstore/db-client';
import { decodeIdFilter, encodeIdFilter } from '../idFilter.js';
import type { StreamSnapshot } from '../streamSnapshot.js';

/**
 * Where an issuer stream's snapshots live: `snapshot-issuer-<id>`. Not a `$` name (those are the
 * server's own system streams, which need admin rights), and not a ledger stream (`isLedgerStream`
 * is false), so readAll, heads, verify, copy and subscriptions skip it.
 */
export const snapshotStreamOf = (stream: string): string => `snapshot-${stream}`;

export const SNAPSHOT_EVENT_TYPE = 'LedgerSnapshot';

/** Snapshots kept per stream ($maxCount): the latest is the one read; the server scavenges older ones. */
export const SNAPSHOTS_KEPT = 2;

/** A snapshot as the JSON data of its EventStoreDB event. */
export const toSnapshotData = (s: StreamSnapshot): JSONType => ({
  stream: s.stream,
  revision: s.revision,
  hash: s.hash,
  date: s.date,
  recordedAt: s.recordedAt,
  state: s.state,
  ids: encodeIdFilter(s.ids),
});

const isText = (u: unknown): u is string => typeof u === 'string';

/** A snapshot event's data back, or undefined when it is not one of ours for `stream` (a cache: never an error). */
export const fromSnapshotData = (stream: string, type: string, data: unknown): StreamSnapshot | undefined => {
  if (type !== SNAPSHOT_EVENT_TYPE || typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  const ids = decodeIdFilter(d['ids']);
  const revision = d['revision'];
  if (d['stream'] !== stream || !ids || typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) return undefined;
  const { hash, date, recordedAt, state } = d;
  if (!isText(hash) || !isText(date) || !isText(recordedAt) || !isText(state)) return undefined;
  return { stream, revision, hash, date, recordedAt, state, ids };
};
