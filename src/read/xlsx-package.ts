import type { Readable } from 'node:stream';
import ExcelJS, { type CellValue } from 'exceljs';
import unzipper, { type ZipEntry } from 'unzipper';

export interface StreamedCell {
  value: CellValue;
  numFmt?: string;
}

export interface StreamedRow {
  number: number;
  eachCell(callback: (cell: StreamedCell, column: number) => void): void;
}

export interface SheetEntry {
  name: string;
  visible: boolean;
  /** The sheet's part inside the ZIP, e.g. `xl/worksheets/sheet1.xml`. */
  part: string | undefined;
}

export interface OpenedSheet extends AsyncIterable<StreamedRow> {
  /** Stops inflating the sheet when the caller is done before its end. */
  close(): void;
}

export interface XlsxPackage {
  /** In workbook (tab) order. */
  sheets: SheetEntry[];
  /** Serial day numbers count from 1904-01-01 (old Mac Excel) rather than 1899-12-30. */
  date1904: boolean;
  openSheet(sheet: SheetEntry): OpenedSheet;
}

/**
 * exceljs 4.4's streaming reader, fed one ZIP part at a time through these (private) parsers.
 * Its own single pass over the ZIP loses `xl/workbook.xml` now and then (exceljs#3064) and needs
 * shared strings and styles before the sheets; the central directory gives every part in any order.
 */
interface PartParsers {
  workbookRels?: Array<{ Id: string; Target: string }>;
  model?: { sheets?: Array<{ name: string; state?: string; rId: string }> };
  properties?: { model?: { date1904?: boolean } };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(entry: Readable, sheetNo: string): Generator<{ value: AsyncIterable<StreamedRow> & { name: string } }, void>;
}

const WORKBOOK_PART = 'xl/workbook.xml';

/** Thrown when the ZIP holds no workbook: a .docx, a plain archive, … */
export class NotAWorkbook extends Error {}

/**
 * Reads the workbook's sheet list, relationships, shared strings and styles (needed before any
 * row: dates are recognised by their style). Sheets are inflated only when opened, row by row.
 */
export async function openPackage(file: string): Promise<XlsxPackage> {
  const directory = await unzipper.Open.file(file);
  const entries = new Map(directory.files.map((entry) => [entry.path, entry]));
  if (!entries.has(WORKBOOK_PART)) throw new NotAWorkbook(`no ${WORKBOOK_PART}`);
  const parsers = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
  }) as unknown as PartParsers;

  const read = (part: string): Readable | undefined => entries.get(part)?.stream();
  const rels = read('xl/_rels/workbook.xml.rels');
  if (rels) await parsers._parseRels(rels);
  await parsers._parseWorkbook(read(WORKBOOK_PART) as Readable);
  const sharedStrings = read('xl/sharedStrings.xml');
  // With `sharedStrings: 'cache'` the generator only fills the cache and yields nothing.
  if (sharedStrings) for await (const _ of parsers._parseSharedStrings(sharedStrings));
  const styles = read('xl/styles.xml');
  if (styles) await parsers._parseStyles(styles);

  const sheets = (parsers.model?.sheets ?? []).map((sheet): SheetEntry => {
    const target = parsers.workbookRels?.find((rel) => rel.Id === sheet.rId)?.Target;
    return { name: sheet.name, visible: sheet.state === undefined || sheet.state === 'visible', part: target && partPath(target) };
  });
  const date1904 = parsers.properties?.model?.date1904 === true;
  return { sheets, date1904, openSheet: (sheet) => openSheet(parsers, sheet, sheet.part === undefined ? undefined : entries.get(sheet.part)) };
}

/** Relationship targets are relative to `xl/`, or absolute from the package root. */
function partPath(target: string): string {
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

function openSheet(parsers: PartParsers, sheet: SheetEntry, entry: ZipEntry | undefined): OpenedSheet {
  if (!entry) throw new Error(`sheet ${JSON.stringify(sheet.name)} is listed but its part ${sheet.part ?? '(none)'} is missing`);
  const content = entry.stream();
  const opened = parsers._parseWorksheet(content, /(\d+)\.xml$/.exec(entry.path)?.[1] ?? '1').next();
  // exceljs yields the sheet reader at once (`worksheets: 'emit'`).
  if (opened.done) throw new Error(`exceljs did not open ${entry.path}`);
  const reader = opened.value.value;
  reader.name = sheet.name;
  return { close: () => content.destroy(), [Symbol.asyncIterator]: () => reader[Symbol.asyncIterator]() };
}
