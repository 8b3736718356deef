import fs from 'node:fs';
import { Command } from 'commander';
import { parseStoreUrl } from '../../store/storeUrl.js';
import type { CliContext } from '../context.js';
import { countEvents } from '../progress.js';

export const initCommand = (cli: CliContext): Command =>
  new Command('init')
    .description('create an empty store (SQLite: the file, mode 0600); on an existing store, report what it holds')
    .addHelpText(
      'after',
      `
Examples:
  $ shareledger init
  $ shareledger --store sqlite:/var/lib/shareledger/ledger.db init`,
    )
    .action(async () => {
      const location = parseStoreUrl(cli.globals.storeUrl);
      const existed = location.kind === 'sqlite' ? fs.existsSync(location.path) : undefined;
      const result = await cli.withStore(async (store) => ({
        store: store.description,
        created: existed === undefined ? undefined : !existed,
        events: await countEvents(store),
      }));
      cli.emit(result, () =>
        result.created === false || result.events > 0
          ? `${result.store} already exists and holds ${result.events.toLocaleString('en-US')} events; nothing to do`
          : location.kind === 'memory'
            ? 'memory: is an in-process store; it starts empty in every command and keeps nothing'
            : `created an empty ledger at ${result.store}`,
      );
    });
