import fs from 'node:fs';
import { Command, Option } from 'commander';
import type { IssuerId } from '../../../events/index.js';
import { fail } from '../../domain/problem.js';
import { toJson, type CliContext, type EventsModule } from '../context.js';

const issuerArg = ({ IssuerId }: EventsModule, value: string): IssuerId =>
  IssuerId.is(value)
    ? value
    : fail('InvalidInput', `--issuer: expected ${IssuerId.name}, got ${JSON.stringify(value)}`, { flag: '--issuer', value });

export const exportCommand = (cli: CliContext): Command =>
  new Command('export')
    .description('write the stored envelopes (with stream, revision, recordedAt, actor and hashes) as JSONL, in append order')
    .addOption(
      new Option('--format <format>', 'jsonl: stored envelopes; ocf: an Open Cap Table Format 1.2.0 package')
        .choices(['jsonl', 'ocf'])
        .default('jsonl'),
    )
    .option('--issuer <issuer>', "only this issuer's stream (required with --format ocf)")
    .option('--out <file>', 'write to this file (replaced atomically) instead of stdout; with --format ocf, a folder or FILE.ocf.zip')
    .option('--country <cc>', "with --format ocf: the issuer's country of formation (ISO 3166-1 alpha-2), when the ledger does not know it")
    .addHelpText(
      'after',
      `
With --json and no --out, the events come as one document {"events":[…]}; with --out, a summary.
To move a ledger to another store keeping every envelope and hash, use copy.

--format ocf writes one issuer as an OCF 1.2.0 package (Manifest.ocf.json with md5s, stakeholders,
stock classes, transactions) that other cap-table tools read: a security per cost lot, consumed
first-in first-out. What OCF cannot carry is listed in the manifest's comments. See docs/ocf.md.

Examples:
  $ shareledger export --out ledger.jsonl
  $ shareledger export --issuer sensetime | head -3
  $ shareledger export --format ocf --issuer sensetime --country KY --out sensetime.ocf.zip`,
    )
    .action(async (o: { issuer?: string; out?: string; format: string; country?: string }) => {
      if (o.format === 'ocf') return (await import('./ocfExport.js')).exportOcf(cli, o);
      if (o.country !== undefined) fail('Usage', '--country is read only with --format ocf', { flag: '--country' });
      const { encodeStored, toIssuerStreamId } = cli.events;
      const issuer = o.issuer === undefined ? undefined : issuerArg(cli.events, o.issuer);
      // One event at a time from the store to the output: nothing holds the ledger or the stream.
      const { exported, streams } = await cli.withStore(async (store) => {
        const stream = issuer === undefined ? undefined : toIssuerStreamId(issuer);
        const heads = await store.heads();
        const head = stream === undefined ? undefined : heads.find((h) => h.stream === stream);
        if (stream !== undefined && head === undefined)
          fail('UnknownIssuer', `unknown issuer ${issuer}: the ledger has no stream ${stream}`, { issuer });
        const total = head ? head.revision + 1 : heads.reduce((n, h) => n + h.revision + 1, 0);
        const events = stream === undefined ? store.readAll() : store.iterateStream(stream);
        const sink = o.out !== undefined ? fileSink(o.out) : stdoutSink(cli);
        const bar = cli.progress('exporting', total);
        const names = new Set<string>();
        let count = 0;
        try {
          const json = cli.globals.json && o.out === undefined;
          if (json) await sink.write('{\n  "events": [');
          for await (const e of events) {
            const line = json
              ? `${count ? ',' : ''}\n    ${toJson(encodeStored(e), 2).replace(/\n/g, '\n    ')}`
              : `${JSON.stringify(encodeStored(e))}\n`;
            await sink.write(line);
            names.add(e.stream);
            bar.update((count += 1));
          }
          if (json) await sink.write(count ? '\n  ]\n}\n' : ']\n}\n');
          await sink.end();
        } catch (e) {
          sink.abandon();
          throw e;
        } finally {
          bar.finish();
        }
        return { exported: count, streams: names.size };
      });
      if (o.out !== undefined)
        cli.emit(
          { exported, streams, out: o.out },
          () => `exported ${exported.toLocaleString('en-US')} events of ${streams} streams to ${o.out}`,
        );
    });

/** Where export writes, in chunks of about a megabyte. */
type Sink = { write(text: string): Promise<void>; end(): Promise<void>; abandon(): void };

const CHUNK_CHARS = 1 << 20;

const chunked = (put: (text: string) => Promise<void>, done: () => void, abandon: () => void): Sink => {
  let buffered = '';
  return {
    async write(text) {
      buffered += text;
      if (buffered.length >= CHUNK_CHARS) {
        const chunk = buffered;
        buffered = '';
        await put(chunk);
      }
    },
    async end() {
      if (buffered !== '') await put(buffered);
      buffered = '';
      done();
    },
    abandon,
  };
};

/** stdout, waiting for it to drain when it asks to (a pipe to a slow reader). */
const stdoutSink = (cli: CliContext): Sink => {
  const out = cli.stdout as CliContext['stdout'] & { once?: (event: 'drain', listener: () => void) => unknown };
  return chunked(
    (chunk) => (out.write(chunk) === false && out.once ? new Promise<void>((resolve) => out.once!('drain', resolve)) : Promise.resolve()),
    () => undefined,
    () => undefined,
  );
};

const WRITE_FAILURES: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** A file replaced atomically: written to a temporary file beside it, renamed over it when complete. */
const fileSink = (path: string): Sink => {
  const temp = `${path}.${process.pid}.tmp`;
  const failed = (e: unknown): never => {
    fs.rmSync(temp, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? '';
    return fail('InvalidInput', `cannot write ${path}: ${WRITE_FAILURES[code] ?? (e as Error).message}`, { file: path, code });
  };
  let fd: number;
  try {
    fd = fs.openSync(temp, 'w', 0o600);
  } catch (e) {
    return failed(e);
  }
  return chunked(
    async (chunk) => {
      try {
        fs.writeSync(fd, chunk);
      } catch (e) {
        fs.closeSync(fd);
        failed(e);
      }
    },
    () => {
      try {
        fs.closeSync(fd);
        fs.renameSync(temp, path);
      } catch (e) {
        failed(e);
      }
    },
    () => {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
      fs.rmSync(temp, { force: true });
    },
  );
};
