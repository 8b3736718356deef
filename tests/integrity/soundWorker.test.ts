import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LaneMessage, LaneRequest } from '../../src/integrity/soundWorker.js';
import { copyOf, fixtureFile, tamper } from './fixtureLedger.js';

/**
 * The verify worker as it is started (src/integrity/soundLanes.ts): the library build's
 * soundWorker.js and the CLI's bundled soundWorker.cjs (src/cli/bundle/build.ts), both from
 * `npm run build`, which `npm test` runs first.
 */

const WORKERS = ['../../dist/src/integrity/soundWorker.js', '../../dist/src/cli/soundWorker.cjs'].map((f) =>
  fileURLToPath(new URL(f, import.meta.url)),
);

let pristine: string;
beforeAll(async () => {
  pristine = await fixtureFile();
});

/** Runs one lane to its end: the messages it posted, and its exit code. */
const lane = (worker: string, request: LaneRequest): Promise<{ messages: LaneMessage[]; code: number }> =>
  new Promise((resolve, reject) => {
    const messages: LaneMessage[] = [];
    const thread = new Worker(worker, { workerData: request });
    thread.on('message', (m: LaneMessage) => messages.push(m));
    thread.on('error', reject);
    thread.on('exit', (code) => resolve({ messages, code }));
  });

const proofsOf = (messages: LaneMessage[]) => messages.flatMap((m) => (m.kind === 'stream' ? [m] : []));
const rowsRead = (messages: LaneMessage[]) => messages.reduce((n, m) => (m.kind === 'rows' ? n + m.n : n), 0);

describe('the verify worker', () => {
  for (const worker of WORKERS)
    it(`${worker.slice(worker.indexOf('dist/'))} proves its streams sound, says how many events, and gives the hash a digest pins`, async () => {
      expect(fs.existsSync(worker), `${worker} (run npm run build)`).toBe(true);
      const { messages, code } = await lane(worker, {
        file: pristine,
        streams: ['fx', 'holders', 'issuer-acme', 'issuer-other'],
        hashAt: { holders: 1 },
        disposalCaches: true,
      });
      expect(code).toBe(0);
      const proofs = proofsOf(messages);
      expect(proofs.map((p) => p.stream)).toEqual(['fx', 'holders', 'issuer-acme', 'issuer-other']);
      expect(proofs.map((p) => p.events)).toEqual([1, 3, expect.any(Number), 4]);
      expect(proofs[1]!.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(proofs.filter((p) => p.stream !== 'holders').map((p) => p.hash)).toEqual([undefined, undefined, undefined]);
      expect(rowsRead(messages)).toBe(proofs.reduce((n, p) => n + p.events!, 0));
    });

  it('proves nothing of a damaged stream, and goes on with the others', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => db.prepare("UPDATE timeline SET body = replace(body, '100000', '100001') WHERE stream = 'issuer-acme'").run());
    const { messages, code } = await lane(WORKERS[1]!, {
      file,
      streams: ['issuer-acme', 'issuer-other'],
      hashAt: {},
      disposalCaches: true,
    });
    expect(code).toBe(0);
    expect(proofsOf(messages).map((p) => [p.stream, p.events])).toEqual([
      ['issuer-acme', undefined],
      ['issuer-other', 4],
    ]);
  });

  it('fails (a lane the caller then checks itself) on a file it cannot read', async () => {
    await expect(lane(WORKERS[1]!, { file: '/nonexistent/ledger.db', streams: ['fx'], hashAt: {}, disposalCaches: true })).rejects.toThrow(
      /cannot read the SQLite store/,
    );
  });
});
