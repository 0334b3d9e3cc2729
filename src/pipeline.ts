/**
 * read → map → normalize, composed once for every command that consumes a contact file
 * (`clean`, `import`). Everything that can make the input unusable (unreadable file, bad mapping,
 * missing column) throws here, before the first row is yielded.
 */
import type { RowIssue } from './contact.js';
import { compileMapping, referencedHeaders, type MappedRow } from './map/compile.js';
import type { Mapping } from './map/schema.js';
import { dedupeRows } from './normalize/dedupe-stage.js';
import { createRowNormalizer, type NormalizedRow } from './normalize/row.js';
import { openTable } from './read/index.js';
import { ReadError } from './read/errors.js';
import type { ReadOptions, ReadWarning, SourceRow, Table, TableInfo } from './read/types.js';
import { readWarningIssue, takeReadWarnings } from './read/warnings.js';

export type SourceReadOptions = Pick<ReadOptions, 'encoding' | 'delimiter' | 'sheet' | 'headerRow'>;

export interface ContactSourceOptions extends SourceReadOptions {
  strict?: boolean;
  /** "Today" for birthday checks; injectable so tests do not age. */
  today?: Date;
}

export interface ContactSource {
  info: TableInfo;
  /** Every data row of the file, in input order, exactly once. */
  rows: AsyncIterable<NormalizedRow>;
}

/** A file's table, its header found and checked against the mapping, with the mapping compiled for it. */
export interface MappedTable {
  table: Table;
  mapRow: (row: SourceRow) => MappedRow;
}

export async function openMappedTable(file: string, mapping: Mapping, options: SourceReadOptions, onWarning: (warning: ReadWarning) => void): Promise<MappedTable> {
  const table = await openTableForMapping(file, mapping, options, onWarning);
  // Also the mapping check (missing columns), before any row.
  return { table, mapRow: compileMapping(mapping, table.info) };
}

export async function openContactSource(file: string, mapping: Mapping, options: ContactSourceOptions = {}): Promise<ContactSource> {
  // One "today" for the whole file.
  const today = options.today ?? new Date();
  const strict = options.strict ?? false;
  const open = async (onWarning: (warning: ReadWarning) => void): Promise<{ info: TableInfo; rows: AsyncIterable<NormalizedRow> }> => {
    const { table, mapRow } = await openMappedTable(file, mapping, options, onWarning);
    const normalize = createRowNormalizer(mapping, { strict, today });
    return { info: table.info, rows: normalizeInThread(table.rows, (row) => normalize(mapRow(row))) };
  };

  const pending: RowIssue[] = [];
  const first = await open((warning) => pending.push(readWarningIssue(warning)));

  async function* normalized(): AsyncGenerator<NormalizedRow> {
    for await (const result of first.rows) {
      if (pending.length > 0) result.issues.unshift(...takeReadWarnings(pending, result.row));
      yield result;
    }
  }

  // `last` and `merge` must know, before emitting a row, whether its phone comes again later:
  // a key-only pre-pass over a second reading of the file tells them.
  const prepass =
    (mapping.duplicates ?? 'first') === 'first'
      ? undefined
      : async function* keys(): AsyncGenerator<NormalizedRow> {
          yield* (await open(() => {})).rows;
        };

  return { info: first.info, rows: dedupeRows(normalized(), mapping.duplicates ?? 'first', prepass) };
}

async function* normalizeInThread(rows: AsyncIterable<SourceRow>, normalize: (row: SourceRow) => NormalizedRow): AsyncGenerator<NormalizedRow> {
  for await (const row of rows) yield normalize(row);
}

/**
 * Finds the header by the columns the mapping names. When no row holds them all, the first row is
 * taken as the header so that the mapping check can say which column is missing and what the
 * file's closest header is ("did you mean") — more useful than "no header found".
 */
async function openTableForMapping(file: string, mapping: Mapping, options: SourceReadOptions, onWarning: (warning: ReadWarning) => void): Promise<Table> {
  if (mapping.header === false) return withoutHeader(file, await openTable(file, { ...readOptionsOf(options), onWarning, expectedHeaders: [] }), options);
  return openTableForColumns(file, { headers: referencedHeaders(mapping), check: (info) => void compileMapping(mapping, info) }, options, onWarning);
}

/**
 * `openTable` looking for the row that holds `columns.headers`; when there is none, `columns.check`
 * (which throws the mapping's missing-column error, with "did you mean") runs on the first row.
 */
export async function openTableForColumns(
  file: string,
  columns: { headers: string[]; check: (info: TableInfo) => void },
  options: SourceReadOptions,
  onWarning: (warning: ReadWarning) => void = () => {},
): Promise<Table> {
  const readOptions = { ...readOptionsOf(options), onWarning };
  try {
    return await openTable(file, { ...readOptions, expectedHeaders: columns.headers });
  } catch (error) {
    if (!(error instanceof ReadError) || error.code !== 'ERR_READ_NO_HEADER' || options.headerRow !== undefined) throw error;
    const firstRow = await openTable(file, { ...readOptions, expectedHeaders: [] }).catch(() => undefined);
    if (firstRow) columns.check(firstRow.info);
    throw error;
  }
}

/**
 * A headerless file (`"header": false`): the reader took its first row for the header; give that
 * row back as data and leave the columns unnamed (the mapping names them by letter or number).
 */
function withoutHeader(file: string, table: Table, options: SourceReadOptions): Table {
  if (options.headerRow !== undefined) throw new ReadError('ERR_READ_INVALID_OPTION', file, '--header-row contradicts the mapping\'s "header": false');
  const first: SourceRow = { row: table.info.headerRow, cells: table.info.headers };
  async function* rows(): AsyncGenerator<SourceRow> {
    yield first;
    yield* table.rows;
  }
  return { info: { ...table.info, headerRow: 0, headers: table.info.headers.map(() => '') }, rows: rows() };
}

function readOptionsOf(options: SourceReadOptions): SourceReadOptions {
  const { encoding, delimiter, sheet, headerRow } = options;
  return { encoding, delimiter, sheet, headerRow };
}
