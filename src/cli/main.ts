#!/usr/bin/env node
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { cleanCommand } from './commands/clean.js';
import { emulatorCommand } from './commands/emulator.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { restoreCommand } from './commands/restore.js';
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
  .addCommand(restoreCommand(consoleOutput))
  .addCommand(emulatorCommand(consoleOutput));

for (const command of program.commands) command.exitOverride();

program.parseAsync(process.argv).catch(failAndExit);
