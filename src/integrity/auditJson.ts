import type { AuditEventJson } from '../../projections/auditEvents.js';
import { withEvents, type AuditHead } from './auditDocument.js';
import { jsonPieces } from './jsonPieces.js';

/** What JSON.stringify({ events: [e] }, null, 2) writes around an event: `{\n  "events": [\n    ` and `\n  ]\n}`. */
const NESTED_START = '{\n  "events": [\n    '.length;
const NESTED_END = '\n  ]\n}'.length;

/** The events table, as it sits in the document (a list under the top level), an event at a time. */
function* eventsText(events: Iterable<AuditEventJson>): Generator<string> {
  let first = true;
  for (const e of events) {
    // Stringified where it sits in the document (in a list in an object), it comes indented as
    // there: cheaper than indenting its text afterwards.
    const nested = JSON.stringify({ events: [e] }, null, 2);
    yield `${first ? '[' : ','}\n    ${nested.slice(NESTED_START, nested.length - NESTED_END)}`;
    first = false;
  }
  yield first ? '[]' : '\n  ]';
}

/**
 * The report's JSON document (`--format json`), indented by 2 as `JSON.stringify` would write the
 * whole document, written in pieces (docs/audit.md#large-reports): the events an event at a time
 * as they are read, the sections around them a part at a time, so that neither is ever one
 * string in memory.
 */
export function* auditJsonText(head: AuditHead, events: Iterable<AuditEventJson>): Generator<string> {
  let first = true;
  for (const [key, value] of Object.entries(withEvents(head, []))) {
    if (value === undefined) continue;
    yield `${first ? '{' : ','}\n  ${JSON.stringify(key)}: `;
    if (key === 'events') yield* eventsText(events);
    else yield* jsonPieces(value, 1);
    first = false;
  }
  yield '\n}\n';
}
