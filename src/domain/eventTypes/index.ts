import type { EventEnvelope, EventType } from '../../../events/index.js';
import type { RegisterSteps } from '../registerSteps.js';
import { blockSale, sharesRepurchased, sharesTransferred } from './movementEvents.js';
import { eventRetracted, stakeDisclosed } from './disclosureEvents.js';
import type { EventKind, FindEvent } from './eventKind.js';
import { fundingRoundClosed, ipoCompleted, sharesIssued } from './issuanceEvents.js';
import { issuerRegistered, shareClassAdded } from './issuerEvents.js';
import { sharesConverted, stockSplit } from './capitalEvents.js';
import { fxRateRecorded, holderRegistered } from './registryEvents.js';

/** Every event type's kind, keyed by type: the compiler refuses a type without one. */
const eventKinds: { readonly [K in EventType]: EventKind<K> } = {
  IssuerRegistered: issuerRegistered,
  ShareClassAdded: shareClassAdded,
  SharesIssued: sharesIssued,
  FundingRoundClosed: fundingRoundClosed,
  IPOCompleted: ipoCompleted,
  BlockSale: blockSale,
  SharesTransferred: sharesTransferred,
  SharesRepurchased: sharesRepurchased,
  StockSplit: stockSplit,
  SharesConverted: sharesConverted,
  StakeDisclosed: stakeDisclosed,
  EventRetracted: eventRetracted,
  HolderRegistered: holderRegistered,
  FxRateRecorded: fxRateRecorded,
};

const kindOf = (e: EventEnvelope): EventKind<EventType> => eventKinds[e.type] as EventKind<EventType>;

/** Tells `to` the steps `e` takes on its issuer's register, in order. */
export const stepsOf = (e: EventEnvelope, to: RegisterSteps): void => kindOf(e).steps(e as never, to);

/** The holders `e` names besides those its steps move. */
export const extraNamesOf = (e: EventEnvelope) => kindOf(e).names?.(e.data as never) ?? [];

/** One line saying what `e` does, for people. */
export const summaryOf = (e: EventEnvelope, find: FindEvent): string => kindOf(e).summary(e as never, find);
