/**
 * `smsc-etl undo <report>`: takes back what an import did, from its journal (`<report>.journal`,
 * which also survives a run killed before its report was written): contacts it added are deleted,
 * fields it changed are set back, group memberships are reversed, groups it created are deleted
 * when empty (e-mail groups, whose members are not counted, only with `force`), blacklist entries
 * it added are removed and those it retyped get their old type — each only where the account still
 * holds what the import wrote, and a deletion only where the journal proves the import created it.
 * A target whose "file" is the journal: read it, read the account once for its keys, plan (pure,
 * ./plan.ts), guard the deletions, write through the import's executor, and report one line per
 * journaled write. Resumable with its own journal; locked like import.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { parse } from 'csv-parse';
import pLimit from 'p-limit';
import { EtlError } from '../../errors.js';
import { openCsvWriter } from '../../report/csv-writer.js';
import { checkOutputPaths } from '../../report/preflight.js';
import type { SmscClient } from '../../smsc/client.js';
import { pageGroups } from '../../smsc/paging.js';
import { GROUP_TYPE, type Command } from '../../smsc/protocol.js';
import { buildAccountIndex, listItems, readBlacklist, type AccountIndex, type BlacklistEntries } from '../account-index.js';
import { createKeyCollector, readContacts } from '../account/strategy.js';
import { applyOperation, OFF_THE_BLACKLIST } from '../apply.js';
import { checkedConcurrency } from '../concurrency.js';
import { unaskedDeleteGuard, type DeleteCandidate, type DeleteGuard } from '../delete-guard.js';
import { createExecutor, queued, type LineBase } from '../executor.js';
import type { CallMeter } from '../import.js';
import { failedEntry, hashFile, openJournal, readJournalLines, type Journal, type JournalHeader } from '../journal.js';
import { acquireRunLock, lockPathFor } from '../lock.js';
import { INTERRUPTED, zeroes } from '../outcome.js';
import { OUTCOMES, REPORT_ACTIONS, reportRecord, type Outcome, type ReportAction, type ReportLine } from '../report.js';
import { applyGroupWrite, MAIL_GROUP_DELETE, memberCounts } from '../targets/groups.js';
import type { AccountGroup } from '../targets/groups-plan.js';
import { countWriteCalls } from '../write-calls.js';
import { planBlacklistUndo, planContactUndo, planRetypeUndo, type Fate, type UndoDecision } from './plan.js';
import { createdGroupSchema, failedSchema, intentSchema, journalEntrySchema, type UndoRecord } from './record.js';

/** `undoes`: what the import did that the line takes back (the import's action, or `add_group`). */
export const UNDO_REPORT_COLUMNS = ['row', 'phone', 'undoes', 'action', 'outcome', 'smsc_id', 'error_code', 'error', 'attempts', 'changes'] as const;

export interface UndoOptions {
  /** The import's report; its journal is `<report>.journal`. */
  report: string;
  /** Undo's own report (default `<report>.undo.csv`); its journal is `<undoReport>.journal`. */
  undoReport?: string;
  client: SmscClient;
  meter: CallMeter;
  dryRun?: boolean;
  resume?: boolean;
  restart?: boolean;
  concurrency?: number;
  guardDeletes?: DeleteGuard;
  signal?: AbortSignal;
  pageSize?: number;
  /** Deletes the e-mail groups the import created too, whose members are not counted, and blacklist entries it added whose type was changed since (`--force`). */
  force?: boolean;
}

export interface UndoHooks {
  onPhase?: (phase: 'validate' | 'plan' | 'write', detail: string) => void;
  onProgress?: (progress: { done: number; total: number; retries: number }) => void;
}

