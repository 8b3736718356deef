import type { EventKind } from './eventKind.js';
import { votesText } from './eventKind.js';

/** IssuerRegistered: opens an issuer's stream with its first classes; its date is the earliest any event of the issuer may have. */
export const issuerRegistered: EventKind<'IssuerRegistered'> = {
  steps: (e, to) => to.register(e.date, e.data.name, e.data.currency, e.data.classes),
  summary: ({ data }) =>
    `registered ${data.name} (${data.currency}); classes ${data.classes.map((c) => `${c.class} (${votesText(c.votesPerShare)})`).join(', ')}`,
};

/** ShareClassAdded: a new class, with no shares yet. */
export const shareClassAdded: EventKind<'ShareClassAdded'> = {
  steps: (e, to) => to.addClass(e.data.class, e.data.votesPerShare),
  summary: ({ data }) => `added class ${data.class} (${votesText(data.votesPerShare)})`,
};
