/**
 * A file cut into tasks for the workers. A CSV in UTF-8 or a single-byte code page goes as raw
 * pieces cut at record ends (read/csv-split.ts): the workers decode and parse them too, which is
 * most of the work. Any other file is read here and, when asked, its rows go in batches.
 */
import { availableParallelism } from 'node:os';
import { open, stat } from 'node:fs/promises';
import type { RowIssue } from '../contact.js';
import type { Mapping } from '../map/schema.js';
import { openMappedTable, type SourceReadOptions } from '../pipeline.js';
import { splitCsv } from '../read/csv-split.js';
import type { SourceRow, TableInfo } from '../read/types.js';
import { readWarningIssue, takeReadWarnings, takeTrailingWarnings } from '../read/warnings.js';
import { OneThreadNeeded } from './one-thread.js';
import type { CsvPieceTask, RowsTask, TaskBody, ThreadOutput, ThreadSetup } from './protocol.js';

export interface ThreadTasksOptions extends SourceReadOptions {
  input: string;
  mapping: Mapping;
  strict: boolean;
  today: Date;
  output: ThreadOutput;
  /**
   * How many workers. By default two for CSV pieces (the main thread is nearly idle), none for
   * rows read on the main thread: that reading is most of the time, so a worker saves ~13 % of it
   * (bench, XLSX) for ~60 MB more.
   */
  threads: number | undefined;
}

export interface TaskStream {
  tasks: AsyncIterable<TaskBody>;
  /** A count over the whole file (rows, phones) estimated from the first task's: sizes the duplicates table. */
  forWholeFile?: (inFirstTask: number) => number;
}

export interface ThreadTasks {
  info: TableInfo;
  setup: ThreadSetup;
  /** 0 when the file is not worth threads: `start` then gives nothing. */
  threads: number;
  /**
   * The tasks; `undefined` for a CSV without data rows or a file not worth threads. The tasks of
   * another file without data rows end in OneThreadNeeded (see `rowBatches`).
   */
  start(): Promise<TaskStream | undefined>;
}

/** Bytes per CSV piece: ~1,000 rows, some milliseconds of work, little memory per task in flight. */
const PIECE_BYTES = 64 * 1024;
/** A record this long is a quote that never closes (the one-thread reader then says where). */
const MAX_PIECE_BYTES = 8 * 1024 * 1024;
const BATCH_ROWS = 1000;
const ESTIMATE_MARGIN = 1.15;
/** Encodings in which every `"`, delimiter and line-end byte is that ASCII character. */
const SPLITTABLE_ENCODING = /^(utf-?8|windows-?125\d|cp125\d|koi8-?[rut]|ibm866|cp866|iso-?8859-\d+|latin1|(us-)?ascii|x-mac-cyrillic|maccyrillic)$/i;

/** Below this size a file is done before worker threads would have started. */
const THREADS_FROM_BYTES = 4 * 1024 * 1024;

/** Threads for a file unless asked: none for a small file or a one-core machine, else as `openThreadTasks` decides. */
export async function defaultThreads(file: string): Promise<0 | 'auto'> {
  // A file that cannot be read is the reader's to report, with its message.
  const size = (await stat(file).catch(() => undefined))?.size ?? 0;
  return size < THREADS_FROM_BYTES || availableParallelism() < 2 ? 0 : 'auto';
}

/** Opens the file (every check of it and of the mapping happens here) for a run on threads. */
export async function openThreadTasks(options: ThreadTasksOptions): Promise<ThreadTasks> {
  const pending: RowIssue[] = [];
  const { table } = await openMappedTable(options.input, options.mapping, options, (warning) => pending.push(readWarningIssue(warning)));
  const { info } = table;
  const setup: ThreadSetup = { mapping: options.mapping, info, strict: options.strict, today: options.today.getTime(), output: options.output };
  const { delimiter } = info;
  if (info.format !== 'csv' || delimiter?.length !== 1 || !SPLITTABLE_ENCODING.test(info.encoding ?? '')) {
    const threads = options.threads ?? 0;
    if (threads === 0) await table.rows[Symbol.asyncIterator]().return?.();
    return { info, setup, threads, start: async () => (threads === 0 ? undefined : { tasks: rowBatches(table.rows, pending) }) };
  }
  return {
    info,
    setup,
    threads: options.threads ?? Math.min(2, availableParallelism()),
    async start() {
      // The first data row's line: the pieces' records before it are the header and what is above it.
      const rows = table.rows[Symbol.asyncIterator]();
      const first = await rows.next();
      await rows.return?.();
      if (first.done) return undefined;
      setup.csv = { encoding: info.encoding ?? 'utf-8', delimiter, dataStartLine: first.value.row };
      const { size } = await stat(options.input);
      const pieces = csvPieces(options.input, delimiter);
      // With a margin: the first piece (header, a title) need not be typical, and falling short doubles the table.
      const forWholeFile = (inFirstTask: number): number => Math.ceil((size / Math.max(1, pieces.firstPieceBytes)) * inFirstTask * ESTIMATE_MARGIN);
      return { tasks: pieces, forWholeFile };
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
  let batch: TaskBody<RowsTask> = { kind: 'rows', rows: [], readIssues: [] };
  for await (const row of rows) {
    // A full batch goes once the next row is read: the last row is known as such (it takes the trailing warnings).
    if (batch.rows.length === BATCH_ROWS) {
      yield batch;
      batch = { kind: 'rows', rows: [], readIssues: [] };
    }
    if (pending.length > 0) {
      const issues = takeReadWarnings(pending, row.row);
      if (issues.length > 0) batch.readIssues.push([batch.rows.length, issues]);
    }
    batch.rows.push(row);
  }
  const last = batch.rows.length - 1;
  // Read warnings with no row to carry them are the one-thread reading's to hand on (ContactSource.unattached).
  if (last < 0) throw new OneThreadNeeded('no data rows');
  const trailing = takeTrailingWarnings(pending);
  const lastIssues = batch.readIssues.at(-1);
  if (lastIssues?.[0] === last) lastIssues[1].push(...trailing);
  else if (trailing.length > 0) batch.readIssues.push([last, trailing]);
  yield batch;
}
