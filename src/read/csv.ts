import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { isAscii } from 'node:buffer';
import { CsvError, Parser, type Options } from 'csv-parse';
import iconv from 'iconv-lite';
import { columnLetter } from './columns.js';
import { sepDirective, sniffDelimiter } from './delimiter.js';
import { detectEncoding } from './encoding.js';
import { ReadError } from './errors.js';
import { isBlankRow, locateHeader } from './header.js';
import type { Cell, ReadOptions, ReadWarning, SourceRow, Table } from './types.js';
import { createUtf8FallbackDecoder, describeFallback, type Utf8FallbackDecoder } from './utf8-fallback.js';

/** A field this long is a quote that never closes far more often than real data. */
const MAX_RECORD_CHARS = 1_000_000;

export interface CsvHead {
  /** The first bytes of the file, enough to detect encoding and delimiter. */
  sample: Buffer;
  /** The sample is the whole file. */
  complete: boolean;
}

/** How every CSV is parsed, on one thread or in pieces on several (csv-split.ts mirrors it). */
export function csvParseOptions(delimiter: string) {
  return {
    delimiter,
    bom: true,
    relax_column_count: true,
    // A stray quote inside an unquoted field (`ООО "Ромашка"`) is text, as Excel reads it.
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_CHARS,
  } satisfies Options;
}

/** Opens a CSV: decodes it (iconv-lite, before parsing), finds the header and streams the rest. */
export async function openCsv(file: string, head: CsvHead, options: ReadOptions): Promise<Table> {
  const detected = detectEncoding(head.sample, file, options.encoding);
  const text = iconv.decode(head.sample, detected.encoding);
  const declared = sepDirective(text);
  const delimiter = options.delimiter ?? declared ?? sniffDelimiter(text);
  const firstLine = declared === undefined ? 1 : 2;

  const parser = new LineCountingParser({ ...csvParseOptions(delimiter), from_line: firstLine }, firstLine);
  // UTF-8, guessed or forced, never turns a stray byte into U+FFFD silently: see utf8-fallback.ts.
  const utf8 = /^utf-?8$/i.test(detected.encoding)
    ? createUtf8FallbackDecoder({ undecided: detected.guessed && !head.complete && isAscii(head.sample) })
    : undefined;
  // The callback only has to exist: a failure destroys the parser, whose iterator then throws it.
  pipeline([createReadStream(file), utf8?.stream ?? iconv.decodeStream(detected.encoding), parser], () => undefined);

  const located = await locateHeader(records(parser, file, firstLine, () => parser.nextLine, utf8 && options.onWarning && fallbackWarnings(utf8, options.onWarning)), {
    file,
    expectedHeaders: options.expectedHeaders ?? [],
    headerRow: options.headerRow,
  }).catch((error: unknown) => {
    parser.destroy();
    throw error;
  });
  return {
    info: {
      file,
      format: 'csv',
      encoding: detected.encoding,
      bom: detected.bom,
      delimiter,
      headerRow: located.headerRow,
      headers: located.headers,
    },
    rows: options.onWarning ? reportRagged(located.rows, located.headers.length, options.onWarning) : located.rows,
  };
}

/**
 * csv-parse's stream, counting editor lines as records are parsed rather than as they are taken:
 * a failure names the line it is on even while records before it still wait in the stream's
 * buffer (a slow consumer). Counted in `push`, where each record passes anyway: csv-parse's
 * `on_record` builds an info object per record, ~25 MB more peak RSS on 1M rows (bench).
 */
class LineCountingParser extends Parser {
  /** The line after the last record parsed: where a failing record starts. */
  nextLine: number;

  constructor(options: Options, firstLine: number) {
    super(options);
    this.nextLine = firstLine;
  }

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (Array.isArray(record)) this.nextLine += 1 + lineBreaks(record as string[]);
    return super.push(record, encoding);
  }
}

/**
 * Non-blank records with the editor line their first line is on. The lines are counted here:
 * csv-parse's `info.lines` counts a CRLF inside quotes twice and, on an unclosed quote, names
 * the end of the file rather than the line where the quote opened.
 */
