/**
 * A worker thread of read → map → normalize (see pool.ts): rows in — raw CSV pieces it decodes and
 * parses itself, or rows another reader produced — and, out, either the lines of `clean`'s clean
 * and rejects files with what the main thread needs to drop in-file duplicates, or the normalized
 * rows themselves (protocol.ts). Pure work on what it is sent, so what it sends is what the main
 * thread would have made.
 */
import { isUtf8 } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import type { RowIssue } from '../contact.js';
import { compileMapping } from '../map/compile.js';
import { phoneKey } from '../normalize/dedupe.js';
import { createRowNormalizer, type NormalizedRow } from '../normalize/row.js';
import { readWarningIssue } from '../read/warnings.js';
import { csvParseOptions, lineBreaks, raggedWarning } from '../read/csv.js';
import { eachCsvRecordFast, type OnFastRecord } from '../read/csv-fast.js';
import { singleByteDecoder } from '../read/single-byte.js';
import { isBlankRow } from '../read/header.js';
import type { SourceRow } from '../read/types.js';
import { cleanRecords } from '../clean/records.js';
import { OneThreadNeeded } from './one-thread.js';
import { RowEncoder } from './row-codec.js';
import { CLEAN_END, INDEX_FIELDS, PHONES_END, REJECTS_END, type CleanResult, type CsvPieceTask, type ReleaseMessage, type RowsResult, type RowsTask, type TaskResult, type ThreadSetup, type WorkerTask } from './protocol.js';

const setup = workerData as ThreadSetup;
const mapRow = compileMapping(setup.mapping, setup.info);
const normalize = createRowNormalizer(setup.mapping, { strict: setup.strict, today: new Date(setup.today) });
const records = cleanRecords();
const NO_ISSUES: readonly RowIssue[] = [];
/** Enough for most tasks (~1,000 rows); a sink grows past it for the others. */
const CLEAN_SINK_BYTES = 256 * 1024;
const REJECTS_SINK_BYTES = 32 * 1024;
const PHONES_SINK_BYTES = 16 * 1024;
const INDEX_SINK_BYTES = 64 * 1024;
const MAX_FREE_BUFFERS = 8;

/**
 * Buffers the main thread gave back once it had written them, by size, to be filled again (bytes
 * are bytes: any sink that starts at a size takes any buffer of it). One of a size no sink starts
 * at — grown for a rare task — is left to the collector.
 */
const freeBuffers = new Map<number, ArrayBuffer[]>();

function takeBuffer(bytes: number): ArrayBuffer {
  let free = freeBuffers.get(bytes);
  if (free === undefined) freeBuffers.set(bytes, (free = []));
  return free.pop() ?? new ArrayBuffer(bytes);
}

function recycle(buffer: ArrayBuffer): void {
  const free = freeBuffers.get(buffer.byteLength);
  if (free !== undefined && free.length < MAX_FREE_BUFFERS) free.push(buffer);
}

/**
 * Output bytes: lines are encoded straight into a buffer (no joined string, no second copy), and
 * the buffer goes to the main thread and comes back once written, to be filled again. What a task
 * gathers lives off the heap: kept on it for the whole task, it would be copied by every
 * collection of the worker's small young generation, and then promoted.
 */
class ByteSink {
  #bytes: Buffer;
  length = 0;

  constructor(bytes: number) {
    this.#bytes = Buffer.from(takeBuffer(bytes));
  }

