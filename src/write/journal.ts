/**
 * The import journal: one JSON line per applied operation, appended next to the report and fsync'd
 * in small batches, so `--resume` after a crash or `kill -9` knows which rows of *this* input file
 * (identified by its content hash) are done. A torn last line (killed mid-write) is ignored.
 */
import { createReadStream, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { EtlError } from '../errors.js';
import { asOutputError } from '../report/output-error.js';
import { isSmscError } from '../smsc/errors.js';
import { errorCode } from './outcome.js';
import type { UndoRecord } from './undo/record.js';

export interface JournalEntry {
  row: number;
  action: string;
  smscId?: number;
}

/**
 * Written (and synced) before a write is sent, with what `smsc-etl undo` needs to take it back: a
 * write whose entry a kill lost is still known to undo. A line without `row`, which `--resume` passes over.
 */
export interface IntentEntry {
  intent: number;
  undo: UndoRecord;
}

/** A group `--create-groups` created: a line without `row`, which `--resume` passes over. */
export interface CreatedGroupEntry {
  createdGroup: number;
  name: string;
  type?: 0 | 1;
}

/**
 * Written after a write whose reply was an error (the row's report line is `failed`): `undo` does
 * not take back what the import did not do, e.g. delete the account's own contact that made an
 * `add` fail. `code` is the report's error_code. A line without `row`, which `--resume` passes over.
 */
export interface FailedEntry {
  failed: number;
  code: string;
}

/**
 * The failed entry of a write that failed with `error`, or undefined when the write may have been
 * applied all the same (replies lost even after the read-backs): that one stays an intent without
 * an outcome, which undo takes back only on proof.
 */
export function failedEntry(row: number, error: unknown): FailedEntry | undefined {
  if (isSmscError(error) && error.code === 'ERR_SMSC_UNKNOWN_OUTCOME') return undefined;
  return { failed: row, code: errorCode(error) };
}

export interface JournalHeader {
  journal: 1;
  input: string;
  /** Set by versions that journal intents (with undo records) and created groups. */
  undo?: 1;
  /** Set by versions that journal a failed entry for every write whose reply was an error: undo needs no report for those. */
  failures?: 1;
}

/** The last line of a journal whose run went through every row. */
const FINISHED = '{"finished":true}';

export interface Journal {
  /** Rows the journal already records as done (empty unless resuming). */
  readonly done: ReadonlyMap<number, JournalEntry>;
  /** Throws an OutputWriteError naming the journal when an earlier write of it failed. */
  append(entry: JournalEntry | CreatedGroupEntry): void;
  /**
   * Writes `entry` at once (to the file, not yet synced: a kill does not undo a write()), before the
   * write it announces is sent. Synchronous, so the writes still leave in the order they were planned.
   */
  intend(entry: IntentEntry): void;
  /**
   * Writes a failed entry at once, as `intend` does: a kill right after a failure must not lose it,
   * since some failures (a retype's add_black after its del_black) leave numbers off the blacklist,
   * which only the journal tells a later undo.
   */
  fail(entry: FailedEntry): void;
  /** Marks the run as complete: a later run over this journal needs neither --resume nor --restart. */
  finish(): void;
  close(): Promise<void>;
}

export interface JournalOptions {
  inputHash: string;
  resume: boolean;
  /** Start over even though the journal holds an unfinished run. */
  restart?: boolean;
  /** Entries per fsync; a crash loses at most this many (they are re-planned, never duplicated). */
  batchSize?: number;
  flushIntervalMs?: number;
}

export async function openJournal(path: string, options: JournalOptions): Promise<Journal> {
  if (!options.resume && !(options.restart ?? false) && (await isUnfinished(path))) {
    throw new EtlError(
      'ERR_JOURNAL_UNFINISHED',
      `${path}: an earlier import with this report did not finish: run again with --resume to continue it, or with --restart to start over (its journal is replaced)`,
    );
  }
  const done = options.resume ? await loadDone(path, options.inputHash) : new Map<number, JournalEntry>();
  const handle: FileHandle = await open(path, options.resume ? 'a' : 'w').catch((error: unknown) => Promise.reject(asOutputError(path, error)));
  if (!options.resume || done.size === 0) {
    const header: JournalHeader = { journal: 1, input: options.inputHash, undo: 1, failures: 1 };
    if (!options.resume || (await handle.stat()).size === 0) await handle.write(`${JSON.stringify(header)}\n`);
  }
  const batchSize = options.batchSize ?? 32;
  let buffer: string[] = [];
  let writing: Promise<void> = Promise.resolve();
  // Syncs run beside the writes, which they need not hold up.
  let syncing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let failure: unknown;
  const check = () => {
    if (failure !== undefined) throw failure;
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return writing;
    const lines = buffer.join('');
    buffer = [];
    writing = writing.then(async () => {
      if (failure !== undefined) return;
      try {
        await handle.write(lines);
      } catch (error) {
        failure = asOutputError(path, error);
        return;
      }
      syncing = syncing.then(() => handle.datasync().catch((error: unknown) => void (failure ??= asOutputError(path, error))));
    });
    return writing;
  };

  const writeNow = (entry: IntentEntry | FailedEntry) => {
    check();
    try {
      writeSync(handle.fd, `${JSON.stringify(entry)}\n`);
    } catch (error) {
      throw (failure ??= asOutputError(path, error));
    }
  };

  return {
    done,
    append(entry) {
      check();
      buffer.push(`${JSON.stringify(entry)}\n`);
      if (buffer.length >= batchSize) void flush();
      else timer ??= setTimeout(() => void flush(), options.flushIntervalMs ?? 200);
    },
    intend: writeNow,
    fail: writeNow,
    finish() {
      buffer.push(`${FINISHED}\n`);
    },
    async close() {
      await flush();
      await syncing;
      await handle.close();
      check();
    },
  };
}

async function loadDone(path: string, inputHash: string): Promise<Map<number, JournalEntry>> {
  const done = new Map<number, JournalEntry>();
  let lines: AsyncIterable<string>;
  try {
    const stream = createReadStream(path, 'utf8');
    await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
    lines = createInterface({ input: stream, crlfDelay: Infinity });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return done;
    throw new EtlError('ERR_JOURNAL_UNREADABLE', `${path}: cannot read the journal: ${(error as Error).message}`);
  }
  let first = true;
  for await (const line of lines) {
    const parsed = parseLine(line);
    if (first) {
      first = false;
      const header = parsed as Partial<JournalHeader> | undefined;
      if (header?.input !== inputHash) {
        throw new EtlError('ERR_JOURNAL_MISMATCH', `${path}: the journal was written for a different input file (its content changed); run without --resume to start over`);
      }
      continue;
    }
    const entry = parsed as Partial<JournalEntry> | undefined;
    if (entry && typeof entry.row === 'number' && typeof entry.action === 'string') done.set(entry.row, entry as JournalEntry);
  }
  return done;
}

/** Every parsed line of a journal, header first (a torn or unparsable line is passed over); nothing when it does not exist. */
export async function* readJournalLines(path: string): AsyncGenerator<unknown> {
  const stream = createReadStream(path, 'utf8');
  try {
    await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new EtlError('ERR_JOURNAL_UNREADABLE', `${path}: cannot read the journal: ${(error as Error).message}`);
  }
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    const parsed = parseLine(line);
    if (parsed !== undefined) yield parsed;
  }
}

/** A journal whose last line is not the finished mark: its run crashed, was interrupted or aborted. */
async function isUnfinished(path: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const tail = Buffer.alloc(Math.min(size, 256));
    await handle.read(tail, 0, tail.length, size - tail.length);
    const lines = tail.toString('utf8').trimEnd().split('\n');
    // Only the header: the run wrote nothing, so starting over loses nothing.
    if (lines.length === 1 && tail.length === size) return false;
    return lines.at(-1) !== FINISHED;
  } finally {
    await handle.close();
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** The content hash that ties a journal to one version of an input file. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
