import { EventId, IssuerId } from '../../events/index.js';
import { fail } from '../domain/problem.js';

export const eventIdArg = (value: string): EventId =>
  EventId.is(value) ? value : fail('InvalidInput', `<eventId>: expected ${EventId.name}, got ${JSON.stringify(value)}`, { value });

/** `--issuer` of retract and correct: whose event it is (where EventStoreDB looks for it). */
export const targetIssuerArg = (value: string | undefined): IssuerId | undefined =>
  value === undefined || IssuerId.is(value)
    ? value
    : fail('InvalidInput', `--issuer: expected ${IssuerId.name}, got ${JSON.stringify(value)}`, { flag: '--issuer', value });
