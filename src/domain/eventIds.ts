import { randomUUID } from 'node:crypto';
import { v5 as uuidV5 } from 'uuid';
import type { DraftEvent, EventId } from '../../events/index.js';
import { canonicalContentText } from '../../events/index.js';
import { UuidSet } from './uuidSet.js';

/** The UUID namespace of shareledger's derived event ids (a fixed random v4), as bytes: parsed once, not per id. */
const NAMESPACE = Uint8Array.from(Buffer.from('6f1c2d8e4b7a4f0e9a35c1d2e3f40517', 'hex'));

/**
 * An RFC 9562 version-5 (SHA-1, name-based) UUID of `name`'s UTF-8 bytes. Given as bytes: the
 * uuid package encodes a string name with a slower UTF-8 encoder of its own, and an import of a
 * file without ids derives one id per line.
 */
const derivedId = (name: string): EventId => uuidV5(Buffer.from(name, 'utf8'), NAMESPACE) as EventId;

/** A fresh id for an event appended by hand. */
export const newEventId = (): EventId => randomUUID() as EventId;

/**
 * Gives the lines of one file their ids as they come, in order: their own, or one derived from the
 * line's canonical content and its occurrence (1, 2, …) among identical lines of the file, so
 * re-running an interrupted import appends nothing twice while repeated lines stay distinct.
 *
 * It remembers the id of each content's first occurrence (16 bytes a content, see UuidSet) and a
 * count only for contents seen more than once: a file of millions of lines need not be held.
 */
export class ImportIds {
  private readonly firsts = new UuidSet();
  /** The occurrences so far of each repeated content, by the id of its first. */
  private readonly repeats = new Map<string, number>();

  idFor(draft: DraftEvent): EventId {
    if (draft.id !== undefined) return draft.id;
    const key = canonicalContentText(draft);
    const first = derivedId(`${key}\n1`);
    if (this.firsts.add(first)) return first;
    const n = (this.repeats.get(first) ?? 1) + 1;
    this.repeats.set(first, n);
    return derivedId(`${key}\n${n}`);
  }
}

/** The ids of a whole file's drafts (see ImportIds). */
export const assignImportIds = (drafts: ReadonlyArray<DraftEvent>): EventId[] => {
  const ids = new ImportIds();
  return drafts.map((draft) => ids.idFor(draft));
};
