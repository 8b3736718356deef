import { EventId } from '../../events/index.js';
import { fail } from '../domain/problem.js';

export const eventIdArg = (value: string): EventId =>
  EventId.is(value) ? value : fail('InvalidInput', `<eventId>: expected ${EventId.name}, got ${JSON.stringify(value)}`, { value });
