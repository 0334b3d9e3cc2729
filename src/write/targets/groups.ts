/**
 * `import --target groups`: make the account's groups match a file of groups (name, num, type,
 * optional id) — `add_group` for missing ones, `chg_group` to rename by id or change `num`, and with
 * `--mode sync --delete-missing` `del_group` for groups the file does not list. A group that still
 * has contacts is only deleted with `--force` (its contacts stay, without the group).
 *
 * A group list is small (the exporter holds it too), so the whole file is read and planned before
 * the first write: the dry run and the delete guard see every operation. Writes go out as contacts'
 * do, at most `--concurrency` in flight, except that those taking or freeing the same group number
 * keep the file's order (see `numberOrder`).
 */
import pLimit from 'p-limit';
import type { RowIssue } from '../../contact.js';
import { EtlError } from '../../errors.js';
import { compileFields, referencedHeadersOf } from '../../map/compile.js';
import { openTableForColumns } from '../../pipeline.js';
import type { TableInfo } from '../../read/types.js';
import { readWarningIssue, takeReadWarnings, takeTrailingWarnings } from '../../read/warnings.js';
import { tellWarning, type WarningsTold } from '../../report/issues.js';
import type { SmscClient } from '../../smsc/client.js';
import { pageContacts, pageGroups } from '../../smsc/paging.js';
import { GROUP_TYPE } from '../../smsc/protocol.js';
import { openCsvWriter } from '../../report/csv-writer.js';
import { listItems } from '../account-index.js';
import type { Applied } from '../apply.js';
import { checkedConcurrency } from '../concurrency.js';
import { unaskedDeleteGuard } from '../delete-guard.js';
import { createExecutor, queued, type LineBase } from '../executor.js';
import type { GroupsImportOptions, ImportHooks, ImportSummary } from '../import.js';
import { errorText, INTERRUPTED, zeroes } from '../outcome.js';
import { sendSettled } from '../settle.js';
import { lineWarnings, OUTCOMES, REPORT_ACTIONS, REPORT_COLUMNS, reportRecord, type ReportLine } from '../report.js';
import { countWriteCalls } from '../write-calls.js';
import { createGroupPlanner, parseGroupRow, type AccountGroup, type DesiredGroup, type GroupOperation } from './groups-plan.js';

export type GroupWrite = { action: 'add'; group: DesiredGroup } | { action: 'chg'; grp: number; name: string; num?: number; type?: number } | { action: 'del'; group: AccountGroup };

/** One planned report line, and the write it needs (none for unchanged, skip, reject). */
interface Planned {
  line: LineBase;
  write?: GroupWrite;
  /** The group numbers the write takes or frees. */
  nums?: readonly number[];
}

/** The report names the group where contact reports name the phone. */
const GROUP_REPORT_COLUMNS = REPORT_COLUMNS.map((column) => (column === 'phone' ? 'group' : column));

