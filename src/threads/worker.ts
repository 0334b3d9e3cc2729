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
import iconv from 'iconv-lite';
import type { RowIssue } from '../contact.js';
import { compileMapping } from '../map/compile.js';
import { phoneKey } from '../normalize/dedupe.js';
import { createRowNormalizer, type NormalizedRow } from '../normalize/row.js';
import { readWarningIssue } from '../read/warnings.js';
import { csvParseOptions, lineBreaks, raggedWarning } from '../read/csv.js';
import { parseCsvFast } from '../read/csv-fast.js';
import { isBlankRow } from '../read/header.js';
import type { SourceRow } from '../read/types.js';
import { cleanRecords } from '../clean/records.js';
import { OneThreadNeeded } from './one-thread.js';
import { RowEncoder } from './row-codec.js';
import type { CleanResult, CsvPieceTask, ReleaseMessage, RowsResult, RowsTask, TaskResult, ThreadSetup, WorkerTask } from './protocol.js';

const setup = workerData as ThreadSetup;
const mapRow = compileMapping(setup.mapping, setup.info);
const normalize = createRowNormalizer(setup.mapping, { strict: setup.strict, today: new Date(setup.today) });
const records = cleanRecords();
const NO_ISSUES: readonly RowIssue[] = [];
/** Enough for the lines of most tasks; a sink grows past it for the others. */
const SINK_BYTES = 256 * 1024;
const MAX_FREE_SINKS = 8;


/**
 * Output bytes: lines are encoded straight into a buffer (no joined string, no second copy), and
 * the buffer goes to the main thread and comes back once written, to be filled again.
 */
class ByteSink {
  static readonly #free: ArrayBuffer[] = [];
  #bytes: Buffer;
  length = 0;

  constructor() {
    const reused = ByteSink.#free.pop();
    this.#bytes = reused === undefined ? Buffer.allocUnsafeSlow(SINK_BYTES) : Buffer.from(reused);
  }

  static recycle(buffer: ArrayBuffer): void {
    if (ByteSink.#free.length < MAX_FREE_SINKS && buffer.byteLength === SINK_BYTES) ByteSink.#free.push(buffer);
  }

  write(text: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (this.length + text.length * 3 > this.#bytes.length) this.#grow(this.length + text.length * 3);
    this.length += this.#bytes.write(text, this.length);
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

type Sources = Iterable<{ source: SourceRow; readIssues: readonly RowIssue[] }>;

/** Each row mapped and normalized, its read warnings first among its issues. */
function* normalized(sources: Sources): Generator<NormalizedRow> {
  for (const { source, readIssues } of sources) {
    const result = normalize(mapRow(source));
    if (readIssues.length > 0) result.issues.unshift(...readIssues);
    yield result;
  }
}

function cleanLines(id: number, rows: Iterable<NormalizedRow>): CleanResult {
  const clean = new ByteSink();
  const rejects = new ByteSink();
  const index: number[] = [];
  // The phone each keyed row's duplicate issue would name, joined: one string to send, not one per row.
  let phones = '';
  let warnings = 0;
  let rejected = 0;
  for (const result of rows) {
    for (const issue of result.issues) {
      if (issue.severity === 'warning') warnings++;
      rejects.write(records.reject(issue));
    }
    const { fields } = result;
    const key = fields === undefined ? undefined : phoneKey(fields.phone);
    if (fields === undefined) rejected++;
    else clean.write(records.clean(result, fields));
    if (key !== undefined) phones += fields?.phone ?? '';
    // In INDEX_FIELDS order.
    index.push(result.row, key ?? 0, clean.length, rejects.length, phones.length);
  }
  return { id, clean: clean.take(), rejects: rejects.take(), index: Float64Array.from(index), phones, warnings, rejected };
}

function encodedRows(id: number, rows: Iterable<NormalizedRow>): RowsResult {
  const encoder = new RowEncoder();
  for (const row of rows) encoder.add(row);
  return { id, rows: encoder.finish() };
}

const work = setup.output === 'clean' ? cleanLines : encodedRows;

function decode(bytes: Buffer): string {
  const { encoding } = setup.csv ?? {};
  if (encoding === undefined || /^utf-?8$/i.test(encoding)) {
    // Stray bytes that are not UTF-8 get the one-thread reader's fallback and its warnings.
    if (!isUtf8(bytes)) throw new OneThreadNeeded('bytes that are not UTF-8');
    return bytes.toString('utf8');
  }
  return iconv.decode(bytes, encoding);
}

function* pieceRows(task: CsvPieceTask): Generator<{ source: SourceRow; readIssues: readonly RowIssue[] }> {
  const csv = setup.csv;
  if (csv === undefined) throw new OneThreadNeeded('no CSV setup');
  const text = decode(Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength));
  const options = csvParseOptions(csv.delimiter);
  const parsed = parseCsvFast(text, { delimiter: csv.delimiter, recordDelimiter: task.recordDelimiter, bom: task.first, maxRecordChars: options.max_record_size }) ?? parseWithCsvParse(text, task);
  let line = task.firstLine;
  for (const cells of parsed) {
    const row = line;
    line += 1 + lineBreaks(cells);
    if (row < csv.dataStartLine || isBlankRow(cells)) continue;
    const source = { row, cells };
    const ragged = raggedWarning(source, setup.info.headers.length);
    yield { source, readIssues: ragged === undefined ? NO_ISSUES : [readWarningIssue(ragged)] };
  }
  if (line !== task.nextLine) throw new OneThreadNeeded(`piece ends on line ${line}, not ${task.nextLine}`);
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

function* batchRows(task: RowsTask): Generator<{ source: SourceRow; readIssues: readonly RowIssue[] }> {
  const issues = new Map(task.readIssues);
  for (const [index, source] of task.rows.entries()) yield { source, readIssues: issues.get(index) ?? NO_ISSUES };
}

function transferables(result: TaskResult): ArrayBuffer[] {
  if ('clean' in result) return [result.clean.buffer as ArrayBuffer, result.rejects.buffer as ArrayBuffer, result.index.buffer as ArrayBuffer];
  return 'rows' in result ? [result.rows.index.buffer as ArrayBuffer] : [];
}

parentPort?.on('message', (task: WorkerTask | ReleaseMessage) => {
  if (task.kind === 'release') {
    ByteSink.recycle(task.buffer);
    return;
  }
  let result: TaskResult;
  try {
    result = work(task.id, normalized(task.kind === 'csv' ? pieceRows(task) : batchRows(task)));
  } catch (error) {
    if (!(error instanceof OneThreadNeeded)) throw error;
    result = { id: task.id, oneThread: error.message };
  }
  parentPort?.postMessage(result, transferables(result));
});
