/**
 * `smsc-etl import`: make the SMSC account match a file, and account for every row.
 *
 * 1. Validate: read the whole file once (read → map → normalize). Anything that makes the input
 *    unusable stops the run here, before the first write call.
 * 2. Plan: read the account once (`get` pages as far as they pay, then per-key lookups — see
 *    account/strategy.ts; `get_group`, `get_black`), then decide per row: add, chg (only the fields
 *    that differ), unchanged, skip or reject.
 * 3. Write: bounded concurrency (p-limit), one shared pace (rate + error-9 pause), lost replies
 *    settled by reading back, every applied operation journaled for `--resume`.
 * 4. Report: one line per input row, in input order, streamed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pLimit from 'p-limit';
import type { ContactFields } from '../contact.js';
import { EtlError, EXIT } from '../errors.js';
import type { GroupsMapping, Mapping } from '../map/schema.js';
import { DUPLICATE_CODES } from '../normalize/dedupe-stage.js';
import type { NormalizedRow } from '../normalize/row.js';
import { openContactSource, type ContactSourceOptions } from '../pipeline.js';
import type { TableInfo } from '../read/types.js';
import { openCsvWriter } from '../report/csv-writer.js';
import { OutputWriteError } from '../report/output-error.js';
import { issueText, tellWarning, type WarningsTold } from '../report/issues.js';
import { checkOutputPaths } from '../report/preflight.js';
import type { SmscClient } from '../smsc/client.js';
import { GROUP_TYPE, LIMITS, type Command } from '../smsc/protocol.js';
import { buildAccountIndex, listItems, readBlacklist, type AccountIndex, type BlacklistEntries } from './account-index.js';
import { createKeyCollector, readContacts, type AccountRead } from './account/strategy.js';
import { applyOperation, type WriteOperation } from './apply.js';
import { checkedConcurrency } from './concurrency.js';
import { createExecutor, queued, type LineBase } from './executor.js';
import { createContactRowMerger, sameContactReason } from './contact-rows.js';
import { unaskedDeleteGuard, type DeleteCandidate, type DeleteGuard } from './delete-guard.js';
import { loadGroupDirectory, type GroupDirectory } from './groups.js';
import { failedEntry, hashFile, openJournal, type Journal } from './journal.js';
import { listPolicies, type ListPolicies } from './lists.js';
import { acquireRunLock, lockPathFor } from './lock.js';
import { errorText, INTERRUPTED, zeroes } from './outcome.js';
import { blacklistDeletePlanner, contactDeleteKey, contactDeletePlanner, type RowDeletePlanner } from './row-deletes.js';
import { planBlacklistRow } from './targets/blacklist-plan.js';
import { runGroupsImport } from './targets/groups.js';
import { planRow, type ExistingContact, type ImportMode, type Operation } from './plan.js';
import { blacklistRecord, changeRecord, type UndoRecord } from './undo/record.js';
import { countWriteCalls } from './write-calls.js';
import { lineWarnings, OUTCOMES, REPORT_ACTIONS, REPORT_COLUMNS, removedItems, reportRecord, type Outcome, type ReportAction, type ReportLine } from './report.js';

export interface ImportOptions extends ContactSourceOptions {
  input: string;
  mapping: Mapping;
  /** Client whose hooks were created by `importHooks()` of this run (calls and attempts are counted there). */
  client: SmscClient;
  meter: CallMeter;
  report: string;
  mode?: ImportMode;
  target?: 'contacts' | 'blacklist';
  dryRun?: boolean;
  concurrency?: number;
  resume?: boolean;
  /** Start over although the journal holds an unfinished run. */
  restart?: boolean;
  createGroups?: boolean;
  deleteMissing?: boolean;
  /** Asked before the first write whether `--delete-missing` may delete; default: up to DEFAULT_MAX_DELETES, no question. */
  guardDeletes?: DeleteGuard;
  /** Aborting stops new requests: the ones in flight settle, the rows not yet run are reported `skipped` (`interrupted`). */
  signal?: AbortSignal;
  /** `cnt` of `get`/`get_black` pages, 1–1000 (default 1000). */
  pageSize?: number;
  /** `--target groups`: delete groups that still have contacts too. */
  force?: boolean;
}

