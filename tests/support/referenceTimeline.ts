import type { IssuerId } from '../../events/index.js';
import { checkIssuerEvent } from '../../src/domain/issuerChecks.js';
import { evolveIssuer, initialIssuerState, type IssuerState } from '../../src/domain/issuerState.js';
import { checkRetractionTarget, indexStream, type PlacedEvent } from '../../src/domain/timeline.js';

/** The issuer the random operations of randomOps.ts act on. */
export const ACME = 'acme' as IssuerId;

/** The reference: replay a whole candidate stream with every check, as `verify` would. */
export const fullReplay = (stream: PlacedEvent[]): { ok: boolean; state: IssuerState; active: PlacedEvent[] } => {
  const { active } = indexStream(stream);
  const state = initialIssuerState(ACME);
  for (const e of active) {
    if (checkIssuerEvent(state, e)) return { ok: false, state, active };
    evolveIssuer(state, e);
  }
  return { ok: true, state, active };
};

/** Whether the reference accepts `e` after `stored`: its retraction target, then a full checked replay. */
export const referenceAccepts = (stored: PlacedEvent[], e: PlacedEvent): boolean => {
  if (e.type === 'EventRetracted') {
    const known = indexStream(stored).known;
    if (checkRetractionTarget('issuer-acme', known.get(e.data.eventId), e)) return false;
  }
  return fullReplay([...stored, e]).ok;
};
