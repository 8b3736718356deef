import { decodeStored, type DecodeResult, type StoredEvent } from './envelope.js';

/**
 * A faster decoder for stored envelopes (JSON.parse output), for the stores' read path.
 *
 * Stores never cast, so this is a real check, but it is written by hand instead of going through
 * io-ts: it accepts only the canonical form that the ledger itself writes (lowercase ids, decimals
 * and share counts as canonical strings, no nulls, no unknown fields) and checks every field as the
 * codecs do. Anything else — an error, or an unusual but valid form such as an uppercase id, a
 * share count given as a JSON number, "1.50" — is handed to `decodeStored`, so the accepted set,
 * the decoded values and the problems reported are exactly those of `decodeStored`
 * (tests/storedFast.property.test.ts checks this). Rare event types go to `decodeStored` whole.
 */

type Json = Record<string, unknown>;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
const CLASS = /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/;
const CURRENCY = /^[A-Z]{3}$/;
const HASH = /^[0-9a-f]{64}$/;
const DIGITS = /^[1-9][0-9]*$/;
const DIGITS_OR_ZERO = /^(0|[1-9][0-9]*)$/;
/** What toDecimalString prints: no trailing fractional zeros, no needless leading zero. */
const CANONICAL_DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)\.\d{3}Z$/;

const isPlainObject = (u: unknown): u is Json => typeof u === 'object' && u !== null && !Array.isArray(u);

const daysIn = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

const calendarOk = (y: string, m: string, d: string): boolean => {
  const month = Number(m);
  const day = Number(d);
  return month >= 1 && month <= 12 && day >= 1 && (day <= 28 || day <= daysIn(Number(y), month));
};

// Dates and instants repeat from row to row (one recordedAt per append): remember the last good one.
let lastDate = '';
let lastInstant = '';

export const isCanonicalDate = (u: unknown): u is string => {
  if (typeof u !== 'string') return false;
  if (u === lastDate) return true;
  const m = DATE.exec(u);
  if (!m || !calendarOk(m[1]!, m[2]!, m[3]!)) return false;
  lastDate = u;
  return true;
};

/** A UTC instant with milliseconds that `new Date(s).toISOString()` gives back unchanged. */
export const isCanonicalInstant = (u: unknown): u is string => {
  if (typeof u !== 'string') return false;
  if (u === lastInstant) return true;
  const m = INSTANT.exec(u);
  // Years before 1 AD print differently (-000001 / +010000 forms are out of the pattern anyway).
  if (!m || !calendarOk(m[1]!, m[2]!, m[3]!)) return false;
  lastInstant = u;
  return true;
};

export const isText = (u: unknown, max: number): u is string => typeof u === 'string' && u.length <= max && u.trim().length > 0;
export const isShort = (u: unknown): u is string => isText(u, 200);
export const isLong = (u: unknown): u is string => isText(u, 4000);
export const isHolder = (u: unknown): u is string => typeof u === 'string' && SLUG.test(u);
export const isClass = (u: unknown): u is string => typeof u === 'string' && CLASS.test(u);
export const isCurrency = (u: unknown): u is string => typeof u === 'string' && CURRENCY.test(u);
export const isDecimal = (u: unknown): u is string => typeof u === 'string' && u.length <= 64 && CANONICAL_DECIMAL.test(u);
export const isPositiveDecimal = (u: unknown): u is string => isDecimal(u) && u !== '0';
export const isPositive = (u: unknown): u is string => typeof u === 'string' && DIGITS.test(u);
export const isNonNegative = (u: unknown): u is string => typeof u === 'string' && DIGITS_OR_ZERO.test(u);

/** Exactly these keys (the required ones present), nothing else. */
const keysWithin = (o: Json, required: ReadonlyArray<string>, optional: ReadonlyArray<string>): boolean => {
  let present = 0;
  for (const k in o) {
    if (required.includes(k)) present++;
    else if (!optional.includes(k)) return false;
  }
  return present === required.length;
};

const has = (o: Json, k: string): boolean => o[k] !== undefined;

/**
 * The decoded data of the event types stored by the thousand, or undefined to let the io-ts
 * codecs decide. Values are built in the codecs' field order (required, then optional).
 */
