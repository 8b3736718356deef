import { createHash, randomUUID } from 'node:crypto';
import type { DraftEvent, EventId } from '../../events/index.js';
import { canonicalContentText } from '../../events/index.js';

/** The UUID namespace of shareledger's derived event ids (a fixed random v4). */
const NAMESPACE = Buffer.from('6f1c2d8e4b7a4f0e9a35c1d2e3f40517', 'hex');

/** An RFC 4122 version-5 (SHA-1, name-based) UUID. */
const uuidV5 = (name: string): EventId => {
  const bytes = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` as EventId;
};

/** A fresh id for an event appended by hand. */
export const newEventId = (): EventId => randomUUID() as EventId;

/**
 * Assigns ids to the drafts of one file, in order: their own, or one derived (SPEC §7) from the
 * line's canonical content and its occurrence (1, 2, …) among identical lines of the file, so
 * re-running an interrupted import appends nothing twice while repeated lines stay distinct.
 */
export const assignImportIds = (drafts: ReadonlyArray<DraftEvent>): EventId[] => {
  const occurrences = new Map<string, number>();
  return drafts.map((draft) => {
    if (draft.id !== undefined) return draft.id;
    const key = canonicalContentText(draft);
    const n = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, n);
    return uuidV5(`${key}\n${n}`);
  });
};
