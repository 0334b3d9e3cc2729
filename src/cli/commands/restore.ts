import { Command } from 'commander';
import { basename, dirname, extname, join } from 'node:path';
import { restoreExitCode, runRestore } from '../../restore/index.js';
import type { Output } from '../output.js';
import { openWriteSession } from '../write-session.js';
import { formatImportSummary } from './import.js';

export function restoreCommand(output: Output): Command {
  return new Command('restore')
    .description('bring an account to the contacts, groups and blacklist of an `export --what contacts,groups,blacklist` XLSX backup')
    .argument('<backup>', 'XLSX written by export --what contacts,groups,blacklist')
    .option('--dry-run', 'read and plan only: write the reports, make no write call', false)
    .option('--report <prefix>', 'step reports are <prefix>.groups|contacts|blacklist.report.csv (default: beside the backup)')
    .option('--json', 'print the summary as JSON on stdout', false)
    .addHelpText('after', '\nThree imports in turn: groups (mappings/smsc-groups.json), contacts with groups by name (smsc-restore.json), blacklist with types (smsc-blacklist.json). Nothing is deleted.')
    .action(async (backup: string, options: Record<string, unknown>) => {
      const talk = output.isTerminal && options.json !== true;
      const session = openWriteSession(output, { talk });
      const summary = await runRestore(
        {
          input: backup,
          clientFor: session.clientFor,
          reportPrefix: typeof options.report === 'string' ? options.report : join(dirname(backup), basename(backup, extname(backup))),
          dryRun: options.dryRun === true,
          signal: session.signal,
        },
        { ...session.hooks, onStep: (target) => (talk ? output.info(`restoring ${target}`) : undefined) },
      ).finally(session.close);
      if (options.json === true) output.json(summary);
      else output.info(summary.steps.map((step) => `${step.target}: ${formatImportSummary(step)}`).join('\n\n'));
      process.exitCode = restoreExitCode(summary);
    });
}