/** `--target groups` takes a groups mapping (`"target": "groups"`). */
export type GroupsImportOptions = Omit<ImportOptions, 'mapping' | 'target'> & { target: 'groups'; mapping: GroupsMapping };

export interface ImportProgress {
  done: number;
  total: number;
  retries: number;
}

export interface ImportHooks {
  onPhase?: (phase: 'validate' | 'plan' | 'write', detail: string) => void;
  onProgress?: (progress: ImportProgress) => void;
  /** Called with the file facts (format, encoding, header) once the file is opened. */
  onOpened?: (info: TableInfo) => void;
}

export interface ImportSummary {
  input: string;
  report: string;
  journal: string | undefined;
  target: 'contacts' | 'blacklist' | 'groups';
  mode: ImportMode;
  dryRun: boolean;
  rows: number;
  accountContacts: number;
  /** How the account was read and what it cost (contacts only). */
  accountRead?: AccountRead;
  actions: Record<ReportAction, number>;
  outcomes: Record<Outcome, number>;
  groupsCreated: number;
  groupsMissing: string[];
  /** What the run does to the list fields of existing contacts (`add` merges, `replace` mirrors the file); not for groups. */
  lists?: ListPolicies;
  /** List items (phones, e-mails, groups, tags, other phones) the run removes or, in a dry run, would remove. */
  listItemsRemoved: number;
  calls: Partial<Record<Command, number>>;
  writeCalls: number;
  retries: number;
  readBacks: number;
  resumedRows: number;
  /** Worker threads the file was read and validated on; absent for one thread. */
  threads?: number;
  /**
   * Warnings on the file's rows (read and normalization, as `clean` counts them; each also on its
   * row's report line), the first few told; absent when none. A file without data rows has its read
   * warnings here alone.
   */
  warnings?: WarningsTold;
  durationMs: number;
  aborted?: { code: string; message: string };
  /** Set when `signal` stopped the run: `after` input rows were settled before it did. */
  interrupted?: { after: number };
}

/**
 * Counts the calls a client makes, and attributes each attempt to the row being written (through
 * AsyncLocalStorage, so the client's API stays per-call free). Hand `meter.hooks` to the client.
 */
export interface CallMeter {
  readonly hooks: { onRequest: (context: { command: Command }) => void; onRetry: () => void };
  readonly calls: Partial<Record<Command, number>>;
  readonly retries: number;
  attempts<T>(work: () => Promise<T>): Promise<{ value: T; attempts: number } | { error: unknown; attempts: number }>;
}

export function createCallMeter(): CallMeter {
  const calls: Partial<Record<Command, number>> = {};
  const current = new AsyncLocalStorage<{ attempts: number }>();
  let retries = 0;
  return {
    hooks: {
      onRequest: ({ command }) => {
        calls[command] = (calls[command] ?? 0) + 1;
        const row = current.getStore();
        if (row) row.attempts++;
      },
      onRetry: () => void retries++,
    },
    calls,
    get retries() {
      return retries;
    },
    async attempts(work) {
      const store = { attempts: 0 };
      try {
        const value = await current.run(store, work);
        return { value, attempts: store.attempts };
      } catch (error) {
        return { error, attempts: store.attempts };
      }
    },
  };
}

export async function runImport(options: ImportOptions | GroupsImportOptions, hooks: ImportHooks = {}): Promise<ImportSummary> {
  if (options.pageSize !== undefined && !(Number.isInteger(options.pageSize) && options.pageSize >= 1 && options.pageSize <= LIMITS.maxPageSize)) {
    throw new EtlError('ERR_IMPORT_PAGE_SIZE', `--page-size must be 1–${LIMITS.maxPageSize} (SMSC returns at most ${LIMITS.maxPageSize} records a page), got ${options.pageSize}`);
  }
  // Before anything is read or sent: a report that cannot be written must not surface after the writes.
  await checkOutputPaths([{ label: 'report', path: options.report }, ...(options.dryRun === true ? [] : [{ label: 'journal', path: `${options.report}.journal` }])]);
  const lock = await acquireRunLock(lockPathFor(options.report));
  try {
    return await (options.target === 'groups' ? runGroupsImport(options, hooks) : importUnderLock(options, hooks));
  } finally {
    await lock.release();
  }
}

