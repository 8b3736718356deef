import * as t from 'io-ts';
import { closed } from './closed.js';
import { ClassId } from './scalars/classId.js';
import { Percent } from './scalars/decimal.js';
import { EventId } from './scalars/eventId.js';
import { HolderId } from './scalars/holderId.js';
import { NonNegativeShareCount } from './scalars/shareCount.js';
import { LongText, ShortText } from './scalars/text.js';

export const StakeDisclosed = closed(
  'StakeDisclosed data {holder, class?, shares?, percent?, filing?}',
  { holder: HolderId },
  { class: ClassId, shares: NonNegativeShareCount, percent: Percent, filing: LongText },
  [
    (d) =>
      d.shares === undefined && d.percent === undefined
        ? { field: 'shares', message: 'required field is missing (a disclosure gives shares, percent or both)' }
        : undefined,
  ],
);
export type StakeDisclosed = t.TypeOf<typeof StakeDisclosed>;

export const EventRetracted = closed('EventRetracted data {eventId, reason}', { eventId: EventId, reason: ShortText });
export type EventRetracted = t.TypeOf<typeof EventRetracted>;