async function* records(
  parser: AsyncIterable<string[]>,
  file: string,
  firstLine: number,
  /** The line after the last record parsed: where a failing record starts. */
  parsedLine: () => number,
  onRecord?: (row: number, nextLine: number, cells: readonly string[]) => void,
): AsyncGenerator<SourceRow> {
  let line = firstLine;
  try {
    for await (const cells of parser) {
      const row = line;
      line += 1 + lineBreaks(cells);
      onRecord?.(row, line, cells);
      if (!isBlankRow(cells)) yield { row, cells };
    }
  } catch (error) {
    throw readError(error, file, parsedLine());
  }
}

/** Line breaks inside a record's cells: the record spans this many lines more than one. */
export function lineBreaks(cells: readonly string[]): number {
  let breaks = 0;
  for (const cell of cells) breaks += lineBreaksIn(cell);
  return breaks;
}

/** The line breaks in one text, as {@link lineBreaks} counts them in a cell. */
export function lineBreaksIn(text: string): number {
  if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) return 0;
  let breaks = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    // CRLF is one break: count the LF, and a CR only when no LF follows it.
    if (char === 0x0a || (char === 0x0d && text.charCodeAt(index + 1) !== 0x0a)) breaks++;
  }
  return breaks;
}

export function readError(error: unknown, file: string, row: number): ReadError {
  if (error instanceof ReadError) return error;
  if (error instanceof CsvError) {
    switch (error.code) {
      case 'CSV_QUOTE_NOT_CLOSED':
        return new ReadError('ERR_READ_UNTERMINATED_QUOTE', file, 'a quote opens here and never closes: the rest of the file would be read as one field', { row, cause: error });
      case 'CSV_MAX_RECORD_SIZE':
        return new ReadError('ERR_READ_UNTERMINATED_QUOTE', file, `the record starting here is longer than ${MAX_RECORD_CHARS} characters: most likely a quote that never closes`, { row, cause: error });
      default:
        return new ReadError('ERR_READ_UNREADABLE', file, `malformed CSV in the record starting here (${error.code})`, { row, cause: error });
    }
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new ReadError('ERR_READ_UNREADABLE', file, `cannot read the file: ${reason}`, { row, cause: error });
}

/** Warns about records whose cell count differs from the header's; they are still yielded. */
async function* reportRagged(rows: AsyncIterable<SourceRow>, width: number, onWarning: NonNullable<ReadOptions['onWarning']>): AsyncGenerator<SourceRow> {
  for await (const source of rows) {
    const warning = raggedWarning(source, width);
    if (warning) onWarning(warning);
    yield source;
  }
}

/** The warning about a record whose cell count differs from the header's, if it does. */
export function raggedWarning(source: SourceRow, width: number): ReadWarning | undefined {
  if (source.cells.length === width || onlyEmptyBeyond(source.cells, width)) return undefined;
  return { code: 'RAGGED_ROW', row: source.row, message: `row ${source.row} has ${source.cells.length} cells, the header has ${width}` };
}

/** Excel pads some rows with trailing delimiters: extra empty cells are not worth a warning. */
function onlyEmptyBeyond(cells: readonly Cell[], width: number): boolean {
  if (cells.length < width) return false;
  for (let index = width; index < cells.length; index++) if (cells[index] !== '') return false;
  return true;
}

/** Each place the decoder took bytes for Windows-1251 becomes a warning on the record it is in. */
function fallbackWarnings(decoder: Utf8FallbackDecoder, onWarning: NonNullable<ReadOptions['onWarning']>): (row: number, nextLine: number, cells: readonly string[]) => void {
  return (row, nextLine, cells) => {
    const notes = decoder.takeNotesBefore(nextLine);
    if (notes.length === 0) return;
    const first = notes[0]?.text ?? '';
    const column = cells.findIndex((cell) => cell.includes(first));
    onWarning({
      code: 'NOT_UTF8',
      row,
      ...(column === -1 ? {} : { column: columnLetter(column + 1) }),
      value: notes.map((note) => note.text).join(' '),
      message: describeFallback(notes, row),
    });
  };
}
