import type { ClassId, CurrencyCode, HolderId, IsoDate, IssuerId } from '../../events/index.js';
import { isCanonicalDate, isClass, isCurrency, isHolder, isShort } from '../../events/storedFast.js';
import { initialIssuerState, type IssuerState } from '../domain/issuerState.js';

/**
 * The stored form of an IssuerState (a snapshot): JSON with every map as a list in its own
 * iteration order, bigints as decimal strings, and zero holdings kept (a split can leave one, and
 * a cap table lists it), so a decoded state is the very state the fold had.
 */

type Encoded = {
  registration: { date: string; name: string; currency: string } | null;
  classes: Array<[string, number]>;
  /** Per class: holder, shares, holder, shares… */
  holdings: Array<[string, string[]]>;
  outstanding: Array<[string, string]>;
};

export const encodeState = (s: IssuerState): string => {
  const holdings: Encoded['holdings'] = [];
  for (const [cls, byHolder] of s.holdings) {
    const flat: string[] = [];
    for (const [holder, n] of byHolder) flat.push(holder, n.toString());
    holdings.push([cls, flat]);
  }
  const encoded: Encoded = {
    registration: s.registration ? { date: s.registration.date, name: s.registration.name, currency: s.registration.currency } : null,
    classes: [...s.classes].map(([cls, { votesPerShare }]) => [cls, votesPerShare]),
    holdings,
    outstanding: [...s.outstanding].map(([cls, n]) => [cls, n.toString()]),
  };
  return JSON.stringify(encoded);
};

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

export class SnapshotStateError extends Error {}

const bad = (why: string): never => {
  throw new SnapshotStateError(`snapshot state: ${why}`);
};

const pairs = (u: unknown, what: string): unknown[][] =>
  Array.isArray(u) && u.every((p) => Array.isArray(p) && p.length === 2) ? (u as unknown[][]) : bad(`${what} is not a list of pairs`);

const integer = (u: unknown): bigint => (typeof u === 'string' && INTEGER.test(u) ? BigInt(u) : bad('an amount is not an integer'));
const classId = (u: unknown): ClassId => (isClass(u) ? (u as ClassId) : bad('a class id is malformed'));

/** Decodes a stored state, checking every field; throws SnapshotStateError when it is damaged. */
export const decodeState = (issuer: IssuerId, text: string): IssuerState => {
  let u: unknown;
  try {
    u = JSON.parse(text);
  } catch {
    return bad('not JSON');
  }
  if (typeof u !== 'object' || u === null) return bad('not an object');
  const o = u as Record<string, unknown>;
  const state = initialIssuerState(issuer);
  const r = o['registration'];
  if (r !== null) {
    const reg = r as Record<string, unknown> | undefined;
    if (typeof reg !== 'object' || !isCanonicalDate(reg['date']) || !isShort(reg['name']) || !isCurrency(reg['currency']))
      return bad('registration is malformed');
    state.registration = { date: reg['date'] as IsoDate, name: reg['name'], currency: reg['currency'] as CurrencyCode };
  }
  for (const [cls, votes] of pairs(o['classes'], 'classes')) {
    if (typeof votes !== 'number' || !Number.isSafeInteger(votes) || votes < 0) bad('votes per share are malformed');
    state.classes.set(classId(cls), { votesPerShare: votes as number });
  }
  for (const [cls, flat] of pairs(o['holdings'], 'holdings')) {
    if (!Array.isArray(flat) || flat.length % 2 !== 0) bad('holdings are malformed');
    const byHolder = new Map<HolderId, bigint>();
    const list = flat as unknown[];
    for (let i = 0; i < list.length; i += 2) {
      const holder = list[i];
      if (!isHolder(holder)) bad('a holder id is malformed');
      byHolder.set(holder as HolderId, integer(list[i + 1]));
    }
    state.holdings.set(classId(cls), byHolder);
  }
  for (const [cls, n] of pairs(o['outstanding'], 'outstanding')) state.outstanding.set(classId(cls), integer(n));
  return state;
};
