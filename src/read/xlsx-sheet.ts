import type { Readable } from 'node:stream';
import type { Cell } from './types.js';
import { cellValue, type CellContext, type ErrorCell, type RawCell } from './xlsx-cells.js';
import { xmlStream, xmlText } from './xml.js';

/** A sheet row as stored: its Excel number and its cells from column A, errors not yet reported. */
export interface SheetRow {
  row: number;
  cells: Array<Cell | ErrorCell>;
}

export interface SheetContext extends CellContext {
  datedStyles: readonly boolean[];
}

/**
 * The rows of a worksheet part, streamed: each decoded chunk is parsed and its finished rows are
 * yielded before the next chunk is read, so memory holds one chunk's rows whatever the sheet's size.
 * Positions come from `r` attributes when present, else from order (rows and cells may lack them);
 * the `<dimension>` is ignored, and empty cells take no room beyond the last non-empty one.
 */
export async function* worksheetRows(bytes: Readable, context: SheetContext): AsyncGenerator<SheetRow> {
  const ready: SheetRow[] = [];
  let row: SheetRow | undefined;
  let rowNumber = 0;
  let column = 0;
  let inCell = false;
  let inString = false;
  let phonetic = 0;
  /** Where text goes: the `<v>` or `<is>` text of the current cell, or nowhere. */
  let capture: 'value' | 'inline' | undefined;
  const cell: RawCell = { type: undefined, value: '', inline: undefined, dated: false };

  const parser = xmlStream({
    open(name, attributes) {
      switch (name) {
        case 'row':
          rowNumber = attributes.r === undefined ? rowNumber + 1 : Number(attributes.r);
          column = 0;
          row = { row: rowNumber, cells: [] };
          break;
        case 'c':
          column = attributes.r === undefined ? column + 1 : columnNumber(attributes.r);
          inCell = true;
          cell.type = attributes.t;
          cell.value = '';
          cell.inline = undefined;
          cell.dated = attributes.s !== undefined && context.datedStyles[Number(attributes.s)] === true;
          break;
        case 'v':
          if (inCell) capture = 'value';
          break;
        case 'is':
          if (inCell) {
            inString = true;
            cell.inline = '';
          }
          break;
        case 'rPh':
          phonetic++;
          break;
        case 't':
          if (inString && phonetic === 0) capture = 'inline';
          break;
      }
    },
    close(name) {
      switch (name) {
        case 'v':
        case 't':
          capture = undefined;
          break;
        case 'is':
          inString = false;
          break;
        case 'rPh':
          phonetic--;
          break;
        case 'c':
          inCell = false;
          if (row) place(row.cells, column, cellValue(cell, context));
          break;
        case 'row':
          if (row) ready.push(row);
          row = undefined;
          break;
      }
    },
    text(text) {
      if (capture === 'value') cell.value += text;
      else if (capture === 'inline') cell.inline += text;
    },
  });

  for await (const text of xmlText(bytes)) {
    parser.write(text);
    if (ready.length > 0) yield* ready.splice(0);
  }
  parser.end();
  yield* ready;
}

/** Puts a non-empty value at its 1-based column, padding the gap before it with empty cells. */
function place(cells: Array<Cell | ErrorCell>, column: number, value: Cell | ErrorCell): void {
  if (value === '' || column < 1) return;
  while (cells.length < column - 1) cells.push('');
  if (cells.length === column - 1) cells.push(value);
  else cells[column - 1] = value;
}

/** `BC12` → 55: the column letters of a cell reference. */
function columnNumber(reference: string): number {
  let column = 0;
  for (let index = 0; index < reference.length; index++) {
    const code = reference.charCodeAt(index) | 0x20;
    if (code < 0x61 || code > 0x7a) break;
    column = column * 26 + (code - 0x60);
  }
  return column;
}
