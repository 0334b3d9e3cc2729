import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Cell, ReadOptions, ReadWarning, Table } from '../../src/read/index.js';
import { columnLetter } from '../../src/read/columns.js';

/**
 * Compares what our reader gives for every sheet of a workbook with LibreOffice's CSV of that
 * sheet (made by scripts/libreoffice-answers.js): row by row, cell by cell, numbers and dates as
 * values. Error cells, which LibreOffice shows as `#DIV/0!` or `Err:502` (it recalculates), must
 * be empty cells we warned about.
 */
export interface SheetComparison {
  sheet: string;
  /** `undefined` when every row matches. */
  difference: string | undefined;
}

export type OpenTable = (file: string, options: ReadOptions) => Promise<Table>;

/** Blank rows are dropped; a row's cells stop at its last non-empty one. */
type Rows = Map<number, Cell[]>;
type LibreOfficeRows = Map<number, string[]>;

const ERROR_TEXT = /^(#[A-Z0-9/]+[!?]?|#N\/A|Err:\d+)$/;
/** LibreOffice writes dates as ISO (or YYYY/MM/DD), or as MM/DD/YYYY where the cell's format is not ISO-like, with the time after. */
const LO_DATE = /^(?:(\d{4})[-/](\d{2})[-/](\d{2})|(\d{2})\/(\d{2})\/(\d{4}))(?: \d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;
const LO_TIME = /^(-?)(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/;

export function answeredSheets(answers: string): string[] | undefined {
  if (!existsSync(answers)) return undefined;
  return readdirSync(answers)
    .filter((name) => name.endsWith('.csv'))
    .map((name) => name.slice(0, -'.csv'.length))
    .sort();
}

export async function compareWorkbook(openTable: OpenTable, file: string, answers: string): Promise<SheetComparison[]> {
  const comparisons: SheetComparison[] = [];
  for (const sheet of answeredSheets(answers) ?? []) {
    const expected = libreOfficeRows(readFileSync(join(answers, `${sheet}.csv`), 'utf8'));
    const warnings: ReadWarning[] = [];
    try {
      const actual = await ourRows(openTable, file, sheet, warnings);
      // Our reader trims header texts on purpose.
      const header = actual.headerRow === undefined ? undefined : expected.get(actual.headerRow);
      if (header && actual.headerRow !== undefined) expected.set(actual.headerRow, trimEnd(header.map((cell) => cell.trim())));
      comparisons.push({ sheet, difference: firstDifference(expected, actual.rows, warnings) });
    } catch (error) {
      comparisons.push({ sheet, difference: `our reader failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return comparisons;
}

function libreOfficeRows(csv: string): LibreOfficeRows {
  const records = parse(csv, { relax_column_count: true, bom: true }) as string[][];
  const rows: LibreOfficeRows = new Map();
  records.forEach((cells, index) => {
    // Rows of whitespace only are blank rows to our reader, skipped on purpose.
    if (cells.some((cell) => cell.trim() !== '')) rows.set(index + 1, trimEnd(cells));
  });
  return rows;
}

/** Every row of the sheet: the header our reader found first, then the rest. */
async function ourRows(openTable: OpenTable, file: string, sheet: string, warnings: ReadWarning[]): Promise<{ rows: Rows; headerRow?: number }> {
  const rows: Rows = new Map();
  let table: Table;
  try {
    table = await openTable(file, { sheet, onWarning: (warning) => warnings.push(warning) });
  } catch (error) {
    // An empty sheet, or a chart sheet: nothing to read.
    if (error instanceof Error && /only blank lines|holds no table/.test(error.message)) return { rows };
    throw error;
  }
  rows.set(table.info.headerRow, trimEnd(table.info.headers));
  for await (const row of table.rows) rows.set(row.row, trimEnd(row.cells));
  return { rows, headerRow: table.info.headerRow };
}

function trimEnd<T extends Cell>(cells: readonly T[]): T[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === '') end--;
  return cells.slice(0, end);
}

function firstDifference(expected: LibreOfficeRows, actual: Rows, warnings: readonly ReadWarning[]): string | undefined {
  const warned = new Set(warnings.filter((warning) => warning.code === 'ERROR_CELL').map((warning) => `${warning.column}${warning.row}`));
  // A row of nothing but error cells is a blank row to us.
  for (const [row, cells] of expected) {
    if (!actual.has(row) && cells.every((cell, index) => cell === '' || (ERROR_TEXT.test(cell) && warned.has(`${columnLetter(index + 1)}${row}`)))) expected.delete(row);
  }
  for (const row of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(row) ?? [];
    const got = actual.get(row) ?? [];
    for (let index = 0; index < Math.max(want.length, got.length); index++) {
      const address = `${columnLetter(index + 1)}${row}`;
      const lo = want[index] ?? '';
      const ours = got[index] ?? '';
      if (!sameValue(lo, ours, warned.has(address))) return `${address}: LibreOffice ${JSON.stringify(lo)}, ours ${JSON.stringify(ours)}`;
    }
  }
  return undefined;
}

function sameValue(lo: string, ours: Cell, warned: boolean): boolean {
  if (ours instanceof Date) return loDay(lo) === ours.toISOString().slice(0, 10);
  if (lo === ours) return true;
  // A date in the header row, which our reader gives as ISO text.
  if (/^\d{4}-\d{2}-\d{2}$/.test(ours) && loDay(lo) === ours) return true;
  if (ours === '' && warned) return ERROR_TEXT.test(lo);
  const number = Number(ours);
  if (ours.trim() === '' || !Number.isFinite(number)) return false;
  const time = LO_TIME.exec(lo);
  if (time) {
    // LibreOffice shows times and durations (`255:10:10`) to the second even where it stores raw values.
    const days = (Number(time[2]) * 3600 + Number(time[3]) * 60 + Number(time[4] ?? 0)) / 86_400;
    return Math.abs((time[1] === '-' ? -days : days) - number) <= 1 / 86_400;
  }
  // Percentages stay percentages even in LibreOffice's raw values.
  const theirs = lo.endsWith('%') ? Number(lo.slice(0, -1)) / 100 : Number(lo);
  return lo.trim() !== '' && Math.abs(theirs - number) <= 1e-9 * Math.max(1, Math.abs(number));
}

function loDay(text: string): string | undefined {
  const date = LO_DATE.exec(text);
  if (!date) return undefined;
  return date[1] === undefined ? `${date[6]}-${date[4]}-${date[5]}` : `${date[1]}-${date[2]}-${date[3]}`;
}
