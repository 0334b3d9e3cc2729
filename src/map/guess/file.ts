/** The guess for a file on disk: the I/O edge around the pure {@link guessMapping}. */
import { EtlError } from '../../errors.js';
import type { SourceReadOptions } from '../../pipeline.js';
import { cleanText } from '../../normalize/text.js';
import { openTable, ReadError } from '../../read/index.js';
import type { SourceRow, TableInfo } from '../../read/types.js';
import { MappingError } from '../errors.js';
import { parseMapping } from '../load.js';
import type { Mapping } from '../schema.js';
import { guessHeaderRow } from './header-row.js';
import { guessMapping, type Guess } from './index.js';
import { loadPresets, type Preset } from './presets.js';

/** Rows read to guess from (besides the header search). */
export const SAMPLE_ROWS = 200;

export interface FileSample {
  info: TableInfo;
  /** The first non-blank rows as read, the reader's header candidate first. */
  rows: SourceRow[];
}

export interface FileGuess extends Guess {
  info: TableInfo;
  /** The source row number of the header; `undefined`: the file has none. */
  headerRow: number | undefined;
  /** `undefined` when no column looks like a phone or an e-mail: see {@link guessedMapping}. */
  mapping: Mapping | undefined;
}

export class GuessError extends EtlError {
  constructor(message: string) {
    super('ERR_GUESS_NONE', message, { exitCode: 2 });
  }
}

/** The first rows of a file, read with no mapping (so the reader's header is just the first non-blank row). */
export async function sampleFile(file: string, options: SourceReadOptions, limit = SAMPLE_ROWS): Promise<FileSample> {
  const table = await openTable(file, { ...options, expectedHeaders: [] });
  const rows: SourceRow[] = [{ row: table.info.headerRow, cells: table.info.headers }];
  for await (const row of table.rows) {
    rows.push(row);
    if (rows.length > limit) break;
  }
  return { info: table.info, rows };
}

/**
 * The guess for a file. A workbook without `--sheet` is guessed sheet by sheet until one gives a
 * mapping (the run then picks the same sheet: the first whose header holds the mapped columns).
 */
export async function guessFile(file: string, options: SourceReadOptions): Promise<FileGuess> {
  const presets = await loadPresets();
  const first = await guessSample(await sampleFile(file, options), options, presets);
  if (first.mapping !== undefined || first.info.format !== 'xlsx' || options.sheet !== undefined) return first;
  for (let sheet = 2; ; sheet++) {
    let sample: FileSample;
    try {
      sample = await sampleFile(file, { ...options, sheet: String(sheet) });
    } catch (error) {
      if (error instanceof ReadError && error.code === 'ERR_READ_EMPTY') continue;
      if (error instanceof ReadError && error.code === 'ERR_READ_SHEET_NOT_FOUND') return first;
      throw error;
    }
    const guess = await guessSample(sample, options, presets);
    if (guess.mapping !== undefined) return guess;
  }
}

async function guessSample(sample: FileSample, options: SourceReadOptions, presets: readonly Preset[]): Promise<FileGuess> {
  const headerIndex = options.headerRow !== undefined ? 0 : guessHeaderRow(sample.rows.map((row) => row.cells), presets, 'RU');
  const header = headerIndex === undefined ? undefined : sample.rows[headerIndex];
  const guess = guessMapping(
    {
      headers: header?.cells.map((cell) => cleanText(cell)),
      rows: sample.rows.slice(headerIndex === undefined ? 0 : headerIndex + 1).map((row) => row.cells),
    },
    presets,
  );
  let mapping: Mapping | undefined;
  try {
    mapping = parseMapping(guess.document, 'guessed mapping');
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
  }
  return { ...guess, info: sample.info, headerRow: header?.row, mapping };
}

/** The guessed mapping, or a one-line error saying that there is none. */
export function guessedMapping(guess: FileGuess): Mapping {
  if (guess.mapping !== undefined) return guess.mapping;
  const listed = guess.columns.map((column) => `«${column.header || column.column}»`).join(', ');
  throw new GuessError(
    `${guess.info.file}: no --mapping given, and no column looks like phone numbers or e-mail addresses (columns ${listed}); write a mapping (README "Mapping files")`,
  );
}
