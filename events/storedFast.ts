import type * as t from 'io-ts';
import { decodeStored, type DecodeResult, StoredEnvelope, type StoredEvent } from './envelope.js';
import { FAIL, storedDecoderOf } from './fastDecode.js';
import { eventDataCodecs, type EventType } from './ledgerEvent.js';
import { ClassId } from './scalars/classId.js';
import { CurrencyCode } from './scalars/currencyCode.js';
import { HolderId } from './scalars/holderId.js';
import { IsoDate } from './scalars/isoDate.js';
import { ShortText } from './scalars/text.js';

/**
 * A faster decoder for stored envelopes (JSON.parse output), for the stores' read path.
 *
 * Stores never cast, so this is a real check, derived from the codecs (see `withStoredForm` and
 * `closed`): it accepts only the canonical form that the ledger itself writes (lowercase ids,
 * decimals and share counts as canonical strings, no nulls, no unknown fields) and checks every
 * field and every cross-field rule as the codecs do. Anything else — an error, or an unusual but
 * valid form such as an uppercase id, a share count given as a JSON number, "1.50" — is handed to
 * `decodeStored`, so the accepted set, the decoded values and the problems reported are exactly
 * those of `decodeStored` (tests/storedFast.property.test.ts checks this).
 */

type Json = Record<string, unknown>;

/** Decodes a parsed stored envelope: the fast path for the ledger's own canonical form, else `decodeStored`. */
export const decodeStoredFast = (u: unknown): DecodeResult<StoredEvent> => {
  const fast = decodeCanonicalStored(u);
  return fast ? { ok: true, value: fast } : decodeStored(u);
};

let envelopeDecoder: ((u: unknown) => unknown) | undefined;
const dataDecoders = new Map<EventType, (u: unknown) => unknown>();

/** The envelope in the ledger's own canonical form, decoded; undefined for anything else. */
export const decodeCanonicalStored = (u: unknown): StoredEvent | undefined => {
  envelopeDecoder ??= storedDecoderOf(StoredEnvelope);
  const outer = envelopeDecoder(u);
  if (outer === FAIL) return undefined;
  const o = outer as Json & { type: EventType };
  let decodeData = dataDecoders.get(o.type);
  if (decodeData === undefined) dataDecoders.set(o.type, (decodeData = storedDecoderOf(eventDataCodecs[o.type] as t.Mixed)));
  const data = decodeData(o['data']);
  if (data === FAIL) return undefined;
  // decodeStored's field order: the envelope's fields in codec order but type and data, then type and data.
  const out: Json = {};
  for (const k in o) if (k !== 'type' && k !== 'data') out[k] = o[k];
  out['type'] = o.type;
  out['data'] = data;
  return out as StoredEvent;
};

// Checks of single fields in their stored form, for the readers of other derived rows (snapshots).
export const isCanonicalDate = (u: unknown): u is string => IsoDate.is(u);
export const isShort = (u: unknown): u is string => ShortText.is(u);
export const isHolder = (u: unknown): u is string => HolderId.is(u);
export const isClass = (u: unknown): u is string => ClassId.is(u);
export const isCurrency = (u: unknown): u is string => CurrencyCode.is(u);
