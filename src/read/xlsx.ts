import { ReadError } from './errors.js';
import { columnLetter } from './columns.js';
import { isBlankRow, isHeaderMiss, locateHeader } from './header.js';
import type { ReadOptions, SourceRow, Table } from './types.js';
import type { ErrorCell } from './xlsx-cells.js';
import { NotAWorkbook, openPackage, type SheetEntry, type XlsxPackage } from './xlsx-package.js';
import { worksheetRows } from './xlsx-sheet.js';

/**
 * Opens an XLSX and streams one sheet row by row (never the whole workbook): the sheet
 * `options.sheet` names or numbers, else the first visible sheet whose header is found.
 */
export async function openXlsx(file: string, options: ReadOptions): Promise<Table> {
  const workbook = await openPackage(file).catch((error: unknown) => {
    throw error instanceof NotAWorkbook
      ? new ReadError('ERR_READ_NOT_XLSX', file, error.message, { cause: error })
      : corrupt(error, file);
  });
  try {
    return await openSheet(file, workbook, options);
  } catch (error) {
    workbook.zip.close();
    throw error;
  }
}

async function openSheet(file: string, workbook: XlsxPackage, options: ReadOptions): Promise<Table> {
  const wanted = options.sheet === undefined ? undefined : wantedSheet(file, options.sheet, workbook.sheets);
  const candidates = wanted ? [wanted] : workbook.sheets.filter((sheet) => sheet.visible && sheet.worksheet);
  const misses: string[] = [];
  for (const sheet of candidates) {
    const rows = sheetRows(workbook, sheet, file, options);
    try {
      const located = await locateHeader(rows, {
        file,
        expectedHeaders: options.expectedHeaders ?? [],
        headerRow: options.headerRow,
        where: `sheet ${JSON.stringify(sheet.name)}`,
      });
      return {
        info: { file, format: 'xlsx', sheet: sheet.name, headerRow: located.headerRow, headers: located.headers },
        rows: closing(located.rows, workbook),
      };
    } catch (error) {
      await rows.return(undefined);
      if (wanted || !isHeaderMiss(error)) throw error;
      misses.push(error.message.slice(`${file}: `.length));
    }
  }
  throw new ReadError('ERR_READ_NO_HEADER', file, misses.length === 0 ? `no visible sheet; the workbook has ${describeSheets(workbook.sheets)}` : misses.join('. '));
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

async function* sheetRows(workbook: XlsxPackage, sheet: SheetEntry, file: string, options: ReadOptions): AsyncGenerator<SourceRow> {
  if (!sheet.worksheet) throw new ReadError('ERR_READ_NO_HEADER', file, `sheet ${JSON.stringify(sheet.name)} is a chart or dialog sheet: it holds no table`);
  const part = sheet.part;
  if (part === undefined || !workbook.zip.has(part)) throw corrupt(new Error(`sheet ${JSON.stringify(sheet.name)} is listed but its part ${part ?? '(none)'} is missing`), file);
  try {
    const bytes = await workbook.zip.open(part);
    try {
      for await (const { row, cells } of worksheetRows(bytes, workbook)) {
        const values = cells.map((value, index) => (typeof value === 'object' && !(value instanceof Date) ? reportError(value, row, index + 1, sheet.name, options) : value));
        if (!isBlankRow(values)) yield { row, cells: values };
      }
    } finally {
      bytes.destroy();
    }
  } catch (error) {
    throw corrupt(new Error(`${part}: ${errorText(error)}`, { cause: error }), file);
  }
}

function reportError(cell: ErrorCell, row: number, column: number, sheet: string, options: ReadOptions): '' {
  const letter = columnLetter(column);
  options.onWarning?.({
    code: 'ERROR_CELL',
    row,
    column: letter,
    value: cell.error,
    message: `cell ${letter}${row} of sheet ${JSON.stringify(sheet)} holds an error (${cell.error}); read as empty`,
  });
  return '';
}

/** Releases the ZIP once the caller is done, even when it stops early. */
async function* closing(rows: AsyncGenerator<SourceRow>, workbook: XlsxPackage): AsyncGenerator<SourceRow> {
  try {
    yield* rows;
  } finally {
    workbook.zip.close();
  }
}


function corrupt(error: unknown, file: string): ReadError {
  if (error instanceof ReadError) return error;
  const reason = errorText(error);
  // The ZIP's directory is at its very end: without it, the file was cut short.
  const what = reason.startsWith('End of central directory record signature not found') ? 'the file ends early (an interrupted download or copy?)' : `the workbook is damaged (${reason})`;
  return new ReadError('ERR_READ_CORRUPT', file, `cannot read the .xlsx: ${what}`, { cause: error });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
