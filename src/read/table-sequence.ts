import { ReadError } from './errors.js';
import { isBlankRow, isHeaderMiss, locateHeader, type LocatedHeader } from './header.js';
import type { Cell, ReadOptions, SourceRow } from './types.js';

/**
 * What a one-pass reader of a file holding several tables one after another (the tables of an
 * HTML page, the sheets of an .ods) emits, in document order.
 */
export type TableEvent =
  /** `hidden`: skipped unless asked for by name or number, as hidden XLSX sheets are. */
  | { type: 'start'; name: string; hidden?: boolean }
  /** `repeat`: the same row this many times (ODS `number-rows-repeated`), numbered on from `row`. */
  | { type: 'row'; row: number; cells: Cell[]; repeat?: number }
  | { type: 'end' };

export interface PickedTable {
  name: string;
  located: LocatedHeader;
}

/**
 * Picks a table as sheets are picked: the one `options.sheet` names or numbers, else the first
 * whose header is found. Tables before it are read past, never kept; the rows of the picked one
 * stream on from `located.rows`, and closing that stream closes `events`.
 * `kind` names the tables in messages (`sheet`, `table`).
 */
export async function pickTable(events: AsyncGenerator<TableEvent>, file: string, options: ReadOptions, kind: string): Promise<PickedTable> {
  const names: string[] = [];
  const misses: string[] = [];
  try {
    for (let start = await nextStart(events); start; start = await nextStart(events)) {
      names.push(start.name);
      const number = String(names.length);
      if (options.sheet === undefined ? start.hidden === true : options.sheet !== start.name && options.sheet !== number) continue;
      const rows = rowsOfTable(events);
      try {
        const located = await locateHeader(rows.iterator, {
          file,
          expectedHeaders: options.expectedHeaders ?? [],
          headerRow: options.headerRow,
          where: `${kind} ${JSON.stringify(start.name)}`,
        });
        return { name: start.name, located: { ...located, rows: closing(located.rows, events) } };
      } catch (error) {
        if (options.sheet !== undefined || !isHeaderMiss(error)) throw error;
        misses.push(error.message.slice(`${file}: `.length));
      }
    }
  } catch (error) {
    await events.return(undefined);
    throw error;
  }
  if (options.sheet !== undefined) {
    const present = names.length === 0 ? `no ${kind}s` : `${kind}s ${names.map((name) => JSON.stringify(name)).join(', ')}`;
    throw new ReadError('ERR_READ_SHEET_NOT_FOUND', file, `no ${kind} ${JSON.stringify(options.sheet)}; the file has ${present}`);
  }
  throw new ReadError('ERR_READ_NO_HEADER', file, misses.length === 0 ? `no ${kind} with rows` : misses.join('. '));
}

/** Skips to the next table; events of a table left unfinished are read past. */
async function nextStart(events: AsyncGenerator<TableEvent>): Promise<{ name: string; hidden?: boolean } | undefined> {
  while (true) {
    const next = await events.next();
    if (next.done) return undefined;
    if (next.value.type === 'start') return next.value;
  }
}

/** The non-blank rows of the current table; stops at its end without reading further. */
function rowsOfTable(events: AsyncGenerator<TableEvent>): { iterator: AsyncIterator<SourceRow> } {
  async function* rows(): AsyncGenerator<SourceRow> {
    while (true) {
      const next = await events.next();
      if (next.done || next.value.type !== 'row') return;
      const { row, cells, repeat = 1 } = next.value;
      if (isBlankRow(cells)) continue;
      for (let offset = 0; offset < repeat; offset++) yield { row: row + offset, cells: offset === 0 ? cells : [...cells] };
    }
  }
  return { iterator: rows() };
}

async function* closing(rows: AsyncGenerator<SourceRow>, events: AsyncGenerator<TableEvent>): AsyncGenerator<SourceRow> {
  try {
    yield* rows;
  } finally {
    await events.return(undefined);
  }
}
