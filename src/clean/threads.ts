/**
 * `clean` on worker threads (worker.ts): the main thread only cuts the work into tasks, drops
 * in-file duplicates and writes; the workers map, normalize and format. Results are written in
 * input order, and at most two tasks per worker are in flight, so a slow disk stops the reading
 * and memory stays flat.
 *
 * A CSV in UTF-8 or a single-byte code page is sent as raw pieces cut at record ends
 * (read/csv-split.ts): the workers decode and parse them too, which is most of the work. Any
 * other file is read here and, when asked, its rows are sent in batches. Where a piece cannot be done exactly
 * as the one-thread reader does it (bytes that are not UTF-8, a malformed record, a quote that
 * never closes), the run says so and the caller starts over on one thread.
 */
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RowIssue } from '../contact.js';
import type { Mapping } from '../map/schema.js';
import { duplicateIssue, FirstOccurrenceFilter } from '../normalize/dedupe.js';
import { openMappedTable, type SourceReadOptions } from '../pipeline.js';
import { readWarningIssue, takeReadWarnings } from '../read/warnings.js';
import { splitCsv, TooLongRecord, type RecordDelimiter } from '../read/csv-split.js';
import type { SourceRow, TableInfo } from '../read/types.js';
import type { CsvWriter } from '../report/csv-writer.js';
import { OneThreadNeeded } from './one-thread.js';
import { cleanRecords } from './records.js';

export interface ThreadSetup {
  mapping: Mapping;
  info: TableInfo;
  strict: boolean;
  /** "Today" for birthday checks, in ms since the epoch. */
  today: number;
  /** For raw CSV pieces. */
  csv?: { encoding: string; delimiter: string; dataStartLine: number };
}

export interface CsvPieceTask {
  kind: 'csv';
  id: number;
  bytes: Uint8Array;
  first: boolean;
  firstLine: number;
  nextLine: number;
  recordDelimiter: RecordDelimiter | undefined;
}

export interface RowsTask {
  kind: 'rows';
  id: number;
  rows: SourceRow[];
  /** Read warnings by index in `rows`: they come first among the row's issues. */
  readIssues: [number, RowIssue[]][];
}

/** Bytes of a result, written: the worker may fill them again. */
export interface ReleaseMessage {
  kind: 'release';
  buffer: ArrayBuffer;
}

export type WorkerTask = CsvPieceTask | RowsTask;

/** A task before it is numbered for sending. */
type TaskBody<Task extends WorkerTask = WorkerTask> = Task extends WorkerTask ? Omit<Task, 'id'> : never;

/** Numbers per row in a result's `index`, in this order: row, key, clean end, rejects end, phones end. */
export const INDEX_FIELDS = 5;
const CLEAN_END = 2;
const REJECTS_END = 3;
const PHONES_END = 4;

export type TaskResult =
  | {
      id: number;
      /** The clean and rejects files' lines, in UTF-8. */
      clean: Uint8Array;
      rejects: Uint8Array;
      /**
       * Per row, {@link INDEX_FIELDS} numbers: its line, its duplicate key (0 for none) and where it
       * ends in `clean`, in `rejects` (a row without lines ends where the one before it does) and in
       * `phones`, the phones its duplicate issue would name, joined.
       */
      index: Float64Array;
      phones: string;
      warnings: number;
      rejected: number;
    }
  | { id: number; oneThread: string };

export interface ThreadedCleanOptions extends SourceReadOptions {
  input: string;
  mapping: Mapping;
  strict: boolean;
  today: Date;
  /**
   * How many workers. By default two for CSV pieces (the main thread is nearly idle), none for
   * rows read on the main thread: that reading is most of the time, so a worker saves ~13 % of it
   * (bench, XLSX) for ~60 MB more.
   */
  threads: number | undefined;
  /** Called before each task is sent; may throw to stop the run (an interrupt). */
  onTask?: () => void;
}

