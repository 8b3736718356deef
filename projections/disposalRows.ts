import type { ClassId, CurrencyCode, EventId, EventType, HolderId, IsoDate, IssuerId, Rational } from '../events/index.js';
import {
  ClassId as ClassIdCodec,
  CurrencyCode as Currency,
  EVENT_TYPES,
  EventId as EventIdCodec,
  IsoDate as IsoDateCodec,
} from '../events/index.js';
import type { CostMethod, Lot } from './costLots.js';
import type { Disposal } from './disposals.js';

/**
 * The stored form of one cached disposal (src/disposalCache.ts, docs/proceeds.md): a JSON list of its fields, the
 * seller and issuer left to the row's columns, bigints as decimal strings, every rational as its
 * numerator and denominator as the fold left them. A decoded row is the very Disposal the fold
 * gave; a damaged one is a DisposalRowError, never a cast.
 *
 * [eventId, date, revision, type, class, shares, price, currency, gross, fees, lots], a rational
 * as [num, den], each lot as [shares num, shares den, cost num, cost den, currency, date, revision].
 */

/**
 * The one cost method a disposal cache is kept for (docs/proceeds.md#cache). Under `avg` a cache
 * would have to keep a pool component per acquisition date, for the questions that convert costs
 * at their dates: every disposal of a busy issuer then carries thousands of them (24M lots for
 * the bench's busiest issuer, folded in minutes), where a question that converts nothing keeps
 * one per currency and folds in seconds. So `avg` questions fold, and any `avg` cache an earlier
 * version left is neither read nor checked.
 */
export const CACHED_METHOD: CostMethod = 'fifo';

export class DisposalRowError extends Error {}

const bad = (why: string): never => {
  throw new DisposalRowError(`cached disposal: ${why}`);
};

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const TYPES = new Set<string>(EVENT_TYPES);

const pair = (r: Rational): [string, string] => [r.num.toString(), r.den.toString()];

export const encodeDisposal = (d: Disposal): string =>
  JSON.stringify([
    d.eventId,
    d.date,
    d.revision,
    d.type,
    d.class,
    d.shares.toString(),
    pair(d.pricePerShare),
    d.currency,
    pair(d.gross),
    pair(d.fees),
    d.lots.map((l) => [...pair(l.shares), ...pair(l.cost), l.currency, l.date, l.revision]),
  ]);

const integer = (u: unknown): bigint => (typeof u === 'string' && INTEGER.test(u) ? BigInt(u) : bad('an amount is not an integer'));
const ratio = (num: unknown, den: unknown): Rational => {
  const d = integer(den);
  return d > 0n ? { num: integer(num), den: d } : bad('a denominator is not positive');
};
const rationalAt = (u: unknown): Rational => (Array.isArray(u) && u.length === 2 ? ratio(u[0], u[1]) : bad('a rational is malformed'));
const revisionOf = (u: unknown): number => (Number.isSafeInteger(u) && (u as number) >= 0 ? (u as number) : bad('a revision is malformed'));
const dateOf = (u: unknown): IsoDate => (IsoDateCodec.is(u) ? u : bad('a date is malformed'));
const currencyOf = (u: unknown): CurrencyCode => (Currency.is(u) ? u : bad('a currency is malformed'));

const lotOf = (u: unknown): Lot =>
  Array.isArray(u) && u.length === 7
    ? { shares: ratio(u[0], u[1]), cost: ratio(u[2], u[3]), currency: currencyOf(u[4]), date: dateOf(u[5]), revision: revisionOf(u[6]) }
    : bad('a lot is malformed');

/** Decodes a stored disposal of `seller` in `issuer`'s stream, checking every field; throws DisposalRowError when it is damaged. */
export const decodeDisposal = (issuer: IssuerId, seller: HolderId, body: string): Disposal => {
  let u: unknown;
  try {
    u = JSON.parse(body);
  } catch {
    return bad('not JSON');
  }
  if (!Array.isArray(u) || u.length !== 11 || !Array.isArray(u[10])) return bad('not a list of 11 fields');
  const [eventId, date, revision, type, cls, shares, price, currency, gross, fees, lots] = u as unknown[];
  return {
    eventId: EventIdCodec.is(eventId) ? (eventId as EventId) : bad('an event id is malformed'),
    issuer,
    date: dateOf(date),
    revision: revisionOf(revision),
    type: typeof type === 'string' && TYPES.has(type) ? (type as EventType) : bad('a type is unknown'),
    class: ClassIdCodec.is(cls) ? (cls as ClassId) : bad('a class id is malformed'),
    seller,
    shares: integer(shares),
    pricePerShare: rationalAt(price),
    currency: currencyOf(currency),
    gross: rationalAt(gross),
    fees: rationalAt(fees),
    lots: (lots as unknown[]).map(lotOf),
  };
};
