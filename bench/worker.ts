import { buildFixture } from './measure/fixture.js';
import { generateLedger } from './measure/generateLedger.js';
import { importLedger } from './measure/importLedger.js';
import { libQueries } from './measure/libQueries.js';
import { rawInsert } from './measure/rawInsert.js';
import { replayMemory, replaySqlite } from './measure/replay.js';
import { rawScan } from './measure/scan.js';
import { sqlQueries } from './measure/sqlQueries.js';
import { buildTransactionsTable } from './measure/transactionsTable.js';

/**
 * One measurement in its own process (`node dist/bench/worker.js <name> '<json args>'`), so its
 * peak RSS and heap are its own. Prints one JSON line: the result plus maxRssMb.
 */
const MEASUREMENTS: Record<string, (args: never) => unknown> = {
  generateLedger,
  importLedger,
  buildFixture,
  rawInsert,
  rawScan,
  replaySqlite,
  replayMemory,
  buildTransactionsTable,
  sqlQueries,
  libQueries,
};

const [name, json] = process.argv.slice(2);
const measure = name ? MEASUREMENTS[name] : undefined;
if (!measure) {
  process.stderr.write(`usage: worker.js <${Object.keys(MEASUREMENTS).join('|')}> '<json args>'\n`);
  process.exit(2);
}
const result = await measure(JSON.parse(json ?? '{}') as never);
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ ...(result as object), maxRssMb })}\n`);
