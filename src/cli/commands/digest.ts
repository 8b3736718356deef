import { Command } from 'commander';
import type { Digest } from '../../integrity/digest.js';
import type { CliContext } from '../context.js';
import { renderTable } from '../table.js';

const digestText = (d: Digest, cli: CliContext): string =>
  d.streams.length === 0
    ? 'the ledger is empty'
    : renderTable(
        [{ header: 'stream' }, { header: 'revision', align: 'right' }, { header: 'hash' }],
        d.streams.map((s) => [s.stream, String(s.revision), s.hash]),
        cli.style,
      );

export const digestCommand = (cli: CliContext): Command =>
  new Command('digest')
    .description(
      "print every stream's head (stream, revision, hash); save it with --json, prove later that the log extends it with verify --digest",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ shareledger --json digest > digest-2024-06-30.json
  $ shareledger verify --digest digest-2024-06-30.json`,
    )
    .action(async () => {
      const { digestOf } = await import('../../integrity/digest.js');
      const digest = await cli.withStore(digestOf);
      cli.emit(digest, () => digestText(digest, cli));
    });
