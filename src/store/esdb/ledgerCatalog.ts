import type { Position } from '@eventstore/db-client';
import { isLedgerStream } from './mapping.js';

export type EventLocation = Readonly<{ stream: string; revision: bigint }>;

/** The fields of an $all record the catalog reads. */
export type CatalogRecord = Readonly<{ streamId: string; id: string; revision: bigint; position: Position }>;

const after = (a: Position, b: Position): boolean => a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);

/**
 * EventStoreDB cannot look an event up by id, and reading a stream's head costs a round trip. The
 * catalog is what this process has learnt from scanning $all: where each ledger event id lives
 * and each ledger stream's last revision. It only grows (the ledger never deletes), so it is
 * brought up to date by reading $all from the last position seen: the first use in a process
 * scans the whole log, later ones only what was appended since.
 *
 * `observe` is safe under concurrent catch-ups: a record at or before the last position seen is
 * skipped, and every catch-up reads $all in order, so whatever one run skips another has seen.
 */
export class LedgerCatalog {
  private lastPosition: Position | undefined;
  private readonly locations = new Map<string, EventLocation>();
  private readonly lastRevisions = new Map<string, bigint>();

  /** Where the next catch-up starts (inclusive or not, `observe` skips what it has seen). */
  get position(): Position | undefined {
    return this.lastPosition;
  }

  observe(record: CatalogRecord): void {
    if (this.lastPosition && !after(record.position, this.lastPosition)) return;
    this.lastPosition = record.position;
    if (!isLedgerStream(record.streamId)) return;
    this.locations.set(record.id.toLowerCase(), { stream: record.streamId, revision: record.revision });
    const last = this.lastRevisions.get(record.streamId);
    if (last === undefined || record.revision > last) this.lastRevisions.set(record.streamId, record.revision);
  }

  locate(id: string): EventLocation | undefined {
    return this.locations.get(id.toLowerCase());
  }

  /** The stream's last revision as last seen, -1n when it was never seen. */
  lastRevision(stream: string): bigint {
    return this.lastRevisions.get(stream) ?? -1n;
  }

  streams(): string[] {
    return [...this.lastRevisions.keys()];
  }
}
