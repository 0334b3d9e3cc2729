#!/usr/bin/env node
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { cleanCommand } from './commands/clean.js';
import { emulatorCommand } from './commands/emulator.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { inspectCommand } from './commands/inspect.js';
import { restoreCommand } from './commands/restore.js';
import { undoCommand } from './commands/undo.js';
import { consoleOutput, failAndExit } from './output.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

process.on('uncaughtException', failAndExit);
process.on('unhandledRejection', failAndExit);

const program = new Command('smsc-etl')
  .description('Bulk import, export and cleaning of SMS Center (smsc.ru) contacts')
  .version(version)
  .exitOverride()
  .showHelpAfterError()
  .addCommand(cleanCommand(consoleOutput))
  .addCommand(importCommand(consoleOutput))
  .addCommand(exportCommand(consoleOutput))
  .addCommand(inspectCommand(consoleOutput))
  .addCommand(restoreCommand(consoleOutput))
  .addCommand(undoCommand(consoleOutput))
  .addCommand(emulatorCommand(consoleOutput));

for (const command of program.commands) command.exitOverride();

let finished = false;
// A command whose last wait can never end (a stream that failed without telling) would let Node
// exit 0 with nothing done: that must read as the failure it is.
process.once('beforeExit', () => {
  if (!finished) failAndExit(new Error('the command stopped before it finished'));
});

program
  .parseAsync(process.argv)
  .then(() => (finished = true))
  .catch(failAndExit);
