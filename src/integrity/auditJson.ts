import type { AuditEventJson } from '../../projections/auditEvents.js';
import { withEvents, type AuditHead } from './auditDocument.js';

/** What JSON.stringify({ events: [e] }, null, 2) writes around an event: `{\n  "events": [\n    ` and `\n  ]\n}`. */
const NESTED_START = '{\n  "events": [\n    '.length;
const NESTED_END = '\n  ]\n}'.length;

/** Where the events table goes in the document's text (no event text can hold a NUL unescaped). */
const MARK = '\u0000events\u0000';

/**
 * The report's JSON document (`--format json`), indented by 2 as `JSON.stringify` would write the
 * whole document, written an event at a time as the events are read (docs/audit.md#large-reports).
 */
export function* auditJsonText(head: AuditHead, events: Iterable<AuditEventJson>): Generator<string> {
  const text = JSON.stringify(withEvents(head, MARK as never), null, 2);
  const mark = JSON.stringify(MARK);
  const at = text.indexOf(mark);
  yield text.slice(0, at);
  let first = true;
  for (const e of events) {
    // Stringified where it sits in the document (in a list in an object), it comes indented as
    // there: cheaper than indenting its text afterwards.
    const nested = JSON.stringify({ events: [e] }, null, 2);
    yield `${first ? '[' : ','}\n    ${nested.slice(NESTED_START, nested.length - NESTED_END)}`;
    first = false;
  }
  yield first ? '[]' : '\n  ]';
  yield `${text.slice(at + mark.length)}\n`;
}
