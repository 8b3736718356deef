import fs from 'node:fs';
import * as t from 'io-ts';
import { arrayOf, closed, describeErrors } from '../../events/index.js';
import { patternString } from '../../events/scalars/pattern.js';
import { fail } from '../domain/problem.js';
import type { EventStore } from '../store/eventStore.js';

const StreamName = patternString<string>('a stream name', /^\S{1,200}$/);
const Hash = patternString<string>('a SHA-256 hex digest (64 lowercase hex digits)', /^[0-9a-f]{64}$/);
const Revision = new t.Type<number, number, unknown>(
  'a revision (whole number ≥ 0)',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c)),
  (n) => n,
);

export const DigestEntry = closed('a stream head {stream, revision, hash}', { stream: StreamName, revision: Revision, hash: Hash });
export type DigestEntry = t.TypeOf<typeof DigestEntry>;

/** Every stream's head at one moment (docs/integrity.md): what `digest --json` prints and `verify --digest` reads. */
export const Digest = closed('a digest {streams: [{stream, revision, hash}]}', {
  streams: arrayOf(DigestEntry, 'a list of stream heads'),
});
export type Digest = t.TypeOf<typeof Digest>;

const byStream = (a: DigestEntry, b: DigestEntry): number => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0);

/** The digest of a store now: every stream's head, sorted by stream. */
export const digestOf = async (store: EventStore): Promise<Digest> => {
  const heads = await store.heads();
  return { streams: heads.map(({ stream, revision, hash }) => ({ stream, revision, hash })).sort(byStream) };
};

/** Decodes a digest document; a stream named twice is an error, not a silent overwrite. */
export const decodeDigest = (u: unknown): { ok: true; digest: Digest } | { ok: false; message: string } => {
  const decoded = Digest.decode(u);
  if (decoded._tag === 'Left')
    return {
      ok: false,
      message: describeErrors(decoded.left)
        .map((p) => p.message)
        .join('; '),
    };
  const seen = new Set<string>();
  for (const [i, entry] of decoded.right.streams.entries()) {
    if (seen.has(entry.stream)) return { ok: false, message: `streams[${i}].stream: ${entry.stream} is listed twice` };
    seen.add(entry.stream);
  }
  return { ok: true, digest: { streams: [...decoded.right.streams].sort(byStream) } };
};

/** Reads a saved digest file (the output of `digest --json`); a missing or malformed file is invalid input (exit 2). */
export const readDigestFile = (path: string): Digest => {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    return fail('InvalidInput', `cannot read the digest file ${path}: ${(e as Error).message}`, { path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail('InvalidInput', `the digest file ${path} is not JSON: ${(e as Error).message}`, { path });
  }
  const decoded = decodeDigest(json);
  if (!decoded.ok)
    return fail(
      'InvalidInput',
      `the digest file ${path} is not a shareledger digest (the output of \`digest --json\`): ${decoded.message}`,
      { path },
    );
  return decoded.digest;
};
