import { ReadError } from './errors.js';
import { isBlankRow, locateHeader, type LocatedHeader } from './header.js';
import type { Cell, ReadOptions, SourceRow, Table } from './types.js';
import { cellValue } from './xlsx-cells.js';
import { NotAWorkbook, openPackage, type OpenedSheet, type SheetEntry, type XlsxPackage } from './xlsx-package.js';

/**
 * Opens an XLSX and streams one sheet row by row (never the whole workbook): the sheet
 * `options.sheet` names or numbers, else the first visible sheet whose header is found.
 */
export async function openXlsx(file: string, options: ReadOptions): Promise<Table> {
  const workbook = await openPackage(file).catch((error: unknown) => {
    throw error instanceof NotAWorkbook
      ? new ReadError('ERR_READ_NOT_XLSX', file, 'a ZIP archive without a workbook (xl/workbook.xml): not an .xlsx file', { cause: error })
      : corrupt(error, file);
  });
  const wanted = options.sheet === undefined ? undefined : wantedSheet(file, options.sheet, workbook.sheets);
  const candidates = wanted ? [wanted] : workbook.sheets.filter((sheet) => sheet.visible);
  const misses: string[] = [];
  for (const sheet of candidates) {
    const opened = open(file, workbook, sheet);
    try {
      const located = await locateHeader(sheetRows(opened, sheet.name, workbook.date1904, file, options)[Symbol.asyncIterator](), {
        file,
        expectedHeaders: options.expectedHeaders ?? [],
        headerRow: options.headerRow,
        where: `sheet ${JSON.stringify(sheet.name)}`,
      });
      return table(file, sheet, located, opened);
    } catch (error) {
      opened.close();
      if (wanted || !isHeaderMiss(error)) throw error;
      misses.push(error.message.slice(`${file}: `.length));
    }
  }
  throw new ReadError('ERR_READ_NO_HEADER', file, misses.length === 0 ? `no visible sheet; the workbook has ${describeSheets(workbook.sheets)}` : misses.join('. '));
}

function open(file: string, workbook: XlsxPackage, sheet: SheetEntry): OpenedSheet {
  try {
    return workbook.openSheet(sheet);
  } catch (error) {
    throw corrupt(error, file);
  }
}

function table(file: string, sheet: SheetEntry, located: LocatedHeader, opened: OpenedSheet): Table {
  return {
    info: { file, format: 'xlsx', sheet: sheet.name, headerRow: located.headerRow, headers: located.headers },
    rows: closing(located.rows, opened),
  };
}

/** The sheet `sheet` designates: a name, else a 1-based number. */
function wantedSheet(file: string, sheet: string, sheets: readonly SheetEntry[]): SheetEntry {
  const found = sheets.find((entry) => entry.name === sheet) ?? (/^\d+$/.test(sheet) ? sheets[Number(sheet) - 1] : undefined);
  if (found) return found;
  throw new ReadError('ERR_READ_SHEET_NOT_FOUND', file, `no sheet ${JSON.stringify(sheet)}; the workbook has ${describeSheets(sheets)}`);
}

function describeSheets(sheets: readonly SheetEntry[]): string {
  return sheets.length === 0 ? 'no sheets' : `sheets ${sheets.map((sheet) => JSON.stringify(sheet.name)).join(', ')}`;
}

async function* sheetRows(sheet: OpenedSheet, name: string, date1904: boolean, file: string, options: ReadOptions): AsyncGenerator<SourceRow> {
  try {
    for await (const row of sheet) {
      const cells: Cell[] = [];
      row.eachCell((cell, column) => {
        while (cells.length < column - 1) cells.push('');
        const value = cellValue(cell.value, cell.numFmt, date1904);
        if (typeof value === 'object' && !(value instanceof Date)) {
          const address = `${columnLetter(column)}${row.number}`;
          options.onWarning?.({
            code: 'ERROR_CELL',
            row: row.number,
            column: columnLetter(column),
            value: value.error,
            message: `cell ${address} of sheet ${JSON.stringify(name)} holds an error (${value.error}); read as empty`,
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

/** Stops inflating the sheet once the caller is done, even when it stops early. */
async function* closing(rows: AsyncGenerator<SourceRow>, sheet: OpenedSheet): AsyncGenerator<SourceRow> {
  try {
    yield* rows;
  } finally {
    sheet.close();
  }
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

function corrupt(error: unknown, file: string): ReadError {
  if (error instanceof ReadError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const what = reason === 'FILE_ENDED' ? 'the file ends early (an interrupted download or copy?)' : `the workbook is damaged (${reason})`;
  return new ReadError('ERR_READ_CORRUPT', file, `cannot read the .xlsx: ${what}`, { cause: error });
}
