/**
 * What the main thread and the workers of read → map → normalize (worker.ts) send each other.
 * A worker's results come in one of two shapes, chosen for the whole run by `ThreadSetup.output`:
 * `clean` — the clean and rejects files' lines, ready to write — or `rows` — the normalized rows
 * themselves, for a consumer on the main thread (`import`'s passes).
 */
import type { RowIssue } from '../contact.js';
import type { Mapping } from '../map/schema.js';
import type { RecordDelimiter } from '../read/csv-split.js';
import type { SourceRow, TableInfo } from '../read/types.js';
import type { EncodedRows } from './row-codec.js';

export type ThreadOutput = 'clean' | 'rows';

export interface ThreadSetup {
  mapping: Mapping;
  info: TableInfo;
  strict: boolean;
  /** "Today" for birthday checks, in ms since the epoch. */
  today: number;
  output: ThreadOutput;
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

/** A result's bytes, written: the worker may fill them again. */
export interface ReleaseMessage {
  kind: 'release';
  buffers: ArrayBuffer[];
}

export type WorkerTask = CsvPieceTask | RowsTask;

/** A task before it is numbered for sending. */
export type TaskBody<Task extends WorkerTask = WorkerTask> = Task extends WorkerTask ? Omit<Task, 'id'> : never;

/** Numbers per row in a clean result's `index`, in this order: row, key, clean end, rejects end, phones end. */
export const INDEX_FIELDS = 5;
export const CLEAN_END = 2;
export const REJECTS_END = 3;
export const PHONES_END = 4;

export interface CleanResult {
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
  /** ASCII: digits and commas. */
  phones: Uint8Array;
  warnings: number;
  rejected: number;
}

export interface RowsResult {
  id: number;
  /** The task's `NormalizedRow`s (row-codec.ts). */
  rows: EncodedRows;
}

/** The task could not be done exactly as one thread does it (see one-thread.ts). */
export interface OneThreadResult {
  id: number;
  oneThread: string;
}

export type TaskResult<Result extends CleanResult | RowsResult = CleanResult | RowsResult> = Result | OneThreadResult;
