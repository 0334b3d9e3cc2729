import { Command } from 'commander';
import { guessFile, sampleFile, type FileGuess } from '../../map/guess/file.js';
import { cleanText } from '../../normalize/text.js';
import type { SourceReadOptions } from '../../pipeline.js';
import { HEADER_SEARCH_ROWS } from '../../read/header.js';
import { openTable, ReadError } from '../../read/index.js';
import { csvRecord } from '../../report/csv-writer.js';
import { describeGuess } from '../guess.js';
import type { Output } from '../output.js';
import { addReadOptions, parsePositiveInteger, readOptionsFrom } from '../read-options.js';

interface SheetCount {
  sheet?: string;
  /** Non-blank rows, the header included. */
  rows: number;
}

/** Every sheet of a workbook (one entry for a CSV) with its non-blank row count: reads the whole file once per sheet. */
async function countRows(file: string, options: SourceReadOptions): Promise<SheetCount[]> {
  const counts: SheetCount[] = [];
  const only = options.sheet !== undefined;
  for (let number = 1; ; number++) {
    let table;
    try {
      table = await openTable(file, { ...options, sheet: only ? options.sheet : String(number), expectedHeaders: [] });
    } catch (error) {
      if (error instanceof ReadError && error.code === 'ERR_READ_SHEET_NOT_FOUND' && number > 1) return counts;
      if (error instanceof ReadError && error.code === 'ERR_READ_EMPTY') {
        counts.push({ sheet: only ? options.sheet : String(number), rows: 0 });
        if (only) return counts;
        continue;
      }
      throw error;
    }
    let rows = 1;
    for await (const _row of table.rows) rows++;
    counts.push({ ...(table.info.sheet === undefined ? {} : { sheet: table.info.sheet }), rows });
    if (only || table.info.format !== 'xlsx') return counts;
  }
}

/** The header row the guess found and the first `limit` data rows, as the reader sees their values. */
async function firstRows(file: string, options: SourceReadOptions, headerRow: number | undefined, limit: number): Promise<string[][]> {
  const { rows } = await sampleFile(file, options, limit + HEADER_SEARCH_ROWS);
  const from = headerRow === undefined ? 0 : rows.findIndex((row) => row.row === headerRow);
  return rows.slice(from, from + limit + (headerRow === undefined ? 0 : 1)).map((row) => row.cells.map((cell) => cleanText(cell)));
}

function report(guess: FileGuess, sheets: readonly SheetCount[]) {
  const { info } = guess;
  return {
    file: info.file,
    format: info.format,
    encoding: info.encoding,
    bom: info.bom,
    delimiter: info.delimiter,
    sheets,
    headerRow: guess.headerRow ?? null,
    preset: guess.preset ?? null,
    columns: guess.columns.map((column) => ({
      column: column.column,
      header: column.header,
      samples: column.samples,
      filled: column.profile.filled,
      phones: column.profile.phones,
      mails: column.profile.mails,
      dates: column.profile.dates,
      field: column.field ?? null,
      reason: column.reason,
    })),
    mapping: guess.mapping === undefined ? null : guess.document,
  };
}

function describe(data: ReturnType<typeof report>, guess: FileGuess): string {
  const format =
    data.format === 'csv'
      ? `CSV, ${data.encoding ?? 'utf-8'}${data.bom ? ' with BOM' : ''}, delimiter ${JSON.stringify(data.delimiter ?? ',')}`
      : data.format.toUpperCase();
  const sheets = data.sheets.map((sheet) => `${sheet.sheet === undefined ? '' : `sheet ${JSON.stringify(sheet.sheet)}: `}${sheet.rows} rows`).join('; ');
  const lines = [`${data.file}: ${format}; ${sheets}`, data.headerRow === null ? 'no header row' : `header row ${data.headerRow}`, 'columns (sample cells: phones / e-mails / dates of filled):'];
  for (const column of data.columns) {
    const counts = `${column.phones}/${column.mails}/${column.dates} of ${column.filled}`;
    const target = column.field === null ? `— (${column.reason})` : `→ ${column.field} (${column.reason})`;
    lines.push(`  ${column.column} «${column.header}» [${column.samples.join(' | ')}] ${counts} ${target}`);
  }
  lines.push(guess.mapping === undefined ? 'guess: none (no column looks like phones or e-mails)' : describeGuess(guess));
  return lines.join('\n');
}

export function inspectCommand(output: Output): Command {
  const command = new Command('inspect')
    .description('show what the reader sees in a file and the mapping it would guess, changing nothing')
    .argument('<input>', 'CSV or XLSX file')
    .option('--rows <n>', 'also print the first n rows as read, as CSV on stdout', parsePositiveInteger)
    .option('--json', 'print everything as JSON on stdout', false);
  addReadOptions(command);
  return command.action(async (input: string, options: Record<string, unknown>) => {
    const readOptions = readOptionsFrom(options);
    const [guess, sheets] = await Promise.all([guessFile(input, readOptions), countRows(input, readOptions)]);
    const data = report(guess, sheets);
    const limit = typeof options.rows === 'number' ? options.rows : 0;
    const rows = limit === 0 ? [] : await firstRows(input, { ...readOptions, sheet: readOptions.sheet ?? guess.info.sheet }, guess.headerRow, limit);
    if (options.json === true) output.json(limit === 0 ? data : { ...data, rows });
    else {
      output.info(describe(data, guess));
      if (rows.length > 0) process.stdout.write(rows.map((row) => csvRecord(row, ',')).join(''));
    }
  });
}