export async function runGroupsImport(options: GroupsImportOptions, hooks: ImportHooks = {}): Promise<ImportSummary> {
  const started = performance.now();
  const mode = options.mode ?? 'upsert';
  const dryRun = options.dryRun ?? false;
  const concurrency = checkedConcurrency(options.concurrency);
  const { client, meter } = options;
  if (options.deleteMissing && mode !== 'sync') throw new EtlError('ERR_IMPORT_DELETE_MISSING', '--delete-missing needs --mode sync');
  if (mode === 'delete') throw new EtlError('ERR_IMPORT_MODE', '--mode delete is for contacts and the blacklist; groups absent from the file are deleted with --mode sync --delete-missing');
  if (options.force && !options.deleteMissing) throw new EtlError('ERR_IMPORT_FORCE', '--force only matters with --mode sync --delete-missing (it lets groups with contacts be deleted)');

  hooks.onPhase?.('validate', options.input);
  const { rows, warnings } = await readGroupRows(options);

  hooks.onPhase?.('plan', 'reading the account');
  const interrupted = () => options.signal?.aborted === true;
  const account: AccountGroup[] = [];
  const planned = await planGroups(options, rows, account).catch((error: unknown) => {
    // Interrupted while reading: nothing was written, every row is reported as not run.
    if (!interrupted()) throw error;
    return rows.map(({ row, parsed, warnings: rowWarnings }): Planned => ({
      line: { row, phone: parsed.ok ? parsed.group.name : parsed.name, action: 'skip', errorCode: INTERRUPTED, error: 'interrupted', warnings: rowWarnings },
    }));
  });

  // The guard `import` uses for contacts: the list, --max-deletes, and a yes (terminal or --yes).
  const doomed = planned.flatMap(({ line, write }) => (write?.action === 'del' ? [{ label: `«${line.phone}»`, smscId: line.smscId }] : []));
  await (options.guardDeletes ?? unaskedDeleteGuard())('groups', dryRun || interrupted() ? [] : doomed);

  hooks.onPhase?.('write', `${rows.length} rows, ${account.length} groups in the account`);
  const report = openCsvWriter(options.report, { columns: GROUP_REPORT_COLUMNS, rawColumns: new Set(['row', 'smsc_id', 'attempts']) });
  const tally = { actions: zeroes(REPORT_ACTIONS), outcomes: zeroes(OUTCOMES), created: 0, notRun: 0 };
  const executor = createExecutor({ meter, limit: pLimit(concurrency), signal: options.signal });
  const inNumberOrder = numberOrder();
  // The plan is small and whole: every line is queued at once, the limit keeps the requests in flight.
  const lines = planned.map(({ line, write, nums }) => queued(settle(line, write, nums ?? [])));
  try {
    for (const [index, pending] of lines.entries()) {
      const done = await pending;
      if (done.errorCode === INTERRUPTED && done.outcome === 'skipped' && done.row !== undefined) tally.notRun++;
      tally.actions[done.action]++;
      tally.outcomes[done.outcome]++;
      const { phone, ...record } = reportRecord(done);
      await report.write({ ...record, group: phone });
      hooks.onProgress?.({ done: index + 1, total: planned.length, retries: meter.retries });
    }
    await report.commit();
  } catch (error) {
    // Nothing queued is sent any more: the report cannot account for it.
    executor.abort(error instanceof EtlError ? error : new EtlError('ERR_INTERNAL', errorText(error)));
    await Promise.allSettled(lines);
    await report.abort();
    throw error;
  }

  function settle(line: Planned['line'], write: GroupWrite | undefined, nums: readonly number[]): ReportLine | Promise<ReportLine> {
    const quiet = line.action === 'unchanged' ? 'done' : line.action === 'reject' ? 'rejected' : 'skipped';
    if (write === undefined) return { ...line, outcome: dryRun && line.action === 'unchanged' ? 'dry-run' : quiet, attempts: 0 };
    if (dryRun) return { ...line, outcome: 'dry-run', attempts: 0 };
    return inNumberOrder(nums, () =>
      executor.run(line, () => applyGroupWrite(client, write), {
        onApplied: () => {
          if (write.action === 'add') tally.created++;
        },
      }),
    );
  }

  return {
    input: options.input,
    report: options.report,
    journal: undefined,
    target: 'groups',
    mode,
    dryRun,
    rows: rows.length,
    accountContacts: account.length,
    actions: tally.actions,
    outcomes: tally.outcomes,
    groupsCreated: tally.created,
    groupsMissing: [],
    listItemsRemoved: 0,
    calls: { ...meter.calls },
    writeCalls: countWriteCalls(meter.calls),
    retries: meter.retries,
    readBacks: executor.readBacks,
    resumedRows: 0,
    ...(warnings.count > 0 ? { warnings } : {}),
    durationMs: Math.round(performance.now() - started),
    ...(executor.aborted ? { aborted: { code: executor.aborted.code, message: executor.aborted.message } } : {}),
    ...(interrupted() ? { interrupted: { after: rows.length - tally.notRun } } : {}),
  };
}

/** Every row planned against the account's groups (read into `account`), then the deletions of `sync --delete-missing`. */
async function planGroups(options: GroupsImportOptions, rows: readonly GroupRow[], account: AccountGroup[]): Promise<Planned[]> {
  for await (const group of pageGroups(options.client)) account.push(group);
  const planner = createGroupPlanner(options.mode ?? 'upsert', account);
  const planned: Planned[] = rows.map(({ row, parsed, warnings }) => {
    if (!parsed.ok) return { line: { row, phone: parsed.name, action: 'reject', errorCode: parsed.code, error: `${parsed.field}: ${parsed.reason}`, warnings } };
    return plannedLine({ row, phone: parsed.group.name, warnings }, planner.plan(parsed.group));
  });
  if (options.deleteMissing) {
    const unkeyed = rows.filter(({ parsed }) => !parsed.ok).length;
    planned.push(...(await deletions(options.client, planner.unmatched(), { force: options.force ?? false, rejected: unkeyed, pageHint: options.pageSize })));
  }
  return planned;
}

