import { Command, InvalidArgumentError } from 'commander';
import { EtlError } from '../../errors.js';
import { loadGroupsMapping, loadMapping } from '../../map/load.js';
import { createSmscClient } from '../../smsc/client.js';
import { loadCredentials } from '../../smsc/credentials.js';
import { createCallMeter, importExitCode, MAX_CONCURRENCY, runImport, type ImportSummary } from '../../write/import.js';
import { createPacedThrottle } from '../../write/pace.js';
import { IMPORT_MODES, type ImportMode } from '../../write/plan.js';
import { siblingPath } from '../describe.js';
import type { Output } from '../output.js';
import { createProgressBar } from '../progress.js';
import { addReadOptions, readOptionsFrom } from '../read-options.js';

export function importCommand(output: Output): Command {
  const command = new Command('import')
    .description('make the SMSC account match a contact file (plan, write, report every row)')
    .argument('<input>', 'CSV or XLSX file')
    .requiredOption('-m, --mapping <file>', 'column mapping (mappings/*.json)')
    .option('--mode <mode>', `upsert | add | update | sync`, parseMode, 'upsert' as ImportMode)
    .option('--delete-missing', 'with --mode sync: delete account contacts that are not in the file', false)
    .option('--dry-run', 'read and plan only: write the report, make no write call', false)
    .option('--report <file>', 'report CSV, one line per input row (default: <input>.report.csv)')
    .option('--concurrency <n>', `requests in flight, 1–${MAX_CONCURRENCY}`, parseConcurrency, 4)
    .option('--rate <n>', 'at most n requests per second', parseRate)
    .option('--resume', 'continue an interrupted import of the same file (skips rows its journal records as done)', false)
    .option('--create-groups', 'create groups named in the file that the account lacks', false)
    .option('--target <what>', 'contacts | blacklist | groups', parseTarget, 'contacts')
    .option('--force', 'with --target groups --mode sync --delete-missing: also delete groups that still have contacts', false)
    .option('--strict', 'reject a row whose optional field is invalid instead of dropping the field', false)
    .option('--json', 'print the summary as JSON on stdout', false)
    .addHelpText('after', '\nCredentials: SMSC_LOGIN + SMSC_PASSWORD, or SMSC_APIKEY, from the environment or ./.env; SMSC_URL selects the service (default https://smsc.ru).');
  addReadOptions(command);
  return command.action(async (input: string, options: Record<string, unknown>) => {
    const target = options.target as ImportTarget;
    if (options.force === true && target !== 'groups') throw new EtlError('ERR_IMPORT_FORCE', '--force is for --target groups (deleting groups that still have contacts)');
    const mappingFile = String(options.mapping);
    const targetMapping = target === 'groups' ? { target, mapping: await loadGroupsMapping(mappingFile) } : { target, mapping: await loadMapping(mappingFile) };
    const credentials = loadCredentials();
    const meter = createCallMeter();
    const progress = createProgressBar(output.isTerminal && options.json !== true);
    const client = createSmscClient({ ...credentials, ...meter.hooks, throttle: createPacedThrottle({ rate: options.rate as number | undefined }) });
    const report = typeof options.report === 'string' ? options.report : siblingPath(input, 'report.csv');
    let summary: ImportSummary;
    try {
      summary = await runImport(
        {
          ...targetMapping,
          input,
          client,
          meter,
          report,
          ...readOptionsFrom(options),
          mode: options.mode as ImportMode,
          force: options.force === true,
          dryRun: options.dryRun === true,
          concurrency: options.concurrency as number,
          resume: options.resume === true,
          createGroups: options.createGroups === true,
          deleteMissing: options.deleteMissing === true,
          strict: options.strict === true,
        },
        {
          onPhase: (phase, detail) => {
            if (output.isTerminal && options.json !== true) output.info(`${phase}: ${detail}`);
          },
          onProgress: ({ done, total, retries }) => progress.update(done, total, retries),
        },
      );
    } finally {
      progress.stop();
    }
    if (options.json === true) output.json(summary);
    else output.info(formatImportSummary(summary));
    process.exitCode = importExitCode(summary);
  });
}

export function formatImportSummary(summary: ImportSummary): string {
  const counts = (record: Record<string, number>) =>
    Object.entries(record)
      .filter(([, count]) => count > 0)
      .map(([key, count]) => `${key} ${count}`)
      .join(', ') || 'none';
  const lines = [
    `${summary.dryRun ? 'DRY RUN — nothing was written. ' : ''}${summary.rows} rows (${summary.mode}, ${summary.target}); account had ${summary.accountContacts}`,
    `planned: ${counts(summary.actions)}`,
    `outcome: ${counts(summary.outcomes)}`,
    `calls: ${counts(summary.calls)}; write calls ${summary.writeCalls}, retries ${summary.retries}, read-backs ${summary.readBacks}${summary.resumedRows ? `, resumed rows ${summary.resumedRows}` : ''}`,
  ];
  if (summary.groupsCreated > 0) lines.push(`groups created: ${summary.groupsCreated}`);
  if (summary.groupsMissing.length > 0) lines.push(`groups missing (use --create-groups): ${summary.groupsMissing.join(', ')}`);
  if (summary.actions.delete > 0) {
    const verb = summary.dryRun ? 'planned for DELETION' : 'in delete lines';
    const what = { contacts: 'account contacts', blacklist: 'blacklist entries', groups: 'groups' }[summary.target];
    lines.push(`WARNING: ${summary.actions.delete} ${what} ${verb}; see the report's delete lines (withheld ones say why)`);
  }
  if (summary.aborted) lines.push(`ABORTED: ${summary.aborted.message}`);
  lines.push(`report: ${summary.report} (${(summary.durationMs / 1000).toFixed(1)} s)`);
  return lines.join('\n');
}

function parseMode(value: string): ImportMode {
  if (!(IMPORT_MODES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${IMPORT_MODES.join(', ')}, got "${value}"`);
  return value as ImportMode;
}

const IMPORT_TARGETS = ['contacts', 'blacklist', 'groups'] as const;
type ImportTarget = (typeof IMPORT_TARGETS)[number];

function parseTarget(value: string): ImportTarget {
  if (!(IMPORT_TARGETS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected ${IMPORT_TARGETS.join(', ')}, got "${value}"`);
  return value as ImportTarget;
}

function parseConcurrency(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > MAX_CONCURRENCY) {
    throw new InvalidArgumentError(`expected 1–${MAX_CONCURRENCY} (SMSC refuses 15 requests in flight per login), got "${value}"`);
  }
  return number;
}

function parseRate(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`expected a positive number of requests per second, got "${value}"`);
  return number;
}