export interface CleanCounts {
  rowsRead: number;
  clean: number;
  rejected: number;
  duplicates: number;
  warnings: number;
}

export interface CleanSinks {
  clean: CsvWriter<string>;
  rejects: CsvWriter<string>;
  onProgress?: (rowsRead: number) => void;
}

/** Bytes per CSV piece: ~1,000 rows, some milliseconds of work, little memory per task in flight. */
const PIECE_BYTES = 64 * 1024;
/** A record this long is a quote that never closes (the one-thread reader then says where). */
const MAX_PIECE_BYTES = 8 * 1024 * 1024;
const BATCH_ROWS = 1000;
const ROWS_ESTIMATE_MARGIN = 1.15;
/**
 * Small heaps: V8 sizes a worker's heap for throughput, ~60 MB each here, while what a task
 * needs is a few MB; the speed is the same (bench: 1M rows). A worker that runs out anyway (a
 * monster record) makes the file go to one thread.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 };
const IN_FLIGHT_PER_WORKER = 2;
/** Encodings in which every `"`, delimiter and line-end byte is that ASCII character. */
const SPLITTABLE_ENCODING = /^(utf-?8|windows-?125\d|cp125\d|koi8-?[rut]|ibm866|cp866|iso-?8859-\d+|latin1|(us-)?ascii|x-mac-cyrillic|maccyrillic)$/i;

const ENTRY = new URL('./worker.js', import.meta.url);

/** The worker script, when this module runs from the build (not under vitest, which runs the sources). */
export function workerEntry(): URL | undefined {
  return ENTRY.protocol === 'file:' && existsSync(fileURLToPath(ENTRY)) ? ENTRY : undefined;
}

export interface ThreadedClean {
  info: TableInfo;
  threads: number;
  /**
   * Cleans the file on worker threads into `sinks`. Returns the counts, or `undefined` when the
   * file has to be done on one thread after all (nothing written then is worth keeping), or is
   * not worth threads (`threads` 0).
   */
  run(sinks: CleanSinks): Promise<CleanCounts | undefined>;
}

/** Opens the file (every check of it and of the mapping happens here) for a clean on threads. */
export async function prepareThreadedClean(options: ThreadedCleanOptions, entry: URL): Promise<ThreadedClean> {
  const pending: RowIssue[] = [];
  const { table } = await openMappedTable(options.input, options.mapping, options, (warning) => pending.push(readWarningIssue(warning)));
  const { info } = table;
  const setup: ThreadSetup = { mapping: options.mapping, info, strict: options.strict, today: options.today.getTime() };
  const { delimiter } = info;
  if (info.format !== 'csv' || delimiter?.length !== 1 || !SPLITTABLE_ENCODING.test(info.encoding ?? '')) {
    const threads = options.threads ?? 0;
    if (threads === 0) {
      await table.rows[Symbol.asyncIterator]().return?.();
      return { info, threads, run: async () => undefined };
    }
    return { info, threads, run: (sinks) => runTasks({ tasks: rowBatches(table.rows, pending), setup, threads, entry, sinks, onTask: options.onTask }) };
  }
  const threads = options.threads ?? Math.min(2, availableParallelism());
  return {
    info,
    threads,
    async run(sinks) {
      // The first data row's line: the pieces' records before it are the header and what is above it.
      const rows = table.rows[Symbol.asyncIterator]();
      const first = await rows.next();
      await rows.return?.();
      if (first.done) return undefined;
      setup.csv = { encoding: info.encoding ?? 'utf-8', delimiter, dataStartLine: first.value.row };
      const { size } = await stat(options.input);
      const pieces = csvPieces(options.input, delimiter);
      // With a margin: the first piece (header, a title) need not be typical, and falling short doubles the table.
      const expectedRows = (firstTaskRows: number): number => Math.ceil((size / Math.max(1, pieces.firstPieceBytes)) * firstTaskRows * ROWS_ESTIMATE_MARGIN);
      return runTasks({ tasks: pieces, setup, threads, entry, sinks, expectedRows, onTask: options.onTask });
    },
  };
}

