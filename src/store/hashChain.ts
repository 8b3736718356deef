import crypto, { createHash } from 'node:crypto';
import { canonicalStoredText, type EventEnvelope, type Instant, type StoredEvent } from '../../events/index.js';

/** The prevHash of a stream's first event (docs/integrity.md). */
export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 hex of prevHash + "\n" + the RFC 8785 canonical JSON of the stored envelope without `hash`. */
export const hashOf = (event: Omit<StoredEvent, 'hash'> & { hash?: string }): string =>
  sha256Hex(`${event.prevHash}\n${canonicalStoredText(event)}`);

/** One-shot crypto.hash where Node has it (20.12+): no Hash object per event. */
const sha256Hex: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (text) => (crypto as unknown as { hash: (algorithm: string, data: string, encoding: 'hex') => string }).hash('sha256', text, 'hex')
    : (text) => createHash('sha256').update(text).digest('hex');

export type StreamTip = Readonly<{ revision: number; hash: string }>;
export const EMPTY_TIP: StreamTip = { revision: -1, hash: GENESIS_HASH };

/** Gives events their place at the end of a stream: revisions, recordedAt, actor and the hash chain. */
export const sealEvents = (
  stream: string,
  tip: StreamTip,
  events: ReadonlyArray<EventEnvelope>,
  recordedAt: Instant,
  actor: string,
): StoredEvent[] => {
  const sealed: StoredEvent[] = [];
  let { revision, hash } = tip;
  for (const event of events) {
    revision += 1;
    // Built field by field rather than spread: a spread of envelopes of several shapes is the
    // slow generic copy, and this runs for every event of an import. Optional fields go last,
    // so all sealed events share a few shapes.
    const e: Record<string, unknown> = {
      id: event.id,
      stream,
      revision,
      type: event.type,
      date: event.date,
      data: event.data,
      recordedAt,
      actor,
      prevHash: hash,
      hash: '',
    };
    if (event.issuer !== undefined) e['issuer'] = event.issuer;
    if (event.source !== undefined) e['source'] = event.source;
    if (event.note !== undefined) e['note'] = event.note;
    e['hash'] = hash = hashOf(e as StoredEvent);
    sealed.push(e as StoredEvent);
  }
  return sealed;
};

/**
 * sealEvents for events already laid out as stored events of `stream` by the decision
 * (Decision.placed), the next revisions after `tip`: recordedAt, actor and the hash chain are
 * filled in place, so the timeline's object becomes the stored one. The hashes are those
 * sealEvents gives.
 */
export const sealPlaced = (
  stream: string,
  tip: StreamTip,
  events: ReadonlyArray<EventEnvelope & { stream?: string; revision?: number }>,
  recordedAt: Instant,
  actor: string,
): StoredEvent[] => {
  let { revision, hash } = tip;
  for (const event of events) {
    revision += 1;
    if (event.stream !== stream || event.revision !== revision)
      throw new Error(`bug: event ${event.id} laid out as ${event.stream}@${event.revision}, sealed as ${stream}@${revision}`);
    const e = event as unknown as Record<string, unknown>;
    e['recordedAt'] = recordedAt;
    e['actor'] = actor;
    e['prevHash'] = hash;
    e['hash'] = hash = hashOf(e as StoredEvent);
  }
  return events as unknown as StoredEvent[];
};

export type ChainBreak = Readonly<{ stream: string; revision: number; kind: 'revision' | 'prevHash' | 'hash' | 'stream'; message: string }>;

/** Recomputes one stream's chain; the first place it breaks, or undefined when it holds. */
export const checkChain = (stream: string, events: ReadonlyArray<StoredEvent>): ChainBreak | undefined => {
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.stream !== stream)
      return { stream, revision: i, kind: 'stream', message: `event ${e.id} at revision ${i} names stream ${e.stream}` };
    if (e.revision !== i)
      return {
        stream,
        revision: i,
        kind: 'revision',
        message: `expected revision ${i}, found ${e.revision} (an event was deleted, inserted or moved)`,
      };
    if (e.prevHash !== prev)
      return { stream, revision: i, kind: 'prevHash', message: `prevHash does not match the hash of revision ${i - 1}` };
    const actual = hashOf(e);
    if (actual !== e.hash)
      return {
        stream,
        revision: i,
        kind: 'hash',
        message: `stored hash ${e.hash.slice(0, 12)}… does not match the content (${actual.slice(0, 12)}…): the event was edited`,
      };
    prev = e.hash;
  }
  return undefined;
};
