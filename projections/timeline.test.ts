import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventId, Instant, IsoDate, StoredEvent } from '../events/index.js';
import { toIssuerStreamId, type IssuerId } from '../events/index.js';
import { Ledger } from '../src/ledger.js';
import { createMemoryStore } from '../src/store/memoryStore.js';
import { byEffectivePoint } from '../src/domain/timeline.js';
import { END_OF_TIME, selectTimeline } from './timeline.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` as EventId;
const issue = (n: number, date: string, shares: string) => ({
  id: id(n),
  type: 'SharesIssued',
  issuer: 'acme',
  date,
  data: { holder: 'alice', class: 'B', shares, pricePerShare: '1', currency: 'USD' },
});

/** Recorded on Jan 1: registration and an issue dated 2020-03-01; Feb 1: one back-dated to 2020-02-01; Mar 1: the first retracted. */
const bitemporalStream = async () => {
  const store = createMemoryStore();
  let clock = '2024-01-01T00:00:00.000Z';
  const ledger = new Ledger({ store, actor: 'test', now: () => new Date(clock) });
  await ledger.import(
    [
      {
        id: id(1),
        type: 'IssuerRegistered',
        issuer: 'acme',
        date: '2020-01-01',
        data: { name: 'Acme', currency: 'USD', classes: [{ class: 'B', votesPerShare: 1 }] },
      },
      issue(2, '2020-03-01', '100'),
    ]
      .map((e) => JSON.stringify(e))
      .join('\n'),
  );
  clock = '2024-02-01T00:00:00.000Z';
  await ledger.import(JSON.stringify(issue(3, '2020-02-01', '5')));
  clock = '2024-03-01T00:00:00.000Z';
  await ledger.retract(id(2), 'wrong amount');
  return store.readStream(toIssuerStreamId('acme' as IssuerId));
};

const ids = (events: ReadonlyArray<{ id: string }>) => events.map((e) => e.id);
const at = (knownAt: string, asOf: string = END_OF_TIME) => ({ asOf: asOf as IsoDate, knownAt: knownAt as Instant });

describe('selectTimeline (docs/queries.md)', () => {
  it('orders by (date, revision): a back-dated event comes before later-dated ones', async () => {
    const stream = await bitemporalStream();
    expect(ids(selectTimeline(stream, at('2024-02-15T00:00:00.000Z')))).toEqual([id(1), id(3), id(2)]);
  });

  it('sees a back-dated event only for knownAt at or after its recordedAt', async () => {
    const stream = await bitemporalStream();
    expect(ids(selectTimeline(stream, at('2024-01-31T23:59:59.999Z')))).toEqual([id(1), id(2)]);
    expect(ids(selectTimeline(stream, at('2024-02-01T00:00:00.000Z')))).toEqual([id(1), id(3), id(2)]);
  });

  it('a retraction counts only from its recordedAt on; it never appears itself', async () => {
    const stream = await bitemporalStream();
    expect(ids(selectTimeline(stream, at('2024-02-29T23:59:59.999Z')))).toEqual([id(1), id(3), id(2)]);
    expect(ids(selectTimeline(stream, at('2024-03-01T00:00:00.000Z')))).toEqual([id(1), id(3)]);
  });

  it('keeps only events dated on or before asOf (the whole day)', async () => {
    const stream = await bitemporalStream();
    expect(ids(selectTimeline(stream, at('2024-02-15T00:00:00.000Z', '2020-02-29')))).toEqual([id(1), id(3)]);
    expect(ids(selectTimeline(stream, at('2024-02-15T00:00:00.000Z', '2020-03-01')))).toEqual([id(1), id(3), id(2)]);
  });
});

describe('selectTimeline is the definition of the timeline (docs/queries.md), computed faster', () => {
  /** The definition, literally: filter, then sort everything by (date, revision). */
  const reference = (events: ReadonlyArray<StoredEvent>, asOf: string, knownAt: string) => {
    const retracted = new Set(
      events.filter((e) => e.type === 'EventRetracted' && e.recordedAt <= knownAt).map((e) => (e.data as { eventId: string }).eventId),
    );
    return events
      .filter((e) => e.recordedAt <= knownAt && e.date <= asOf && e.type !== 'EventRetracted' && !retracted.has(e.id))
      .sort(byEffectivePoint);
  };
  const day = (n: number) => new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  const instant = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString();

  it('gives the same events in the same order for any stream, asOf and knownAt (back-dated runs, retractions)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            day: fc.integer({ min: 0, max: 60 }),
            retracts: fc.option(fc.nat(), { freq: 5 }),
            hour: fc.integer({ min: 0, max: 3 }),
          }),
          { maxLength: 80 },
        ),
        fc.integer({ min: -1, max: 61 }),
        fc.integer({ min: 0, max: 12 }),
        (specs, asOfDay, knownHour) => {
          let hour = 0;
          const events = specs.map((spec, revision) => {
            hour += spec.hour; // recordedAt never goes backwards within a stream
            const base = { id: id(revision + 1), revision, date: day(spec.day), recordedAt: instant(hour) };
            return (spec.retracts !== null && revision > 0
              ? { ...base, type: 'EventRetracted', data: { eventId: id((spec.retracts % revision) + 1), reason: 'r' } }
              : { ...base, type: 'StakeDisclosed', data: {} }) as unknown as StoredEvent;
          });
          const asOf = day(asOfDay);
          const knownAt = instant(knownHour);
          expect(ids(selectTimeline(events, at(knownAt, asOf)))).toEqual(ids(reference(events, asOf, knownAt)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
