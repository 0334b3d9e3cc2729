import { once } from 'node:events';
import { openAtomicFile, type AtomicFile } from './atomic-file.js';
import { neutralizeFormula } from './formula.js';

export interface CsvFormat<Column extends string> {
  columns: readonly Column[];
  delimiter?: string;
  /** Columns written as they are (digits-only phone columns); every other column is formula-neutralized. */
  rawColumns?: ReadonlySet<Column>;
}

export interface CsvWriterOptions<Column extends string> extends CsvFormat<Column> {
  /** A UTF-8 BOM makes Excel read the file as UTF-8 instead of the system code page. */
  bom?: boolean;
}

export type CsvRecordValues<Column extends string> = Partial<Record<Column, string | number | undefined>>;

/** A streamed CSV file written atomically (see AtomicFile); `write` honours back-pressure. */
export interface CsvWriter<Column extends string> {
  readonly path: string;
  /** Returns a promise only when the file asks to wait (back-pressure); most rows cost no promise at all. */
  write(record: CsvRecordValues<Column>): Promise<void> | undefined;
  /**
   * Records already made by {@link csvFormatter} of the same format (on another thread, say, in
   * UTF-8); as `write`. `written` is called once the file is done with the bytes (or has failed).
   */
  writeFormatted(records: string | Uint8Array, written?: () => void): Promise<void> | undefined;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Records are joined into one string and written in pieces of about this many characters. */
const FLUSH_CHARS = 64 * 1024;
const BOM = '\uFEFF';
const RECORD_DELIMITER = '\r\n';
const LINE_BREAK = /[\r\n]/;

/**
 * True when `delimiter` written after `value` could be found starting inside `value`: the value
 * contains it, or (a multi-character delimiter) its end fuses with the delimiter's start.
 */
function emitsDelimiter(value: string, delimiter: string): boolean {
  return value.includes(delimiter) || (delimiter.length > 1 && (value + delimiter).indexOf(delimiter) < value.length);
}

/**
 * One CSV record as csv-stringify writes it with `record_delimiter: 'windows'` and
 * `quoted_match: /[\r\n]/`: a field is quoted when it holds a quote, the delimiter or a line break,
 * and its quotes are doubled. (Without `quoted_match` csv-stringify leaves a lone LF or CR unquoted,
 * and every reader then splits the record there: a multi-line cell would break its row.) Done here
 * because csv-stringify's per-field option handling cost as much as normalizing the row.
 */
export function csvRecord(values: readonly string[], delimiter: string): string {
  // One test per value finds the few that need quotes (most hold no quote, delimiter or line end).
  const special = delimiter.length === 1 ? specialCharacters(delimiter) : undefined;
  let record = '';
  for (let index = 0; index < values.length; index++) {
    if (index > 0) record += delimiter;
    record += csvField(values[index] ?? '', delimiter, special);
  }
  return record + RECORD_DELIMITER;
}

/** One value as a field of {@link csvRecord}; `special`: its test for a one-character delimiter. */
function csvField(value: string, delimiter: string, special: RegExp | undefined): string {
  if (special !== undefined ? !special.test(value) : !(value.includes('"') || emitsDelimiter(value, delimiter) || LINE_BREAK.test(value))) return value;
  return value.includes('"') ? `"${value.replaceAll('"', '""')}"` : `"${value}"`;
}

const SPECIAL = new Map<string, RegExp>();

/** A quote, `delimiter` or a line end. */
function specialCharacters(delimiter: string): RegExp {
  let pattern = SPECIAL.get(delimiter);
  if (pattern === undefined) {
    pattern = new RegExp(`["\\r\\n${delimiter.replace(/[\\\]^-]/g, '\\$&')}]`);
    SPECIAL.set(delimiter, pattern);
  }
  return pattern;
}

/** The CSV record of one row of `format`, line end included. */
export function csvFormatter<Column extends string>(format: CsvFormat<Column>): (record: CsvRecordValues<Column>) => string {
  const columns = format.columns;
  const formatValues = csvValuesFormatter(format);
  const values: (string | number | undefined)[] = new Array<string | number | undefined>(columns.length);
  return (record) => {
    for (let index = 0; index < columns.length; index++) values[index] = record[columns[index] as Column];
    return formatValues(values);
  };
}

/**
 * As {@link csvFormatter}, for a row given as its values in `format.columns` order: a caller that
 * has them at hand skips building a record object per row (`clean`: ~0.4 µs a row of ~2).
 */
export function csvValuesFormatter<Column extends string>(format: CsvFormat<Column>): (values: readonly (string | number | undefined)[]) => string {
  const delimiter = format.delimiter ?? ',';
  const special = delimiter.length === 1 ? specialCharacters(delimiter) : undefined;
  const raw = format.columns.map((column) => format.rawColumns?.has(column) ?? false);
  // As csvRecord over the values made text and formula-neutralized, in one pass: no list of texts
  // per row, and an empty value (most columns of most rows) costs nothing (clean: ~0.3 µs a row).
  return (values) => {
    let record = '';
    for (let index = 0; index < raw.length; index++) {
      if (index > 0) record += delimiter;
      const value = values[index];
      if (value === undefined || value === '') continue;
      // Nearly every value is a string already, and String() of one is still a call.
      const text = typeof value === 'string' ? value : String(value);
      record += csvField(raw[index] ? text : neutralizeFormula(text), delimiter, special);
    }
    return record + RECORD_DELIMITER;
  };
}

export function openCsvWriter<Column extends string>(path: string, options: CsvWriterOptions<Column>): CsvWriter<Column> {
  const file: AtomicFile = openAtomicFile(path);
  const format = csvFormatter(options);
  let pending = (options.bom ? BOM : '') + csvRecord(options.columns, options.delimiter ?? ',');

  /** Hands the joined records to the file; `false` when it asks to wait. */
  const flush = (): boolean => {
    const text = pending;
    pending = '';
    return text === '' || file.stream.write(text);
  };

  const append = (records: string | Uint8Array, written?: () => void): Promise<void> | undefined => {
    file.check();
    if (typeof records === 'string') {
      pending += records;
      written?.();
      if (pending.length < FLUSH_CHARS || flush()) return undefined;
    } else {
      // The joined records first: the bytes keep their order. (An empty write still calls back.)
      const flushed = flush();
      if (file.stream.write(records, () => written?.()) && flushed) return undefined;
    }
    // A failed file never drains: wait for whichever comes first.
    return file.guard(once(file.stream, 'drain').then(() => undefined));
  };

  return {
    path,
    write: (record) => append(format(record)),
    writeFormatted: append,
    async commit() {
      file.check();
      if (!flush()) await file.guard(once(file.stream, 'drain'));
      await file.commit();
    },
    async abort() {
      await file.abort();
    },
  };
}
