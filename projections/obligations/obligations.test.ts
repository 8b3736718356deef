import { describe, expect, it } from 'vitest';
import { e, given } from '../../tests/support/obligationsGiven.js';
import { parseHolidays, type ObligationsJson } from './index.js';

/** Given these events, when the obligations are asked, then these notices (docs/obligations.md). */

const rows = (o: ObligationsJson) => o.notices.map((n) => [n.date, n.holder, n.class, n.kind, n.percentBefore, n.percentAfter]);
const passiveRows = (o: ObligationsJson) => o.passive.map((p) => [p.date, p.holder, p.class, p.percentBefore, p.percentAfter]);
const statuses = (o: ObligationsJson) => o.notices.map((n) => [n.date, n.kind, n.dueDate, n.status, n.disclosedOn, n.businessDaysLate]);

/** 1,000 class B shares; listed on Tuesday 2021-01-05 with no new shares. */
const listed = (holdings: Record<string, number>) => [
  e.registered('2021-01-04'),
  ...Object.entries(holdings).map(([holder, shares]) => e.issued('2021-01-04', holder, shares)),
  e.ipo('2021-01-05'),
];

describe('regime hk (SFO Part XV)', () => {
  it('notices: became at the listing, crossed a whole level (5.9 → 6.2, 7.9 → 6.8, not 6.1 → 6.9), ceased, became', async () => {
    const g = await given([
      ...listed({ alice: 59, bob: 61, carol: 79, public: 801 }),
      e.issued('2021-01-04', 'alice', 500, 'N'),
      e.sale('2021-03-01', 'public', 'alice', 3),
      e.sale('2021-03-01', 'public', 'bob', 8),
      e.sale('2021-03-08', 'carol', 'public', 11),
      e.sale('2021-04-05', 'alice', 'public', 13),
      e.sale('2021-05-03', 'public', 'dave', 50),
    ]);
    const o = await g.obligations();
    expect(rows(o)).toEqual([
      ['2021-01-05', 'alice', 'B', 'became', null, '5.900000'],
      ['2021-01-05', 'bob', 'B', 'became', null, '6.100000'],
      ['2021-01-05', 'carol', 'B', 'became', null, '7.900000'],
      ['2021-03-01', 'alice', 'B', 'crossed', '5.900000', '6.200000'],
      ['2021-03-08', 'carol', 'B', 'crossed', '7.900000', '6.800000'],
      ['2021-04-05', 'alice', 'B', 'ceased', '6.200000', '4.900000'],
      ['2021-05-03', 'dave', 'B', 'became', '0.000000', '5.000000'],
    ]);
    expect(o.notices.every((n) => n.cause === 'own')).toBe(true);
    expect(o.notices[0]!.eventId).toBe(g.ids[5]); // the listing: the IPO, alice's shares did not move that day
    expect(o.notices[3]!.eventId).toBe(g.ids[7]);
    expect(o.passive).toEqual([]);
    expect(o.notices.map((n) => n.dueDate)).toEqual([
      '2021-01-08',
      '2021-01-08',
      '2021-01-08',
      '2021-03-04',
      '2021-03-11',
      '2021-04-08',
      '2021-05-06',
    ]);
  });

  it('passive: dilution by new shares and a buyback cross levels without a notice, listed apart with the event that moved the outstanding', async () => {
    const g = await given([
      ...listed({ alice: 52, public: 948 }),
      e.issued('2021-02-01', 'bob', 62),
      e.buyback('2021-03-01', 'public', 100),
    ]);
    const o = await g.obligations();
    expect(rows(o)).toEqual([
      ['2021-01-05', 'alice', 'B', 'became', null, '5.200000'],
      ['2021-02-01', 'bob', 'B', 'became', '0.000000', '5.838041'],
    ]);
    expect(passiveRows(o)).toEqual([
      ['2021-02-01', 'alice', 'B', '5.200000', '4.896422'],
      ['2021-03-01', 'alice', 'B', '4.896422', '5.405405'],
      ['2021-03-01', 'bob', 'B', '5.838041', '6.444906'],
    ]);
    expect(o.passive.map((p) => p.eventId)).toEqual([g.ids[4], g.ids[5], g.ids[5]]);
  });

  it('ignores classes without votes and the free float', async () => {
    const g = await given([...listed({ alice: 10, public: 990 }), e.issued('2021-01-04', 'alice', 900, 'N')]);
    expect((await g.obligations()).notices).toEqual([]);
  });

  it('--from/--to list the notices of the period, computed over the whole timeline', async () => {
    const g = await given([
      ...listed({ alice: 59, public: 941 }),
      e.sale('2021-03-01', 'public', 'alice', 3),
      e.sale('2021-04-05', 'alice', 'public', 13),
    ]);
    expect(rows(await g.obligations({ from: '2021-02-01', to: '2021-03-31' }))).toEqual([
      ['2021-03-01', 'alice', 'B', 'crossed', '5.900000', '6.200000'],
    ]);
  });
});