export interface UndoSummary {
  report: string;
  undoReport: string | undefined;
  journal: string | undefined;
  dryRun: boolean;
  /** Set when there is nothing to take back (a dry-run import, or one that wrote nothing): no undo report is written. */
  nothingToUndo?: string;
  /** Journaled writes of the import (lines of the undo report). */
  items: number;
  actions: Record<ReportAction, number>;
  outcomes: Record<Outcome, number>;
  calls: Partial<Record<Command, number>>;
  writeCalls: number;
  retries: number;
  readBacks: number;
  resumedItems: number;
  durationMs: number;
  aborted?: { code: string; message: string };
  interrupted?: { after: number };
}

/** A decision as the report needs it (a group's deletion is sent by the groups target's writer, not apply.ts). */
type Decided = UndoDecision | { action: 'delete'; intId: number; note?: string };

type Item =
  | { seq: number; kind: 'contact'; row: number; action: string; smscId?: number; fate: Fate; undo: Extract<UndoRecord, { kind: 'add' | 'chg' }> }
  | { seq: number; kind: 'black'; row: number; action: string; smscId?: number; fate: Fate; undo: Extract<UndoRecord, { kind: 'black' | 'retype' }> }
  | { seq: number; kind: 'none'; row: number; action: string; smscId?: number; code: string; reason: string }
  | { seq: number; kind: 'group'; group: AccountGroup };

export async function runUndo(options: UndoOptions, hooks: UndoHooks = {}): Promise<UndoSummary> {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const concurrency = checkedConcurrency(options.concurrency);
  const undoReport = options.undoReport ?? `${options.report}.undo.csv`;
  const importJournal = `${options.report}.journal`;
  const { meter } = options;
  const counts = { actions: zeroes(REPORT_ACTIONS), outcomes: zeroes(OUTCOMES) };
  const summaryOf = (extra: Partial<UndoSummary>): UndoSummary => ({
    report: options.report,
    undoReport: undefined,
    journal: undefined,
    dryRun,
    items: 0,
    ...counts,
    calls: { ...meter.calls },
    writeCalls: countWriteCalls(meter.calls),
    retries: meter.retries,
    readBacks: 0,
    resumedItems: 0,
    durationMs: Math.round(performance.now() - started),
    ...extra,
  });

  hooks.onPhase?.('validate', importJournal);
  await checkOutputPaths([{ label: 'undo report', path: undoReport }, ...(dryRun ? [] : [{ label: 'undo journal', path: `${undoReport}.journal` }])]);
  // The import's lock too: an import still running on this report is not undone under its feet.
  const importLock = await acquireRunLock(lockPathFor(options.report));
  const lock = await acquireRunLock(lockPathFor(undoReport)).catch(async (error: unknown) => {
    await importLock.release();
    throw error;
  });
  try {
    if (!(await exists(importJournal))) return summaryOf({ nothingToUndo: await withoutJournal(options.report) });
    // A journal that records failures itself is the whole evidence: the report on disk may be an earlier run's (this one killed).
    const header = await importJournalHeader(importJournal);
    const survey = await surveyJournal(importJournal, header?.failures === 1 ? new Map() : await reportFailuresOf(options.report));
    if (survey.items === 0) return summaryOf({ nothingToUndo: 'the import wrote nothing (its journal records no write)' });
    return await undoUnderLock(options, hooks, { dryRun, concurrency, undoReport, importJournal, survey, summaryOf });
  } finally {
    await lock.release();
    await importLock.release();
  }
}

/** What the journal holds, checked before anything is read from the account. */
interface JournalSurvey {
  items: number;
  /** Rows the import's report says failed (see reportFailuresOf). */
  reportFailures: ReadonlyMap<number, string>;
  keys: ReadonlySet<string> | undefined;
  groups: boolean;
  /** Some change touched group memberships: the report names the groups. */
  memberships: boolean;
  blacklist: boolean;
}

