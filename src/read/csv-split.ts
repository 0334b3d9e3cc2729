/**
 * Cuts the raw bytes of a CSV into pieces that each end where a record ends, so that separate
 * threads can decode and parse them and get, piece by piece, the records one parser would have
 * got. The state machine is csv-parse's with our options (csv.ts: `"` quotes, an ASCII delimiter,
 * `relax_quotes`, the record delimiter discovered at the first line break outside quotes): a
 * quote opens a field only at its start, `""` inside quotes is a quote, and a closing quote
 * followed by anything but a delimiter or a line end (relaxed) ends the quoting there.
 *
 * It also counts the editor lines each piece spans the way the CSV reader numbers rows (one per
 * record, plus each LF, CRLF or lone CR inside its cells), so each piece knows its first row.
 * Line ends and quotes are ASCII: the pieces are exact in UTF-8 and single-byte encodings only.
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export type RecordDelimiter = '\r\n' | '\n' | '\r';

export interface CsvPiece {
  /** A copy with an ArrayBuffer of its own (it can be transferred to another thread). */
  bytes: Uint8Array;
  /** The editor line of the piece's first record. */
  firstLine: number;
  /** The line after the piece's last record (the next piece's `firstLine`). */
  nextLine: number;
}

export interface CsvSplitOptions {
  /** The field delimiter: one ASCII character. */
  delimiter: string;
  /** A piece is cut at the first record end after this many bytes. */
  pieceBytes: number;
  /**
   * A piece that reaches this many bytes without a record end makes the split give up
   * (`TooLongRecord`): most likely a quote that never closes, which the one-thread reader reports
   * with its row.
   */
  maxPieceBytes: number;
}

/** Thrown when no record end comes within `maxPieceBytes`. */
export class TooLongRecord extends Error {
  readonly code = 'ERR_CSV_SPLIT_TOO_LONG';
  constructor(bytes: number) {
    super(`no record end within ${bytes} bytes`);
  }
}

export interface CsvSplit {
  /** The pieces, in file order; together they are the whole input. */
  pieces: AsyncGenerator<CsvPiece>;
  /** The record delimiter found (once the first piece is out), for the parsers of the pieces. */
  recordDelimiter(): RecordDelimiter | undefined;
}

