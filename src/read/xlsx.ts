import { createReadStream } from 'node:fs';
import ExcelJS, { type CellValue } from 'exceljs';
import { ReadError } from './errors.js';
import { isBlankRow, locateHeader } from './header.js';
import type { Cell, ReadOptions, SourceRow, Table } from './types.js';
import { cellValue } from './xlsx-cells.js';

/** The parts of exceljs's streaming reader used here (its typings omit most of them). */
interface StreamedCell {
  value: CellValue;
  numFmt?: string;
}
interface StreamedRow {
  number: number;
  eachCell(callback: (cell: StreamedCell, column: number) => void): void;
}
interface StreamedSheet extends AsyncIterable<StreamedRow> {
  name: string;
}
interface SheetEntry {
  name: string;
  state?: string;
}
interface StreamedWorkbook extends AsyncIterable<StreamedSheet> {
  model?: { sheets?: SheetEntry[] };
  properties?: { model?: { date1904?: boolean } };
}

/**
 * Opens an XLSX with exceljs's streaming reader (never the whole workbook). The sheet is the one
 * `options.sheet` names or numbers, else the first visible sheet whose header is found.
 */
export async function openXlsx(file: string, options: ReadOptions): Promise<Table> {
  const input = createReadStream(file);
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Dates are only recognised through their cell style.
    styles: 'cache',
    hyperlinks: 'cache',
  }) as unknown as StreamedWorkbook;
  const sheets = workbook[Symbol.asyncIterator]();
  const misses: string[] = [];
  try {
    while (true) {
      const next = await sheets.next();
      if (next.done) break;
      const sheet = next.value;
      const wanted = wantedSheet(file, options.sheet, sheetEntries(workbook));
      const chosen = wanted === undefined ? isVisible(workbook, sheet.name) : sheet.name === wanted;
      const source = sheetRows(sheet, file, workbook, options)[Symbol.asyncIterator]();
      if (!chosen) {
        await drain(source);
        continue;
      }
      try {
        const located = await locateHeader(source, {
          file,
          expectedHeaders: options.expectedHeaders ?? [],
          headerRow: options.headerRow,
          where: `sheet ${JSON.stringify(sheet.name)}`,
        });
        return {
          info: { file, format: 'xlsx', sheet: sheet.name, headerRow: located.headerRow, headers: located.headers },
          rows: closing(located.rows, sheets, input),
        };
      } catch (error) {
        if (wanted !== undefined || !isHeaderMiss(error)) throw error;
        misses.push(error.message.slice(file.length + 2));
        await drain(source);
      }
    }
  } catch (error) {
    input.destroy();
    throw corrupt(error, file);
  }
  input.destroy();
  throw noSheet(file, options, workbook, misses);
}

/** The sheet name `options.sheet` designates (a name, else a 1-based number), if any. */
function wantedSheet(file: string, sheet: string | undefined, entries: readonly SheetEntry[]): string | undefined {
  const names = entries.map((entry) => entry.name);
  // Without the sheet list (workbook.xml not read yet) a name can only be compared as it is.
  if (sheet === undefined || names.length === 0 || names.includes(sheet)) return sheet;
  const byNumber = /^\d+$/.test(sheet) ? names[Number(sheet) - 1] : undefined;
  if (byNumber !== undefined) return byNumber;
  throw new ReadError('ERR_READ_SHEET_NOT_FOUND', file, `no sheet ${JSON.stringify(sheet)}; the workbook has ${describeSheets(names)}`);
}

function sheetEntries(workbook: StreamedWorkbook): SheetEntry[] {
  return workbook.model?.sheets ?? [];
}

function isVisible(workbook: StreamedWorkbook, name: string): boolean {
  const entry = sheetEntries(workbook).find((sheet) => sheet.name === name);
  return entry?.state === undefined || entry.state === 'visible';
}

function describeSheets(names: readonly string[]): string {
  return names.length === 0 ? 'no sheets' : `sheets ${names.map((name) => JSON.stringify(name)).join(', ')}`;
}

async function* sheetRows(sheet: StreamedSheet, file: string, workbook: StreamedWorkbook, options: ReadOptions): AsyncGenerator<SourceRow> {
  const date1904 = workbook.properties?.model?.date1904 === true;
  try {
    for await (const row of sheet) {
      const cells: Cell[] = [];
      row.eachCell((cell, column) => {
        while (cells.length < column - 1) cells.push('');
        const value = cellValue(cell.value, cell.numFmt, date1904);
        if (typeof value === 'object' && !(value instanceof Date)) {
          options.onWarning?.({
            code: 'ERROR_CELL',
            row: row.number,
            column: columnLetter(column),
            value: value.error,
            message: `cell ${columnLetter(column)}${row.number} of sheet ${JSON.stringify(sheet.name)} holds an error (${value.error}); read as empty`,
          });
          cells.push('');
        } else {
          cells.push(value);
        }
      });
      if (!isBlankRow(cells)) yield { row: row.number, cells };
    }
  } catch (error) {
    throw corrupt(error, file);
  }
}

/** Stops reading the workbook once the chosen sheet is done or the caller stops early. */
async function* closing(rows: AsyncGenerator<SourceRow>, sheets: AsyncIterator<StreamedSheet>, input: { destroy(): void }): AsyncGenerator<SourceRow> {
  try {
    yield* rows;
  } finally {
    input.destroy();
    await sheets.return?.();
  }
}

async function drain(source: AsyncIterator<SourceRow>): Promise<void> {
  while (!(await source.next()).done);
}

function isHeaderMiss(error: unknown): error is ReadError {
  return error instanceof ReadError && (error.code === 'ERR_READ_NO_HEADER' || error.code === 'ERR_READ_EMPTY');
}

export function columnLetter(column: number): string {
  let letters = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}

function noSheet(file: string, options: ReadOptions, workbook: StreamedWorkbook, misses: readonly string[]): ReadError {
  const names = sheetEntries(workbook).map((entry) => entry.name);
  if (names.length === 0) {
    return new ReadError('ERR_READ_NOT_XLSX', file, 'no worksheets in this ZIP archive: not an .xlsx workbook, or a damaged one');
  }
  if (options.sheet !== undefined) {
    return new ReadError('ERR_READ_SHEET_NOT_FOUND', file, `sheet ${JSON.stringify(options.sheet)} is listed but has no data; the workbook has ${describeSheets(names)}`);
  }
  return new ReadError('ERR_READ_NO_HEADER', file, misses.length === 0 ? `no visible sheet; the workbook has ${describeSheets(names)}` : misses.join('. '));
}

function corrupt(error: unknown, file: string): ReadError {
  if (error instanceof ReadError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const what = reason === 'FILE_ENDED' ? 'the file ends early (an interrupted download or copy?)' : `the workbook is damaged (${reason})`;
  return new ReadError('ERR_READ_CORRUPT', file, `cannot read the .xlsx: ${what}`, { cause: error });
}
