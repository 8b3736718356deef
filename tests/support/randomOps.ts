import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { EventEnvelope, EventId, IssuerId } from '../../events/index.js';
import { IssuerTimeline } from '../../src/domain/issuerTimeline.js';
import type { PlacedEvent } from '../../src/domain/timeline.js';
import { draft } from './decideHarness.js';

/** Random operations on one issuer `acme` (classes A and B), and the drafts they become. */
export const ACME = 'acme' as IssuerId;

const HOLDERS = ['a', 'b', 'c', 'public'] as const;
const CLASSES = ['A', 'B'] as const;
const holder = fc.constantFrom(...HOLDERS);
const cls = fc.constantFrom(...CLASSES);
const shares = fc.integer({ min: 1, max: 500 });
/** Days after the registration date: random, so back-dated events are common. */
const day = fc.integer({ min: 0, max: 1500 });

const dateOf = (offset: number) => new Date(Date.UTC(2019, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);

export type Op = { kind: string; date: number; [k: string]: unknown };
/** What the operations draw from: holders, classes, share counts and days after the previous date or the start. */
type OpArbitraries = Readonly<{
  holder: fc.Arbitrary<string>;
  cls: fc.Arbitrary<string>;
  shares: fc.Arbitrary<number>;
  day: fc.Arbitrary<number>;
}>;
/** How often each kind of operation is drawn, relative to the others. */
type OpWeights = Readonly<Record<'issue' | 'sale' | 'transfer' | 'repurchase' | 'split' | 'convert' | 'retract', number>>;

/** Random operations over the given holders, classes, counts and days, each kind drawn by its weight. */
export const opsOver = ({ holder, cls, shares, day }: OpArbitraries, weights: OpWeights): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: weights.issue, arbitrary: fc.record({ kind: fc.constant('issue'), date: day, holder, cls, shares }) },
    { weight: weights.sale, arbitrary: fc.record({ kind: fc.constant('sale'), date: day, holder, to: holder, cls, shares }) },
    { weight: weights.transfer, arbitrary: fc.record({ kind: fc.constant('transfer'), date: day, holder, to: holder, cls, shares }) },
    { weight: weights.repurchase, arbitrary: fc.record({ kind: fc.constant('repurchase'), date: day, holder, cls, shares }) },
    {
      weight: weights.split,
      arbitrary: fc.record({
        kind: fc.constant('split'),
        date: day,
        cls: fc.option(cls),
        num: fc.integer({ min: 1, max: 3 }),
        den: fc.integer({ min: 1, max: 2 }),
      }),
    },
    {
      weight: weights.convert,
      arbitrary: fc.record({
        kind: fc.constant('convert'),
        date: day,
        holder,
        cls,
        to: cls,
        shares,
        ratio: fc.constantFrom('1', '2', '0.5'),
      }),
    },
    { weight: weights.retract, arbitrary: fc.record({ kind: fc.constant('retract'), date: day, pick: fc.nat() }) },
  );

export const op: fc.Arbitrary<Op> = opsOver(
  { holder, cls, shares, day },
  { issue: 4, sale: 4, transfer: 2, repurchase: 1, split: 1, convert: 1, retract: 2 },
);

/** `scale` multiplies every share count (beyond 2^53 to exercise the BigInt paths). */
export const toDraft = (o: Op, accepted: string[], scale = 1n) => {
  const base = { issuer: 'acme', date: dateOf(o.date) };
  const c = o['cls'] as string;
  switch (o.kind) {
    case 'issue':
      return draft({
        ...base,
        type: 'SharesIssued',
        data: { holder: o['holder'], class: c, shares: String(BigInt(o['shares'] as number) * scale), pricePerShare: '1', currency: 'USD' },
      });
    case 'sale':
      return draft({
        ...base,
        type: 'BlockSale',
        data: {
          seller: o['holder'],
          buyer: o['to'],
          class: c,
          shares: String(BigInt(o['shares'] as number) * scale),
          pricePerShare: '2',
          currency: 'USD',
        },
      });
    case 'transfer':
      return draft({
        ...base,
        type: 'SharesTransferred',
        data: { from: o['holder'], to: o['to'], class: c, shares: String(BigInt(o['shares'] as number) * scale) },
      });
    case 'repurchase':
      return draft({
        ...base,
        type: 'SharesRepurchased',
        data: { holder: o['holder'], class: c, shares: String(BigInt(o['shares'] as number) * scale) },
      });
    case 'split':
      return draft({ ...base, type: 'StockSplit', data: { ...(c ? { class: c } : {}), numerator: o['num'], denominator: o['den'] } });
    case 'convert':
      return draft({
        ...base,
        type: 'SharesConverted',
        data: {
          holder: o['holder'],
          fromClass: c,
          toClass: o['to'],
          shares: String(BigInt(o['shares'] as number) * scale),
          ratio: o['ratio'],
        },
      });
    default:
      if (accepted.length === 0) return undefined;
      return draft({
        ...base,
        type: 'EventRetracted',
        data: { eventId: accepted[(o['pick'] as number) % accepted.length], reason: 'test' },
      });
  }
};

/** The issuer the random operations act on, registered on 2019-01-01 with classes A (10 votes a share) and B (1). */
export const acmeRegistration = () =>
  draft({
    type: 'IssuerRegistered',
    issuer: 'acme',
    date: '2019-01-01',
    data: {
      name: 'Acme',
      currency: 'USD',
      classes: [
        { class: 'A', votesPerShare: 10 },
        { class: 'B', votesPerShare: 1 },
      ],
    },
  });

/** A stream of `acme` events the ledger accepts (in revision order): the registration, then each op that passes. */
export const acceptedStream = (ops: ReadonlyArray<Op>): PlacedEvent[] => {
  const timeline = IssuerTimeline.of(ACME);
  const stored: PlacedEvent[] = [];
  const add = (d: EventEnvelope) => {
    const e = { ...d, revision: timeline.nextRevision } as PlacedEvent;
    if ('changes' in timeline.add(e)) stored.push(e);
  };
  add({ ...acmeRegistration(), id: randomUUID() as EventId });
  for (const o of ops) {
    const d = toDraft(
      o,
      stored.filter((s) => s.type !== 'IssuerRegistered').map((s) => s.id),
    );
    if (d) add({ ...d, id: randomUUID() as EventId });
  }
  return stored;
};