function plannedLine(base: Pick<LineBase, 'row' | 'phone' | 'warnings'>, operation: GroupOperation): Planned {
  switch (operation.action) {
    case 'add':
      return { line: { ...base, action: 'add' }, write: { action: 'add', group: operation.group }, nums: numOf(operation.group) };
    case 'chg': {
      const renumbered = operation.changes.find(({ field }) => field === 'num');
      return {
        line: { ...base, action: 'chg', smscId: operation.grp, changes: operation.changes },
        write: { action: 'chg', grp: operation.grp, name: operation.name, num: operation.num, type: operation.type },
        nums: renumbered ? [renumbered.from, renumbered.to].filter((num) => num !== '').map(Number) : [],
      };
    }
    case 'unchanged':
      return { line: { ...base, action: 'unchanged', smscId: operation.id } };
    case 'skip':
    case 'reject':
      return { line: { ...base, action: operation.action, smscId: operation.id, errorCode: operation.code, error: operation.reason } };
  }
}

/** A row of the groups file, checked, with the read warnings it carries. */
interface GroupRow {
  row: number;
  parsed: ReturnType<typeof parseGroupRow>;
  warnings: RowIssue[] | undefined;
}

/** Every row of the file, checked, before anything is read from the account; its read warnings as contacts' are told. */
async function readGroupRows(options: GroupsImportOptions): Promise<{ rows: GroupRow[]; warnings: WarningsTold }> {
  const { fields } = options.mapping;
  const pending: RowIssue[] = [];
  const headers = { headers: referencedHeadersOf(fields), check: (info: TableInfo) => void compileFields(fields, info) };
  const table = await openTableForColumns(options.input, headers, options, (warning) => pending.push(readWarningIssue(warning)));
  const pick = compileFields(fields, table.info);
  const rows: { row: number; parsed: GroupRow['parsed']; issues: RowIssue[] }[] = [];
  for await (const source of table.rows) {
    const { row, values } = pick(source);
    rows.push({ row, parsed: parseGroupRow(values), issues: takeReadWarnings(pending, row) });
  }
  // The file is read whole: its last row is known, and takes the warnings after it (or, without rows, the summary alone has them).
  const trailing = takeTrailingWarnings(pending);
  const last = rows.at(-1);
  last?.issues.push(...trailing);
  const warnings: WarningsTold = { count: 0, first: [] };
  for (const issue of last ? rows.flatMap(({ issues }) => issues) : trailing) tellWarning(warnings, issue);
  return { rows: rows.map(({ row, parsed, issues }) => ({ row, parsed, warnings: lineWarnings(issues) })), warnings };
}

/** What `import --delete-missing` and `undo` say of an e-mail group, which they never take for empty: kept without `--force`, deleted with it. */
export const MAIL_GROUP_DELETE = {
  kept: 'not deleted: the members of an e-mail group are not counted here, so it may have some; --force deletes it anyway (the contacts stay, without this group)',
  forced: 'deleted with --force: an e-mail group, whose members are not counted here; they stay, without it',
} as const;

/**
 * `sync --delete-missing`: the account's groups the file does not list. While the file has a
 * rejected row, that row may be any of them, so none is deleted. A group with contacts (counted
 * from one paged `get`, only when there is something to delete) needs `--force`.
 */
