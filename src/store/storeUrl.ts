import { fail } from '../domain/problem.js';

/** Where the ledger lives, as chosen by `--store URL` or SHARELEDGER_STORE (docs/stores.md). */
export type StoreLocation =
  Readonly<{ kind: 'memory' }> | Readonly<{ kind: 'sqlite'; path: string }> | Readonly<{ kind: 'esdb'; connectionString: string }>;

export const DEFAULT_STORE_URL = 'sqlite:./shareledger.db';

const ACCEPTED_FORMS =
  'memory:, sqlite:PATH (e.g. sqlite:./shareledger.db), esdb://…, esdb+discover://…, kurrentdb://… or kurrentdb+discover://…';

const ESDB_SCHEME = /^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//i;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const SECRET_PARAM = /([?&](?:password|pwd)=)[^&#]*/gi;

/**
 * The URL with credentials replaced: `user:password@` becomes `***:***@` and a `password=` or
 * `pwd=` query value becomes `***`. Everything printed or logged about a store goes through here.
 */
export const redactUrl = (url: string): string => {
  let redacted = url;
  const scheme = URL_SCHEME.exec(redacted);
  if (scheme) {
    const rest = redacted.slice(scheme[0].length);
    // The last '@' ends the credentials: a password with an unescaped '@', '/' or '?' is still
    // hidden. A stray '@' in a query may hide the host too; that errs on the safe side.
    const at = rest.lastIndexOf('@');
    if (at >= 0 && rest.slice(0, at).includes(':')) redacted = `${scheme[0]}***:***@${rest.slice(at + 1)}`;
  }
  return redacted.replace(SECRET_PARAM, '$1***');
};

const usage = (url: string, why: string): never =>
  fail('Usage', `unsupported store URL "${redactUrl(url)}": ${why}; accepted forms: ${ACCEPTED_FORMS}`, {
    url: redactUrl(url),
  });

const sqlitePathOf = (url: string, rest: string): string => {
  // sqlite:///abs/path.db is the file-URL spelling of an absolute path; sqlite://x is ambiguous.
  const path = rest.startsWith('///') ? rest.slice(2) : rest.startsWith('//') ? usage(url, 'write sqlite:PATH, without "//"') : rest;
  return path.trim() === '' ? usage(url, 'sqlite: needs a file path') : path;
};

/** Reads a store URL (docs/stores.md); anything else is a usage error that names the accepted forms. */
export const parseStoreUrl = (url: string): StoreLocation => {
  if (/^memory:$/i.test(url)) return { kind: 'memory' };
  if (/^sqlite:/i.test(url)) return { kind: 'sqlite', path: sqlitePathOf(url, url.slice('sqlite:'.length)) };
  const esdb = ESDB_SCHEME.exec(url);
  if (esdb) {
    const authority = url.slice(esdb[0].length);
    if (authority === '' || /^[/?#]/.test(authority)) return usage(url, 'the connection string names no host');
    return { kind: 'esdb', connectionString: url };
  }
  return usage(url, 'unknown scheme');
};
