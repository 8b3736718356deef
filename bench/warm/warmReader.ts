import type { HolderId, Instant, IsoDate, IssuerId, StoredEvent } from '../../events/index.js';
import { HOLDERS_STREAM, instantOf, isIsoDateText, toIssuerStreamId } from '../../events/index.js';
import { AsOfIndex } from './asOfIndex.js';
import type { CapTableJson, StakeJson } from '../../projections/ownership.js';
import { groupMembers, HolderNamesAsOf, holderRegistry } from '../../projections/registry.js';
import { END_OF_TIME, type PointInTime, selectTimeline } from '../../projections/timeline.js';
import { parseDate } from '../../src/timeArguments.js';
import { fail } from '../../src/domain/problem.js';
import { selectRows } from '../../src/snapshots.js';
import type { EventStore } from '../../src/store/eventStore.js';

type Cached = { revision: number; index: AsOfIndex };

/**
 * YYYY-MM-DD naming a real day of a year from 100 on, checked with arithmetic: a warm question
 * costs about a microsecond, and the general parser (regular expression, Date) cost half of it.
 * Anything else (years 0-99 included) goes to `parseDate`, which accepts or explains.
 */
const isPlainCalendarDate = (s: string): boolean => isIsoDateText(s) && !s.startsWith('00');

/**
 * Stake and cap-table answers for a long-running process (a service, a notebook): each issuer's
 * AsOfIndex is built once per knowledge time and answers any asOf date by binary search.
 *
 * Bitemporally honest: the answers are as the ledger was known at the last `refresh()` (their
 * `knownAt` says so). `refresh()` re-reads only the streams whose head moved. Questions about
 * another knownAt go to the replaying queries in `src/queries.ts`.
 */
export class WarmReader {
  private readonly indexes = new Map<IssuerId, Cached>();
  private holders: StoredEvent[] = [];
  private names = new HolderNamesAsOf([]);
  private knownAt: Instant;

  private constructor(
    private readonly store: EventStore,
    private readonly now: () => Date,
  ) {
    this.knownAt = instantOf(now());
  }

  static async open(store: EventStore, now: () => Date = () => new Date()): Promise<WarmReader> {
    const reader = new WarmReader(store, now);
    await reader.refresh();
    return reader;
  }

  /** Catches up with the store: rebuilds the index of every issuer whose stream moved. */
  async refresh(): Promise<void> {
    const knownAt = instantOf(this.now());
    const heads = new Map((await this.store.heads()).map((h) => [h.stream, h.revision]));
    this.holders = await this.store.readStream(HOLDERS_STREAM);
    this.names = new HolderNamesAsOf(selectTimeline(this.holders, { asOf: END_OF_TIME, knownAt }));
    for (const [issuer, cached] of this.indexes) {
      if (heads.get(toIssuerStreamId(issuer)) !== cached.revision) this.indexes.delete(issuer);
    }
    this.knownAt = knownAt;
  }

  private async indexOf(issuer: IssuerId): Promise<AsOfIndex> {
    const cached = this.indexes.get(issuer);
    if (cached) return cached.index;
    const streamed = this.indexFromTimelineTable(issuer);
    if (streamed) {
      this.indexes.set(issuer, streamed);
      return streamed.index;
    }
    const events = await this.store.readStream(toIssuerStreamId(issuer));
    if (!events.some((e) => e.type === 'IssuerRegistered' && e.recordedAt <= this.knownAt))
      return fail('UnknownIssuer', `unknown issuer ${issuer}`, { issuer });
    const index = AsOfIndex.build(issuer, selectTimeline(events, { asOf: END_OF_TIME, knownAt: this.knownAt }));
    this.indexes.set(issuer, { revision: events[events.length - 1]!.revision, index });
    return index;
  }

  /**
   * On an SQLite store, the index is folded straight from the timeline table (already in timeline
   * order, compact rows) one row at a time: a million-event issuer's envelopes are never all in
   * memory at once, only the index. Undefined on other stores, or when the stream must be read
   * through its envelopes (damaged at migration).
   */
  private indexFromTimelineTable(issuer: IssuerId): Cached | undefined {
    const reads = this.store.derivedReads;
    const stream = toIssuerStreamId(issuer);
    if (!reads) return undefined;
    return reads.consistent(() => {
      if (reads.isDamaged(stream)) return undefined;
      if (!reads.isRegistered(stream, this.knownAt)) return fail('UnknownIssuer', `unknown issuer ${issuer}`, { issuer });
      const revision = reads.head(stream);
      return {
        revision,
        index: AsOfIndex.build(issuer, selectRows(reads, stream, '', { asOf: END_OF_TIME, knownAt: this.knownAt })),
      };
    });
  }

  /** Loads (or reuses) an issuer's index so later questions about it need no I/O. */
  async warm(issuer: IssuerId): Promise<void> {
    await this.indexOf(issuer);
  }

  private pointInTime(asOf: string): PointInTime {
    return { asOf: isPlainCalendarDate(asOf) ? (asOf as IsoDate) : parseDate(asOf, '--as-of'), knownAt: this.knownAt };
  }

  /** docs/queries.md#stake stake as of `asOf`, as known at the last refresh. Synchronous once the issuer is warm. */
  stake(issuer: IssuerId, holder: HolderId, asOf: string, options: { group?: boolean } = {}): StakeJson {
    const cached = this.indexes.get(issuer);
    if (!cached) throw new Error(`issuer ${issuer} is not warm: await warm(issuer) first`);
    const at = this.pointInTime(asOf);
    if (!options.group) return cached.index.stake(at, holder);
    const members = groupMembers(holderRegistry(selectTimeline(this.holders, at)), holder);
    return cached.index.stake(at, holder, members);
  }

  capTable(issuer: IssuerId, asOf: string): CapTableJson {
    const cached = this.indexes.get(issuer);
    if (!cached) throw new Error(`issuer ${issuer} is not warm: await warm(issuer) first`);
    const at = this.pointInTime(asOf);
    return cached.index.capTable(at, (holder) => this.names.nameOn(holder, at.asOf));
  }
}
