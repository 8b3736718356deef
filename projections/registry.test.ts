import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventId, HolderId, IsoDate } from '../events/index.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { groupHistory, groupMembers, holderRegistries, holderRegistry } from './registry.js';

const HOLDERS = ['h-a', 'h-b', 'h-c', 'h-d'] as HolderId[];
const DATES = ['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-04'] as IsoDate[];

/** A `holders` timeline in (date, revision) order; controllers point only at holders registered earlier, so no cycles. */
const timelines = fc
  .array(
    fc.record({
      date: fc.constantFrom(...DATES),
      holder: fc.nat(3),
      controller: fc.option(fc.nat(3), { nil: undefined }),
      name: fc.nat(9),
    }),
    { maxLength: 12 },
  )
  .map((rows) =>
    rows
      .map((r, revision) => ({ ...r, revision }))
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.revision - b.revision))
      .map(
        (r): PlacedEvent =>
          ({
            id: `00000000-0000-4000-8000-${String(r.revision).padStart(12, '0')}` as EventId,
            revision: r.revision,
            type: 'HolderRegistered',
            date: r.date,
            data: {
              holder: HOLDERS[r.holder]!,
              name: `name ${r.name}`,
              controlledBy: r.controller !== undefined && r.controller < r.holder ? HOLDERS[r.controller] : undefined,
            },
          }) as PlacedEvent,
      ),
  );

/** Reads each event once, as the store's rows arrive: a second pass would find nothing. */
const once = <T>(items: ReadonlyArray<T>): Iterable<T> => items.values();

describe('holder registry (docs/queries.md#stake)', () => {
  it('gives, in one pass, the registry after the events dated up to a day and at the end', () => {
    fc.assert(
      fc.property(timelines, fc.constantFrom('2019-12-31', ...DATES), (timeline, split) => {
        const { atSplit, end } = holderRegistries(once(timeline), split as IsoDate);
        expect(atSplit).toEqual(holderRegistry(timeline.filter((e) => e.date <= split)));
        expect(end).toEqual(holderRegistry(timeline));
      }),
    );
  });

  it("group history: one member set per date, each the group after that date's last event", () => {
    fc.assert(
      fc.property(timelines, (timeline) => {
        const history = groupHistory(once(timeline), HOLDERS[0]!);
        const dates = [...new Set(timeline.map((e) => e.date))];
        expect(history.periods.map((p) => p.from)).toEqual(dates);
        history.periods.forEach((p) =>
          expect([...p.members]).toEqual(groupMembers(holderRegistry(timeline.filter((e) => e.date <= p.from)), HOLDERS[0]!)),
        );
      }),
    );
  });
});
