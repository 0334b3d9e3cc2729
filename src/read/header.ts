import { ReadError } from './errors.js';
import type { Cell, SourceRow } from './types.js';

/** The header must be among this many non-blank rows (titles and notes may sit above it). */
export const HEADER_SEARCH_ROWS = 20;
const ROWS_IN_MESSAGE = 3;
const CELL_TEXT_IN_MESSAGE = 60;

export interface HeaderSearch {
  file: string;
  expectedHeaders: readonly string[];
  headerRow?: number;
  /** Names the sheet in messages (XLSX). */
  where?: string;
}

export interface LocatedHeader {
  headerRow: number;
  headers: string[];
  /** The data rows after the header, continuing the same source. */
  rows: AsyncGenerator<SourceRow>;
}

/** The header was not found in a sheet (or it is empty): another sheet may still have it. */
export function isHeaderMiss(error: unknown): error is ReadError {
  return error instanceof ReadError && (error.code === 'ERR_READ_NO_HEADER' || error.code === 'ERR_READ_EMPTY');
}

/** True when every cell is empty or whitespace: such rows are skipped silently. */
export function isBlankRow(cells: readonly Cell[]): boolean {
  for (const cell of cells) {
    if (typeof cell !== 'string' || cell.trim() !== '') return false;
  }
  return true;
}

/** Header comparison ignores case, surrounding and repeated whitespace, and a leading BOM. */
export function headerKey(text: string): string {
  return text.replace(/^\uFEFF/, '').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Reads non-blank rows from `source` until the header: the forced `headerRow`, else the first of
 * the first {@link HEADER_SEARCH_ROWS} rows holding every expected header, else (no expectations)
 * the first row. Rows above the header are dropped; the source is not read further than needed.
 */
export async function locateHeader(source: AsyncIterator<SourceRow>, search: HeaderSearch): Promise<LocatedHeader> {
  const expected = search.expectedHeaders.map(headerKey);
  const seen: SourceRow[] = [];
  while (true) {
    const next = await source.next();
    if (next.done) break;
    const candidate = next.value;
    if (search.headerRow !== undefined) {
      if (candidate.row === search.headerRow) return located(candidate, source);
      if (candidate.row > search.headerRow) break;
      continue;
    }
    if (containsAll(candidate.cells, expected)) return located(candidate, source);
    seen.push(candidate);
    if (seen.length >= HEADER_SEARCH_ROWS) break;
  }
  throw noHeader(search, seen);
}

function located(header: SourceRow, source: AsyncIterator<SourceRow>): LocatedHeader {
  return { headerRow: header.row, headers: header.cells.map(cellText), rows: rest(source) };
}

async function* rest(source: AsyncIterator<SourceRow>): AsyncGenerator<SourceRow> {
  try {
    while (true) {
      const next = await source.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await source.return?.();
  }
}

function containsAll(cells: readonly Cell[], expected: readonly string[]): boolean {
  if (expected.length === 0) return true;
  const present = new Set(cells.map((cell) => headerKey(cellText(cell))));
  return expected.every((key) => present.has(key));
}

function cellText(cell: Cell): string {
  return typeof cell === 'string' ? cell.replace(/^\uFEFF/, '').trim() : cell.toISOString().slice(0, 10);
}

function noHeader(search: HeaderSearch, seen: readonly SourceRow[]): ReadError {
  const where = search.where === undefined ? '' : ` of ${search.where}`;
  const wanted = search.expectedHeaders.map((text) => JSON.stringify(text)).join(', ');
  if (search.headerRow === undefined && seen.length === 0) {
    return new ReadError('ERR_READ_EMPTY', search.file, `no rows${where}: only blank lines`);
  }
  let problem: string;
  if (search.headerRow !== undefined) problem = `header row ${search.headerRow}${where} is missing or blank`;
  else problem = `no header row with ${wanted} in the first ${HEADER_SEARCH_ROWS} rows${where}`;
  const preview = seen
    .slice(0, ROWS_IN_MESSAGE)
    .map(({ row, cells }) => `row ${row}: ${cells.map(cellText).join(' | ').slice(0, CELL_TEXT_IN_MESSAGE)}`);
  return new ReadError('ERR_READ_NO_HEADER', search.file, preview.length === 0 ? problem : `${problem}; found ${preview.join('; ')}`);
}