const fastData = (type: string, d: Json): Json | undefined => {
  switch (type) {
    case 'SharesIssued': {
      if (!keysWithin(d, ['holder', 'class', 'shares', 'pricePerShare', 'currency'], ['reason'])) return undefined;
      if (
        !isHolder(d['holder']) ||
        !isClass(d['class']) ||
        !isPositive(d['shares']) ||
        !isDecimal(d['pricePerShare']) ||
        !isCurrency(d['currency'])
      )
        return undefined;
      const out: Json = {
        holder: d['holder'],
        class: d['class'],
        shares: BigInt(d['shares']),
        pricePerShare: d['pricePerShare'],
        currency: d['currency'],
      };
      if (has(d, 'reason')) {
        if (!isShort(d['reason'])) return undefined;
        out['reason'] = d['reason'];
      }
      return out;
    }
    case 'BlockSale': {
      if (!keysWithin(d, ['seller', 'class', 'shares', 'pricePerShare', 'currency'], ['buyer', 'fees'])) return undefined;
      if (
        !isHolder(d['seller']) ||
        !isClass(d['class']) ||
        !isPositive(d['shares']) ||
        !isDecimal(d['pricePerShare']) ||
        !isCurrency(d['currency'])
      )
        return undefined;
      const out: Json = {
        seller: d['seller'],
        class: d['class'],
        shares: BigInt(d['shares']),
        pricePerShare: d['pricePerShare'],
        currency: d['currency'],
      };
      if (has(d, 'buyer')) {
        if (!isHolder(d['buyer'])) return undefined;
        out['buyer'] = d['buyer'];
      }
      if (has(d, 'fees')) {
        if (!isDecimal(d['fees'])) return undefined;
        out['fees'] = d['fees'];
      }
      return out;
    }
    case 'SharesTransferred': {
      if (!keysWithin(d, ['from', 'to', 'class', 'shares'], ['consideration'])) return undefined;
      if (!isHolder(d['from']) || !isHolder(d['to']) || !isClass(d['class']) || !isPositive(d['shares'])) return undefined;
      const out: Json = { from: d['from'], to: d['to'], class: d['class'], shares: BigInt(d['shares']) };
      if (has(d, 'consideration')) {
        const c = d['consideration'];
        if (!isPlainObject(c) || !keysWithin(c, ['amount', 'currency'], []) || !isDecimal(c['amount']) || !isCurrency(c['currency']))
          return undefined;
        out['consideration'] = { amount: c['amount'], currency: c['currency'] };
      }
      return out;
    }
    case 'SharesRepurchased': {
      if (!keysWithin(d, ['class', 'shares'], ['holder', 'pricePerShare', 'currency'])) return undefined;
      if (!isClass(d['class']) || !isPositive(d['shares'])) return undefined;
      if (has(d, 'pricePerShare') !== has(d, 'currency')) return undefined;
      const out: Json = { class: d['class'], shares: BigInt(d['shares']) };
      if (has(d, 'holder')) {
        if (!isHolder(d['holder'])) return undefined;
        out['holder'] = d['holder'];
      }
      if (has(d, 'pricePerShare')) {
        if (!isDecimal(d['pricePerShare']) || !isCurrency(d['currency'])) return undefined;
        out['pricePerShare'] = d['pricePerShare'];
        out['currency'] = d['currency'];
      }
      return out;
    }
    case 'StockSplit': {
      if (!keysWithin(d, ['numerator', 'denominator'], ['class'])) return undefined;
      if (!isPositive(d['numerator']) || !isPositive(d['denominator'])) return undefined;
      const out: Json = { numerator: BigInt(d['numerator']), denominator: BigInt(d['denominator']) };
      if (has(d, 'class')) {
        if (!isClass(d['class'])) return undefined;
        out['class'] = d['class'];
      }
      return out;
    }
    case 'SharesConverted': {
      if (!keysWithin(d, ['holder', 'fromClass', 'toClass', 'shares'], ['ratio'])) return undefined;
      if (!isHolder(d['holder']) || !isClass(d['fromClass']) || !isClass(d['toClass']) || !isPositive(d['shares'])) return undefined;
      const out: Json = { holder: d['holder'], fromClass: d['fromClass'], toClass: d['toClass'], shares: BigInt(d['shares']) };
      if (has(d, 'ratio')) {
        if (!isPositiveDecimal(d['ratio'])) return undefined;
        out['ratio'] = d['ratio'];
      }
      return out;
    }
    case 'StakeDisclosed': {
      if (!keysWithin(d, ['holder'], ['class', 'shares', 'percent', 'filing'])) return undefined;
      if (!isHolder(d['holder']) || (!has(d, 'shares') && !has(d, 'percent'))) return undefined;
      const out: Json = { holder: d['holder'] };
      if (has(d, 'class')) {
        if (!isClass(d['class'])) return undefined;
        out['class'] = d['class'];
      }
      if (has(d, 'shares')) {
        if (!isNonNegative(d['shares'])) return undefined;
        out['shares'] = BigInt(d['shares']);
      }
      if (has(d, 'percent')) {
        const p = d['percent'];
        // At most 100: a whole part of up to three digits, and exactly 100 with no fraction.
        if (!isDecimal(p) || !(/^\d{1,2}(\.|$)/.test(p) || p === '100')) return undefined;
        out['percent'] = p;
      }
      if (has(d, 'filing')) {
        if (!isLong(d['filing'])) return undefined;
        out['filing'] = d['filing'];
      }
      return out;
    }
    case 'EventRetracted': {
      if (
        !keysWithin(d, ['eventId', 'reason'], []) ||
        typeof d['eventId'] !== 'string' ||
        !UUID.test(d['eventId']) ||
        !isShort(d['reason'])
      )
        return undefined;
      return { eventId: d['eventId'], reason: d['reason'] };
    }
    case 'HolderRegistered': {
      if (!keysWithin(d, ['holder', 'name'], ['controlledBy'])) return undefined;
      if (!isHolder(d['holder']) || !isShort(d['name'])) return undefined;
      const out: Json = { holder: d['holder'], name: d['name'] };
      if (has(d, 'controlledBy')) {
        if (!isHolder(d['controlledBy'])) return undefined;
        out['controlledBy'] = d['controlledBy'];
      }
      return out;
    }
    case 'FxRateRecorded': {
      if (
        !keysWithin(d, ['base', 'quote', 'rate'], []) ||
        !isCurrency(d['base']) ||
        !isCurrency(d['quote']) ||
        !isPositiveDecimal(d['rate'])
      )
        return undefined;
      return { base: d['base'], quote: d['quote'], rate: d['rate'] };
    }
    default:
      return undefined;
  }
};

