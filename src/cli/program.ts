import { Command, Option } from 'commander';
import { appendCommand } from './commands/append.js';
import { auditCommand } from './commands/audit.js';
import { capTableCommand } from './commands/capTable.js';
import { copyCommand } from './commands/copy.js';
import { correctCommand } from './commands/correct.js';
import { demoCommand } from './commands/demo.js';
import { digestCommand } from './commands/digest.js';
import { exportCommand } from './commands/export.js';
import { historyCommand } from './commands/history.js';
import { importCommand } from './commands/import.js';
import { initCommand } from './commands/init.js';
import { obligationsCommand } from './commands/obligations.js';
import { proceedsCommand } from './commands/proceeds.js';
import { retractCommand } from './commands/retract.js';
import { stakeCommand } from './commands/stake.js';
import { verifyCommand } from './commands/verify.js';
import { watchCommand } from './commands/watch.js';
import { CliContext } from './context.js';
import { classify, reportFailure } from './failure.js';
import { LOG_LEVELS } from './logger.js';
import { PLAIN } from './style.js';

/** Every command, in the order `--help` lists them. Adding one is one line here. */
const COMMANDS: ReadonlyArray<(cli: CliContext) => Command> = [
  initCommand,
  demoCommand,
  appendCommand,
  importCommand,
  exportCommand,
  copyCommand,
  retractCommand,
  correctCommand,
  stakeCommand,
  capTableCommand,
  historyCommand,
  proceedsCommand,
  obligationsCommand,
  auditCommand,
  digestCommand,
  verifyCommand,
  watchCommand,
];

/** Usage errors are thrown (not printed and exited by commander), so the one handler reports them. */
const configure = (command: Command): void => {
  command
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError();
  command.commands.forEach(configure);
};

/** The program and its context, new for every run (commander keeps the parsed options on it). */
const createProgram = (): { program: Command; cli: CliContext } => {
  const program = new Command('shareledger')
    .description('An event-sourced ledger of shareholdings: point-in-time stakes, realized proceeds and verifiable audit reports.')
    .version('0.1.0')
    .addOption(
      new Option(
        '--store <url>',
        'the ledger: memory:, sqlite:PATH, esdb://… or kurrentdb://… (env SHARELEDGER_STORE; default sqlite:./shareledger.db)',
      ),
    )
    .addOption(new Option('--actor <name>', 'who is appending, recorded on every event (env SHARELEDGER_ACTOR; default the OS user)'))
    .option('--json', 'print exactly one JSON document on stdout (errors as {"error":…} on stderr)')
    .addOption(new Option('--log-level <level>', `log level on stderr, JSON lines (env LOG_LEVEL; default warn): ${LOG_LEVELS.join(', ')}`))
    .addHelpText(
      'after',
      `
Exit codes: 0 success, 1 domain rejection or verification failure, 2 invalid input or usage,
3 store unavailable or still conflicting after retries.

Examples:
  $ shareledger demo
  $ shareledger --store sqlite:./ledger.db import examples/sensetime.jsonl
  $ shareledger --store sqlite:./ledger.db stake --issuer sensetime --holder taobao-holding --as-of 2023-07-07`,
    );
  const cli = new CliContext(program);
  for (const make of COMMANDS) program.addCommand(make(cli));
  configure(program);
  return { program, cli };
};

/**
 * The program's own help and version: all that runs without the event codecs (io-ts, fp-ts and
 * every codec). Everything else loads them before parsing; commands load the rest of their work
 * on use.
 */
const NEEDS_NO_CODECS = new Set(['', '--help', '-h', 'help', '--version', '-V']);

/** One invocation (`argv` as process.argv: node, script, arguments…); resolves to its exit code and never rejects. */
export const runCli = async (argv: string[]): Promise<number> => {
  const { program, cli } = createProgram();
  try {
    if (!NEEDS_NO_CODECS.has(argv.slice(2).join(' '))) await cli.loadEvents();
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    let logger;
    try {
      logger = cli.logger;
    } catch {
      logger = undefined;
    }
    const failure = classify(error, logger);
    const json = cli.json || argv.includes('--json');
    reportFailure(failure, process.stderr, json, json ? PLAIN : cli.errorStyle);
    return failure.exitCode;
  }
};