async function surveyJournal(path: string, reportFailures: ReadonlyMap<number, string>): Promise<JournalSurvey> {
  const keys = createKeyCollector();
  const survey = { items: 0, reportFailures, groups: false, memberships: false, blacklist: false };
  for await (const item of journalItems(path, reportFailures)) {
    survey.items++;
    if (item.kind === 'group') survey.groups = true;
    if (item.kind === 'black') survey.blacklist = true;
    if (item.kind !== 'contact') continue;
    keys.add(item.undo.kind === 'add' ? item.undo.wrote : item.undo.find);
    if (item.undo.kind === 'chg' && item.undo.wrote.grp !== undefined) survey.memberships = true;
  }
  return { ...survey, keys: keys.keys };
}

/**
 * The journal's writes, each as its intent joined with its done or failed entry (in the order they
 * were settled), then the intents a kill left without either: those writes may or may not have
 * been applied (`pending`), unless the import's report (read for journals that do not record
 * failures themselves) says they failed. A done entry without an
 * intent is a write the import recorded nothing to undo with: a line of its own, not a refusal.
 * A journal of an older version (no intents at all) is refused (importJournalHeader).
 */
async function* journalItems(path: string, reportFailures: ReadonlyMap<number, string>): AsyncGenerator<Item> {
  const pending = new Map<number, { seq: number; undo: UndoRecord }>();
  const itemOf = (seq: number, row: number, action: string, fate: Fate, undo: UndoRecord, smscId?: number): Item => {
    const base = { seq, row, action, fate, ...(smscId === undefined ? {} : { smscId }) };
    return undo.kind === 'black' || undo.kind === 'retype' ? { ...base, kind: 'black', undo } : { ...base, kind: 'contact', undo };
  };
  let seq = 0;
  for await (const line of readJournalLines(path)) {
    // The header, checked by importJournalHeader.
    if (++seq === 1) continue;
    if (typeof line === 'object' && line !== null && 'finished' in line) continue;
    const intent = intentSchema.safeParse(line);
    if (intent.success) {
      // A row planned again by `import --resume` after a kill: its later intent is the one settled.
      pending.set(intent.data.intent, { seq, undo: intent.data.undo });
      continue;
    }
    const group = createdGroupSchema.safeParse(line);
    if (group.success) {
      const { createdGroup, name, type } = group.data;
      yield { seq, kind: 'group', group: { id: createdGroup, name, type } };
      continue;
    }
    const failed = failedSchema.safeParse(line);
    if (failed.success) {
      const intended = pending.get(failed.data.failed);
      pending.delete(failed.data.failed);
      if (intended !== undefined) yield itemOf(intended.seq, failed.data.failed, actionOf(intended.undo), { state: 'failed', code: failed.data.code }, intended.undo);
      continue;
    }
    const entry = journalEntrySchema.safeParse(line);
    if (!entry.success) throw new EtlError('ERR_UNDO_JOURNAL', `${path}: line ${seq} is not a journal entry: ${entry.error.issues[0]?.message ?? ''}`);
    const { row, action, smscId } = entry.data;
    const intended = pending.get(row);
    pending.delete(row);
    if (intended !== undefined) yield itemOf(intended.seq, row, action, { state: 'done' }, intended.undo, smscId);
    else yield { seq, row, action, ...(smscId === undefined ? {} : { smscId }), kind: 'none', ...unrecorded(action) };
  }
  for (const [row, { seq: at, undo }] of pending) {
    const code = reportFailures.get(row);
    yield itemOf(at, row, actionOf(undo), code === undefined ? { state: 'pending' } : { state: 'failed', code }, undo);
  }
}

/** The header of an import journal that undo can read (undefined: an empty file), else why not. */
async function importJournalHeader(path: string): Promise<JournalHeader | undefined> {
  for await (const line of readJournalLines(path)) {
    const header = line as Partial<JournalHeader>;
    if (header.journal !== 1) throw new EtlError('ERR_UNDO_JOURNAL', `${path}: not an import journal`);
    if (header.undo !== 1) throw oldJournal(path);
    return header as JournalHeader;
  }
  return undefined;
}