  write(text: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (this.length + text.length * 3 > this.#bytes.length) this.#grow(this.length + text.length * 3);
    this.length += this.#bytes.write(text, this.length);
  }

  /** `write` of a text known to be ASCII (phones): a loop beats the call into UTF-8 for a dozen characters (~30 against ~120 ns). */
  writeAscii(text: string): void {
    if (this.length + text.length > this.#bytes.length) this.#grow(this.length + text.length);
    const bytes = this.#bytes;
    for (let at = 0; at < text.length; at++) bytes[this.length + at] = text.charCodeAt(at);
    this.length += text.length;
  }

  #grow(needed: number): void {
    const bigger = Buffer.allocUnsafeSlow(Math.max(needed, this.#bytes.length * 2));
    this.#bytes.copy(bigger, 0, 0, this.length);
    this.#bytes = bigger;
  }

  /** The bytes written, over the whole of their own ArrayBuffer (so it can be transferred). */
  take(): Uint8Array {
    return new Uint8Array(this.#bytes.buffer, 0, this.length);
  }
}

/** A clean result's `index` (protocol.ts), off the heap as ByteSink's bytes are. */
class IndexSink {
  #numbers = new Float64Array(takeBuffer(INDEX_SINK_BYTES));
  #length = 0;

  add(row: number, key: number, cleanEnd: number, rejectsEnd: number, phonesEnd: number): void {
    if (this.#length + INDEX_FIELDS > this.#numbers.length) {
      const bigger = new Float64Array(this.#numbers.length * 2);
      bigger.set(this.#numbers);
      this.#numbers = bigger;
    }
    // In INDEX_FIELDS order.
    const numbers = this.#numbers;
    const at = this.#length;
    numbers[at] = row;
    numbers[at + 1] = key;
    numbers[at + CLEAN_END] = cleanEnd;
    numbers[at + REJECTS_END] = rejectsEnd;
    numbers[at + PHONES_END] = phonesEnd;
    this.#length += INDEX_FIELDS;
  }

  take(): Float64Array {
    return new Float64Array(this.#numbers.buffer, 0, this.#length);
  }
}

/** What a task's rows become: clean's lines, or the rows encoded for the main thread. */
interface TaskOutput {
  add(row: NormalizedRow): void;
  finish(id: number): CleanResult | RowsResult;
}

/** Each row taken as it is read, mapped and normalized, its read warnings first among its issues. */
type RowSink = (source: SourceRow, readIssues: readonly RowIssue[]) => void;

function normalizingInto(output: TaskOutput): RowSink {
  return (source, readIssues) => {
    const result = normalize(mapRow(source));
    if (readIssues.length > 0) result.issues.unshift(...readIssues);
    output.add(result);
  };
}

/** The lines of clean's two files, with what the main thread needs to drop in-file duplicates. */
function cleanLines(): TaskOutput {
  const clean = new ByteSink(CLEAN_SINK_BYTES);
  const rejects = new ByteSink(REJECTS_SINK_BYTES);
  const index = new IndexSink();
  // The phone each keyed row's duplicate issue would name, joined.
  const phones = new ByteSink(PHONES_SINK_BYTES);
  let warnings = 0;
  let rejected = 0;
  return {
    add(result) {
      for (const issue of result.issues) {
        if (issue.severity === 'warning') warnings++;
        rejects.write(records.reject(issue));
      }
      const { fields } = result;
      const key = fields === undefined ? undefined : phoneKey(fields.phone);
      if (fields === undefined) rejected++;
      else clean.write(records.clean(result, fields));
      if (key !== undefined) phones.writeAscii(fields?.phone ?? '');
      index.add(result.row, key ?? 0, clean.length, rejects.length, phones.length);
    },
    finish: (id) => ({ id, clean: clean.take(), rejects: rejects.take(), index: index.take(), phones: phones.take(), warnings, rejected }),
  };
}

function encodedRows(): TaskOutput {
  const encoder = new RowEncoder();
  return { add: (row) => encoder.add(row), finish: (id) => ({ id, rows: encoder.finish() }) };
}

const newOutput = setup.output === 'clean' ? cleanLines : encodedRows;

const csvEncoding = setup.csv?.encoding;
const isUtf8Csv = csvEncoding === undefined || /^utf-?8$/i.test(csvEncoding);
const decodeSingleByte = isUtf8Csv ? undefined : singleByteDecoder(csvEncoding);

function decode(bytes: Buffer): string {
  if (decodeSingleByte !== undefined) return decodeSingleByte(bytes);
  // Stray bytes that are not UTF-8 get the one-thread reader's fallback and its warnings.
  if (!isUtf8(bytes)) throw new OneThreadNeeded('bytes that are not UTF-8');
  return bytes.toString('utf8');
}

/** A parser of a piece: gives each record to its callback; `false` when it cannot read the piece. */
type RecordParser = (onRecord: OnFastRecord) => boolean;

/**
 * The piece's rows, each with its line, into `sink` as `parse` splits them; `false` when `parse`
 * gave up (the rows given before that are to be dropped).
 */
function pieceRows(task: CsvPieceTask, dataStartLine: number, parse: RecordParser, sink: RowSink): boolean {
  let line = task.firstLine;
  const parsed = parse((cells, breaks) => {
    const row = line;
    line += 1 + breaks;
    if (row < dataStartLine || isBlankRow(cells)) return;
    const source = { row, cells };
    const ragged = raggedWarning(source, setup.info.headers.length);
    sink(source, ragged === undefined ? NO_ISSUES : [readWarningIssue(ragged)]);
  });
  if (parsed && line !== task.nextLine) throw new OneThreadNeeded(`piece ends on line ${line}, not ${task.nextLine}`);
  return parsed;
}

/** A piece's result: parsed by the fast path as it goes, or — where that gives up — started over with csv-parse. */
function csvPieceResult(task: CsvPieceTask): TaskResult {
  const csv = setup.csv;
  if (csv === undefined) throw new OneThreadNeeded('no CSV setup');
  const text = decode(Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength));
  const fastOptions = { delimiter: csv.delimiter, recordDelimiter: task.recordDelimiter, bom: task.first, maxRecordChars: csvParseOptions(csv.delimiter).max_record_size };
  const fast = newOutput();
  if (pieceRows(task, csv.dataStartLine, (onRecord) => eachCsvRecordFast(text, fastOptions, onRecord), normalizingInto(fast))) return fast.finish(task.id);
  const output = newOutput();
  const withCsvParse: RecordParser = (onRecord) => {
    for (const cells of parseWithCsvParse(text, task)) onRecord(cells, lineBreaks(cells));
    return true;
  };
  pieceRows(task, csv.dataStartLine, withCsvParse, normalizingInto(output));
  return output.finish(task.id);
}

function parseWithCsvParse(text: string, task: CsvPieceTask): string[][] {
  try {
    return parse(text, {
      ...csvParseOptions(setup.csv?.delimiter ?? ','),
      bom: task.first,
      ...(task.recordDelimiter === undefined ? {} : { record_delimiter: task.recordDelimiter }),
    }) as string[][];
  } catch (error) {
    // The one-thread reader names the row of a malformed record.
    if (error instanceof CsvError) throw new OneThreadNeeded(error.code);
    throw error;
  }
}

function rowsTaskResult(task: RowsTask): TaskResult {
  const issues = new Map(task.readIssues);
  const output = newOutput();
  const sink = normalizingInto(output);
  for (const [index, source] of task.rows.entries()) sink(source, issues.get(index) ?? NO_ISSUES);
  return output.finish(task.id);
}

function transferables(result: TaskResult): ArrayBuffer[] {
  if ('clean' in result) return [result.clean.buffer as ArrayBuffer, result.rejects.buffer as ArrayBuffer, result.index.buffer as ArrayBuffer, result.phones.buffer as ArrayBuffer];
  return 'rows' in result ? [result.rows.index.buffer as ArrayBuffer] : [];
}

parentPort?.on('message', (task: WorkerTask | ReleaseMessage) => {
  if (task.kind === 'release') {
    for (const buffer of task.buffers) recycle(buffer);
    return;
  }
  let result: TaskResult;
  try {
    result = task.kind === 'csv' ? csvPieceResult(task) : rowsTaskResult(task);
  } catch (error) {
    if (!(error instanceof OneThreadNeeded)) throw error;
    result = { id: task.id, oneThread: error.message };
  }
  parentPort?.postMessage(result, transferables(result));
});
