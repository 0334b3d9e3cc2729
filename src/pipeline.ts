/**
 * read → map → normalize, composed once for every command that consumes a contact file
 * (`clean`, `import`). Everything that can make the input unusable (unreadable file, bad mapping,
 * missing column) throws here, before the first row is yielded.
 */
import type { RowIssue } from './contact.js';
import { compileMapping, referencedHeaders, type MappedRow } from './map/compile.js';
import type { Mapping } from './map/schema.js';
import { dedupeRows } from './normalize/dedupe-stage.js';
import type { NormalizedRow } from './normalize/row.js';
import { openTable } from './read/index.js';
import { ReadError } from './read/errors.js';
import type { ReadOptions, ReadWarning, SourceRow, Table, TableInfo } from './read/types.js';
import { readWarningIssue, takeReadWarnings, takeTrailingWarnings } from './read/warnings.js';

export type SourceReadOptions = Pick<ReadOptions, 'encoding' | 'delimiter' | 'sheet' | 'headerRow'>;

export interface ContactSourceOptions extends SourceReadOptions {
  strict?: boolean;
  /** "Today" for birthday checks; injectable so tests do not age. */
  today?: Date;
  /**
   * Worker threads to normalize on; 0 normalizes in this thread. By default, on a machine with
   * two cores or more, a CSV of a few MB and more that can be cut into pieces uses two; other
   * files none (the rows are the same either way).
   */
  threads?: number;
}

export interface ContactSource {
  info: TableInfo;
  /** Every data row of the file, in input order, exactly once. */
  rows: AsyncIterable<NormalizedRow>;
  /** Worker threads the rows are read on; 0 once they are read on this thread (from the start, or for the rest of the file). */
  readonly threads: number;
  /**
   * Read warnings no row carries, known once `rows` has ended: those of a file without data rows
   * (a lookup dragged down under a header leaves only `#N/A` rows). Any data row takes them instead.
   */
  readonly unattached: readonly RowIssue[];
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

/** One reading of a file; `threads` says how many workers it is on, when it may be on any. */
interface Reading {
  info: TableInfo;
  rows: AsyncIterable<NormalizedRow>;
  threads?: { readonly threads: number };
  readonly unattached: readonly RowIssue[];
}

export async function openContactSource(file: string, mapping: Mapping, options: ContactSourceOptions = {}): Promise<ContactSource> {
  // One "today" for the whole file.
  const today = options.today ?? new Date();
  const strict = options.strict ?? false;
  /** One reading of the file, in this thread. */
  const oneThread = async (): Promise<Reading> => {
    const pending: RowIssue[] = [];
    const unattached: RowIssue[] = [];
    const { table, mapRow } = await openMappedTable(file, mapping, options, (warning) => pending.push(readWarningIssue(warning)));
    // Loaded here, not with this module: libphonenumber costs ~12 MB, which a run on worker threads need not carry in this thread.
    const { createRowNormalizer } = await import('./normalize/row.js');
    const normalize = createRowNormalizer(mapping, { strict, today });
    const withReadWarnings = (source: SourceRow, last: boolean): NormalizedRow => {
      const result = normalize(mapRow(source));
      if (pending.length > 0) result.issues.unshift(...(last ? takeTrailingWarnings(pending) : takeReadWarnings(pending, source.row)));
      return result;
    };
    async function* normalized(): AsyncGenerator<NormalizedRow> {
      // A row is taken once the next is read: the last one is known as such.
      let held: SourceRow | undefined;
      for await (const row of table.rows) {
        if (held) yield withReadWarnings(held, false);
        held = row;
      }
      if (held) yield withReadWarnings(held, true);
      else unattached.push(...takeTrailingWarnings(pending));
    }
    return { info: table.info, rows: normalized(), unattached };
  };
  /** One reading of the file, on worker threads where they pay. */
  const reading = async (): Promise<Reading> => {
    // Loaded here: a small file, or `clean`'s one-thread pass, needs none of it.
    const { openThreadedRows } = await import('./threads/source.js');
    const threaded = await openThreadedRows({ ...options, input: file, mapping, strict, today, threads: options.threads });
    if (threaded === undefined) return oneThread();
    // Threads hand a file without data rows to the one-thread reading, whose read warnings are then the unattached ones.
    let rest: Reading | undefined;
    return {
      info: threaded.info,
      rows: threaded.rows(async () => (rest = await oneThread()).rows),
      threads: threaded,
      get unattached() {
        return rest?.unattached ?? [];
      },
    };
  };

  const first = await reading();

  // `last` and `merge` must know, before emitting a row, whether its phone comes again later:
  // a key-only pre-pass over a second reading of the file tells them.
  const prepass =
    (mapping.duplicates ?? 'first') === 'first'
      ? undefined
      : async function* keys(): AsyncGenerator<NormalizedRow> {
          yield* (await reading()).rows;
        };

  return {
    info: first.info,
    rows: dedupeRows(first.rows, mapping.duplicates ?? 'first', prepass),
    get threads() {
      return first.threads?.threads ?? 0;
    },
    get unattached() {
      return first.unattached;
    },
  };
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
