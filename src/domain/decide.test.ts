import { describe, expect, it } from 'vitest';
import type { EventId, IssuerId } from '../../events/index.js';
import { blockSale, draft, issued, registered, scenario } from '../../tests/support/decideHarness.js';
import type { Decision } from './decide.js';
import { IssuerTimeline } from './issuerTimeline.js';

const rejection = (d: Decision) => {
  if (d.ok) throw new Error('expected a rejection, the events were accepted');
  return d.problem;
};
const accepted = (d: Decision) => {
  if (!d.ok) throw new Error(`expected acceptance, got ${d.problem.kind}: ${d.problem.message}`);
  return d.planned;
};
const changes = (d: Decision) => accepted(d).flatMap((p) => p.changes.map((c) => `${c.holder}:${c.class}:${c.before}->${c.after}`));

const ev = (type: string, date: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  draft({ type, issuer: 'sensetime', date, data, ...extra });

describe('IssuerRegistered', () => {
  it('must be the first event of its stream', () => {
    expect(rejection(scenario().when(issued('alice', '10')))).toMatchObject({ kind: 'UnknownIssuer' });
  });
  it('cannot be registered twice', () => {
    expect(rejection(scenario().given(registered()).when(registered('2019-01-01')))).toMatchObject({ kind: 'IssuerAlreadyRegistered' });
  });
  it('its date is the earliest allowed date', () => {
    const p = rejection(
      scenario()
        .given(registered('2018-01-01'))
        .when(issued('alice', '10', '2017-12-31')),
    );
    expect(p).toMatchObject({ kind: 'BeforeRegistration' });
    expect(p.message).toContain('2018-01-01');
  });
});

describe('ShareClassAdded', () => {
  it('adds a class usable from its date on', () => {
    const s = scenario().given(registered(), ev('ShareClassAdded', '2019-01-01', { class: 'pref', votesPerShare: 0 }));
    expect(changes(s.when(issued('alice', '5', '2019-01-01', 'pref')))).toEqual(['alice:pref:0->5']);
    expect(rejection(s.when(issued('bob', '5', '2018-12-31', 'pref')))).toMatchObject({ kind: 'UnknownClass' });
  });
  it('rejects a class that exists', () => {
    expect(
      rejection(
        scenario()
          .given(registered())
          .when(ev('ShareClassAdded', '2019-01-01', { class: 'B', votesPerShare: 1 })),
      ),
    ).toMatchObject({
      kind: 'ClassAlreadyExists',
    });
  });
});

describe('SharesIssued and FundingRoundClosed', () => {
  it('issue new shares to the holder', () => {
    expect(changes(scenario().given(registered()).when(issued('alice', '100')))).toEqual(['alice:B:0->100']);
  });
  it('reject an unknown class, naming it', () => {
    const p = rejection(
      scenario()
        .given(registered())
        .when(issued('alice', '100', '2018-06-01', 'C')),
    );
    expect(p).toMatchObject({ kind: 'UnknownClass' });
    expect(p.message).toContain('class C');
  });
  it('issue every allocation of a round', () => {
    const round = ev('FundingRoundClosed', '2018-05-01', {
      round: 'Series C',
      class: 'B',
      pricePerShare: '0.5',
      currency: 'USD',
      allocations: [
        { holder: 'taobao-holding', shares: '600' },
        { holder: 'temasek', shares: '400' },
      ],
    });
    expect(changes(scenario().given(registered()).when(round))).toEqual(['taobao-holding:B:0->600', 'temasek:B:0->400']);
  });
});

describe('IPOCompleted', () => {
  const ipo = (data: Record<string, unknown>) =>
    ev('IPOCompleted', '2021-12-30', {
      exchange: 'HKEX',
      ticker: '0020',
      class: 'B',
      offerPrice: '3.85',
      currency: 'HKD',
      newShares: '1000',
      ...data,
    });
  it('converts, issues to public, then moves secondary sales to public, in that order', () => {
    const s = scenario().given(
      registered(),
      ev('ShareClassAdded', '2018-02-01', { class: 'pref', votesPerShare: 1 }),
      issued('vc', '10', '2018-06-01', 'pref'),
    );
    const d = s.when(
      ipo({ conversions: [{ fromClass: 'pref', toClass: 'B', ratio: '2.5' }], secondarySales: [{ seller: 'vc', shares: '25' }] }),
    );
    // vc's 10 pref become 25 B, which all go to public with the 1000 new shares: vc's B nets to 0.
    expect(changes(d).sort()).toEqual(['public:B:0->1025', 'vc:pref:10->0']);
  });
  it('rejects a conversion that leaves a holder with a fraction of a share', () => {
    const s = scenario().given(
      registered(),
      ev('ShareClassAdded', '2018-02-01', { class: 'pref', votesPerShare: 1 }),
      issued('vc', '3', '2018-06-01', 'pref'),
    );
    expect(rejection(s.when(ipo({ conversions: [{ fromClass: 'pref', toClass: 'B', ratio: '0.5' }] })))).toMatchObject({
      kind: 'FractionalShares',
    });
  });
  it('rejects a secondary sale larger than the seller holds after conversions', () => {
    const s = scenario().given(registered(), issued('vc', '10'));
    expect(rejection(s.when(ipo({ secondarySales: [{ seller: 'vc', shares: '11' }] })))).toMatchObject({ kind: 'InsufficientShares' });
  });
});

describe('BlockSale', () => {
  it('moves shares from seller to buyer (public by default)', () => {
    const s = scenario().given(registered(), issued('taobao-holding', '1000'));
    expect(changes(s.when(blockSale('taobao-holding', '400', '2023-07-06')))).toEqual(['taobao-holding:B:1000->600', 'public:B:0->400']);
  });
  it('rejects an over-sale with a message naming holder, class and shares', () => {
    const p = rejection(
      scenario()
        .given(registered())
        .when(blockSale('taobao-holding', '557000000', '2023-07-06')),
    );
    expect(p.kind).toBe('InsufficientShares');
    expect(p.message).toBe('BlockSale 2023-07-06: taobao-holding holds 0 class B shares of sensetime (needs 557000000)');
  });
  it('rejects a sale to itself', () => {
    const s = scenario().given(registered(), issued('a', '10'));
    expect(rejection(s.when(blockSale('a', '1', '2023-01-01', { buyer: 'a' })))).toMatchObject({ kind: 'SelfTransfer' });
  });
  it('rejects a back-dated sale that would make a later sale impossible', () => {
    const s = scenario().given(registered(), issued('t', '1000'), blockSale('t', '800', '2023-07-06'));
    const p = rejection(s.when(blockSale('t', '300', '2023-04-01')));
    expect(p.kind).toBe('InsufficientShares');
    expect(p.message).toContain('back-dated BlockSale 2023-04-01');
    expect(p.message).toContain('BlockSale 2023-07-06: t holds 700 class B shares of sensetime (needs 800)');
  });
  it('accepts a back-dated sale that leaves later sales possible, re-checked at its date', () => {
    const s = scenario().given(registered(), issued('t', '1000'), blockSale('t', '800', '2023-07-06'));
    expect(changes(s.when(blockSale('t', '200', '2023-04-01')))).toEqual(['t:B:1000->800', 'public:B:0->200']);
  });
});

describe('SharesTransferred and SharesRepurchased', () => {
  it('transfers between holders, never to oneself', () => {
    const s = scenario().given(registered(), issued('a', '10'));
    expect(changes(s.when(ev('SharesTransferred', '2019-01-01', { from: 'a', to: 'b', class: 'B', shares: '4' })))).toEqual([
      'a:B:10->6',
      'b:B:0->4',
    ]);
    expect(rejection(s.when(ev('SharesTransferred', '2019-01-01', { from: 'a', to: 'a', class: 'B', shares: '4' })))).toMatchObject({
      kind: 'SelfTransfer',
    });
  });
  it('repurchases from public by default and cancels the shares', () => {
    const s = scenario().given(registered(), issued('public', '10'));
    const d = s.when(ev('SharesRepurchased', '2019-01-01', { class: 'B', shares: '4', pricePerShare: '2', currency: 'HKD' }));
    expect(changes(d)).toEqual(['public:B:10->6']);
    const t = s.timeline('issuer-sensetime') as IssuerTimeline;
    expect(t.endState.outstanding.get('B' as never)).toBe(6n);
    expect(rejection(s.when(ev('SharesRepurchased', '2019-01-02', { class: 'B', shares: '7' })))).toMatchObject({
      kind: 'InsufficientShares',
    });
  });
});

describe('StockSplit and SharesConverted', () => {
  it('splits every class when no class is given', () => {
    const s = scenario().given(registered(), issued('a', '10', '2018-06-01', 'A'), issued('b', '4'));
    expect(changes(s.when(ev('StockSplit', '2019-01-01', { numerator: 3, denominator: 2 })))).toEqual(['a:A:10->15', 'b:B:4->6']);
  });
  it('rejects a split that leaves a fraction of a share', () => {
    const s = scenario().given(registered(), issued('b', '5'));
    const p = rejection(s.when(ev('StockSplit', '2019-01-01', { class: 'B', numerator: 1, denominator: 2 })));
    expect(p).toMatchObject({ kind: 'FractionalShares' });
    expect(p.message).toContain("b's 5 class B shares");
  });
  it('converts a holder between classes at a ratio', () => {
    const s = scenario().given(registered(), issued('a', '10', '2018-06-01', 'A'));
    expect(
      changes(s.when(ev('SharesConverted', '2019-01-01', { holder: 'a', fromClass: 'A', toClass: 'B', shares: '4', ratio: '1.5' }))),
    ).toEqual(['a:A:10->6', 'a:B:0->6']);
    expect(
      rejection(s.when(ev('SharesConverted', '2019-01-01', { holder: 'a', fromClass: 'A', toClass: 'A', shares: '4' }))),
    ).toMatchObject({ kind: 'SameClass' });
    expect(
      rejection(s.when(ev('SharesConverted', '2019-01-01', { holder: 'a', fromClass: 'A', toClass: 'B', shares: '3', ratio: '0.5' }))),
    ).toMatchObject({
      kind: 'FractionalShares',
    });
  });
});

describe('StakeDisclosed', () => {
  it('changes no holding but needs an existing class', () => {
    const s = scenario().given(registered());
    expect(changes(s.when(ev('StakeDisclosed', '2023-07-06', { holder: 'taobao-holding', class: 'B', percent: '3.2' })))).toEqual([]);
    expect(rejection(s.when(ev('StakeDisclosed', '2023-07-06', { holder: 'x', class: 'Z', shares: '1' })))).toMatchObject({
      kind: 'UnknownClass',
    });
  });
});

describe('EventRetracted', () => {
  const issuance = { ...issued('t', '1000'), id: '11111111-1111-4111-8111-111111111111' as EventId };
  const retract = (eventId: string, date = '2024-01-01') => ev('EventRetracted', date, { eventId, reason: 'entered twice' });
  it('removes the target from the timeline', () => {
    expect(changes(scenario().given(registered(), issuance).when(retract(issuance.id)))).toEqual(['t:B:1000->0']);
  });
  it('is rejected while later sales depend on the target, and accepted once they are retracted', () => {
    const sale = { ...blockSale('t', '800', '2023-07-06'), id: '22222222-2222-4222-8222-222222222222' as EventId };
    const s = scenario().given(registered(), issuance, sale);
    const p = rejection(s.when(retract(issuance.id)));
    expect(p.kind).toBe('InsufficientShares');
    expect(p.message).toContain('retracting SharesIssued 2018-06-01');
    s.given(retract(sale.id));
    accepted(s.when(retract(issuance.id)));
  });
  it('rejects unknown, already retracted, IssuerRegistered and retraction targets', () => {
    const reg = { ...registered(), id: '33333333-3333-4333-8333-333333333333' as EventId };
    const r1 = { ...retract(issuance.id), id: '44444444-4444-4444-8444-444444444444' as EventId };
    const s = scenario().given(reg, issuance, r1);
    expect(rejection(s.when(retract('55555555-5555-4555-8555-555555555555')))).toMatchObject({ kind: 'UnknownEvent' });
    expect(rejection(s.when(retract(issuance.id)))).toMatchObject({ kind: 'InvalidRetraction' });
    expect(rejection(s.when(retract(reg.id)))).toMatchObject({ kind: 'InvalidRetraction' });
    expect(rejection(s.when(retract(r1.id)))).toMatchObject({ kind: 'InvalidRetraction' });
  });
  it('must be in the stream of its target', () => {
    const other = {
      ...draft({
        type: 'IssuerRegistered',
        issuer: 'other',
        date: '2018-01-01',
        data: { name: 'O', currency: 'HKD', classes: [{ class: 'B', votesPerShare: 1 }] },
      }),
    };
    const s = scenario().given(registered(), issuance, other);
    const wrong = draft({ type: 'EventRetracted', issuer: 'other', date: '2024-01-01', data: { eventId: issuance.id, reason: 'x' } });
    expect(rejection(s.when(wrong))).toMatchObject({ kind: 'InvalidRetraction' });
  });
});

describe('event ids', () => {
  const id = '66666666-6666-4666-8666-666666666666' as EventId;
  it('an id stored with identical content is already present, with different content rejected', () => {
    const s = scenario().given(registered(), { ...issued('a', '10'), id });
    expect(accepted(s.when({ ...issued('a', '10'), id }))[0]).toMatchObject({ status: 'alreadyPresent', revision: 1 });
    expect(rejection(s.when({ ...issued('a', '11'), id }))).toMatchObject({ kind: 'DuplicateEventId' });
  });
  it('a batch is decided in order and rejected whole', () => {
    const s = scenario().given(registered());
    const d = s.when(issued('a', '10'), blockSale('a', '10', '2019-01-01'), blockSale('a', '1', '2019-01-02'));
    expect(rejection(d)).toMatchObject({ kind: 'InsufficientShares' });
  });
});

describe('HolderRegistered', () => {
  const holder = (h: string, controlledBy?: string, date = '2020-01-01') =>
    draft({ type: 'HolderRegistered', date, data: { holder: h, name: h.toUpperCase(), ...(controlledBy ? { controlledBy } : {}) } });
  it('rejects control cycles, direct, indirect and back-dated', () => {
    expect(rejection(scenario().when(holder('a', 'a')))).toMatchObject({ kind: 'ControlCycle' });
    const s = scenario().given(holder('a', 'b'), holder('b', 'c'));
    expect(rejection(s.when(holder('c', 'a')))).toMatchObject({ kind: 'ControlCycle' });
    // b stops being controlled by c in 2021; c → a is fine after that but not before.
    s.given(holder('b', undefined, '2021-01-01'));
    accepted(s.when(holder('c', 'a', '2021-06-01')));
    expect(
      rejection(
        scenario()
          .given(holder('a', 'b'), holder('b', 'c'), holder('b', undefined, '2021-01-01'))
          .when(holder('c', 'a', '2020-06-01')),
      ),
    ).toMatchObject({
      kind: 'ControlCycle',
    });
  });
});

describe('FxRateRecorded', () => {
  it('needs two different currencies', () => {
    const fx = (base: string, quote: string) => draft({ type: 'FxRateRecorded', date: '2020-01-01', data: { base, quote, rate: '7.8' } });
    accepted(scenario().when(fx('USD', 'HKD')));
    expect(rejection(scenario().when(fx('HKD', 'HKD')))).toMatchObject({ kind: 'InvalidFxRate' });
  });
});

describe('IssuerTimeline.correct', () => {
  it('validates the retraction and its replacement as one change', () => {
    const original = { ...issued('t', '1000'), id: '77777777-7777-4777-8777-777777777777' as EventId };
    const s = scenario().given(registered(), original, blockSale('t', '800', '2023-07-06'));
    const t = s.timeline('issuer-sensetime') as IssuerTimeline;
    const retraction = {
      ...draft({ type: 'EventRetracted', issuer: 'sensetime', date: '2024-01-01', data: { eventId: original.id, reason: 'typo' } }),
      id: '88888888-8888-4888-8888-888888888888' as EventId,
      revision: t.nextRevision,
    };
    const lower = { ...issued('t', '900'), id: '99999999-9999-4999-8999-999999999999' as EventId, revision: t.nextRevision + 1 };
    const tooLow = { ...lower, data: { ...lower.data, shares: 700n } } as typeof lower;
    expect(t.correct(retraction as never, tooLow)).toMatchObject({ problem: { kind: 'InsufficientShares' } });
    const ok = t.correct(retraction as never, lower);
    expect(ok).toEqual({ changes: [{ class: 'B', holder: 't', before: 0n, after: 900n }] });
    expect(t.endState.holdings.get('B' as never)?.get('t' as never)).toBe(100n);
    expect(t.issuer).toBe('sensetime' as IssuerId);
  });
});

describe('IPOCompleted with chained conversions', () => {
  it('reports the holders moved through every step (A→B, then B→C)', () => {
    const s = scenario().given(
      registered('2018-01-01', [
        { class: 'A', votesPerShare: 1 },
        { class: 'B', votesPerShare: 1 },
        { class: 'C', votesPerShare: 1 },
      ]),
      issued('vc', '10', '2018-06-01', 'A'),
    );
    const d = s.when(
      ev('IPOCompleted', '2021-12-30', {
        exchange: 'HKEX',
        ticker: '0020',
        class: 'C',
        offerPrice: '3.85',
        currency: 'HKD',
        newShares: '0',
        conversions: [
          { fromClass: 'A', toClass: 'B', ratio: '1' },
          { fromClass: 'B', toClass: 'C', ratio: '2' },
        ],
      }),
    );
    expect(changes(d).sort()).toEqual(['vc:A:10->0', 'vc:C:0->20']);
  });
});