async function importUnderLock(options: ImportOptions, hooks: ImportHooks): Promise<ImportSummary> {
  const started = performance.now();
  const mode = options.mode ?? 'upsert';
  const target = options.target ?? 'contacts';
  const dryRun = options.dryRun ?? false;
  const concurrency = checkedConcurrency(options.concurrency);
  if (options.deleteMissing && mode !== 'sync') throw new EtlError('ERR_IMPORT_DELETE_MISSING', '--delete-missing needs --mode sync');
  const { client, meter } = options;

  // 1. Validate the whole file before anything is written.
  hooks.onPhase?.('validate', options.input);
  const facts = await surveyFile(options, target === 'contacts' && options.mapping.groups !== 'id', hooks.onOpened);
  const inputHash = await hashFile(options.input);
  // A journal of another file stops the run here, before the first request (`add_group` included).
  const journalPath = dryRun ? undefined : `${options.report}.journal`;
  const journal: Journal | undefined = journalPath ? await openJournal(journalPath, { inputHash, resume: options.resume ?? false, restart: options.restart ?? false }) : undefined;
  const interrupted = () => options.signal?.aborted === true;
  const guardDeletes = options.guardDeletes ?? unaskedDeleteGuard();
  // `--mode delete`: a row names what it deletes; the same planner, run over the file first, lists it for the guard.
  const rowDeletePlanner = (account: AccountIndex, blacklist: BlacklistEntries): RowDeletePlanner | undefined =>
    mode !== 'delete' ? undefined : target === 'blacklist' ? blacklistDeletePlanner(blacklist) : contactDeletePlanner(account);
  const beforeWrites = async (account: AccountIndex, blacklist: BlacklistEntries) => {
    const planner = rowDeletePlanner(account, blacklist);
    const doomed =
      dryRun || interrupted() ? [] : planner ? await rowDeleteCandidates(options, planner, journal) : deleteCandidates(options, target, account, blacklist, facts).map(({ candidate }) => candidate);
    await guardDeletes(target === 'blacklist' ? 'blacklist entries' : 'contacts', doomed);
  };

  // 2. Read the account (whole, or as far as it pays, then per-key lookups) and the groups once.
  hooks.onPhase?.('plan', 'reading the account');
  const limit = pLimit(concurrency);
  const { account, accountRead, blacklist, groups, groupsCreated } = await readAccount(client, options, facts, target, dryRun, limit, beforeWrites).catch(async (error: unknown) => {
    // Interrupted while reading: nothing was written, every row is reported as not run.
    if (interrupted()) return { account: buildAccountIndex([]), accountRead: undefined, blacklist: new Map() as BlacklistEntries, groups: undefined, groupsCreated: 0 };
    await journal?.close();
    throw error;
  });
  for (const { id, name, type } of groups?.created ?? []) journal?.append({ createdGroup: id, name, ...(type === undefined ? {} : { type }) });

  const lists = listPolicies(options.mapping.lists, mode);
  if (target === 'contacts' && (options.mapping.duplicates ?? 'first') !== 'first') hooks.onPhase?.('plan', 'reading the file again for rows of the same contact');
  const deletePlanner = rowDeletePlanner(account, blacklist);
  const merger =
    target === 'contacts' && deletePlanner === undefined
      ? await createContactRowMerger(options.mapping.duplicates ?? 'first', account, async function* () {
          yield* (await openContactSource(options.input, options.mapping, options)).rows;
        })
      : undefined;

  // 3 + 4. Plan and write row by row, reporting in input order.
  const report = openCsvWriter(options.report, { columns: REPORT_COLUMNS, rawColumns: new Set(['row', 'phone', 'smsc_id', 'attempts']) });
  const tally = { actions: zeroes(REPORT_ACTIONS), outcomes: zeroes(OUTCOMES), resumedRows: 0, listItemsRemoved: 0 };
  const itemLabel = (field: string, item: string) => (field === 'grp' && groups ? groups.nameOf(item) : item);
  const window: Promise<ReportLine>[] = [];
  const windowSize = concurrency * 64;
  let done = 0;
  let notRun = 0;

  const emit = async (line: ReportLine) => {
    if (line.errorCode === INTERRUPTED && line.outcome === 'skipped' && line.row !== undefined) notRun++;
    tally.actions[line.action]++;
    tally.outcomes[line.outcome]++;
    if (line.outcome === 'done' || line.outcome === 'dry-run') tally.listItemsRemoved += removedItems(line);
    await report.write(reportRecord(line, itemLabel));
    done++;
    if ((done & 0x3f) === 0) hooks.onProgress?.({ done, total: facts.rows, retries: meter.retries });
  };

  const executor = createExecutor({ meter, limit, signal: options.signal });
  const execute = (base: LineBase, operation: WriteOperation, undo?: UndoRecord): Promise<ReportLine> =>
    executor.run(base, () => applyOperation(client, operation), {
      beforeSend: () => {
        if (base.row !== undefined && undo) journal?.intend({ intent: base.row, undo });
      },
      onApplied: (applied) => {
        if (base.row !== undefined) journal?.append({ row: base.row, action: base.action, smscId: applied.smscId ?? base.smscId });
      },
      onFailed: (error) => {
        const failed = base.row !== undefined && undo ? failedEntry(base.row, error) : undefined;
        if (failed) journal?.fail(failed);
      },
    });

  const lineFor = (result: NormalizedRow): ReportLine | Promise<ReportLine> => {
    const phone = result.fields?.phone ?? result.fields?.mail ?? '';
    const base = { row: result.row, phone, warnings: lineWarnings(result.issues) };
    if (result.fields === undefined) {
      const duplicate = result.issues.find((issue) => DUPLICATE_CODES.has(issue.code));
      if (duplicate) return { ...base, phone: duplicate.value, action: 'skip', outcome: 'skipped', errorCode: duplicate.code, error: duplicate.reason, attempts: 0 };
      const errors = result.issues.filter((issue) => issue.severity === 'error');
      return { ...base, action: 'reject', outcome: 'rejected', errorCode: errors[0]?.code, error: errors.map(issueText).join('; '), attempts: 0 };
    }
    const decision = merger?.decide(result.row, result.fields) ?? { action: 'emit', fields: result.fields };
    if (decision.action !== 'emit') {
      const { code, reason } = sameContactReason(decision);
      return { ...base, action: 'skip', outcome: 'skipped', smscId: account.find(result.fields)?.intId, errorCode: code, error: reason, attempts: 0 };
    }
    const resumed = journal?.done.get(result.row);
    if (resumed) {
      tally.resumedRows++;
      return { ...base, action: resumed.action as ReportAction, outcome: 'done', smscId: resumed.smscId, error: 'done in an earlier run (journal)', attempts: 0 };
    }
    const notRun = executor.stopped({ ...base, action: 'skip' });
    if (notRun) return notRun;

    if (deletePlanner) {
      const planned = deletePlanner(result.row, result.fields);
      if (planned.action === 'skip') return { ...base, action: 'skip', outcome: 'skipped', smscId: planned.smscId, errorCode: planned.code, error: planned.reason, attempts: 0 };
      const line = { ...base, action: 'delete' as const, smscId: planned.smscId };
      return dryRun ? { ...line, outcome: 'dry-run', attempts: 0 } : execute(line, planned.operation);
    }
    if (target === 'blacklist') {
      // Every number of the row is blocked; only those not listed yet (or listed with another type) are sent.
      const { blacklistType } = options.mapping;
      const type = { value: result.blacklistType ?? (typeof blacklistType === 'number' ? blacklistType : 0), stated: result.blacklistType !== undefined };
      const phones = listItems(phone);
      const planned = planBlacklistRow(mode, phones, type, blacklist);
      if (planned.action === 'unchanged') return { ...base, action: 'unchanged', outcome: dryRun ? 'dry-run' : 'done', smscId: planned.smscId, attempts: 0 };
      const line = planned.action === 'add' ? { ...base, action: 'add' as const } : { ...base, action: 'chg' as const, smscId: planned.smscId, changes: planned.changes };
      if (dryRun) return { ...line, outcome: 'dry-run', attempts: 0 };
      return execute(line, planned.operation, blacklistRecord(planned.operation, blacklist));
    }

    const desired = resolveGroups(decision.fields, groups);
    if (!desired.ok) return { ...base, action: 'reject', outcome: 'rejected', errorCode: 'GROUP_MISSING', error: desired.reason, attempts: 0 };
    const existing = account.find(desired.fields);
    return lineForOperation(base, planRow(mode, desired.fields, existing, lists), existing);
  };

  const lineForOperation = (base: Pick<LineBase, 'row' | 'phone' | 'warnings'>, operation: Operation, existing: ExistingContact | undefined): ReportLine | Promise<ReportLine> => {
    switch (operation.action) {
      case 'unchanged':
        return { ...base, action: 'unchanged', outcome: dryRun ? 'dry-run' : 'done', smscId: operation.intId, attempts: 0 };
      case 'skip':
        return { ...base, action: 'skip', outcome: 'skipped', smscId: operation.intId, error: operation.reason, attempts: 0 };
      case 'add': {
        const line = { ...base, action: 'add' as const, changes: operation.changes };
        if (dryRun) return { ...line, outcome: 'dry-run', attempts: 0 };
        return execute(line, { action: 'add', params: operation.params }, { kind: 'add', wrote: operation.params });
      }
      case 'chg':
      case 'move_group': {
        const line = { ...base, action: 'chg' as const, smscId: operation.intId, changes: operation.changes };
        if (dryRun) return { ...line, outcome: 'dry-run', attempts: 0 };
        return execute(
          line,
          operation.action === 'chg'
            ? { action: 'chg', params: operation.params, desired: operation.target }
            : { action: 'move_group', mode: operation.mode, grp: operation.grp, key: operation.key, desired: operation.target },
          existing && changeRecord(existing, operation.target),
        );
      }
    }
  };

  try {
    const source = await openContactSource(options.input, options.mapping, options);
    hooks.onPhase?.('write', `${facts.rows} rows, ${accountRead?.method === 'lookup' ? 'at least ' : ''}${accountRead?.contactsSeen ?? account.size} contacts in the account`);
    for await (const result of source.rows) {
      window.push(queued(lineFor(result)));
      while (window.length >= windowSize) await emit(await (window.shift() as Promise<ReportLine>));
    }
    for (const line of deletions(options, target, account, blacklist, facts, dryRun, execute)) window.push(queued(line));
    while (window.length > 0) await emit(await (window.shift() as Promise<ReportLine>));
    await report.commit();
    if (!executor.aborted && !interrupted()) journal?.finish();
    await journal?.close();
  } catch (error) {
    // Nothing queued is sent any more: the run cannot account for it.
    executor.abort(error instanceof EtlError ? error : new EtlError('ERR_INTERNAL', errorText(error)));
    await Promise.allSettled(window);
    await report.abort();
    await journal?.close().catch(() => undefined);
    throw withWritesMade(error, countWriteCalls(meter.calls));
  }
  hooks.onProgress?.({ done, total: facts.rows, retries: meter.retries });

  const writeCalls = countWriteCalls(meter.calls);
  return {
    input: options.input,
    report: options.report,
    journal: journalPath,
    target,
    mode,
    dryRun,
    rows: facts.rows,
    accountContacts: target === 'contacts' ? (accountRead?.contactsSeen ?? account.size) : blacklist.size,
    ...(accountRead ? { accountRead } : {}),
    actions: tally.actions,
    outcomes: tally.outcomes,
    groupsCreated,
    groupsMissing: groups && !(options.createGroups ?? false) ? [...groups.missing] : [],
    lists,
    listItemsRemoved: tally.listItemsRemoved,
    calls: { ...meter.calls },
    writeCalls,
    retries: meter.retries,
    readBacks: executor.readBacks,
    resumedRows: tally.resumedRows,
    ...(facts.threads > 0 ? { threads: facts.threads } : {}),
    ...(facts.warnings.count > 0 ? { warnings: facts.warnings } : {}),
    durationMs: Math.round(performance.now() - started),
    ...(executor.aborted ? { aborted: { code: executor.aborted.code, message: executor.aborted.message } } : {}),
    ...(interrupted() ? { interrupted: { after: facts.rows - notRun } } : {}),
  };
}


