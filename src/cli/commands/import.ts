import { Command, InvalidArgumentError } from 'commander';
import { EtlError } from '../../errors.js';
import { loadGroupsMapping } from '../../map/load.js';
import type { GroupsMapping } from '../../map/schema.js';
import { warningsText } from '../../report/issues.js';
import { createDeleteGuard, DEFAULT_MAX_DELETES } from '../../write/delete-guard.js';
import { MAX_CONCURRENCY } from '../../write/concurrency.js';
import { createCallMeter, importExitCode, runImport, type ImportSummary } from '../../write/import.js';
import type { AccountRead } from '../../write/account/strategy.js';
import { IMPORT_MODES, type ImportMode } from '../../write/plan.js';
import { terminalQuestion } from '../confirm.js';
import { describeTable, siblingPath } from '../describe.js';
import { mappingForRun } from '../guess.js';
import type { Output } from '../output.js';
import { PAGE_SIZE_HELP, parsePageSize } from '../page-size.js';
import { addSourceOptions, parsePositiveInteger, sourceOptionsFrom } from '../read-options.js';
import { openWriteSession } from '../write-session.js';

export function importCommand(output: Output): Command {
  const command = new Command('import')
    .description('make the SMSC account match a contact file (plan, write, report every row)')
    .argument('<input>', 'contact file: CSV, XLSX, ODS, XLS, HTML table or vCard')
    .option('-m, --mapping <file>', 'column mapping (mappings/*.json); without it the mapping is guessed and must be accepted')
    .option('--accept-guess', 'without --mapping: import with the guessed mapping without asking', false)
    .option('--save-mapping <file>', 'write the guessed mapping to <file> (to review, edit and pass as --mapping)')
    .option('--mode <mode>', `upsert | add | update | sync | delete (delete the contacts or blacklist numbers the file lists; guarded like --delete-missing)`, parseMode, 'upsert' as ImportMode)
    .option('--delete-missing', 'with --mode sync: delete what the account has and the file lacks (contacts, blacklist entries or groups; lists them; asks on a terminal, else needs --yes)', false)
    .option('--yes', 'confirm the deletions of --delete-missing or --mode delete without asking (needed when there is no terminal)', false)
    .option('--max-deletes <n>', `refuse a run that would delete more than n records (default ${DEFAULT_MAX_DELETES})`, parsePositiveInteger, DEFAULT_MAX_DELETES)
    .option('--dry-run', 'read and plan only: write the report, make no write call', false)
    .option('--report <file>', 'report CSV, one line per input row (default: <input>.report.csv)')
    .option('--concurrency <n>', `requests in flight, 1–${MAX_CONCURRENCY}`, parsePositiveInteger, 4)
    .option('--rate <n>', 'at most n requests per second', parseRate)
    .option('--resume', 'continue an interrupted import of the same file (skips rows its journal records as done)', false)
    .option('--restart', 'start over although the journal holds an unfinished import (replaces the journal)', false)
    .option('--create-groups', 'create groups named in the file that the account lacks', false)
    .option('--target <what>', 'contacts | blacklist | groups', parseTarget, 'contacts')
    .option('--force', 'with --target groups --mode sync --delete-missing: also delete groups that still have contacts', false)
    .option('--page-size <n>', PAGE_SIZE_HELP, parsePageSize)
    .option('--strict', 'reject a row whose optional field is invalid instead of dropping the field', false)
    .option('--json', 'print the summary as JSON on stdout', false)
    .addHelpText('after', '\nCredentials: SMSC_LOGIN + SMSC_PASSWORD, or SMSC_APIKEY, from the environment or ./.env; SMSC_URL selects the service (default https://smsc.ru).');
  addSourceOptions(command);
  return command.action(async (input: string, options: Record<string, unknown>) => {
    if (options.resume === true && options.restart === true) throw new EtlError('ERR_IMPORT_RESUME_RESTART', '--resume and --restart contradict each other: choose one');
    const target = options.target as ImportTarget;
    if (options.force === true && target !== 'groups') throw new EtlError('ERR_IMPORT_FORCE', '--force is for --target groups (deleting groups that still have contacts)');
    const targetMapping = target === 'groups' ? { target, mapping: await groupsMappingFor(options) } : { target, mapping: await mappingForRun(input, options, output, { confirm: true }) };
    const meter = createCallMeter();
    const session = openWriteSession(output, { talk: output.isTerminal && options.json !== true, rate: options.rate as number | undefined });
    const client = session.clientFor(meter);
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
          ...sourceOptionsFrom(options),
          mode: options.mode as ImportMode,
          force: options.force === true,
          dryRun: options.dryRun === true,
          concurrency: options.concurrency as number,
          resume: options.resume === true,
          restart: options.restart === true,
          guardDeletes: createDeleteGuard({ yes: options.yes === true, maxDeletes: options.maxDeletes as number, ask: terminalQuestion(), print: output.info }),
          signal: session.signal,
          createGroups: options.createGroups === true,
          deleteMissing: options.deleteMissing === true,
          pageSize: options.pageSize as number | undefined,
          strict: options.strict === true,
        },
        { ...session.hooks, onOpened: (info) => output.info(describeTable(info)) },
      );
    } finally {
      session.close();
    }
    if (options.json === true) output.json(summary);
    else output.info(formatImportSummary(summary));
    if (summary.interrupted) output.info(`interrupted after ${summary.interrupted.after} of ${summary.rows} rows: re-run with --resume`);
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
    `${summary.dryRun ? 'DRY RUN — nothing was written. ' : ''}${summary.rows} rows (${summary.mode}, ${summary.target}); account had ${summary.accountRead?.method === 'lookup' ? 'at least ' : ''}${summary.accountContacts}`,
    `planned: ${counts(summary.actions)}`,
    `outcome: ${counts(summary.outcomes)}`,
    ...(summary.accountRead ? [`account read: ${describeAccountRead(summary.accountRead)}`] : []),
    `calls: ${counts(summary.calls)}; write calls ${summary.writeCalls}, retries ${summary.retries}, read-backs ${summary.readBacks}${summary.resumedRows ? `, resumed rows ${summary.resumedRows}` : ''}`,
  ];
  if (summary.target === 'contacts' && summary.mode !== 'delete') lines.push(describeLists(summary));
  if (summary.groupsCreated > 0) lines.push(`groups created: ${summary.groupsCreated}`);
  if (summary.threads !== undefined) lines.push(`file read and validated on ${summary.threads} worker threads`);
  if (summary.warnings) {
    const where = summary.rows === 0 ? 'the file has no data row to report them on' : "each also on its row's report line";
    lines.push(`warnings ${summary.warnings.count} (${where}): ${warningsText(summary.warnings)}`);
  }
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

