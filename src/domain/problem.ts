/**
 * Errors are values: every way a command can fail is one of these kinds. One table maps a kind to
 * its exit code (docs/cli.md) and its JSON code; everything else that goes wrong is a bug and throws.
 */
export const PROBLEM_KINDS = {
  // invalid input or usage: exit 2
  InvalidInput: 2,
  Usage: 2,
  // domain rejections and verification failures: exit 1
  InsufficientShares: 1,
  UnknownIssuer: 1,
  IssuerAlreadyRegistered: 1,
  BeforeRegistration: 1,
  UnknownClass: 1,
  ClassAlreadyExists: 1,
  SelfTransfer: 1,
  SameClass: 1,
  FractionalShares: 1,
  InvalidRetraction: 1,
  UnknownEvent: 1,
  DuplicateEventId: 1,
  ControlCycle: 1,
  UnknownHolder: 1,
  InvalidFxRate: 1,
  VerificationFailed: 1,
  CorruptEvent: 1,
  // the store could not be reached, or kept conflicting: exit 3
  StoreUnavailable: 3,
  VersionConflict: 3,
} as const;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

export type Problem = Readonly<{ kind: ProblemKind; message: string; details?: Readonly<Record<string, unknown>> }>;

export const problem = (kind: ProblemKind, message: string, details?: Record<string, unknown>): Problem =>
  details === undefined ? { kind, message } : { kind, message, details };

export const exitCodeOf = (kind: ProblemKind): 1 | 2 | 3 => PROBLEM_KINDS[kind];

/** `InsufficientShares` → `INSUFFICIENT_SHARES`, the code carried by `--json` errors. */
export const errorCodeOf = (kind: ProblemKind): string => kind.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/**
 * Carries a Problem through async code and library boundaries (store adapters, the CLI). The
 * CLI's one error handler turns it into a message and an exit code.
 */
export class LedgerError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
    this.name = 'LedgerError';
  }
}

export const isLedgerError = (e: unknown): e is LedgerError => e instanceof LedgerError;
export const fail = (kind: ProblemKind, message: string, details?: Record<string, unknown>): never => {
  throw new LedgerError(problem(kind, message, details));
};
