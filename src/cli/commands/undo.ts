import { Command } from 'commander';
import { EtlError } from '../../errors.js';
import { createDeleteGuard, DEFAULT_MAX_DELETES } from '../../write/delete-guard.js';
import { MAX_CONCURRENCY } from '../../write/concurrency.js';
import { createCallMeter, importExitCode } from '../../write/import.js';
import { runUndo, type UndoSummary } from '../../write/undo/index.js';
import { terminalQuestion } from '../confirm.js';
import type { Output } from '../output.js';
import { PAGE_SIZE_HELP, parsePageSize } from '../page-size.js';
import { parsePositiveInteger } from '../read-options.js';
import { openWriteSession } from '../write-session.js';

export function undoCommand(output: Output): Command {
  return new Command('undo')
    .description('take back what an import did, from its report and journal (only where the account still holds what it wrote)')
    .argument('<report>', 'the import report (its journal <report>.journal is read; it also covers a killed run)')
    .option('--dry-run', 'read and plan only: write the undo report, make no write call', false)
    .option('--report <file>', 'undo report CSV, one line per write taken back (default: <report>.undo.csv)')
    .option('--yes', 'confirm the deletions without asking (needed when there is no terminal)', false)
    .option('--max-deletes <n>', `refuse an undo that would delete more than n records (default ${DEFAULT_MAX_DELETES})`, parsePositiveInteger, DEFAULT_MAX_DELETES)
    .option('--force', 'also delete the e-mail groups the import created, whose members are not counted, and blacklist entries it added whose type was changed since', false)
    .option('--concurrency <n>', `requests in flight, 1–${MAX_CONCURRENCY}`, parsePositiveInteger, 4)
    .option('--resume', 'continue an interrupted undo (skips what its journal records as done)', false)
    .option('--restart', 'start over although the undo journal holds an unfinished undo', false)
    .option('--page-size <n>', PAGE_SIZE_HELP, parsePageSize)
    .option('--json', 'print the summary as JSON on stdout', false)
    .action(async (report: string, options: Record<string, unknown>) => {
      if (options.resume === true && options.restart === true) throw new EtlError('ERR_IMPORT_RESUME_RESTART', '--resume and --restart contradict each other: choose one');
      const meter = createCallMeter();
      const session = openWriteSession(output, { talk: output.isTerminal && options.json !== true });
      const client = session.clientFor(meter);
      const summary = await runUndo(
        {
          report,
          ...(typeof options.report === 'string' ? { undoReport: options.report } : {}),
          client,
          meter,
          dryRun: options.dryRun === true,
          resume: options.resume === true,
          restart: options.restart === true,
          concurrency: options.concurrency as number,
          pageSize: options.pageSize as number | undefined,
          force: options.force === true,
          guardDeletes: createDeleteGuard({ yes: options.yes === true, maxDeletes: options.maxDeletes as number, ask: terminalQuestion(), print: output.info }),
          signal: session.signal,
        },
        session.hooks,
      ).finally(session.close);
      if (options.json === true) output.json(summary);
      else output.info(formatUndoSummary(summary));
      if (summary.interrupted) output.info(`interrupted after ${summary.interrupted.after} of ${summary.items} writes: re-run with --resume`);
      process.exitCode = importExitCode(summary);
    });
}

function formatUndoSummary(summary: UndoSummary): string {
  if (summary.nothingToUndo !== undefined) return `nothing to undo: ${summary.report}: ${summary.nothingToUndo}`;
  const counts = (record: Record<string, number>) =>
    Object.entries(record)
      .filter(([, count]) => count > 0)
      .map(([key, count]) => `${key} ${count}`)
      .join(', ') || 'none';
  return [
    `${summary.dryRun ? 'DRY RUN — nothing was written. ' : ''}${summary.items} writes of the import to take back`,
    `planned: ${counts(summary.actions)}`,
    `outcome: ${counts(summary.outcomes)}`,
    `calls: ${counts(summary.calls)}; write calls ${summary.writeCalls}, retries ${summary.retries}, read-backs ${summary.readBacks}${summary.resumedItems ? `, resumed ${summary.resumedItems}` : ''}`,
    ...(summary.actions.skip > 0 ? [`${summary.actions.skip} not undone (changed since the import, not proven to be its doing, or not undoable): see the skip lines of the undo report`] : []),
    ...(summary.aborted ? [`ABORTED: ${summary.aborted.message}`] : []),
    `undo report: ${summary.undoReport ?? ''} (${(summary.durationMs / 1000).toFixed(1)} s)`,
  ].join('\n');
}