/** What happens to phones, e-mails, groups, tags and other phones of existing contacts, and how many items go. */
function describeLists(summary: ImportSummary): string {
  const policies = Object.entries(summary.lists ?? {});
  const fieldsWith = (policy: string) => policies.filter(([, each]) => each === policy).map(([field]) => field);
  const replaced = fieldsWith('replace');
  const how =
    replaced.length === 0
      ? 'lists: the file\'s items are added to each contact\'s'
      : summary.mode === 'sync'
        ? 'lists: mode sync REPLACES every list (phone, mail, grp, tags, pho) with the file\'s'
        : `lists: replaced by the file's: ${replaced.join(', ')}; added to: ${fieldsWith('add').join(', ') || 'none'}`;
  const removed = summary.listItemsRemoved === 0 ? '' : `; ${summary.listItemsRemoved} list items ${summary.dryRun ? 'WOULD BE REMOVED' : 'removed'} (− in the report's changes)`;
  return `${how}${removed}`;
}

function describeAccountRead(read: AccountRead): string {
  const pages = `${read.pages} page${read.pages === 1 ? '' : 's'}`;
  if (read.method === 'full') return `whole account, ${pages}`;
  return `${pages}, then ${read.lookups} lookup${read.lookups === 1 ? '' : 's'} by phone/e-mail (${read.lookupRequests} requests) — cheaper than reading the rest of the account`;
}

function parseMode(value: string): ImportMode {
  if (!(IMPORT_MODES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${IMPORT_MODES.join(', ')}, got "${value}"`);
  return value as ImportMode;
}

/** Groups mappings are not guessed: a groups file comes from `export --what groups` (mappings/smsc-groups.json). */
async function groupsMappingFor(options: Record<string, unknown>): Promise<GroupsMapping> {
  if (typeof options.mapping !== 'string') throw new EtlError('ERR_OPTION', '--target groups needs --mapping (mappings/smsc-groups.json reads a file of export --what groups)');
  if (typeof options.saveMapping === 'string') throw new EtlError('ERR_OPTION', '--save-mapping saves a guessed mapping: use it without --mapping');
  return loadGroupsMapping(options.mapping);
}

const IMPORT_TARGETS = ['contacts', 'blacklist', 'groups'] as const;
type ImportTarget = (typeof IMPORT_TARGETS)[number];

function parseTarget(value: string): ImportTarget {
  if (!(IMPORT_TARGETS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected ${IMPORT_TARGETS.join(', ')}, got "${value}"`);
  return value as ImportTarget;
}

function parseRate(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`expected a positive number of requests per second, got "${value}"`);
  return number;
}
