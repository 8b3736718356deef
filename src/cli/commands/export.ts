import { Command, Option } from 'commander';
import type { IssuerId, StoredEvent } from '../../../events/index.js';
import { fail } from '../../domain/problem.js';
import type { CliContext, EventsModule } from '../context.js';
import { writeFileAtomically } from '../readInput.js';

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
      const events = await cli.withReading('exporting', async (store) => {
        if (issuer === undefined) {
          const all: StoredEvent[] = [];
          for await (const e of store.readAll()) all.push(e);
          return all;
        }
        const stream = await store.readStream(toIssuerStreamId(issuer));
        return stream.length
          ? stream
          : fail('UnknownIssuer', `unknown issuer ${issuer}: the ledger has no stream ${toIssuerStreamId(issuer)}`, { issuer });
      });
      const lines = events.map((e) => JSON.stringify(encodeStored(e)));
      if (o.out !== undefined) {
        writeFileAtomically(o.out, lines.length ? `${lines.join('\n')}\n` : '');
        const streams = new Set(events.map((e) => e.stream)).size;
        cli.emit(
          { exported: events.length, streams, out: o.out },
          () => `exported ${events.length.toLocaleString('en-US')} events of ${streams} streams to ${o.out}`,
        );
      } else if (cli.globals.json) cli.emit({ events: events.map(encodeStored) }, () => '');
      else if (lines.length) cli.stdout.write(`${lines.join('\n')}\n`);
    });