const ENVELOPE_REQUIRED = ['id', 'stream', 'revision', 'type', 'date', 'data', 'recordedAt', 'actor', 'prevHash', 'hash'] as const;
const ENVELOPE_OPTIONAL = ['issuer', 'source', 'note'] as const;

/** Decodes a parsed stored envelope: the fast path for the ledger's own canonical form, else `decodeStored`. */
export const decodeStoredFast = (u: unknown): DecodeResult<StoredEvent> => {
  const fast = fastEnvelope(u);
  return fast ? { ok: true, value: fast } : decodeStored(u);
};

const fastEnvelope = (u: unknown): StoredEvent | undefined => {
  if (!isPlainObject(u) || !keysWithin(u, ENVELOPE_REQUIRED, ENVELOPE_OPTIONAL)) return undefined;
  const { id, stream, revision, type, date, data, recordedAt, actor, prevHash, hash } = u;
  if (typeof id !== 'string' || !UUID.test(id)) return undefined;
  if (!isShort(stream) || !isShort(actor)) return undefined;
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) return undefined;
  if (!isCanonicalDate(date) || !isCanonicalInstant(recordedAt)) return undefined;
  if (typeof prevHash !== 'string' || !HASH.test(prevHash) || typeof hash !== 'string' || !HASH.test(hash)) return undefined;
  if (typeof type !== 'string' || !isPlainObject(data)) return undefined;
  const decodedData = fastData(type, data);
  if (!decodedData) return undefined;
  // decodeStored's field order: required fields, then the optional ones present, then type and data.
  const out: Json = { id, stream, revision, date, recordedAt, actor, prevHash, hash };
  for (const k of ENVELOPE_OPTIONAL) {
    const v = u[k];
    if (v === undefined) continue;
    if (k === 'issuer' ? !isHolder(v) : !isLong(v)) return undefined;
    out[k] = v;
  }
  out['type'] = type;
  out['data'] = decodedData;
  return out as StoredEvent;
};
