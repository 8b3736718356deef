import { Command } from 'commander';
import type { VerifyResult } from '../../integrity/verify.js';
import { fail } from '../../domain/problem.js';
import type { CliContext } from '../context.js';
import type { Progress } from '../progress.js';
import { renderTable } from '../table.js';

const count = (n: number, what: string): string => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

const verifyText = (r: VerifyResult, digestFile: string | undefined, cli: CliContext): string => {
  const scope = `${count(r.streams, 'stream')}, ${count(r.events, 'event')}`;
  if (r.ok)
    return `${cli.style.green('verified')} ${scope}: every hash chain recomputes, every event passes its invariants on replay, ids are unique${digestFile ? `, and the log extends the digest ${digestFile}` : ''}`;
  return [
    `${cli.style.red('verification failed')}: ${count(r.problems.length, 'problem')} in ${scope}`,
    '',
    renderTable(
      [{ header: 'stream' }, { header: 'revision', align: 'right' }, { header: 'kind' }, { header: 'problem' }],
      r.problems.map((p) => [p.stream, String(p.revision), p.kind, p.message]),
      cli.style,
    ),
  ].join('\n');
};

export const verifyCommand = (cli: CliContext): Command =>
  new Command('verify')
    .description('recompute every hash chain, re-check every invariant by replay and, with --digest, prove the log extends a saved digest')
    .option('--digest <file>', 'a digest saved earlier with `shareledger --json digest`')
    .addHelpText(
      'after',
      `
Exit 0 when everything verifies; 1 with the problems listed (stream, revision where it first
breaks, kind, message) when not.

Examples:
  $ shareledger verify
  $ shareledger --json verify --digest digest-2024-06-30.json`,
    )
    .action(async (o: { digest?: string }) => {
      // Loaded on use, like every command: --help and usage errors stay fast.
      const [{ readDigestFile }, { verifyLedger }] = await Promise.all([
        import('../../integrity/digest.js'),
        import('../../integrity/verify.js'),
      ]);
      const digest = o.digest === undefined ? undefined : readDigestFile(o.digest);
      let bar: Progress | undefined;
      const result = await cli.withStore(async (store) => {
        try {
          return await verifyLedger(store, {
            ...(digest ? { digest } : {}),
            onProgress: (checked, total) => (bar ??= cli.progress('verifying', total)).update(checked),
          });
        } finally {
          bar?.finish();
        }
      });
      cli.emit(result, () => verifyText(result, o.digest, cli));
      if (!result.ok) {
        const first = result.problems[0]!;
        fail(
          'VerificationFailed',
          `the ledger does not verify: ${count(result.problems.length, 'problem')}, the first at ${first.stream}@${first.revision}: ${first.message}`,
          {
            problems: result.problems.length,
          },
        );
      }
    });
