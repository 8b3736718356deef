import { fail } from '../../domain/problem.js';
import { redactUrl } from '../storeUrl.js';

/**
 * A connection string ready for `EventStoreDBClient.connectionString`, with what may be shown of
 * it and a way to scrub its secrets out of any text the client produces.
 */
export type EsdbConnection = Readonly<{
  /** What the client parses: the `kurrentdb` schemes rewritten to the `esdb` ones it knows. */
  clientString: string;
  /** The string as the user gave it, credentials redacted: safe to print and log. */
  description: string;
  /** Removes the credentials (raw or URL-decoded) from a message. */
  scrub: (text: string) => string;
}>;

// @eventstore/db-client 6.2.1 only parses esdb:// and esdb+discover://; KurrentDB is the same
// server under its new name, so its schemes are translated rather than refused.
const SCHEMES: ReadonlyArray<readonly [from: string, to: string]> = [
  ['esdb+discover://', 'esdb+discover://'],
  ['esdb://', 'esdb://'],
  ['kurrentdb+discover://', 'esdb+discover://'],
  ['kurrentdb://', 'esdb://'],
];

// The options the 6.2.1 parser knows, compared as it compares them (lower case, no "-" or "_").
// It console.warns an unknown key together with the whole connection string, credentials
// included, so unknown keys are refused here before the client ever sees them.
const flat = (key: string): string => key.trim().toLowerCase().replace(/[_-]/g, '');
const KNOWN_OPTIONS = new Set(
  [
    'tls',
    'tlsVerifyCert',
    'tlsCAFile',
    'userCertFile',
    'userKeyFile',
    'connectionName',
    'defaultDeadline',
    'discoveryInterval',
    'gossipTimeout',
    'maxDiscoverAttempts',
    'nodePreference',
    'keepAliveInterval',
    'keepAliveTimeout',
    'throwOnAppendFailure',
  ].map(flat),
);

const usage = (url: string, why: string): never =>
  fail('Usage', `invalid EventStoreDB connection string "${redactUrl(url)}": ${why}`, { url: redactUrl(url) });

const checkOptions = (url: string, query: string): void => {
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1).trim();
    if (!KNOWN_OPTIONS.has(flat(key))) usage(url, `unknown option "${key}"`);
    if (flat(key) === 'throwonappendfailure' && value === 'false')
      usage(url, 'throwOnAppendFailure=false would turn version conflicts into silent non-writes');
    if (flat(key) === 'tlsverifycert' && value === 'false')
      usage(url, 'tlsVerifyCert=false is not supported by the client; pass tlsCAFile=PATH to trust your CA');
  }
};

/** The `user:password` of a connection string, raw and URL-decoded: what `scrub` removes. */
const secretsOf = (rest: string): string[] => {
  const at = rest.lastIndexOf('@');
  if (at < 0) return [];
  const userInfo = rest.slice(0, at);
  const colon = userInfo.indexOf(':');
  if (colon < 0) return [];
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const password = userInfo.slice(colon + 1);
  return [userInfo, decode(userInfo), password, decode(password)].filter((s) => s.length > 0);
};

/** Reads an `esdb://`, `esdb+discover://`, `kurrentdb://` or `kurrentdb+discover://` URL. */
export const toEsdbConnection = (url: string): EsdbConnection => {
  const trimmed = url.trim();
  const scheme = SCHEMES.find(([from]) => trimmed.toLowerCase().startsWith(from));
  if (!scheme) return usage(url, 'expected esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover://');
  const [from, to] = scheme;
  const rest = trimmed.slice(from.length);
  const q = rest.indexOf('?');
  if (q >= 0) checkOptions(url, rest.slice(q + 1));
  const secrets = secretsOf(q >= 0 ? rest.slice(0, q) : rest).sort((a, b) => b.length - a.length);
  const scrub = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  return { clientString: `${to}${rest}`, description: redactUrl(url), scrub };
};