describe('regime us (Schedule 13D)', () => {
  it('initial above 5%, amendment at a 1-point move from the last notice, exit at 5% or less, initial again', async () => {
    const g = await given([
      ...listed({ alice: 50, public: 950 }),
      e.sale('2021-02-01', 'public', 'alice', 1), // 5.1: initial
      e.sale('2021-02-08', 'public', 'alice', 6), // 5.7: 0.6 from 5.1
      e.sale('2021-02-15', 'public', 'alice', 4), // 6.1: 1.0 from 5.1, amendment
      e.issued('2021-03-01', 'bob', 200), // alice 61/1200 = 5.083: passive, the tracked 6.1 stays
      e.sale('2021-03-08', 'public', 'alice', 17), // 6.5: 0.4 from 6.1
      e.sale('2021-04-05', 'alice', 'public', 18), // 5.0: exit
      e.sale('2021-05-03', 'public', 'alice', 12), // 6.0: initial again
    ]);
    const o = await g.obligations({ regime: 'us', holder: 'alice' });
    expect(o.regime).toBe('us');
    expect(rows(o)).toEqual([
      ['2021-02-01', 'alice', 'B', 'initial', '5.000000', '5.100000'],
      ['2021-02-15', 'alice', 'B', 'amendment', '5.700000', '6.100000'],
      ['2021-04-05', 'alice', 'B', 'exit', '6.500000', '5.000000'],
      ['2021-05-03', 'alice', 'B', 'initial', '5.000000', '6.000000'],
    ]);
    expect(o.notices.map((n) => n.dueDate)).toEqual(['2021-02-08', '2021-02-17', '2021-04-07', '2021-05-10']);
    expect(passiveRows(o)).toEqual([['2021-03-01', 'alice', 'B', '6.100000', '5.083333']]);
  });

  it('a passive crossing is listed on the day it happens, not again at every later dilution', async () => {
    const g = await given([
      ...listed({ alice: 60, public: 940 }), // 6.0: initial at the listing
      e.issued('2021-02-01', 'bob', 250), // alice 4.8: would be an exit, passive
      e.issued('2021-03-01', 'carol', 50), // alice 4.571: still below, nothing new
    ]);
    const o = await g.obligations({ regime: 'us', holder: 'alice' });
    expect(rows(o)).toEqual([['2021-01-05', 'alice', 'B', 'initial', null, '6.000000']]);
    expect(passiveRows(o)).toEqual([['2021-02-01', 'alice', 'B', '6.000000', '4.800000']]);
  });

  it('an initial at the listing has no percentage before', async () => {
    const g = await given(listed({ alice: 51, public: 949 }));
    expect(rows(await g.obligations({ regime: 'us' }))).toEqual([['2021-01-05', 'alice', 'B', 'initial', null, '5.100000']]);
  });
});

