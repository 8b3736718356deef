import { createRequire } from 'node:module';
import type { Logger as PinoLogger } from 'pino';
import { fail } from '../domain/problem.js';
import { redactUrl } from '../store/storeUrl.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const URL_WITH_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/** Any store URL inside a text, redacted (messages from libraries may quote a connection string). */
export const redactText = (text: string): string => text.replace(URL_WITH_CREDENTIALS, (url) => redactUrl(url));

export const checkLogLevel = (level: string): LogLevel =>
  (LOG_LEVELS as ReadonlyArray<string>).includes(level)
    ? (level as LogLevel)
    : fail('Usage', `--log-level: expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(level)}`, {
        flag: '--log-level',
        value: level,
      });

const redactObject = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return redactText(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error)
    return { type: value.name, message: redactText(value.message), stack: value.stack && redactText(value.stack) };
  if (Array.isArray(value)) return value.map((v) => redactObject(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactObject(v, depth + 1)]));
};

type Write = (object: Record<string, unknown>, message: string) => void;

/** The logging the CLI does: a record with fields and a message, at one of four levels. */
export type Logger = Readonly<{ debug: Write; info: Write; warn: Write; error: Write }>;

const require = createRequire(import.meta.url);

/**
 * pino, JSON lines on stderr (fd 2, synchronous so nothing is lost when the process exits).
 * Every field passes through redactText: a store URL never reaches a log with its password.
 * pino is loaded on the first record the level lets through, so a quiet command does not pay
 * for it at start-up.
 */
export const createLogger = (level: LogLevel): Logger => {
  const rank = (l: LogLevel) => LOG_LEVELS.indexOf(l);
  let pino: PinoLogger | undefined;
  const sink = (): PinoLogger => {
    if (!pino) {
      const create = require('pino') as typeof import('pino');
      pino = create.pino({ name: 'shareledger', level, base: { pid: process.pid } }, create.destination({ dest: 2, sync: true }));
    }
    return pino;
  };
  const at =
    (l: Exclude<LogLevel, 'silent' | 'trace' | 'fatal'>): Write =>
    (object, message) => {
      if (level === 'silent' || rank(l) < rank(level)) return;
      sink()[l](redactObject(object) as Record<string, unknown>, redactText(message));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};
