import { writeLedger } from '../tests/support/ledgerGenerator/generate.js';
import { shapeNamed } from '../tests/support/ledgerGenerator/shapes.js';

/**
 * The benchmark's ledgers come from the seeded generator in tests/support/ledgerGenerator/, which
 * the tests use too (tests do not import bench/; bench may import them).
 */

/** `node dist/bench/generate.js --size 100k [--seed 7] --out ledger.jsonl` */
const main = (argv: string[]): void => {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const shape = shapeNamed(arg('size') ?? '10k');
  const out = arg('out') ?? `ledger-${shape.name}.jsonl`;
  const started = performance.now();
  const stats = writeLedger(out, shape, Number(arg('seed') ?? 7));
  process.stderr.write(`${out}: ${stats.lines} events in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(JSON.stringify(stats, null, 2) + '\n');
};

main(process.argv.slice(2));
