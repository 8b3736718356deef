import { decodeDraft, type DraftEvent, EVENT_TYPES, type EventType, type FieldProblem, isEventType } from '../../events/index.js';
import { fail } from '../domain/problem.js';
import { dataFieldsOf } from './dataFields.js';

/** An event type named on the command line; a near miss ("blocksale") is suggested. */
export const eventTypeArg = (name: string): EventType => {
  if (isEventType(name)) return name;
  const near = EVENT_TYPES.find((t) => t.toLowerCase() === name.toLowerCase());
  const hint = name.startsWith('-')
    ? ' (the event type comes first: append <Type> --issuer X --date D …)'
    : near
      ? ` (did you mean ${near}?)`
      : '';
  return fail('Usage', `unknown event type ${JSON.stringify(name)}${hint}; one of: ${EVENT_TYPES.join(', ')}`, { type: name });
};

/** `data.pricePerShare: …` → `data.pricePerShare (--price-per-share): …`, so a person sees which flag to fix. */
const withFlag = (type: EventType, p: FieldProblem): string => {
  const m = /^data\.([A-Za-z]+)(?:\.([A-Za-z]+))?$/.exec(p.path);
  if (!m) return p.message;
  const field = dataFieldsOf(type).find((f) => f.name === m[1]);
  if (!field || field.kind === 'list') return p.message;
  const part = m[2] === undefined ? undefined : field.fields?.find((f) => f.name === m[2]);
  const flag = part ? `--${field.flag}-${part.flag}` : field.kind === 'object' ? undefined : `--${field.flag}`;
  return flag && p.message.startsWith(p.path) ? `${p.path} (${flag})${p.message.slice(p.path.length)}` : p.message;
};

/** Decodes an envelope built from flags; invalid input (exit 2) names every field and value that is wrong. */
export const decodeCommandLineDraft = (type: EventType, envelope: Record<string, unknown>): DraftEvent => {
  const decoded = decodeDraft(envelope);
  if (decoded.ok) return decoded.value;
  const messages = decoded.problems.map((p) => withFlag(type, p));
  return fail('InvalidInput', `${type}: ${messages.join('; ')}`, { problems: decoded.problems });
};

/** Drops undefined entries, so absent flags are absent fields. */
export const defined = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
