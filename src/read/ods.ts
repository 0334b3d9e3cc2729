import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { columnLetter } from './columns.js';
import { ReadError } from './errors.js';
import { openZip } from './zip.js';
import { pickTable, type TableEvent } from './table-sequence.js';
import type { Cell, ReadOptions, Table, TableInfo } from './types.js';
import { numberText } from './xlsx-cells.js';

const TABLE = 'urn:oasis:names:tc:opendocument:xmlns:table:1.0';
const OFFICE = 'urn:oasis:names:tc:opendocument:xmlns:office:1.0';
const TEXT = 'urn:oasis:names:tc:opendocument:xmlns:text:1.0';
const STYLE = 'urn:oasis:names:tc:opendocument:xmlns:style:1.0';
const NUMBER = 'urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0';
/** LibreOffice's extension namespace: `calcext:value-type="error"` marks an error result. */
const CALCEXT = 'urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0';

/** The largest sheet LibreOffice and Excel make; repeats beyond it are padding, never data. */
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;
const MAX_SPACES = 1_000;

/** How the caller names the file in messages: an .xls converted to .ods is reported as the .xls. */
export interface OdsSource {
  file: string;
  format: TableInfo['format'];
}

/**
 * Reads an OpenDocument spreadsheet: `content.xml` through the ZIP's central directory and a SAX
 * parser, one row at a time. Repeated empty rows and cells (LibreOffice pads sheets with
 * `number-rows-repeated="1048553"`) only advance the numbering; repeated non-empty ones are data
 * and are repeated, lazily and within the sheet size limits. Sheets are picked as in XLSX.
 */
export async function openOds(path: string, options: ReadOptions, source: OdsSource = { file: path, format: 'ods' }): Promise<Table> {
  const { file } = source;
  const archive = await openZip(path).catch((error: unknown) => {
    throw new ReadError('ERR_READ_CORRUPT', file, `cannot read the spreadsheet: the file is damaged (${reason(error)})`, { cause: error });
  });
  if (!archive.has('content.xml')) {
    archive.close();
    throw new ReadError('ERR_READ_CORRUPT', file, 'an OpenDocument package without content.xml: the file is damaged');
  }
  const content = await archive.open('content.xml');
  content.once('close', () => archive.close());
  const picked = await pickTable(sheetEvents(file, () => content, options), file, options, 'sheet');
  return {
    info: { file, format: source.format, sheet: picked.name, headerRow: picked.located.headerRow, headers: picked.located.headers },
    rows: picked.located.rows,
  };
}

async function* sheetEvents(file: string, open: () => Readable, options: ReadOptions): AsyncGenerator<TableEvent> {
  const queue: TableEvent[] = [];
  const parser = new SaxesParser({ xmlns: true });
  const collector = sheetCollector(queue, options);
  parser.on('opentag', collector.open);
  parser.on('closetag', collector.close);
  parser.on('text', collector.text);
  parser.on('cdata', collector.text);
  const stream = open();
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      parser.write(chunk);
      yield* queue.splice(0);
    }
    parser.close();
    yield* queue.splice(0);
  } catch (error) {
    if (error instanceof ReadError) throw error;
    const what = reason(error) === 'FILE_ENDED' ? 'the file ends early (an interrupted download or copy?)' : `the file is damaged (${reason(error)})`;
    throw new ReadError('ERR_READ_CORRUPT', file, `cannot read the spreadsheet: ${what}`, { cause: error });
  } finally {
    stream.destroy();
  }
}

interface OpenCell {
  type: string | undefined;
  /** A number shown as TRUE/FALSE: its data style is a boolean style. */
  boolean: boolean;
  formula: boolean;
  value: string | undefined;
  error: boolean;
  repeat: number;
  parts: string[];
  paragraphs: number;
}

