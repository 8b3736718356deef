import type { EventStore } from '../store/eventStore.js';
import { groupThousands } from '../../projections/humanNumbers.js';

/** Work this large shows progress (docs/cli.md: "more than ~10,000 events"). */
const PROGRESS_THRESHOLD = 10_000;

export interface Progress {
  /** Sets how far the work is (`done` of `total`, or of the total given at start). */
  update(done: number, label?: string): void;
  /** Says what is happening now, without a count (e.g. "writing"). */
  phase(label: string): void;
  /** Clears the bar; the next output starts on a clean line. */
  finish(): void;
}

const SILENT: Progress = { update: () => undefined, phase: () => undefined, finish: () => undefined };

type Sink = { isTTY?: boolean; columns?: number; write(chunk: string): unknown };

const BAR_WIDTH = 20;
const REDRAW_MS = 80;

/**
 * A one-line progress bar on stderr, redrawn in place with a carriage return. Only on a
 * terminal and only for long work; it writes no escape sequences (so it is fine under
 * NO_COLOR) and clears itself by overwriting with spaces. Writes to a TTY are synchronous, so
 * the bar moves even while the work keeps the event loop busy.
 *
 * Hand-written on purpose, not cli-progress: that library redraws with cursor escape sequences
 * (save/restore cursor, hide/show cursor, readline's cursorTo and clearLine), which this bar
 * promises not to write (tests/cli/terminal.test.ts checks a bar under NO_COLOR has no ANSI), and
 * it would add itself and string-width to every cold start for the ~40 lines below.
 */
export const startProgress = (
  options: Readonly<{
    title: string;
    total: number;
    unit?: string;
    sink?: Sink;
    threshold?: number;
    force?: boolean;
    /** Also show the rate since the start and, from it, the time left. */
    rate?: boolean;
    now?: () => number;
  }>,
): Progress => {
  const sink = options.sink ?? process.stderr;
  const threshold = options.threshold ?? PROGRESS_THRESHOLD;
  if (!(options.force ?? sink.isTTY === true) || options.total < threshold) return SILENT;
  const unit = options.unit ?? 'events';
  const total = options.total;
  let lastDraw = 0;
  let width = 0;
  let label = options.title;
  let done = 0;
  let finished = false;
  const now = options.now ?? Date.now;
  const started = now();

  /** ", 95,000/s, 0:42 left" once a second has passed (before that a rate says little). */
  const pace = (): string => {
    const seconds = (now() - started) / 1000;
    if (!options.rate || seconds < 1 || done === 0) return '';
    const perSecond = done / seconds;
    const left = done < total ? `, ${clock((total - done) / perSecond)} left` : '';
    return `, ${groupThousands(String(Math.round(perSecond)))}/s${left}`;
  };

  const draw = (force: boolean) => {
    const at = now();
    if (finished || (!force && at - lastDraw < REDRAW_MS)) return;
    lastDraw = at;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
    const pct = `${Math.floor(fraction * 100)}`.padStart(3);
    let text = `${label} ${bar} ${pct}% ${groupThousands(String(done))}/${groupThousands(String(total))} ${unit}${pace()}`;
    // A pseudo-terminal may report no size (0): assume the classic 80 columns then.
    const columns = sink.columns !== undefined && sink.columns >= 20 ? sink.columns : 80;
    if (text.length > columns - 1) text = text.slice(0, columns - 1);
    sink.write(`\r${text}${' '.repeat(Math.max(0, width - text.length))}`);
    width = text.length;
  };

  draw(true);
  return {
    update(n, newLabel) {
      done = n;
      if (newLabel !== undefined) label = newLabel;
      draw(n >= total);
    },
    phase(newLabel) {
      label = newLabel;
      draw(true);
    },
    finish() {
      if (finished) return;
      finished = true;
      sink.write(`\r${' '.repeat(width)}\r`);
    },
  };
};

/** Seconds as m:ss (or h:mm:ss). */
const clock = (seconds: number): string => {
  const s = Math.ceil(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
};

/** The number of events in a store, from its stream heads (no event is read). */
export const countEvents = async (store: EventStore): Promise<number> => (await store.heads()).reduce((n, h) => n + h.revision + 1, 0);

/**
 * The store, counting as the work goes: events read (`readStream`, `iterateStream`, `iterateRecords`, `readAll`), ids looked up
 * (`findEvent`: the ledger looks up every submitted id before deciding) and events written.
 */
export const meteredStore = (
  store: EventStore,
  on: Readonly<{ read?: (n: number) => void; lookedUp?: (n: number) => void; writing?: (n: number) => void }>,
): EventStore => {
  let read = 0;
  let lookedUp = 0;
  return {
    get description() {
      return store.description;
    },
    async readStream(stream) {
      const events = await store.readStream(stream);
      read += events.length;
      on.read?.(read);
      return events;
    },
    async *iterateStream(stream, fromRevision) {
      for await (const e of store.iterateStream(stream, fromRevision)) {
        read += 1;
        on.read?.(read);
        yield e;
      }
    },
    async *readAll() {
      for await (const e of store.readAll()) {
        read += 1;
        on.read?.(read);
        yield e;
      }
    },
    heads: () => store.heads(),
    async findEvent(id, stream) {
      const found = await store.findEvent(id, stream);
      lookedUp += 1;
      on.lookedUp?.(lookedUp);
      return found;
    },
    ...(store.findEvents
      ? {
          findEvents: async (ids: Parameters<NonNullable<EventStore['findEvents']>>[0], stream?: string) => {
            const found = await store.findEvents!(ids, stream);
            lookedUp += ids.length;
            on.lookedUp?.(lookedUp);
            return found;
          },
        }
      : {}),
    ...(store.iterateRecords
      ? {
          async *iterateRecords(stream: string, whole: Parameters<NonNullable<EventStore['iterateRecords']>>[1]) {
            for await (const r of store.iterateRecords!(stream, whole)) {
              read += 1;
              on.read?.(read);
              yield r;
            }
          },
        }
      : {}),
    ...(store.derivedReads ? { derivedReads: store.derivedReads } : {}),
    ...(store.snapshots ? { snapshots: store.snapshots } : {}),
    ...(store.transaction ? { transaction: store.transaction.bind(store) } : {}),
    append(batches) {
      on.writing?.(batches.reduce((n, b) => n + b.events.length, 0));
      return store.append(batches);
    },
    subscribe: (options) => store.subscribe(options),
    close: () => store.close(),
  };
};