function csvPieces(file: string, delimiter: string): AsyncIterable<TaskBody<CsvPieceTask>> & { firstPieceBytes: number } {
  const split = splitCsv(readChunks(file, PIECE_BYTES), { delimiter, pieceBytes: PIECE_BYTES, maxPieceBytes: MAX_PIECE_BYTES });
  const pieces = {
    firstPieceBytes: 0,
    async *[Symbol.asyncIterator](): AsyncGenerator<TaskBody<CsvPieceTask>> {
      let first = true;
      for await (const piece of split.pieces) {
        if (first) pieces.firstPieceBytes = piece.bytes.byteLength;
        yield { kind: 'csv', bytes: piece.bytes, first, firstLine: piece.firstLine, nextLine: piece.nextLine, recordDelimiter: split.recordDelimiter() };
        first = false;
      }
    },
  };
  return pieces;
}

/**
 * The file in chunks read into one reused buffer (each is valid until the next is asked for).
 * Fresh chunks would each wait for a collection of this thread's heap, which, with the work on
 * the workers, hardly ever comes: they would pile up by the tens of megabytes.
 */
async function* readChunks(file: string, size: number): AsyncGenerator<Buffer> {
  const handle = await open(file);
  try {
    const buffer = Buffer.allocUnsafeSlow(size);
    while (true) {
      const { bytesRead } = await handle.read(buffer, 0, size);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function* rowBatches(rows: AsyncIterable<SourceRow>, pending: RowIssue[]): AsyncGenerator<TaskBody<RowsTask>> {
  let batch: RowsTask = { kind: 'rows', id: 0, rows: [], readIssues: [] };
  for await (const row of rows) {
    if (pending.length > 0) {
      const issues = takeReadWarnings(pending, row.row);
      if (issues.length > 0) batch.readIssues.push([batch.rows.length, issues]);
    }
    batch.rows.push(row);
    if (batch.rows.length < BATCH_ROWS) continue;
    yield batch;
    batch = { kind: 'rows', id: 0, rows: [], readIssues: [] };
  }
  if (batch.rows.length > 0) yield batch;
}


function isOutOfMemory(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
}

interface TaskRun {
  tasks: AsyncIterable<TaskBody>;
  setup: ThreadSetup;
  threads: number;
  entry: URL;
  sinks: CleanSinks;
  /** The file's rows estimated from the first task's (sizes the duplicates table). */
  expectedRows?: (firstTaskRows: number) => number;
  onTask?: () => void;
}

async function runTasks({ tasks, setup, threads, entry, sinks, expectedRows, onTask }: TaskRun): Promise<CleanCounts | undefined> {
  const workers = Array.from({ length: threads }, () => new Worker(entry, { workerData: setup, resourceLimits: WORKER_HEAP }));
  const waiting = new Map<number, { resolve: (result: TaskResult) => void; reject: (error: unknown) => void }>();
  let failure: unknown;
  const fail = (error: unknown): void => {
    failure ??= isOutOfMemory(error) ? new OneThreadNeeded('a worker ran out of memory') : error;
    for (const { reject } of waiting.values()) reject(failure);
    waiting.clear();
  };
  for (const worker of workers) {
    worker.on('message', (result: TaskResult) => {
      const pending = waiting.get(result.id);
      waiting.delete(result.id);
      pending?.resolve(result);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => code !== 0 && fail(new Error(`clean worker exited with code ${code}`)));
  }

  let nextId = 0;
  const send = (body: TaskBody): Promise<TaskResult> => {
    const task = { ...body, id: nextId++ } as WorkerTask;
    const answer = new Promise<TaskResult>((resolve, reject) => {
      if (failure !== undefined) reject(failure);
      else waiting.set(task.id, { resolve, reject });
    });
    // Round robin keeps the order simple: task n goes to worker n mod threads.
    workers[task.id % workers.length]?.postMessage(task, task.kind === 'csv' ? [task.bytes.buffer as ArrayBuffer] : []);
    return answer;
  };

  // Written bytes go back to their worker to be filled again: dropped here, they would wait for a collection of this thread's heap (see readChunks).
  const write = resultWriter(sinks, (id, buffer) => workers[id % workers.length]?.postMessage({ kind: 'release', buffer } satisfies ReleaseMessage, [buffer]), expectedRows);
  const inFlight: Promise<TaskResult>[] = [];
  const limit = workers.length * IN_FLIGHT_PER_WORKER;
  try {
    for await (const body of tasks) {
      onTask?.();
      inFlight.push(send(body));
      if (inFlight.length >= limit) await write(await (inFlight.shift() as Promise<TaskResult>));
    }
    while (inFlight.length > 0) await write(await (inFlight.shift() as Promise<TaskResult>));
    return write.counts;
  } catch (error) {
    if (error instanceof OneThreadNeeded || error instanceof TooLongRecord) return undefined;
    throw error;
  } finally {
    // Rejections of tasks nobody awaits any more (an early stop, a failure) are not news.
    for (const pending of inFlight) pending.catch(() => undefined);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/** Writes each result, in order, dropping the rows whose key an earlier row holds. */
function resultWriter(
  sinks: CleanSinks,
  release: (id: number, buffer: ArrayBuffer) => void,
  /** The file's rows estimated from the first task's. */
  expectedRows: ((firstTaskRows: number) => number) | undefined,
): ((result: TaskResult) => Promise<void>) & { counts: CleanCounts } {
  const counts: CleanCounts = { rowsRead: 0, clean: 0, rejected: 0, duplicates: 0, warnings: 0 };
  let filter: FirstOccurrenceFilter | undefined;
  const records = cleanRecords();
  const write = async (result: TaskResult): Promise<void> => {
    if ('oneThread' in result) throw new OneThreadNeeded(result.oneThread);
    filter ??= new FirstOccurrenceFilter(undefined, { expectedKeys: expectedRows?.(result.index.length / INDEX_FIELDS) });
    const { index } = result;
    const rows = index.length / INDEX_FIELDS;
    let cleanFrom = 0;
    let rejectsFrom = 0;
    let duplicates = 0;
    for (let at = 0; at < index.length; at += INDEX_FIELDS) {
      const row = index[at] as number;
      const key = index[at + 1] as number;
      const keptRow = key === 0 ? undefined : filter.checkKey(row, key);
      if (keptRow === undefined) continue;
      // A duplicate: its clean line is left out, and its rejects lines get one more.
      const end = (field: number): number => index[at + field] as number;
      const start = (field: number): number => (at === 0 ? 0 : (index[at - INDEX_FIELDS + field] as number));
      await sinks.clean.writeFormatted(result.clean.subarray(cleanFrom, start(CLEAN_END)));
      cleanFrom = end(CLEAN_END);
      await sinks.rejects.writeFormatted(result.rejects.subarray(rejectsFrom, end(REJECTS_END)));
      await sinks.rejects.writeFormatted(records.reject(duplicateIssue(row, result.phones.slice(start(PHONES_END), end(PHONES_END)), { action: 'duplicate', keptRow })));
      rejectsFrom = end(REJECTS_END);
      duplicates++;
    }
    release(result.id, index.buffer as ArrayBuffer);
    await sinks.clean.writeFormatted(result.clean.subarray(cleanFrom), () => release(result.id, result.clean.buffer as ArrayBuffer));
    await sinks.rejects.writeFormatted(result.rejects.subarray(rejectsFrom), () => release(result.id, result.rejects.buffer as ArrayBuffer));
    counts.rowsRead += rows;
    counts.clean += rows - result.rejected - duplicates;
    counts.rejected += result.rejected + duplicates;
    counts.duplicates += duplicates;
    counts.warnings += result.warnings;
    sinks.onProgress?.(counts.rowsRead);
  };
  return Object.assign(write, { counts });
}

