import { writeLedger } from '../../tests/support/ledgerGenerator/generate.js';
import { shapeNamed } from '../../tests/support/ledgerGenerator/shapes.js';
import { nowMs } from '../stats.js';

/** The seeded generator writing one size's ledger to `file`, in its own process so its peak RSS is its own. */
export const generateLedger = (args: { file: string; size: string; seed: number }) => {
  const started = nowMs();
  const stats = writeLedger(args.file, shapeNamed(args.size), args.seed);
  return { ...stats, ms: nowMs() - started };
};