async function deletions(
  client: Pick<SmscClient, 'get'>,
  unmatched: readonly AccountGroup[],
  { force, rejected, pageHint }: { force: boolean; rejected: number; pageHint: number | undefined },
): Promise<Planned[]> {
  if (unmatched.length === 0) return [];
  const line = (group: AccountGroup) => ({ row: undefined, phone: group.name, action: 'delete' as const, smscId: group.id });
  const deleting = (group: AccountGroup) => ({ write: { action: 'del' as const, group }, nums: numOf(group) });
  if (rejected > 0) {
    const withheld = `not deleted: ${rejected === 1 ? '1 row of the file was' : `${rejected} rows of the file were`} rejected and may be this group; fix the rejected rows and run again`;
    return unmatched.map((group) => ({ line: { ...line(group), errorCode: 'DELETE_WITHHELD', error: withheld } }));
  }
  const members = await memberCounts(client, new Set(unmatched.map((group) => group.id)), pageHint);
  return unmatched.map((group) => {
    // The members of an e-mail group (type 1) are mails.php contacts, which `get` does not list:
    // an uncounted group is never taken for an empty one.
    if (group.type === GROUP_TYPE.mails) {
      if (!force) return { line: { ...line(group), errorCode: 'GROUP_HAS_CONTACTS', error: MAIL_GROUP_DELETE.kept } };
      return { line: { ...line(group), errorCode: 'GROUP_HAS_CONTACTS', error: MAIL_GROUP_DELETE.forced }, ...deleting(group) };
    }
    const count = members.get(group.id) ?? 0;
    if (count === 0) return { line: line(group), ...deleting(group) };
    const contacts = count === 1 ? '1 contact is' : `${count} contacts are`;
    if (!force) return { line: { ...line(group), errorCode: 'GROUP_HAS_CONTACTS', error: `not deleted: ${contacts} in this group; --force deletes it anyway (the contacts stay, without this group)` } };
    return { line: { ...line(group), errorCode: 'GROUP_HAS_CONTACTS', error: `deleted with --force: ${contacts} in this group; they stay, without it` }, ...deleting(group) };
  });
}

const numOf = (group: { num?: number }): number[] => (group.num === undefined ? [] : [group.num]);

/**
 * SMSC refuses a group number another group holds (error 5), so writes that take or free the same
 * number go in file order, each after the earlier ones settled (`chg` 10 → 11 before an `add` of
 * 10, as a run one at a time would send them); the others go side by side.
 */
function numberOrder(): <T>(nums: readonly number[], send: () => Promise<T>) => Promise<T> {
  const last = new Map<number, Promise<unknown>>();
  return (nums, send) => {
    const earlier = nums.flatMap((num) => last.get(num) ?? []);
    const sent = earlier.length === 0 ? send() : Promise.allSettled(earlier).then(send);
    for (const num of nums) last.set(num, sent);
    return sent;
  };
}

/** Members per group, from full `get` pages (`cnt` 1000 unless --page-size says otherwise). */
export async function memberCounts(client: Pick<SmscClient, 'get'>, groups: ReadonlySet<number>, pageHint: number | undefined): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for await (const contact of pageContacts(client, { pageHint })) {
    for (const id of listItems(contact.fields.grp).map(Number)) if (groups.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

type GroupClient = Pick<SmscClient, 'addGroup' | 'chgGroup' | 'delGroup' | 'getGroup'>;

/** One group write, at most once: a lost reply is settled by reading the groups back (as for contacts). */
export async function applyGroupWrite(client: GroupClient, write: GroupWrite): Promise<Applied> {
  const settled = await sendSettled(() => sendGroupWrite(client, write), () => readBackGroup(client, write));
  return { smscId: settled.value, readBacks: settled.readBacks };
}

async function sendGroupWrite(client: GroupClient, write: GroupWrite): Promise<number | undefined> {
  switch (write.action) {
    case 'add':
      return (await client.addGroup({ name: write.group.name, num: write.group.num, type: write.group.type })).id;
    case 'chg':
      await client.chgGroup({ grp: write.grp, name: write.name, num: write.num, type: write.type });
      return undefined;
    case 'del':
      await client.delGroup({ grp: write.group.id, type: write.group.type });
      return undefined;
  }
}

/** Did the lost write take effect, and under which id (for `add_group`)? */
async function readBackGroup(client: GroupClient, write: GroupWrite): Promise<{ applied: boolean; value?: number }> {
  const groups: AccountGroup[] = [];
  for await (const group of pageGroups(client)) groups.push(group);
  switch (write.action) {
    case 'add': {
      const found = groups.find((group) => group.name.trim() === write.group.name && (write.group.num === undefined || group.num === write.group.num));
      return { applied: found !== undefined, value: found?.id };
    }
    case 'chg': {
      const found = groups.find((group) => group.id === write.grp);
      return { applied: found !== undefined && found.name.trim() === write.name && (write.num === undefined || found.num === write.num) };
    }
    case 'del':
      return { applied: !groups.some((group) => group.id === write.group.id) };
  }
}
