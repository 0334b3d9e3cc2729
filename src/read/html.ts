import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { Parser } from 'htmlparser2';
import iconv from 'iconv-lite';
import { checkedEncoding, evidentEncoding } from './encoding.js';
import { ReadError } from './errors.js';
import { pickTable, type TableEvent } from './table-sequence.js';
import type { Cell, ReadOptions, Table } from './types.js';
import { createUtf8FallbackDecoder, FALLBACK_ENCODING, looksLikeUtf8 } from './utf8-fallback.js';

/** Spans beyond these are typos or attacks, not layouts: clipped so a cell cannot explode a row. */
const MAX_COLSPAN = 1000;
const MAX_ROWSPAN = 65_536;
/** Stands for `<br>` until the cell's whitespace is collapsed (real pages hold no NUL in their text). */
const BREAK = '\0';
const META_CHARSET = /<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i;

/** The page's charset: its BOM (UTF-8, UTF-16 LE or BE) or UTF-16 by its bytes, else its `<meta>` (either form), else UTF-8 when the bytes are, else Windows-1251. */
export function htmlCharset(sample: Buffer): string {
  const evident = evidentEncoding(sample);
  if (evident) return evident.encoding;
  const meta = META_CHARSET.exec(sample.toString('latin1'))?.[1];
  if (meta !== undefined && iconv.encodingExists(meta)) return meta.toLowerCase();
  return looksLikeUtf8(sample) ? 'utf-8' : FALLBACK_ENCODING;
}

/**
 * Reads the tables of an HTML page in one streaming pass: a `<tr>` is a row (numbered from 1 in
 * its table), a `<td>`/`<th>` a cell whose text has entities decoded, whitespace collapsed and
 * `<br>` as a line break; `colspan` and `rowspan` leave empty cells as Excel does for merged cells.
 * Tables are picked like sheets; a table inside a cell is part of that cell's text.
 */
export async function openHtml(file: string, sample: Buffer, options: ReadOptions): Promise<Table> {
  const encoding = checkedEncoding(file, options.encoding ?? htmlCharset(sample));
  const picked = await pickTable(htmlEvents(file, encoding), file, options, 'table');
  return {
    info: { file, format: 'html', encoding, sheet: picked.name, headerRow: picked.located.headerRow, headers: picked.located.headers },
    rows: picked.located.rows,
  };
}

async function* htmlEvents(file: string, encoding: string): AsyncGenerator<TableEvent> {
  const queue: TableEvent[] = [];
  const parser = new Parser(tableCollector(queue), { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  const bytes = createReadStream(file);
  // UTF-8 pages get the same tolerant decoder as CSV: a stray byte is not turned into U+FFFD.
  const decoder: NodeJS.ReadWriteStream = /^utf-?8$/i.test(encoding) ? createUtf8FallbackDecoder({ undecided: false }).stream : iconv.decodeStream(encoding);
  const text = pipeline(bytes, decoder, () => undefined) as unknown as Readable;
  try {
    for await (const chunk of text) {
      parser.write(String(chunk));
      yield* queue.splice(0);
    }
    parser.end();
    yield* queue.splice(0);
  } catch (error) {
    if (error instanceof ReadError) throw error;
    throw new ReadError('ERR_READ_UNREADABLE', file, `cannot read the HTML table: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    bytes.destroy();
  }
}

/** htmlparser2 callbacks that turn top-level tables into {@link TableEvent}s. */
function tableCollector(queue: TableEvent[]) {
  let tables = 0;
  let depth = 0;
  let rowNumber = 0;
  let cells: Cell[] | undefined;
  let column = 0;
  let cell: { parts: string[]; colspan: number; rowspan: number } | undefined;
  let spans: number[] = [];
  let skippedText = 0;

  const skipSpanned = () => {
    if (!cells) return;
    while ((spans[column] ?? 0) > 0) {
      spans[column] = (spans[column] ?? 1) - 1;
      cells.push('');
      column++;
    }
  };
  const closeCell = () => {
    if (!cell || !cells) return;
    skipSpanned();
    const text = cellText(cell.parts);
    for (let offset = 0; offset < cell.colspan; offset++) {
      cells.push(offset === 0 ? text : '');
      if (cell.rowspan > 1) spans[column] = cell.rowspan - 1;
      column++;
    }
    cell = undefined;
  };
  const closeRow = () => {
    if (!cells) return;
    closeCell();
    for (let index = column; index < spans.length; index++) if ((spans[index] ?? 0) > 0) spans[index] = (spans[index] ?? 1) - 1;
    queue.push({ type: 'row', row: rowNumber, cells });
    cells = undefined;
  };

  return {
    onopentag(name: string, attributes: Record<string, string>) {
      if (name === 'script' || name === 'style' || name === 'title') skippedText++;
      if (name === 'table') {
        depth++;
        if (depth === 1) {
          tables++;
          rowNumber = 0;
          spans = [];
          queue.push({ type: 'start', name: `table ${tables}` });
        } else cell?.parts.push(' ');
        return;
      }
      if (depth !== 1) {
        if (name === 'br') cell?.parts.push(BREAK);
        else if (depth > 1 && (name === 'td' || name === 'th' || name === 'tr')) cell?.parts.push(' ');
        return;
      }
      if (name === 'tr') {
        closeRow();
        rowNumber++;
        cells = [];
        column = 0;
      } else if (name === 'td' || name === 'th') {
        closeCell();
        if (!cells) {
          // A cell outside any row: browsers open the row for it.
          rowNumber++;
          cells = [];
          column = 0;
        }
        cell = { parts: [], colspan: span(attributes.colspan, MAX_COLSPAN), rowspan: span(attributes.rowspan, MAX_ROWSPAN) };
      } else if (name === 'br') {
        cell?.parts.push(BREAK);
      }
    },
    ontext(text: string) {
      if (skippedText === 0) cell?.parts.push(text);
    },
    onclosetag(name: string) {
      if (name === 'script' || name === 'style' || name === 'title') skippedText = Math.max(0, skippedText - 1);
      if (name === 'table') {
        if (depth === 1) {
          closeRow();
          queue.push({ type: 'end' });
        } else if (depth > 1) cell?.parts.push(' ');
        depth = Math.max(0, depth - 1);
      } else if (depth === 1 && (name === 'td' || name === 'th')) closeCell();
      else if (depth === 1 && name === 'tr') closeRow();
    },
  };
}

/** As a browser shows it: runs of whitespace are one space, `<br>` breaks the line, edges trimmed. */
function cellText(parts: readonly string[]): string {
  return parts
    .join('')
    .split(BREAK)
    .map((line) => line.replace(/[ \t\r\f\n]+/g, ' ').trim())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

function span(value: string | undefined, max: number): number {
  const number = Number.parseInt(value ?? '', 10);
  return Number.isFinite(number) && number >= 1 ? Math.min(number, max) : 1;
}