/** An output that failed after writes to SMSC were made says how many, and how to go on. */
function withWritesMade(error: unknown, writeCalls: number): unknown {
  if (!(error instanceof OutputWriteError) || writeCalls === 0) return error;
  return new EtlError('ERR_OUTPUT_WRITE', `${error.message}; ${writeCalls} write${writeCalls === 1 ? ' was' : 's were'} made to SMSC: fix that and run again with --resume to continue`, {
    exitCode: EXIT.aborted,
    cause: error,
  });
}

/** The exit code an import summary calls for (README "Exit codes"). */
export function importExitCode(summary: Pick<ImportSummary, 'interrupted' | 'aborted' | 'outcomes'>): number {
  if (summary.interrupted) return EXIT.interrupted;
  if (summary.aborted) return EXIT.aborted;
  return summary.outcomes.failed > 0 || summary.outcomes.rejected > 0 ? EXIT.someRowsFailed : EXIT.ok;
}

async function readAccount(
  client: SmscClient,
  options: ImportOptions,
  facts: FileFacts,
  target: 'contacts' | 'blacklist',
  dryRun: boolean,
  limit: <T>(work: () => Promise<T>) => Promise<T>,
  beforeWrites: (account: AccountIndex, blacklist: BlacklistEntries) => Promise<void>,
) {
  const contacts = target === 'contacts' ? await readContacts(client, { keys: facts.lookupKeys, pageHint: options.pageSize, limit }) : undefined;
  const account = contacts?.index ?? buildAccountIndex([]);
  const blacklist: BlacklistEntries = target === 'blacklist' ? await readBlacklist(client, options.pageSize) : new Map();
  // `add_group` below is already a write.
  await beforeWrites(account, blacklist);
  // Also loaded when empty group cells clear memberships: the report names the groups removed.
  const clearsGroups = target === 'contacts' && options.mode !== 'delete' && options.mapping.fields.grp !== undefined && options.mapping.emptyCells === 'clear';
  const groups = facts.groupNames.size > 0 || facts.groupIds || clearsGroups ? await loadGroupDirectory(client, options.mapping.groups === 'id') : undefined;
  // E-mail contacts belong to e-mail groups (type 1, through mails.php).
  const type = options.mapping.contactKind === 'mail' ? GROUP_TYPE.mails : undefined;
  const groupsCreated = groups ? await groups.ensure(facts.groupNames, { create: options.createGroups ?? false, dryRun, type }) : 0;
  return { account, accountRead: contacts?.read, blacklist, groups, groupsCreated };
}

