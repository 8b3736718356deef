import type { EventEnvelope, HolderId } from '../events/index.js';
import { PUBLIC } from '../events/index.js';

/**
 * Every holder an event names (retracted or not): how a query tells a holder the ledger has
 * never heard of (an error) from one that holds nothing at the date asked (an answer of 0).
 */
export const holdersNamedBy = (e: EventEnvelope): HolderId[] => {
  switch (e.type) {
    case 'SharesIssued':
    case 'SharesConverted':
    case 'StakeDisclosed':
      return [e.data.holder];
    case 'FundingRoundClosed':
      return e.data.allocations.map((a) => a.holder);
    case 'IPOCompleted':
      return [PUBLIC, ...(e.data.secondarySales ?? []).map((s) => s.seller)];
    case 'BlockSale':
      return [e.data.seller, e.data.buyer ?? PUBLIC];
    case 'SharesTransferred':
      return [e.data.from, e.data.to];
    case 'SharesRepurchased':
      return [e.data.holder ?? PUBLIC];
    case 'HolderRegistered':
      return e.data.controlledBy === undefined ? [e.data.holder] : [e.data.holder, e.data.controlledBy];
    case 'IssuerRegistered':
    case 'ShareClassAdded':
    case 'StockSplit':
    case 'EventRetracted':
    case 'FxRateRecorded':
      return [];
    default: {
      const _exhaustive: never = e;
      return _exhaustive;
    }
  }
};

/** Whether any of the events names `holder`. `public` is always known. */
export const isHolderNamed = (events: Iterable<EventEnvelope>, holder: HolderId): boolean => {
  if (holder === PUBLIC) return true;
  for (const e of events) if (holdersNamedBy(e).includes(holder)) return true;
  return false;
};
