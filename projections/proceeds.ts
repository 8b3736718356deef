import type { CurrencyCode, EventId, EventType, HolderId, Instant, IsoDate, IssuerId, StoredEvent } from '../events/index.js';

export type CostMethod = 'fifo' | 'avg';
export const COST_METHODS: ReadonlyArray<CostMethod> = ['fifo', 'avg'];

export type DisposalJson = {
  eventId: EventId;
  issuer: IssuerId;
  date: IsoDate;
  type: EventType;
  class: string;
  shares: string;
  pricePerShare: string | null;
  currency: CurrencyCode;
  gross: string | null;
  fees: string | null;
  net: string | null;
  costBasis: string | null;
  gain: string | null;
};

export type ProceedsTotalJson = { currency: CurrencyCode; gross: string | null; fees: string | null; net: string | null; costBasis: string | null; gain: string | null };

/** SPEC §10 `proceeds`; `holders` (the group members counted) only in the group view. */
export type ProceedsJson = {
  holder: HolderId;
  method: CostMethod;
  currency: CurrencyCode | null;
  disposals: DisposalJson[];
  totals: ProceedsTotalJson[];
  holders?: HolderId[];
};

export type ProceedsStreams = Readonly<{
  /** Every issuer stream to look at, each in revision order. */
  issuerStreams: ReadonlyArray<ReadonlyArray<StoredEvent>>;
  holderEvents: ReadonlyArray<StoredEvent>;
  fxEvents: ReadonlyArray<StoredEvent>;
}>;

export type ProceedsRequest = Readonly<{
  holder: HolderId;
  method: CostMethod;
  from?: IsoDate;
  to?: IsoDate;
  currency?: CurrencyCode;
  group?: boolean;
}>;

export type ProceedsAnswer = Readonly<{ proceeds: ProceedsJson; warnings: string[] }>;

/** Realized proceeds (SPEC §6.3) at `knownAt`. Pure. */
export const projectProceeds = (streams: ProceedsStreams, request: ProceedsRequest, knownAt: Instant): ProceedsAnswer => {
  void streams;
  void knownAt;
  return { proceeds: { holder: request.holder, method: request.method, currency: request.currency ?? null, disposals: [], totals: [] }, warnings: [] };
};
