import type { HolderId, Instant, IsoDate, IssuerId, StoredEvent } from '../../events/index.js';
import { HOLDERS_STREAM, toIssuerStreamId } from '../../events/index.js';
import { Ledger } from '../../src/ledger.js';
import { createMemoryStore } from '../../src/store/memoryStore.js';
import type { BusinessCalendar } from '../../projections/obligations/businessDays.js';
import { findRegime, type ObligationsJson, projectObligations } from '../../projections/obligations/index.js';

/**
 * Test support for the obligations projection: events of an issuer `acme` (class B with a vote
 * per share, class N without votes), recorded through the real ledger at a clock the test moves.
 */
type Input = Record<string, unknown>;
const issuer = 'acme';

export const e = {
  registered: (date: string): Input => ({
    type: 'IssuerRegistered',
    issuer,
    date,
    data: {
      name: 'Acme',
      currency: 'USD',
      classes: [
        { class: 'B', votesPerShare: 1 },
        { class: 'N', votesPerShare: 0 },
      ],
    },
  }),
  issued: (date: string, holder: string, shares: number, cls = 'B'): Input => ({
    type: 'SharesIssued',
    issuer,
    date,
    data: { holder, class: cls, shares: String(shares), pricePerShare: '1', currency: 'USD' },
  }),
  ipo: (date: string, newShares = 0): Input => ({
    type: 'IPOCompleted',
    issuer,
    date,
    data: { exchange: 'XHKG', ticker: 'ACME', class: 'B', offerPrice: '1', currency: 'USD', newShares: String(newShares) },
  }),
  sale: (date: string, seller: string, buyer: string, shares: number): Input => ({
    type: 'BlockSale',
    issuer,
    date,
    data: { seller, buyer, class: 'B', shares: String(shares), pricePerShare: '1', currency: 'USD' },
  }),
  buyback: (date: string, holder: string, shares: number): Input => ({
    type: 'SharesRepurchased',
    issuer,
    date,
    data: { holder, class: 'B', shares: String(shares) },
  }),
  disclosed: (date: string, holder: string, cls?: string): Input => ({
    type: 'StakeDisclosed',
    issuer,
    date,
    data: { holder, percent: '1', ...(cls !== undefined ? { class: cls } : {}) },
  }),
  holder: (date: string, holder: string, controlledBy?: string): Input => ({
    type: 'HolderRegistered',
    date,
    data: { holder, name: holder, ...(controlledBy !== undefined ? { controlledBy } : {}) },
  }),
};

let counter = 0;
const nextId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

export type Given = {
  /** Records more events at the instant `at`; returns their ids in order. */
  record: (events: Input[], at?: string) => Promise<string[]>;
  obligations: (
    options?: Partial<{
      regime: string;
      holder: string;
      group: boolean;
      asOf: string;
      knownAt: string;
      from: string;
      to: string;
      calendar: BusinessCalendar;
    }>,
  ) => Promise<ObligationsJson>;
  streams: () => Promise<{ issuerEvents: StoredEvent[]; holderEvents: StoredEvent[] }>;
};

export const given = async (events: Input[], at = '2000-01-01T00:00:00.000Z'): Promise<Given & { ids: string[] }> => {
  const store = createMemoryStore();
  let clock = at;
  const ledger = new Ledger({ store, actor: 'test', now: () => new Date(clock) });
  const record = async (more: Input[], when = clock): Promise<string[]> => {
    clock = when;
    const ids = more.map(() => nextId());
    await ledger.import(more.map((x, i) => JSON.stringify({ id: ids[i], ...x })).join('\n'));
    return ids;
  };
  const streams = async () => ({
    issuerEvents: await store.readStream(toIssuerStreamId(issuer as IssuerId)),
    holderEvents: await store.readStream(HOLDERS_STREAM),
  });
  const ids = await record(events);
  return {
    ids,
    record,
    streams,
    obligations: async (o = {}) =>
      projectObligations(
        await streams(),
        {
          issuer: issuer as IssuerId,
          regime: findRegime(o.regime ?? 'hk')!,
          group: o.group ?? false,
          ...(o.holder !== undefined ? { holder: o.holder as HolderId } : {}),
          ...(o.from !== undefined ? { from: o.from as IsoDate } : {}),
          ...(o.to !== undefined ? { to: o.to as IsoDate } : {}),
          ...(o.calendar !== undefined ? { calendar: o.calendar } : {}),
        },
        { asOf: (o.asOf ?? '2030-12-31') as IsoDate, knownAt: (o.knownAt ?? '2100-01-01T00:00:00.000Z') as Instant },
      ),
  };
};
