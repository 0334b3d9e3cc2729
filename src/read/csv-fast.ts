/**
 * A fast path for parsing a piece of CSV (see csv-split.ts) that holds only what files mostly
 * hold: records without quotes, split natively, and fields quoted whole (`"…"`, `""` inside)
 * followed by a delimiter or the record's end. Anything else — a quote closed before other text,
 * a quote that does not close, a record past csv-parse's size limit — makes it answer `false`,
 * and the piece goes to csv-parse, whose records these are in every case it answers (tested
 * against csv-parse on generated tricky CSV).
 */
import type { RecordDelimiter } from './csv-split.js';
import { lineBreaks, lineBreaksIn } from './csv.js';

export interface FastCsvOptions {
  /** One character, as the split (csv-split.ts) takes it. */
  delimiter: string;
  /** As discovered by the split; `undefined` when the file has no line end at all. */
  recordDelimiter: RecordDelimiter | undefined;
  /** Drop a leading BOM (the first piece of a file). */
  bom: boolean;
  /** csv-parse's `max_record_size` (counted in UTF-8 bytes there): a record near it is its to judge. */
  maxRecordChars: number;
}

const QUOTE = '"';

/** A UTF-16 code unit is at most 3 bytes of UTF-8. */
const MAX_BYTES_PER_CHAR = 3;

/** A record's cells, and the line breaks inside them (csv.ts `lineBreaks`). */
export type OnFastRecord = (cells: string[], lineBreaks: number) => void;

/**
 * Gives each record of `text` to `onRecord`, in order, as it is split (no list of the piece's
 * records: they would all be live at once). `false` where the text leaves the simple grammar or a
 * record is too long: the records before that point were given, and the piece is csv-parse's.
 */
export function eachCsvRecordFast(text: string, options: FastCsvOptions, onRecord: OnFastRecord): boolean {
  const { delimiter } = options;
  const maxRecordChars = Math.floor(options.maxRecordChars / MAX_BYTES_PER_CHAR);
  // Without a line end the piece is one record (or none).
  const lineEnd = options.recordDelimiter ?? '\n';
  let position = options.bom && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (position < text.length) {
    // The records before the next quote have none; the one it is in goes field by field.
    const nextQuote = text.indexOf(QUOTE, position);
    position = plainRecords(text, position, nextQuote === -1 ? text.length : nextQuote, delimiter, lineEnd, maxRecordChars, onRecord);
    if (position === -1) return false;
    if (position >= text.length) break;
    const quoted = quotedRecord(text, position, delimiter, lineEnd, maxRecordChars);
    if (quoted === undefined) return false;
    onRecord(quoted.cells, lineBreaks(quoted.cells));
    position = quoted.next;
  }
  return true;
}

/**
 * Gives `onRecord` the records that end before `before`; returns where the next record starts,
 * or -1 for a record too long. (A loop of its own: V8 optimizes it far better than the same lines
 * inside the loop that also calls quotedRecord, ~5× here.)
 */
function plainRecords(text: string, from: number, before: number, delimiter: string, lineEnd: string, maxRecordChars: number, onRecord: OnFastRecord): number {
  let position = from;
  while (position < text.length) {
    let end = text.indexOf(lineEnd, position);
    if (end === -1) end = text.length;
    if (end >= before) return position;
    if (end - position > maxRecordChars) return -1;
    // Counted in the record, not in each of its cells: a delimiter is no line break.
    const record = text.slice(position, end);
    onRecord(cellsOf(record, delimiter), lineBreaksIn(record));
    position = end + lineEnd.length;
  }
  return position;
}

/** `record.split(delimiter)`, by searching and slicing: V8's split costs ~180 ns a record more here. */
function cellsOf(record: string, delimiter: string): string[] {
  const cells: string[] = [];
  let start = 0;
  for (let next = record.indexOf(delimiter); next !== -1; next = record.indexOf(delimiter, start)) {
    cells.push(record.slice(start, next));
    start = next + delimiter.length;
  }
  cells.push(record.slice(start));
  return cells;
}

/** A record with quotes, field by field; `undefined` where it leaves the simple grammar. */
function quotedRecord(text: string, start: number, delimiter: string, lineEnd: string, maxRecordChars: number): { cells: string[]; next: number } | undefined {
  const cells: string[] = [];
  let position = start;
  while (true) {
    let end: number;
    if (text.startsWith(QUOTE, position)) {
      let close = text.indexOf(QUOTE, position + 1);
      while (close !== -1 && text.startsWith(QUOTE, close + 1)) close = text.indexOf(QUOTE, close + 2);
      if (close === -1) return undefined;
      end = close + 1;
      if (end < text.length && !text.startsWith(delimiter, end) && !text.startsWith(lineEnd, end)) return undefined;
      cells.push(text.slice(position + 1, close).replaceAll('""', QUOTE));
    } else {
      // Unquoted: a quote inside is text (csv-parse's relax_quotes), so only the delimiter and the line end end it.
      const nextDelimiter = text.indexOf(delimiter, position);
      const nextLineEnd = text.indexOf(lineEnd, position);
      end = nextDelimiter === -1 ? nextLineEnd : nextLineEnd === -1 ? nextDelimiter : Math.min(nextDelimiter, nextLineEnd);
      if (end === -1) end = text.length;
      cells.push(text.slice(position, end));
    }
    if (end - start > maxRecordChars) return undefined;
    if (end >= text.length) return { cells, next: text.length };
    if (text.startsWith(lineEnd, end)) return { cells, next: end + lineEnd.length };
    position = end + delimiter.length;
  }
}
