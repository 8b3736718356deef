import { CommanderError } from 'commander';
import { errorCodeOf, exitCodeOf, isLedgerError, type Problem } from '../domain/problem.js';
import { toJson } from './context.js';
import { redactText, type Logger } from './logger.js';
import type { Style } from './style.js';

export type Failure = Readonly<{ exitCode: 0 | 1 | 2 | 3; problem?: Problem; code?: string; hint?: string }>;

/**
 * The one place failures become exit codes (docs/cli.md): a LedgerError by its kind (0/1/2/3 via
 * exitCodeOf), a commander usage error 2 (help and --version 0), anything else is a bug: exit 1
 * with "internal error" (the stack goes to the log at debug level).
 */
export const classify = (error: unknown, logger?: Logger): Failure => {
  if (isLedgerError(error)) return { exitCode: exitCodeOf(error.problem.kind), problem: error.problem };
  if (error instanceof CommanderError) {
    if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return { exitCode: 0 };
    const message = error.message.replace(/^error: /, '');
    return {
      exitCode: 2,
      problem: { kind: 'Usage', message, details: { commander: error.code } },
      hint: 'see shareledger --help, or shareledger <command> --help',
    };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  logger?.debug({ err: e }, 'internal error');
  return { exitCode: 1, problem: { kind: 'InvalidInput', message: `internal error: ${e.message}` }, code: 'INTERNAL_ERROR' };
};

/** Writes a failure to stderr: a sentence for people, or `{"error":{code,message,details}}` with --json. */
export const reportFailure = (failure: Failure, out: { write(s: string): unknown }, json: boolean, style: Style): void => {
  const p = failure.problem;
  if (!p) return;
  const message = redactText(p.message);
  if (json) {
    const details = JSON.parse(redactText(toJson(p.details ?? {}))) as unknown;
    out.write(`${toJson({ error: { code: failure.code ?? errorCodeOf(p.kind), message, details } })}\n`);
    return;
  }
  out.write(`${style.red('error:')} ${message}\n`);
  if (failure.hint) out.write(`${style.dim(failure.hint)}\n`);
};