interface FileFacts {
  rows: number;
  /** Worker threads the file was read on (0: this thread). */
  threads: number;
  groupNames: Set<string>;
  groupIds: boolean;
  /** Phones and e-mails of the file, only collected for `sync --delete-missing`. */
  keys: Set<string>;
  /** Rows rejected without fields (and not as duplicates): their keys are unknown, so any contact may be theirs. */
  unkeyedRows: number;
  /** The keys the rows are planned by; undefined when every contact must be read (see account/strategy.ts). */
  lookupKeys: ReadonlySet<string> | undefined;
  warnings: WarningsTold;
}

async function surveyFile(options: ImportOptions, collectGroupNames: boolean, onOpened: ImportHooks['onOpened']): Promise<FileFacts> {
  const facts: FileFacts = { rows: 0, threads: 0, groupNames: new Set(), groupIds: false, keys: new Set(), unkeyedRows: 0, lookupKeys: undefined, warnings: { count: 0, first: [] } };
  const lookupKeys = options.deleteMissing || options.target === 'blacklist' ? undefined : createKeyCollector();
  const source = await openContactSource(options.input, options.mapping, options);
  onOpened?.(source.info);
  for await (const result of source.rows) {
    facts.rows++;
    for (const issue of result.issues) if (issue.severity === 'warning') tellWarning(facts.warnings, issue);
    if (result.fields) lookupKeys?.add(result.fields);
    // A row of `--mode delete` only names its contact: its groups are neither resolved nor created.
    const grp = options.mode === 'delete' ? undefined : result.fields?.grp;
    if (grp) {
      if (collectGroupNames) for (const name of listItems(grp)) facts.groupNames.add(name);
      else facts.groupIds = true;
    }
    if (options.deleteMissing && result.fields) {
      for (const phone of listItems(result.fields.phone)) facts.keys.add(phone);
      for (const mail of listItems(result.fields.mail)) facts.keys.add(`@${mail.toLowerCase()}`);
    } else if (options.deleteMissing && !result.issues.some((issue) => DUPLICATE_CODES.has(issue.code))) {
      facts.unkeyedRows++;
    }
  }
  for (const issue of source.unattached) tellWarning(facts.warnings, issue);
  facts.lookupKeys = lookupKeys?.keys;
  facts.threads = source.threads;
  return facts;
}

