import type { EventKind } from './eventKind.js';
import { grouped, noSteps } from './eventKind.js';

/** StakeDisclosed: an assertion from a public filing; it changes no holding, the audit reconciles it. */
export const stakeDisclosed: EventKind<'StakeDisclosed'> = {
  steps: (e, to) => {
    if (e.data.class !== undefined) to.requireClass(e.data.class, 'data.class');
  },
  names: (data) => [data.holder],
  summary: ({ data }) => {
    const what = [
      data.shares !== undefined ? `${grouped(data.shares)} shares` : undefined,
      data.percent !== undefined ? `${data.percent}%` : undefined,
    ];
    const of = data.class !== undefined ? ` of class ${data.class}` : ' in all';
    return `disclosed: ${data.holder} holds ${what.filter(Boolean).join(' = ')}${of}${data.filing ? ` (${data.filing})` : ''}`;
  },
};

/** EventRetracted: its target stops counting for questions that know of the retraction (see src/domain/timeline.ts). */
export const eventRetracted: EventKind<'EventRetracted'> = {
  steps: noSteps,
  summary: ({ data }, find) => {
    const target = find(data.eventId);
    return `retracts ${target ? `${target.type} ${target.date}` : 'event'} ${data.eventId}: ${data.reason}`;
  },
};
