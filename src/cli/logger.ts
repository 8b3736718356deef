import pino, { type Logger } from 'pino';
import { fail } from '../problem.js';
import { redactUrl } from '../store/storeUrl.js';

export type { Logger };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const URL_WITH_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/** Any store URL inside a text, redacted (messages from libraries may quote a connection string). */
export const redactText = (text: string): string => text.replace(URL_WITH_CREDENTIALS, (url) => redactUrl(url));

export const checkLogLevel = (level: string): string =>
  (LOG_LEVELS as ReadonlyArray<string>).includes(level)
    ? level
    : fail('Usage', `--log-level: expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(level)}`, { flag: '--log-level', value: level });

/**
 * pino, JSON lines on stderr (fd 2, synchronous so nothing is lost when the process exits).
 * Every string logged passes through redactText: a store URL never reaches a log with its password.
 */
export const createLogger = (level: string): Logger =>
  pino(
    {
      name: 'shareledger',
      level,
      base: { pid: process.pid },
      formatters: { log: (object) => redactObject(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    pino.destination({ dest: 2, sync: true }),
  );

const redactObject = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return redactText(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: redactText(value.message), stack: value.stack && redactText(value.stack) };
  if (Array.isArray(value)) return value.map((v) => redactObject(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactObject(v, depth + 1)]));
};
