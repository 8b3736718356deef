import { randomUUID } from 'node:crypto';
import { decodeDraft, type DraftEvent, type EventId } from '../../events/index.js';
import { decideBatch, emptyTimelineFor, type Decision, type StoredRef, type StreamTimeline } from '../../src/domain/decide.js';

/** Decodes an envelope written as a plain object, failing the test if it does not decode. */
export const draft = (envelope: Record<string, unknown>): DraftEvent => {
  const decoded = decodeDraft(envelope);
  if (!decoded.ok) throw new Error(`fixture does not decode: ${decoded.problems.map((p) => p.message).join('; ')}`);
  return decoded.value;
};

/**
 * Given/when/then over the pure decision: `given` events are decided one by one (each must pass),
 * then `when` decides the submissions under test against the resulting timelines.
 */
export const scenario = () => {
  const timelines = new Map<string, StreamTimeline>();
  const stored = new Map<EventId, StoredRef>();
  const ctx = {
    timeline: (stream: string) => {
      let t = timelines.get(stream);
      if (!t) timelines.set(stream, (t = emptyTimelineFor(stream)));
      return t;
    },
    stored: (id: EventId) => stored.get(id),
  };
  const decide = (drafts: DraftEvent[]): Decision =>
    decideBatch(
      ctx,
      drafts.map((d) => ({ draft: d, id: d.id ?? (randomUUID() as EventId) })),
    );
  return {
    given(...drafts: DraftEvent[]) {
      for (const d of drafts) {
        const decision = decide([d]);
        if (!decision.ok) throw new Error(`given event rejected: ${decision.problem.message}`);
        for (const p of decision.planned) stored.set(p.event.id, { stream: p.stream, revision: p.revision, event: p.event });
      }
      return this;
    },
    when: (...drafts: DraftEvent[]): Decision => decide(drafts),
    timeline: (stream: string) => ctx.timeline(stream),
  };
};

export const registered = (
  date = '2018-01-01',
  classes = [
    { class: 'A', votesPerShare: 10 },
    { class: 'B', votesPerShare: 1 },
  ],
) => draft({ type: 'IssuerRegistered', issuer: 'sensetime', date, data: { name: 'SenseTime Group', currency: 'HKD', classes } });

export const issued = (holder: string, shares: string, date = '2018-06-01', cls = 'B', price = '1') =>
  draft({ type: 'SharesIssued', issuer: 'sensetime', date, data: { holder, class: cls, shares, pricePerShare: price, currency: 'HKD' } });

export const blockSale = (seller: string, shares: string, date: string, extra: Record<string, unknown> = {}) =>
  draft({
    type: 'BlockSale',
    issuer: 'sensetime',
    date,
    data: { seller, class: 'B', shares, pricePerShare: '1.82', currency: 'HKD', ...extra },
  });
