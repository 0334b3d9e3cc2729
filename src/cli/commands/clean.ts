import { Command } from 'commander';
import { runClean, type CleanSummary } from '../../clean/index.js';
import { EXIT } from '../../errors.js';
import { describeTable, siblingPath } from '../describe.js';
import { handleInterrupts } from '../interrupt.js';
import { mappingForRun } from '../guess.js';
import type { Output } from '../output.js';
import { warningsText } from '../../report/issues.js';
import { addSourceOptions, sourceOptionsFrom } from '../read-options.js';

export function cleanCommand(output: Output): Command {
  const command = new Command('clean')
    .description('normalize a contact file into a clean file and a rejects file, with no API calls')
    .argument('<input>', 'contact file: CSV, XLSX, ODS, XLS, HTML table or vCard')
    .option('-m, --mapping <file>', 'column mapping (mappings/*.json); without it the mapping is guessed and printed')
    .option('--save-mapping <file>', 'write the guessed mapping to <file> (to review, edit and pass as --mapping)')
    .option('--out <file>', 'clean CSV (default: <input>.clean.csv)')
    .option('--rejects <file>', 'rejects CSV (default: <input>.rejects.csv)')
    .option('--strict', 'reject a row whose optional field is invalid instead of dropping the field', false)
    .option('--bom', 'start the CSV files with a UTF-8 BOM (for Excel)', false)
    .option('--json', 'print the summary as JSON on stdout', false);
  addSourceOptions(command);
  return command.action(async (input: string, options: Record<string, unknown>) => {
    const mapping = await mappingForRun(input, options, output, { confirm: false });
    // Ctrl-C stops the run, and the half-written files are removed, not left for the next run to sweep.
    const interrupt = handleInterrupts();
    const summary = await runClean(
      {
        input,
        mapping,
        ...sourceOptionsFrom(options),
        strict: options.strict === true,
        bom: options.bom === true,
        signal: interrupt.stop,
        out: typeof options.out === 'string' ? options.out : siblingPath(input, 'clean.csv'),
        rejects: typeof options.rejects === 'string' ? options.rejects : siblingPath(input, 'rejects.csv'),
      },
      { onOpened: (info) => output.info(describeTable(info)) },
    ).finally(() => interrupt.dispose());
    if (options.json === true) output.json(summary);
    else output.info(formatCleanSummary(summary));
    process.exitCode = summary.rejected > 0 ? EXIT.someRowsFailed : EXIT.ok;
  });
}

export function formatCleanSummary(summary: CleanSummary): string {
  return [
    `rows read ${summary.rowsRead}, clean ${summary.clean}, rejected ${summary.rejected} (duplicates ${summary.duplicates}), warnings ${summary.warnings} in ${(summary.durationMs / 1000).toFixed(1)} s${summary.threads > 0 ? ` on ${summary.threads} worker threads` : ''}`,
    ...(summary.unattached ? [`read warnings with no data row to go with (listed in the rejects file): ${warningsText(summary.unattached)}`] : []),
    `clean file: ${summary.out}`,
    `rejects file: ${summary.rejects}`,
  ].join('\n');
}