/** `input` may reuse its buffer for the next chunk: what is kept of a chunk is copied. */
export function splitCsv(input: AsyncIterable<Buffer>, options: CsvSplitOptions): CsvSplit {
  const delimiter = options.delimiter.charCodeAt(0);
  if (options.delimiter.length !== 1 || delimiter > 0x7f || delimiter === QUOTE || delimiter === LF || delimiter === CR) {
    throw new TypeError(`Expected a one-character ASCII delimiter, got ${JSON.stringify(options.delimiter)}`);
  }
  let recordDelimiter: RecordDelimiter | undefined;

  // The scanner's state between bytes (and between chunks of the input).
  let quoting = false;
  let fieldHasText = false;
  let atRecordStart = true;
  let line = 1;

  /** Length of the record delimiter at `at` (discovering it on the first line end), else 0. */
  const recordEndAt = (bytes: Buffer, at: number): number => {
    const byte = bytes[at];
    if (byte !== LF && byte !== CR) return 0;
    if (recordDelimiter === undefined) recordDelimiter = byte === CR && bytes[at + 1] === LF ? '\r\n' : byte === LF ? '\n' : '\r';
    if (recordDelimiter === '\r\n') return byte === CR && bytes[at + 1] === LF ? 2 : 0;
    return (recordDelimiter === '\n') === (byte === LF) ? 1 : 0;
  };

  /**
   * Scans `bytes[from, to)`; `to` leaves room for the 2-byte look-ahead unless `final`. Returns
   * the index after the last record end seen at or after `cutAfter`, or -1.
   */
  const scan = (bytes: Buffer, from: number, to: number, cutAfter: number): { stop: number; cut: number } => {
    let cut = -1;
    let index = from;
    while (index < to) {
      const byte = bytes[index] as number;
      atRecordStart = false;
      // Nearly every byte: text outside quotes (above the quote, line ends and most delimiters).
      if (byte > QUOTE && byte !== delimiter && !quoting) {
        fieldHasText = true;
        index++;
        continue;
      }
      if (quoting) {
        if (byte === QUOTE) {
          const next = bytes[index + 1];
          if (next === QUOTE) {
            fieldHasText = true;
            index += 2;
            continue;
          }
          // Closed; whatever follows (relaxed: text, not a delimiter) is read as outside quotes, where
          // a quote no longer opens this field.
          quoting = false;
          fieldHasText = true;
          index++;
          continue;
        }
        countBreak(bytes, index, true);
        fieldHasText = true;
        index++;
        continue;
      }
      const end = recordEndAt(bytes, index);
      if (end > 0) {
        index += end;
        line++;
        fieldHasText = false;
        atRecordStart = true;
        if (index > cutAfter) {
          cut = index;
          break;
        }
        continue;
      }
      if (byte === delimiter) fieldHasText = false;
      else if (byte === QUOTE && !fieldHasText) quoting = true;
      else {
        countBreak(bytes, index, false);
        fieldHasText = true;
      }
      index++;
    }
    return { stop: index, cut };
  };

  /** A line break inside a cell: LF, a CR not followed by an LF of the same cell. */
  const countBreak = (bytes: Buffer, index: number, inQuotes: boolean): void => {
    const byte = bytes[index];
    if (byte === LF) line++;
    else if (byte === CR && !(inQuotes && bytes[index + 1] === LF)) line++;
  };

  async function* pieces(): AsyncGenerator<CsvPiece> {
    // What is read and not yet cut, at work[start, end): one buffer, reused and grown only for a long
    // record. A new one per chunk would lie on this thread as garbage until its next collection,
    // which, with the work on other threads, comes seldom: tens of megabytes of them.
    let work = Buffer.allocUnsafeSlow(0);
    let start = 0;
    let end = 0;
    let scanned = 0;
    let pieceLine = line;
    const append = (chunk: Buffer): void => {
      if (end + chunk.length > work.length) {
        const kept = end - start;
        if (kept + chunk.length > work.length) {
          const bigger = Buffer.allocUnsafeSlow(Math.max(work.length * 2, kept + chunk.length));
          work.copy(bigger, 0, start, end);
          work = bigger;
        } else work.copyWithin(0, start, end);
        start = 0;
        end = kept;
      }
      end += chunk.copy(work, end);
    };
    const cutPiece = (cut: number): CsvPiece => {
      const piece = { bytes: new Uint8Array(work.subarray(start, start + cut)), firstLine: pieceLine, nextLine: line };
      start += cut;
      scanned = 0;
      pieceLine = line;
      return piece;
    };
    let first = true;
    for await (const chunk of input) {
      append(chunk);
      // The parser drops a UTF-8 BOM before it reads anything: a quote after it opens the field.
      if (first && end - start >= 3) {
        first = false;
        if (work[start] === 0xef && work[start + 1] === 0xbb && work[start + 2] === 0xbf) scanned = 3;
      }
      while (true) {
        const pending = work.subarray(start, end);
        const { stop, cut } = scan(pending, scanned, pending.length - 2, options.pieceBytes);
        scanned = stop;
        if (cut !== -1) yield cutPiece(cut);
        else break;
      }
      if (end - start >= options.maxPieceBytes) throw new TooLongRecord(options.maxPieceBytes);
    }
    const rest = work.subarray(start, end);
    scan(rest, scanned, rest.length, rest.length);
    // The last record may lack its line end: it is one more line all the same.
    if (rest.length > 0) yield { bytes: new Uint8Array(rest), firstLine: pieceLine, nextLine: atRecordStart ? line : line + 1 };
  }

  return { pieces: pieces(), recordDelimiter: () => recordDelimiter };
}