function sheetCollector(queue: TableEvent[], options: ReadOptions) {
  let depth = 0;
  let sheetName = '';
  let rowNumber = 1;
  let row: { cells: Cell[]; emptyCells: number; repeat: number } | undefined;
  let cell: OpenCell | undefined;
  let inParagraph = 0;
  let inAnnotation = 0;
  // Automatic styles precede the body: which cell styles show numbers as booleans.
  const booleanDataStyles = new Set<string>();
  const cellDataStyles = new Map<string, string>();
  const hiddenTableStyles = new Set<string>();
  let styleName = '';

  const closeCell = () => {
    if (!row || !cell) return;
    const value = cellValue(cell);
    if (cell.error) {
      const column = columnLetter(row.cells.length + row.emptyCells + 1);
      options.onWarning?.({
        code: 'ERROR_CELL',
        row: rowNumber,
        column,
        value: cell.parts.join(''),
        message: `cell ${column}${rowNumber} of sheet ${JSON.stringify(sheetName)} holds an error (${cell.parts.join('')}); read as empty`,
      });
    }
    const { cells } = row;
    if (value === '' || cell.error) row.emptyCells += cell.repeat;
    else {
      // Empty cells count only once something follows them: trailing padding never becomes cells.
      for (let count = Math.min(row.emptyCells, MAX_COLUMNS - cells.length); count > 0; count--) cells.push('');
      row.emptyCells = 0;
      const kept = Math.min(cell.repeat, MAX_COLUMNS - cells.length);
      for (let count = kept; count > 0; count--) cells.push(value);
      if (kept < cell.repeat) {
        options.onWarning?.({ code: 'RAGGED_ROW', row: rowNumber, message: `row ${rowNumber} of sheet ${JSON.stringify(sheetName)} has values beyond column ${MAX_COLUMNS} (${columnLetter(MAX_COLUMNS)}), the last a spreadsheet can have: ignored` });
      }
    }
    cell = undefined;
  };

  return {
    open(tag: SaxesTagNS) {
      if (depth === 0 && tag.uri === NUMBER && tag.local === 'boolean-style') {
        booleanDataStyles.add(attribute(tag, STYLE, 'name') ?? '');
        return;
      }
      if (depth === 0 && tag.uri === STYLE && tag.local === 'style') {
        styleName = attribute(tag, STYLE, 'name') ?? '';
        const dataStyle = attribute(tag, STYLE, 'data-style-name');
        if (dataStyle !== undefined) cellDataStyles.set(styleName, dataStyle);
        return;
      }
      if (depth === 0 && tag.uri === STYLE && tag.local === 'table-properties' && attribute(tag, TABLE, 'display') === 'false') {
        hiddenTableStyles.add(styleName);
        return;
      }
      if (tag.uri === TABLE && tag.local === 'table') {
        depth++;
        if (depth === 1) {
          sheetName = attribute(tag, TABLE, 'name') ?? '';
          rowNumber = 1;
          queue.push({ type: 'start', name: sheetName, hidden: hiddenTableStyles.has(attribute(tag, TABLE, 'style-name') ?? '') });
        }
        return;
      }
      if (depth !== 1) return;
      if (tag.uri === TABLE && tag.local === 'table-row') {
        row = { cells: [], emptyCells: 0, repeat: repeatOf(tag, 'number-rows-repeated') };
      } else if (tag.uri === TABLE && (tag.local === 'table-cell' || tag.local === 'covered-table-cell')) {
        cell = {
          type: attribute(tag, OFFICE, 'value-type'),
          boolean: booleanDataStyles.has(cellDataStyles.get(attribute(tag, TABLE, 'style-name') ?? '') ?? ''),
          formula: attribute(tag, TABLE, 'formula') !== undefined,
          value: attribute(tag, OFFICE, 'value') ?? attribute(tag, OFFICE, 'date-value') ?? attribute(tag, OFFICE, 'boolean-value') ?? attribute(tag, OFFICE, 'string-value'),
          error: attribute(tag, CALCEXT, 'value-type') === 'error',
          repeat: repeatOf(tag, 'number-columns-repeated'),
          parts: [],
          paragraphs: 0,
        };
      } else if (cell && tag.uri === OFFICE && tag.local === 'annotation') {
        inAnnotation++;
      } else if (cell && inAnnotation === 0 && tag.uri === TEXT) {
        if (tag.local === 'p' || tag.local === 'h') {
          if (cell.paragraphs++ > 0) cell.parts.push('\n');
          inParagraph++;
        } else if (tag.local === 's') cell.parts.push(' '.repeat(Math.min(Number(attribute(tag, TEXT, 'c') ?? 1) || 1, MAX_SPACES)));
        else if (tag.local === 'tab') cell.parts.push('\t');
        else if (tag.local === 'line-break') cell.parts.push('\n');
      }
    },
    text(text: string) {
      if (cell && inParagraph > 0 && inAnnotation === 0) cell.parts.push(text);
    },
    close(tag: SaxesTagNS) {
      if (tag.uri === TABLE && tag.local === 'table') {
        if (depth === 1) queue.push({ type: 'end' });
        depth--;
        return;
      }
      if (depth !== 1) return;
      if (tag.uri === TABLE && (tag.local === 'table-cell' || tag.local === 'covered-table-cell')) closeCell();
      else if (tag.uri === OFFICE && tag.local === 'annotation') inAnnotation = Math.max(0, inAnnotation - 1);
      else if (tag.uri === TEXT && (tag.local === 'p' || tag.local === 'h')) inParagraph = Math.max(0, inParagraph - 1);
      else if (tag.uri === TABLE && tag.local === 'table-row' && row) {
        const repeat = Math.min(row.repeat, MAX_ROWS - rowNumber + 1);
        if (row.cells.length > 0 && repeat > 0) queue.push({ type: 'row', row: rowNumber, cells: row.cells, repeat });
        rowNumber += row.repeat;
        row = undefined;
      }
    },
  };
}

/** A cell as a person sees it: numbers by their digits, dates as the calendar day, text as typed. */
function cellValue(cell: OpenCell): Cell {
  switch (cell.type) {
    case 'float':
    case 'percentage':
    case 'currency': {
      const number = Number(cell.value);
      if (cell.value === undefined || !Number.isFinite(number)) return cell.parts.join('');
      if (cell.boolean) return number === 0 ? 'FALSE' : 'TRUE';
      // `=TRUE()` has no boolean style, yet shows TRUE (ИСТИНА in Russian): its shown text tells.
      if (cell.formula && (number === 0 || number === 1) && !/\d/.test(cell.parts.join(''))) return number === 0 ? 'FALSE' : 'TRUE';
      return numberText(number);
    }
    case 'date': {
      const match = /^(-?\d{4,})-(\d{2})-(\d{2})/.exec(cell.value ?? '');
      return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : cell.parts.join('');
    }
    case 'boolean':
      return cell.value === 'true' ? 'TRUE' : cell.value === 'false' ? 'FALSE' : cell.parts.join('');
    default:
      // Strings, times (shown as typed) and untyped cells.
      return cell.type === 'string' && cell.value !== undefined && cell.parts.length === 0 ? cell.value : cell.parts.join('');
  }
}

function attribute(tag: SaxesTagNS, uri: string, local: string): string | undefined {
  for (const value of Object.values(tag.attributes) as SaxesAttributeNS[]) if (value.uri === uri && value.local === local) return value.value;
  return undefined;
}

function repeatOf(tag: SaxesTagNS, name: string): number {
  const count = Number(attribute(tag, TABLE, name) ?? 1);
  return Number.isInteger(count) && count >= 1 ? Math.min(count, MAX_ROWS) : 1;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
