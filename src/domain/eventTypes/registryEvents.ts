import type { EventKind } from './eventKind.js';
import { noSteps } from './eventKind.js';

/** HolderRegistered (stream `holders`): a display name, and who controls the holder (group view). */
export const holderRegistered: EventKind<'HolderRegistered'> = {
  steps: noSteps,
  names: (data) => (data.controlledBy === undefined ? [data.holder] : [data.holder, data.controlledBy]),
  summary: ({ data }) =>
    `registered holder ${data.holder} as ${data.name}${data.controlledBy ? `, controlled by ${data.controlledBy}` : ''}`,
};

/** FxRateRecorded (stream `fx`): 1 base = rate quote, from its date on. */
export const fxRateRecorded: EventKind<'FxRateRecorded'> = {
  steps: noSteps,
  summary: ({ data }) => `1 ${data.base} = ${data.rate} ${data.quote}`,
};