function resolveGroups(fields: ContactFields, groups: GroupDirectory | undefined): { ok: true; fields: ContactFields } | { ok: false; reason: string } {
  if (!fields.grp || groups === undefined) return { ok: true, fields };
  const resolved = groups.resolve(fields.grp);
  return resolved.ok ? { ok: true, fields: { ...fields, grp: resolved.grp } } : resolved;
}

/**
 * `sync --delete-missing`: what the account has and the file does not. A rejected row whose key is
 * unknown may be any contact, so while the file has one, nothing is deleted (reported as skipped).
 */
function* deletions(
  options: ImportOptions,
  target: 'contacts' | 'blacklist',
  account: AccountIndex,
  blacklist: BlacklistEntries,
  { keys, unkeyedRows }: Pick<FileFacts, 'keys' | 'unkeyedRows'>,
  dryRun: boolean,
  execute: (base: Omit<ReportLine, 'outcome' | 'attempts'>, operation: WriteOperation) => Promise<ReportLine>,
): Generator<ReportLine | Promise<ReportLine>> {
  if (!options.deleteMissing) return;
  const withheld =
    unkeyedRows === 0
      ? undefined
      : `not deleted: ${unkeyedRows === 1 ? '1 row of the file was' : `${unkeyedRows} rows of the file were`} rejected before its phone was known and may be this contact; fix the rejected rows and run again`;
  for (const { candidate, operation } of missingFromFile(target, account, blacklist, keys)) {
    const base = { row: undefined, phone: candidate.label, action: 'delete' as const, smscId: candidate.smscId };
    if (withheld) yield { ...base, outcome: 'skipped', errorCode: 'DELETE_WITHHELD', error: withheld, attempts: 0 };
    else yield dryRun ? { ...base, outcome: 'dry-run', attempts: 0 } : execute(base, operation);
  }
}