const actionOf = (undo: UndoRecord) => (undo.kind === 'chg' || undo.kind === 'retype' ? 'chg' : 'add');

/** Why a done entry without an intent is not undone. */
function unrecorded(action: string): { code: string; reason: string } {
  // Deletions are journaled without what undo would need to re-create the record.
  if (action === 'delete') return { code: 'UNDO_UNSUPPORTED', reason: 'not undone: undo does not re-create deleted records' };
  return { code: 'UNDO_NO_RECORD', reason: 'not undone: the import journaled nothing to take this write back with (a blacklist type change by an earlier smsc-etl): check this entry by hand' };
}

/**
 * Rows the import's report (when there is one) says failed with an error reply: the evidence for an
 * intent a journal of an earlier version (no `failures` mark) left without a failed entry. Only failed rows are kept.
 */
async function reportFailuresOf(report: string): Promise<Map<number, string>> {
  const failures = new Map<number, string>();
  if (!(await exists(report))) return failures;
  // One it cannot read is refused: without it a failed write could pass for one cut off, and no undo is better than a guess.
  for await (const line of reportLines(report, 'undo reads which writes failed from it')) {
    const code = line.error_code ?? '';
    if (line.outcome === 'failed' && code !== 'ERR_SMSC_UNKNOWN_OUTCOME' && code !== INTERRUPTED && /^\d+$/.test(line.row ?? '')) failures.set(Number(line.row), code);
  }
  return failures;
}

/** The lines of an import report, by column name; one that cannot be read is refused, saying `why` undo reads it. */
async function* reportLines(report: string, why: string): AsyncGenerator<Record<string, string>> {
  try {
    yield* createReadStream(report).pipe(parse({ columns: true, bom: true, relax_column_count: true })) as AsyncIterable<Record<string, string>>;
  } catch (error) {
    throw new EtlError('ERR_UNDO_REPORT', `${report}: cannot read the import report (${why}): ${(error as Error).message}`);
  }
}

/**
 * The import's writes (by seq) whose undo, in an earlier run over this undo journal, removed numbers
 * and then failed to list them again with their old type: the account no longer shows they were
 * listed, so only this tells a rerun to list them again. Taken off once a later run's undo is done.
 */
async function leftOffByUndo(path: string, inputHash: string): Promise<Set<number>> {
  const seqs = new Set<number>();
  let header: Partial<JournalHeader> | undefined;
  for await (const line of readJournalLines(path)) {
    if (header === undefined) {
      header = line as Partial<JournalHeader>;
      continue;
    }
    const failed = failedSchema.safeParse(line);
    if (failed.success && failed.data.code === OFF_THE_BLACKLIST) seqs.add(failed.data.failed);
    const done = journalEntrySchema.safeParse(line);
    if (done.success) seqs.delete(done.data.row);
  }
  if (seqs.size > 0 && header?.input !== inputHash) {
    throw new EtlError(
      'ERR_UNDO_LEFT_OFF',
      `${path}: an earlier undo left numbers OFF the blacklist (its report's ${OFF_THE_BLACKLIST} lines name them), but the import journal has changed since, so they cannot be matched to its writes: re-add them by hand with the type those lines give, then remove ${path}`,
    );
  }
  return seqs;
}

const oldJournal = (path: string) =>
  new EtlError('ERR_UNDO_OLD_JOURNAL', `${path}: written by an older smsc-etl that did not record what undo needs (old values, new ids, created groups): this import cannot be undone`);

