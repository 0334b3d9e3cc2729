/**
 * A worker thread of `clean` (see threads.ts): rows in — raw CSV pieces it decodes and parses
 * itself, or rows another reader produced — and, out, the lines of the clean and rejects files
 * with what the main thread needs to drop in-file duplicates. Pure work on what it is sent, so
 * its lines are the ones the main thread would have written.
 */
import { isUtf8 } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { RowIssue } from '../contact.js';
import { compileMapping } from '../map/compile.js';
import { phoneKey } from '../normalize/dedupe.js';
import { createRowNormalizer } from '../normalize/row.js';
import { readWarningIssue } from '../pipeline.js';
import { csvParseOptions, lineBreaks, raggedWarning } from '../read/csv.js';
import { parseCsvFast } from '../read/csv-fast.js';
import { isBlankRow } from '../read/header.js';
import type { SourceRow } from '../read/types.js';
import { cleanRecords } from './records.js';
import type { CsvPieceTask, ReleaseMessage, RowsTask, TaskResult, ThreadSetup, WorkerTask } from './threads.js';

const setup = workerData as ThreadSetup;
const mapRow = compileMapping(setup.mapping, setup.info);
const normalize = createRowNormalizer(setup.mapping, { strict: setup.strict, today: new Date(setup.today) });
const records = cleanRecords();
const NO_ISSUES: readonly RowIssue[] = [];
const encoder = new TextEncoder();

/** Thrown when a piece cannot be done here exactly as one thread would do it. */
class OneThreadNeeded extends Error {}

function normalizeRows(id: number, sources: Iterable<{ source: SourceRow; readIssues: readonly RowIssue[] }>): TaskResult {
  // Lines are joined here and encoded once; each row's end is kept as a byte offset, so the main
  // thread only slices and writes.
  let clean = '';
  let rejects = '';
  let cleanBytes = 0;
  let rejectsBytes = 0;
  const index: number[] = [];
  // The phone each keyed row's duplicate issue would name, joined: one string to send, not one per row.
  let phones = '';
  let warnings = 0;
  let rejected = 0;
  for (const { source, readIssues } of sources) {
    const result = normalize(mapRow(source));
    if (readIssues.length > 0) result.issues.unshift(...readIssues);
    for (const issue of result.issues) {
      if (issue.severity === 'warning') warnings++;
      const line = records.reject(issue);
      rejects += line;
      rejectsBytes += Buffer.byteLength(line);
    }
    const { fields } = result;
    const key = fields === undefined ? undefined : phoneKey(fields.phone);
    if (fields === undefined) rejected++;
    else {
      const line = records.clean(result, fields);
      clean += line;
      cleanBytes += Buffer.byteLength(line);
    }
    if (key !== undefined) phones += fields?.phone ?? '';
    // In INDEX_FIELDS order.
    index.push(result.row, key ?? 0, cleanBytes, rejectsBytes, phones.length);
  }
  return {
    id,
    // TextEncoder's bytes have an ArrayBuffer of their own (a small Buffer may share Node's pool), so they can be transferred.
    clean: encoder.encode(clean),
    rejects: encoder.encode(rejects),
    index: Float64Array.from(index),
    phones,
    warnings,
    rejected,
  };
}

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

parentPort?.on('message', (task: WorkerTask | ReleaseMessage) => {
  if (task.kind === 'release') return;
  let result: TaskResult;
  try {
    result = normalizeRows(task.id, task.kind === 'csv' ? pieceRows(task) : batchRows(task));
  } catch (error) {
    if (!(error instanceof OneThreadNeeded)) throw error;
    result = { id: task.id, oneThread: error.message };
  }
  parentPort?.postMessage(result, 'clean' in result ? [result.clean.buffer as ArrayBuffer, result.rejects.buffer as ArrayBuffer, result.index.buffer as ArrayBuffer] : []);
});
