/**
 * The export formats behind one interface. Every sink streams: rows go out as they are written,
 * with back-pressure, and nothing is held but the current row. Files are written under temporary
 * names and renamed by `commit` (all files of a multi-file export at the end, after every table
 * is complete); `abort` removes them, leaving a previous export untouched.
 */
import type ExcelJS from 'exceljs';
import { once } from 'node:events';
import { openAtomicFile, type AtomicFile } from '../report/atomic-file.js';
import { openCsvWriter, type CsvWriter } from '../report/csv-writer.js';
import { neutralizeFormula } from '../report/formula.js';
import { TABLES, type ColumnSpec, type ExportKind, type ExportRecord } from './columns.js';
import { ExportOptionError } from './errors.js';
import { kindPath, STDOUT, type ExportFormat } from './output-path.js';

export interface TableWriter {
  /** A promise only when the output asks to wait (back-pressure). */
  write(record: ExportRecord): Promise<void> | undefined;
  /** The table is complete; the next one may be opened. */
  close(): Promise<void>;
}

export interface ExportSink {
  /** Tables are written one after another, in the order of the sink's `kinds`. */
  openTable(kind: ExportKind): TableWriter;
  /** Finishes every file and moves it into place; returns the paths written (`-` for stdout). */
  commit(): Promise<string[]>;
  abort(): Promise<void>;
}

export interface SinkOptions {
  format: ExportFormat;
  /** A file path (date template already expanded) or `-`. */
  out: string;
  /** What the export holds, in output order. */
  kinds: readonly ExportKind[];
  /** CSV only. */
  delimiter?: string;
  /** CSV only. */
  bom?: boolean;
}

/** Checks that the options can be honoured before anything is opened or fetched. */
export function checkSinkOptions({ format, out, kinds }: SinkOptions): void {
  if (out !== STDOUT) return;
  if (format === 'xlsx') throw new ExportOptionError('XLSX cannot be written to stdout: give --out a file name ending in .xlsx');
  if (format === 'csv' && kinds.length > 1) {
    throw new ExportOptionError(`a CSV export of ${kinds.join(', ')} needs one file per kind: give --out a file name (out.csv → out-${kinds[0]}.csv, …) or use --format jsonl`);
  }
}

export async function openSink(options: SinkOptions): Promise<ExportSink> {
  checkSinkOptions(options);
  switch (options.format) {
    case 'csv':
      return csvSink(options);
    case 'xlsx':
      // Loaded only for XLSX: exceljs alone costs every command ~25 MB once loaded.
      return xlsxSink(options.out, (await import('exceljs')).default);
    case 'json':
      return jsonSink(options.out);
    case 'jsonl':
      return jsonLinesSink(options.out);
  }
}

/** Phone lists as SMSC stores them (`79161234567`, `+7 903 111-22-33,8495…`), or as CSV lists them (`…;…`). */
const PHONE_LIST = /^\+?\d[\d\s().-]*(?:[,;]\s*\+?\d[\d\s().-]*)*$/;

/**
 * Phone columns stay as they are so `+7…` survives; anything else that ended up in one (SMSC keeps
 * other phones as given) is text like any other and gets neutralized.
 */
export function phoneText(text: string): string {
  return text === '' || PHONE_LIST.test(text) ? text : neutralizeFormula(text);
}

function withPhonesGuarded(phoneColumns: readonly string[], record: ExportRecord): ExportRecord {
  if (phoneColumns.length === 0) return record;
  const guarded: Record<string, string> = { ...record };
  for (const name of phoneColumns) guarded[name] = phoneText(record[name] ?? '');
  return guarded;
}

// --- CSV: one file per kind -------------------------------------------------------------------

function csvSink({ out, kinds, delimiter, bom }: SinkOptions): ExportSink {
  const tables = new Map<ExportKind, { writer: CsvWriter<string>; phoneColumns: string[] }>();
  for (const kind of kinds) {
    const columns = TABLES[kind].columns;
    const phoneColumns = columns.filter((column) => column.type === 'phone').map((column) => column.name);
    const writer = openCsvWriter(kinds.length > 1 ? kindPath(out, kind) : out, { columns: columns.map((column) => column.name), delimiter, bom, rawColumns: new Set(phoneColumns) });
    tables.set(kind, { writer, phoneColumns });
  }
  const writers = () => [...tables.values()].map((table) => table.writer);
  return {
    openTable(kind) {
      const table = tables.get(kind);
      if (table === undefined) throw new TypeError(`Expected a kind of this export (${kinds.join(', ')}), got ${JSON.stringify(kind)}`);
      return { write: (record) => table.writer.write(withPhonesGuarded(table.phoneColumns, record)), close: async () => {} };
    },
    async commit() {
      for (const writer of writers()) await writer.commit();
      return writers().map((writer) => writer.path);
    },
    async abort() {
      await Promise.all(writers().map((writer) => writer.abort()));
    },
  };
}

// --- XLSX: one sheet per kind -----------------------------------------------------------------