/** No journal: a dry run (or nothing written) says so; a report of writes without its journal cannot be undone. */
async function withoutJournal(report: string): Promise<string> {
  if (!(await exists(report))) throw new EtlError('ERR_UNDO_NO_REPORT', `${report}: no such import report (nor its journal ${report}.journal)`);
  let lines = 0;
  let dryRun = 0;
  let writes = 0;
  let groups = false;
  for await (const line of reportLines(report, 'it has no journal, and undo reads from the report whether the import wrote anything')) {
    lines++;
    groups ||= 'group' in line;
    if (line.outcome === 'dry-run') dryRun++;
    if (line.outcome === 'done' && ['add', 'chg', 'delete'].includes(line.action ?? '')) writes++;
  }
  if (writes > 0 && groups) throw new EtlError('ERR_UNDO_GROUPS', `${report}: an import --target groups keeps no journal, so undo cannot take it back`);
  if (writes > 0) throw new EtlError('ERR_UNDO_NO_JOURNAL', `${report}: its journal ${report}.journal is missing, and undo needs it to know what the import changed`);
  return lines > 0 && dryRun === lines ? 'the import was a dry run: it wrote nothing' : 'the import wrote nothing';
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

interface UndoContext {
  dryRun: boolean;
  concurrency: number;
  undoReport: string;
  importJournal: string;
  survey: JournalSurvey;
  summaryOf: (extra: Partial<UndoSummary>) => UndoSummary;
}

async function undoUnderLock(options: UndoOptions, hooks: UndoHooks, context: UndoContext): Promise<UndoSummary> {
  const { dryRun, concurrency, undoReport, importJournal, survey } = context;
  const { client, meter } = options;
  const journalPath = dryRun ? undefined : `${undoReport}.journal`;
  const inputHash = await hashFile(importJournal);
  const leftOff = await leftOffByUndo(`${undoReport}.journal`, inputHash);
  const resume = options.resume ?? false;
  const journal: Journal | undefined = journalPath ? await openJournal(journalPath, { inputHash, resume, restart: options.restart ?? false }) : undefined;
  // A new journal replaces the old one: what an earlier undo left off the blacklist stays on record.
  if (!resume) for (const seq of leftOff) journal?.fail({ failed: seq, code: OFF_THE_BLACKLIST });
  const limit = pLimit(concurrency);
  const interrupted = () => options.signal?.aborted === true;

  hooks.onPhase?.('plan', 'reading the account');
  let account: AccountIndex = buildAccountIndex([]);
  let blacklist: BlacklistEntries = new Map();
  const groups = new Map<number, AccountGroup>();
  try {
    if (survey.keys === undefined || survey.keys.size > 0) account = (await readContacts(client, { keys: survey.keys, pageHint: options.pageSize, limit })).index;
    if (survey.blacklist) blacklist = await readBlacklist(client, options.pageSize);
    if (survey.groups || survey.memberships) for await (const group of pageGroups(client)) groups.set(group.id, group);
  } catch (error) {
    // Interrupted while reading: nothing was written; every item is reported as not run.
    if (!interrupted()) {
      await journal?.close();
      throw error;
    }
  }

  const decide = (item: Exclude<Item, { kind: 'group' }>): UndoDecision => {
    if (item.kind === 'none') return { action: 'skip', code: item.code, reason: item.reason, intId: item.smscId };
    if (item.kind === 'black') {
      if (item.undo.kind === 'retype') return planRetypeUndo(item.undo, item.fate, blacklist, leftOff.has(item.seq));
      return planBlacklistUndo(item.undo, item.fate, blacklist, options.force);
    }
    const fields = item.undo.kind === 'add' ? item.undo.wrote : item.undo.find;
    return planContactUndo(item.undo, item.fate, item.smscId, account.find(fields));
  };
  const decideGroup = (group: AccountGroup): Decided => {
    const now = groups.get(group.id);
    if (now === undefined) return { action: 'unchanged', reason: 'not in the account any more', intId: group.id };
    if (now.name.trim() !== group.name.trim()) return { action: 'skip', code: 'UNDO_CHANGED_SINCE', reason: `not undone: renamed since the import (now «${now.name}»)`, intId: group.id };
    // Its members are mails.php contacts, which `get` does not list on the real service: never taken for empty.
    if ((now.type ?? group.type) !== GROUP_TYPE.mails) return { action: 'delete', intId: group.id };
    if (options.force !== true) return { action: 'skip', code: 'GROUP_HAS_CONTACTS', reason: MAIL_GROUP_DELETE.kept, intId: group.id };
    return { action: 'delete', intId: group.id, note: MAIL_GROUP_DELETE.forced };
  };

  // The delete guard sees every deletion before the first write (groups: those still empty once the contacts are undone).
  const doomed: DeleteCandidate[] = [];
  if (!dryRun && !interrupted()) {
    for await (const item of journalItems(importJournal, survey.reportFailures)) {
      if (journal?.done.has(item.seq)) continue;
      const decision = item.kind === 'group' ? decideGroup(item.group) : decide(item);
      if (decision.action === 'delete') doomed.push({ label: labelOf(item), smscId: decision.intId });
    }
  }
  await (options.guardDeletes ?? unaskedDeleteGuard())('records the import added (contacts, blacklist entries, empty groups)', doomed).catch(async (error: unknown) => {
    await journal?.close();
    throw error;
  });

  hooks.onPhase?.('write', `${survey.items} writes of the import to take back`);
  const executor = createExecutor({ meter, limit, signal: options.signal });
  const report = openCsvWriter(undoReport, { columns: UNDO_REPORT_COLUMNS, rawColumns: new Set(['row', 'phone', 'smsc_id', 'attempts']) });
  const tally = { actions: zeroes(REPORT_ACTIONS), outcomes: zeroes(OUTCOMES), resumed: 0, notRun: 0, done: 0 };
  const createdGroups: Extract<Item, { kind: 'group' }>[] = [];

  const lineFor = (item: Exclude<Item, { kind: 'group' }> | Extract<Item, { kind: 'group' }>, decision: Decided | undefined, send: () => Promise<{ smscId?: number; readBacks: number }>): ReportLine | Promise<ReportLine> => {
    const base = { row: item.kind === 'group' ? undefined : item.row, phone: labelOf(item) };
    const resumed = journal?.done.get(item.seq);
    if (resumed) {
      tally.resumed++;
      return { ...base, action: resumed.action as ReportAction, outcome: 'done', smscId: resumed.smscId, error: 'done in an earlier run (journal)', attempts: 0 };
    }
    if (decision === undefined) return { ...base, action: 'skip', outcome: 'skipped', errorCode: INTERRUPTED, error: 'interrupted', attempts: 0 };
    switch (decision.action) {
      case 'unchanged':
        return { ...base, action: 'unchanged', outcome: dryRun ? 'dry-run' : 'done', smscId: decision.intId, error: decision.reason, attempts: 0 };
      case 'skip':
        return { ...base, action: 'skip', outcome: 'skipped', smscId: decision.intId, errorCode: decision.code, error: decision.reason, attempts: 0 };
      default: {
        const note = 'note' in decision && decision.note !== undefined ? { error: decision.note } : {};
        const line: LineBase = { ...base, action: decision.action, smscId: decision.intId, ...note, ...('changes' in decision && decision.changes ? { changes: decision.changes } : {}) };
        if (dryRun) return { ...line, outcome: 'dry-run', attempts: 0, ...(item.kind === 'group' ? { error: line.error ?? 'deleted only if no contact is in it once the contacts are undone' } : {}) };
        return (
          executor.stopped(line) ??
          executor.run(line, send, {
            onApplied: (applied) => journal?.append({ row: item.seq, action: decision.action, smscId: applied.smscId ?? decision.intId }),
            onFailed: (error) => {
              const failed = failedEntry(item.seq, error);
              if (failed) journal?.fail(failed);
            },
          })
        );
      }
    }
  };

  const emit = async (item: Item, line: ReportLine) => {
    if (line.errorCode === INTERRUPTED && line.outcome === 'skipped') tally.notRun++;
    tally.actions[line.action]++;
    tally.outcomes[line.outcome]++;
    await report.write({ ...reportRecord(line, (field, id) => (field === 'grp' ? (groups.get(Number(id))?.name ?? id) : id)), undoes: undoesOf(item) });
    if ((++tally.done & 0x3f) === 0) hooks.onProgress?.({ done: tally.done, total: survey.items, retries: meter.retries });
  };

  const window: { item: Item; line: Promise<ReportLine> }[] = [];
  const windowSize = concurrency * 64;
  try {
    for await (const item of journalItems(importJournal, survey.reportFailures)) {
      if (item.kind === 'group') {
        createdGroups.push(item);
        continue;
      }
      const decision = interrupted() ? undefined : decide(item);
      const send = () => applyOperation(client, (decision as Extract<UndoDecision, { operation: unknown }>).operation);
      window.push({ item, line: queued(lineFor(item, decision, send)) });
      while (window.length >= windowSize) {
        const next = window.shift() as (typeof window)[number];
        await emit(next.item, await next.line);
      }
    }
    for (const next of window.splice(0)) await emit(next.item, await next.line);

    // Groups last, once their members are undone: deleted only when no contact is in them any more.
    const candidates = createdGroups.map((item) => ({ item, decision: interrupted() ? undefined : decideGroup(item.group) }));
    const toDelete = new Set(candidates.flatMap(({ decision, item }) => (decision?.action === 'delete' ? [item.group.id] : [])));
    const members = toDelete.size > 0 && !dryRun && !executor.aborted && !interrupted() ? await memberCounts(client, toDelete, options.pageSize) : new Map<number, number>();
    for (const { item, decision } of candidates) {
      const count = members.get(item.group.id) ?? 0;
      const kept: Decided | undefined =
        decision?.action === 'delete' && count > 0
          ? { action: 'skip', code: 'GROUP_HAS_CONTACTS', reason: `not deleted: ${count === 1 ? '1 contact is' : `${count} contacts are`} in this group`, intId: item.group.id }
          : decision;
      const send = () => applyGroupWrite(client, { action: 'del', group: item.group });
      await emit(item, await lineFor(item, kept, send));
    }
    await report.commit();
    if (!executor.aborted && !interrupted()) journal?.finish();
    await journal?.close();
  } catch (error) {
    await Promise.allSettled(window.map(({ line }) => line));
    await report.abort();
    await journal?.close().catch(() => undefined);
    throw error;
  }
  hooks.onProgress?.({ done: tally.done, total: survey.items, retries: meter.retries });
  const { aborted } = executor;
  return context.summaryOf({
    undoReport,
    journal: journalPath,
    items: survey.items,
    actions: tally.actions,
    outcomes: tally.outcomes,
    readBacks: executor.readBacks,
    resumedItems: tally.resumed,
    ...(aborted ? { aborted: { code: aborted.code, message: aborted.message } } : {}),
    ...(interrupted() ? { interrupted: { after: survey.items - tally.notRun } } : {}),
  });
}

/** What the import did that the line takes back. */
function undoesOf(item: Item): string {
  if (item.kind === 'group') return 'add_group';
  if (item.kind === 'black') return item.undo.kind === 'retype' ? 'chg_black' : 'add_black';
  return item.action;
}

/** The phone (or e-mail) a line is about, or «group name». */
function labelOf(item: Item): string {
  switch (item.kind) {
    case 'group':
      return `«${item.group.name}»`;
    case 'black':
      return (item.undo.kind === 'retype' ? [...Object.keys(item.undo.before), ...item.undo.added] : item.undo.phones).join(',');
    case 'none':
      return '';
    case 'contact': {
      const fields = item.undo.kind === 'add' ? item.undo.wrote : item.undo.find;
      return listItems(fields.phone)[0] ?? listItems(fields.mail)[0] ?? '';
    }
  }
}