/** What `deletions` will send (none while a rejected row withholds them): what the delete guard is asked about. */
function deleteCandidates(
  options: ImportOptions,
  target: 'contacts' | 'blacklist',
  account: AccountIndex,
  blacklist: BlacklistEntries,
  { keys, unkeyedRows }: Pick<FileFacts, 'keys' | 'unkeyedRows'>,
): { candidate: DeleteCandidate; operation: WriteOperation }[] {
  return options.deleteMissing && unkeyedRows === 0 ? [...missingFromFile(target, account, blacklist, keys)] : [];
}

/** The account's records whose phones and e-mails the file does not have. */
function* missingFromFile(
  target: 'contacts' | 'blacklist',
  account: AccountIndex,
  blacklist: BlacklistEntries,
  keys: ReadonlySet<string>,
): Generator<{ candidate: DeleteCandidate; operation: WriteOperation }> {
  if (target === 'blacklist') {
    for (const [phone, { id }] of blacklist) if (!keys.has(phone)) yield { candidate: { label: phone, smscId: id }, operation: { action: 'delete_black', phone } };
    return;
  }
  for (const contact of account.contacts()) {
    const phones = listItems(contact.fields.phone);
    const mails = listItems(contact.fields.mail);
    const inFile = phones.some((phone) => keys.has(phone.replace(/\D/g, ''))) || mails.some((mail) => keys.has(`@${mail.toLowerCase()}`));
    if (inFile) continue;
    const { label, key } = contactDeleteKey(contact);
    yield { candidate: { label, smscId: contact.intId }, operation: { action: 'delete', key } };
  }
}

/** What the rows of `--mode delete` will delete (rows an earlier run did are left out): a pass over the file. */
async function rowDeleteCandidates(options: ImportOptions, planner: RowDeletePlanner, journal: Journal | undefined): Promise<DeleteCandidate[]> {
  const candidates: DeleteCandidate[] = [];
  for await (const result of (await openContactSource(options.input, options.mapping, options)).rows) {
    if (result.fields === undefined || journal?.done.has(result.row)) continue;
    const planned = planner(result.row, result.fields);
    if (planned.action === 'delete') candidates.push(...planned.candidates);
  }
  return candidates;
}