const DATE_FORMAT = 'dd.mm.yyyy';
const TEXT_FORMAT = '@';
const SMSC_DATE = /^(\d{2})\.(\d{2})\.(\d{4})$/;
/** Characters XML 1.0 forbids: one of them in a cell makes Excel refuse the whole file. */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** `dd.mm.yyyy` → that calendar day at UTC midnight (Excel dates are zoneless); not a real day → undefined. */
export function smscDateToUtc(text: string): Date | undefined {
  const match = SMSC_DATE.exec(text);
  if (match === null) return undefined;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : undefined;
}

/**
 * A string cell holds the exact text: XLSX stores it as a string, never as a formula, so unlike
 * CSV it needs no neutralizing `'` (which Excel would show as part of the text).
 */
function setXlsxCell(cell: ExcelJS.Cell, column: ColumnSpec, text: string): void {
  if (text === '') return;
  switch (column.type) {
    case 'phone':
      // A text cell: as a number Excel would drop leading zeros and show 7,91612E+10.
      cell.value = text.replace(XML_INVALID, '');
      cell.numFmt = TEXT_FORMAT;
      return;
    case 'integer':
      if (/^-?\d+$/.test(text)) {
        cell.value = Number(text);
        return;
      }
      break;
    case 'date': {
      const date = smscDateToUtc(text);
      if (date !== undefined) {
        cell.value = date;
        cell.numFmt = DATE_FORMAT;
        return;
      }
      break;
    }
    case 'text':
      break;
  }
  cell.value = text.replace(XML_INVALID, '');
}

function xlsxSink(out: string, excel: typeof ExcelJS): ExportSink {
  const file = guardedFile(out);
  const workbook = new excel.stream.xlsx.WorkbookWriter({ stream: file.stream, useStyles: true, useSharedStrings: false });
  return {
    openTable(kind) {
      const { sheet: name, columns } = TABLES[kind];
      const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = columns.map((column) => ({ key: column.name, width: column.width }));
      sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
      const header = sheet.addRow(columns.map((column) => column.name));
      header.font = { bold: true };
      header.commit();
      return {
        async write(record) {
          file.check();
          const row = sheet.addRow([]);
          for (let index = 0; index < columns.length; index++) {
            const column = columns[index] as ColumnSpec;
            setXlsxCell(row.getCell(index + 1), column, record[column.name] ?? '');
          }
          row.commit();
          await file.drained();
        },
        async close() {
          sheet.commit();
        },
      };
    },
    async commit() {
      await file.guard(workbook.commit());
      await file.commit();
      return [out];
    },
    abort: () => file.abort(),
  };
}

// --- JSON and JSONL: data, not neutralized ----------------------------------------------------

function jsonValue(column: ColumnSpec, text: string): string | number | null {
  if (column.type !== 'integer') return text;
  return text === '' ? null : /^-?\d+$/.test(text) ? Number(text) : text;
}

function jsonRecord(columns: readonly ColumnSpec[], record: ExportRecord, extra: Record<string, string> = {}): string {
  const value: Record<string, string | number | null> = { ...extra };
  for (const column of columns) value[column.name] = jsonValue(column, record[column.name] ?? '');
  return JSON.stringify(value);
}

/** `{"contacts": [...], "groups": [...]}` — one key per kind, whatever the number of kinds, so scripts see one shape. */
function jsonSink(out: string): ExportSink {
  const file = guardedFile(out);
  let tables = 0;
  return {
    openTable(kind) {
      const { columns } = TABLES[kind];
      const opening = `${tables++ === 0 ? '{\n' : ',\n'}${JSON.stringify(kind)}: [`;
      let rows = 0;
      return {
        write: (record) => file.write(`${rows++ === 0 ? `${opening}\n` : ',\n'}${jsonRecord(columns, record)}`),
        close: () => file.write(rows === 0 ? `${opening}]` : '\n]'),
      };
    },
    async commit() {
      await file.write(tables === 0 ? '{}\n' : '\n}\n');
      await file.commit();
      return [out];
    },
    abort: () => file.abort(),
  };
}

/** One object per line, each with its `kind`. */
function jsonLinesSink(out: string): ExportSink {
  const file = guardedFile(out);
  return {
    openTable(kind) {
      const { columns } = TABLES[kind];
      return { write: (record) => file.write(`${jsonRecord(columns, record, { kind })}\n`), close: async () => {} };
    },
    async commit() {
      await file.commit();
      return [out];
    },
    abort: () => file.abort(),
  };
}

/** An atomic file whose stream failures end the writes that wait on it (see AtomicFile). */
interface GuardedFile {
  readonly stream: AtomicFile['stream'];
  /** Throws the stream's failure, if any. */
  check(): void;
  guard<T>(promise: Promise<T>): Promise<T>;
  write(text: string): Promise<void>;
  /** Resolves once the file stream wants more. */
  drained(): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

function guardedFile(out: string): GuardedFile {
  const file = openAtomicFile(out);
  const drained = async () => {
    if (file.stream.writableNeedDrain) await file.guard(once(file.stream, 'drain'));
  };
  return {
    stream: file.stream,
    check: () => file.check(),
    guard: (promise) => file.guard(promise),
    async write(text) {
      file.check();
      if (!file.stream.write(text)) await file.guard(once(file.stream, 'drain'));
    },
    drained,
    commit: () => file.commit(),
    abort: () => file.abort(),
  };
}