describe('reconciliation with StakeDisclosed', () => {
  const events = [
    ...listed({ alice: 59, public: 941 }),
    e.disclosed('2021-01-07', 'alice', 'B'), // became, due Fri 2021-01-08: on time
    e.sale('2021-03-01', 'public', 'alice', 3), // crossed, due Thu 2021-03-04
    e.disclosed('2021-03-09', 'alice', 'B'), // 3 business days late (Fri 5, Mon 8, Tue 9)
    e.sale('2021-04-05', 'alice', 'public', 13), // ceased, due Thu 2021-04-08: never filed
  ];

  it('on time, late with the business days, missing once due before asOf, else not yet due', async () => {
    const g = await given(events);
    expect(statuses(await g.obligations())).toEqual([
      ['2021-01-05', 'became', '2021-01-08', 'on-time', '2021-01-07', 0],
      ['2021-03-01', 'crossed', '2021-03-04', 'late', '2021-03-09', 3],
      ['2021-04-05', 'ceased', '2021-04-08', 'missing', null, null],
    ]);
    expect(statuses(await g.obligations({ asOf: '2021-04-08' }))[2]).toEqual([
      '2021-04-05',
      'ceased',
      '2021-04-08',
      'not-yet-due',
      null,
      null,
    ]);
    const o = await g.obligations();
    expect(o.notices[1]!.disclosureEventId).toBe(g.ids[6]);
  });

  it('counts only disclosures dated on or before asOf', async () => {
    const g = await given(events);
    expect(statuses(await g.obligations({ asOf: '2021-03-08' }))[1]).toEqual([
      '2021-03-01',
      'crossed',
      '2021-03-04',
      'missing',
      null,
      null,
    ]);
  });

  it('listed holidays are not business days', async () => {
    const g = await given(events);
    const calendar = parseHolidays('# Hong Kong, illustrative\n2021-03-03\n\n2021-01-06 # a second\n', 'holidays.txt');
    expect(statuses(await g.obligations({ calendar })).slice(0, 2)).toEqual([
      ['2021-01-05', 'became', '2021-01-11', 'on-time', '2021-01-07', 0],
      ['2021-03-01', 'crossed', '2021-03-05', 'late', '2021-03-09', 2],
    ]);
  });

  it('a disclosure without class answers for any class; one before the notice or from the next notice on does not', async () => {
    const g = await given([
      ...listed({ alice: 59, public: 941 }),
      e.disclosed('2021-01-04', 'alice'), // before the listing notice
      e.sale('2021-03-01', 'public', 'alice', 3),
      e.disclosed('2021-03-08', 'alice'), // the next notice's date: it belongs to that one
      e.sale('2021-03-08', 'alice', 'public', 13),
      e.disclosed('2021-03-08', 'bob', 'B'), // another holder
    ]);
    expect(statuses(await g.obligations())).toEqual([
      ['2021-01-05', 'became', '2021-01-08', 'missing', null, null],
      ['2021-03-01', 'crossed', '2021-03-04', 'missing', null, null],
      ['2021-03-08', 'ceased', '2021-03-11', 'on-time', '2021-03-08', 0],
    ]);
  });
});

describe('knownAt', () => {
  it('a back-dated sale changes the notices only for questions that know of it', async () => {
    const g = await given(listed({ alice: 59, public: 941 }), '2021-06-01T00:00:00.000Z');
    await g.record([e.sale('2021-03-01', 'public', 'alice', 3)], '2021-07-01T00:00:00.000Z');
    expect(rows(await g.obligations({ knownAt: '2021-06-15T00:00:00.000Z' }))).toEqual([
      ['2021-01-05', 'alice', 'B', 'became', null, '5.900000'],
    ]);
    expect(rows(await g.obligations())).toEqual([
      ['2021-01-05', 'alice', 'B', 'became', null, '5.900000'],
      ['2021-03-01', 'alice', 'B', 'crossed', '5.900000', '6.200000'],
    ]);
  });
});

describe('group view', () => {
  it("counts the controlled holders' shares under the group head; moves inside the group change nothing", async () => {
    const g = await given([
      e.holder('2021-01-04', 'alibaba'),
      e.holder('2021-01-04', 'taobao', 'alibaba'),
      ...listed({ taobao: 30, alibaba: 25, public: 945 }),
      e.sale('2021-03-01', 'taobao', 'alibaba', 10),
      e.sale('2021-04-05', 'taobao', 'public', 10),
    ]);
    expect(rows(await g.obligations({ holder: 'alibaba' }))).toEqual([]);
    const group = await g.obligations({ holder: 'alibaba', group: true });
    expect(rows(group)).toEqual([
      ['2021-01-05', 'alibaba', 'B', 'became', null, '5.500000'],
      ['2021-04-05', 'alibaba', 'B', 'ceased', '5.500000', '4.500000'],
    ]);
    expect(group.notices[1]!.eventId).toBe(g.ids[8]);
    expect(rows(await g.obligations({ group: true }))).toEqual(rows(group));
  });

  it('a holder coming under control on a date adds its interest to the group that day', async () => {
    const g = await given([
      e.holder('2021-01-04', 'alibaba'),
      e.holder('2021-01-04', 'lynx'),
      ...listed({ lynx: 30, alibaba: 25, public: 945 }),
    ]);
    const [control] = await g.record([e.holder('2021-03-01', 'lynx', 'alibaba')]);
    const o = await g.obligations({ holder: 'alibaba', group: true });
    expect(rows(o)).toEqual([['2021-03-01', 'alibaba', 'B', 'became', '2.500000', '5.500000']]);
    expect(o.notices[0]!.eventId).toBe(control);
  });
});
