import os from 'node:os';
import type { Command } from 'commander';
import type { Ledger } from '../ledger.js';
import { fail } from '../domain/problem.js';
import type { EventStore } from '../store/eventStore.js';
import { DEFAULT_STORE_URL, parseStoreUrl, redactUrl } from '../store/storeUrl.js';
import { checkLogLevel, createLogger, type Logger, type LogLevel } from './logger.js';
import { countEvents, meteredStore, startProgress, type Progress } from './progress.js';
import { styleFor, type Style } from './style.js';

/** The global options (docs/cli.md) after the flag → environment → default fallbacks. */
export type Globals = Readonly<{
  storeUrl: string;
  /** Whether --store was given on the command line (the demo ignores SHARELEDGER_STORE). */
  storeGiven: boolean;
  actor: string;
  json: boolean;
  logLevel: LogLevel;
}>;

/** The event codecs and helpers (events/index.ts): with io-ts and fp-ts, the largest part of the CLI to load. */
export type EventsModule = typeof import('../../events/index.js');

type RawGlobals = { store?: string; actor?: string; json?: boolean; logLevel?: string };

type Out = { isTTY?: boolean; columns?: number; write(chunk: string): unknown };

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

const osUser = (): string => {
  try {
    return os.userInfo().username;
  } catch {
    return nonEmpty(process.env['USER']) ?? nonEmpty(process.env['USERNAME']) ?? 'unknown';
  }
};

/**
 * What every command shares: the resolved global options, the logger, the store, output to
 * stdout (one JSON document with --json, else text for people) and stderr (warnings, progress).
 * Commands only throw: the one error handler in main.ts turns failures into exit codes.
 */
export class CliContext {
  private resolved: Globals | undefined;
  private log: Logger | undefined;
  private loadedEvents: EventsModule | undefined;

  constructor(
    private readonly program: Command,
    readonly env: NodeJS.ProcessEnv = process.env,
    readonly stdout: Out = process.stdout,
    readonly stderr: Out = process.stderr,
  ) {}

  /** Loads the event codecs: main.ts does before parsing, unless the program's --help or --version is all it runs. */
  async loadEvents(): Promise<EventsModule> {
    this.loadedEvents ??= await import('../../events/index.js');
    return this.loadedEvents;
  }

  /** The event codecs, for what must be synchronous (option checks, help texts); loadEvents() has run. */
  get events(): EventsModule {
    if (!this.loadedEvents) throw new Error('bug: the event codecs were used before loadEvents()');
    return this.loadedEvents;
  }

  get globals(): Globals {
    if (this.resolved) return this.resolved;
    const { ShortText } = this.events;
    const raw = this.program.opts<RawGlobals>();
    const storeUrl = raw.store ?? nonEmpty(this.env['SHARELEDGER_STORE']) ?? DEFAULT_STORE_URL;
    const actor = raw.actor ?? nonEmpty(this.env['SHARELEDGER_ACTOR']) ?? osUser();
    if (!ShortText.is(actor)) fail('Usage', `--actor: expected ${ShortText.name}, got ${JSON.stringify(actor)}`, { flag: '--actor' });
    this.resolved = {
      storeUrl,
      storeGiven: raw.store !== undefined,
      actor,
      json: raw.json === true,
      logLevel: checkLogLevel(raw.logLevel ?? nonEmpty(this.env['LOG_LEVEL']) ?? 'warn'),
    };
    return this.resolved;
  }

  /** --json, read without resolving the rest (the error handler needs it even when the rest is invalid). */
  get json(): boolean {
    return this.program.opts<RawGlobals>().json === true;
  }

  get logger(): Logger {
    this.log ??= createLogger(this.globals.logLevel);
    return this.log;
  }

  get style(): Style {
    return styleFor(this.stdout, this.env);
  }

  get errorStyle(): Style {
    return styleFor(this.stderr, this.env);
  }

  now(): Date {
    return new Date();
  }

  /** Opens a store (the global one by default); a bad URL is a usage error, an unreachable store exit 3. */
  async openStore(url: string = this.globals.storeUrl): Promise<EventStore> {
    parseStoreUrl(url);
    this.logger.debug({ store: redactUrl(url) }, 'opening store');
    // Loaded on use: a usage error or --help should not pay for SQLite and the domain at start-up.
    const { openStore } = await import('../store/openStore.js');
    const store = await openStore(url);
    this.logger.info({ store: store.description }, 'store opened');
    return store;
  }

  /** Runs `work` with an open store and always closes it. */
  async withStore<A>(work: (store: EventStore) => Promise<A>, url?: string): Promise<A> {
    const store = await this.openStore(url);
    try {
      return await work(store);
    } finally {
      await store.close().catch((e: unknown) => this.logger.warn({ err: e }, 'closing the store failed'));
    }
  }

  /**
   * Runs a read-only `work` (a query replaying the ledger) with progress on a terminal when the
   * store holds more than ~10,000 events: the bar counts the events read.
   */
  async withReading<A>(title: string, work: (store: EventStore) => Promise<A>): Promise<A> {
    return this.withStore(async (store) => {
      const total = this.stderr.isTTY === true ? await countEvents(store) : 0;
      const bar = this.progress(title, total);
      try {
        return await work(meteredStore(store, { read: (n) => bar.update(n) }));
      } finally {
        bar.finish();
      }
    });
  }

  async ledger(store: EventStore): Promise<Ledger> {
    const { Ledger } = await import('../ledger.js');
    return new Ledger({ store, actor: this.globals.actor });
  }

  /** The one result of a command: `json` with --json (exactly one document), else `human()`. */
  emit(json: unknown, human: () => string): void {
    if (this.globals.json) this.stdout.write(`${toJson(json, 2)}\n`);
    else {
      const text = human();
      if (text !== '') this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  /** A warning for people, on stderr (also under --json: stdout stays one document). */
  warn(message: string): void {
    this.stderr.write(`${this.errorStyle.yellow('warning:')} ${message}\n`);
  }

  /** Progress on stderr for long work, only on a terminal. */
  progress(title: string, total: number, unit?: string): Progress {
    return startProgress({ title, total, sink: this.stderr, ...(unit !== undefined ? { unit } : {}) });
  }
}

/** JSON with bigints as decimal strings (docs/events.md#value-types: shares travel as strings). */
export const toJson = (value: unknown, indent?: number): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);
