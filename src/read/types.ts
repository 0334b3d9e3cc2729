/**
 * A cell as a person sees it: text, or a calendar date for a spreadsheet date cell (a `Date` at
 * UTC midnight of that calendar day — Excel dates are zoneless). Empty cells are `''`.
 */
export type Cell = string | Date;

/** One record of the source. `row` is the number a person sees: the editor line of the record's
 * first line for CSV, the Excel row number for XLSX. */
export interface SourceRow {
  row: number;
  cells: Cell[];
}

export interface ReadOptions {
  /** Force an encoding (`utf-8`, `utf-16le`, `utf-16be`, `windows-1251`, … as iconv-lite names them). */
  encoding?: string;
  /** Force a CSV delimiter. */
  delimiter?: string;
  /** XLSX sheet by name or 1-based number. */
  sheet?: string;
  /** 1-based row number of the header; detected when absent. */
  headerRow?: number;
  /**
   * Header texts the mapping refers to; the header row is the first of the first 20 rows that
   * contains all of them (a sheet is chosen the same way). Empty: the first non-empty row.
   */
  expectedHeaders?: readonly string[];
  /** Things worth telling that do not stop reading (ragged rows, error cells). */
  onWarning?: (warning: ReadWarning) => void;
}

export interface ReadWarning {
  code: 'RAGGED_ROW' | 'ERROR_CELL' | 'SKIPPED_ROW' | 'NOT_UTF8' | 'VCARD_UNTERMINATED';
  row: number;
  column?: string;
  value?: string;
  message: string;
}

export interface TableInfo {
  file: string;
  format: 'csv' | 'xlsx' | 'html' | 'vcard' | 'ods' | 'xls';
  /** Detected or forced: CSV, HTML and vCard. */
  encoding?: string;
  /** The CSV starts with a byte order mark. */
  bom?: boolean;
  delimiter?: string;
  /** Sheet name (XLSX, ODS, XLS) or `table N` (HTML). */
  sheet?: string;
  headerRow: number;
  headers: string[];
}

/** An opened source: the header is already found; `rows` yields the data rows after it, once. */
export interface Table {
  info: TableInfo;
  rows: AsyncIterable<SourceRow>;
}
