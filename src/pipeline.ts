/**
 * read → map → normalize, composed once for every command that consumes a contact file
 * (`clean`, `import`). Everything that can make the input unusable (unreadable file, bad mapping,
 * missing column) throws here, before the first row is yielded.
 */
import type { RowIssue } from './contact.js';
import { compileMapping, referencedHeaders } from './map/compile.js';
import type { Mapping } from './map/schema.js';
import { dedupeRows } from './normalize/dedupe-stage.js';
import { createRowNormalizer, type NormalizedRow } from './normalize/row.js';
import { openTable } from './read/index.js';
import type { ReadOptions, ReadWarning, TableInfo } from './read/types.js';

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

export async function openContactSource(file: string, mapping: Mapping, options: ContactSourceOptions = {}): Promise<ContactSource> {
  const open = async (onWarning: (warning: ReadWarning) => void) => {
    const table = await openTable(file, { ...readOptionsOf(options), expectedHeaders: referencedHeaders(mapping), onWarning });
    const mapRow = compileMapping(mapping, table.info);
    const normalize = createRowNormalizer(mapping, { strict: options.strict ?? false, today: options.today });
    return { table, mapRow, normalize };
  };

  const pending: RowIssue[] = [];
  const first = await open((warning) => pending.push(readWarningIssue(warning)));

  async function* normalized(): AsyncGenerator<NormalizedRow> {
    for await (const sourceRow of first.table.rows) {
      const result = first.normalize(first.mapRow(sourceRow));
      if (pending.length > 0) attachReadWarnings(result, pending);
      yield result;
    }
  }

  // `last` and `merge` must know, before emitting a row, whether its phone comes again later:
  // a key-only pre-pass over a second reading of the file tells them.
  const prepass =
    (mapping.duplicates ?? 'first') === 'first'
      ? undefined
      : async function* keys(): AsyncGenerator<NormalizedRow> {
          const second = await open(() => {});
          for await (const sourceRow of second.table.rows) yield second.normalize(second.mapRow(sourceRow));
        };

  return { info: first.table.info, rows: dedupeRows(normalized(), mapping.duplicates ?? 'first', prepass) };
}

function readOptionsOf(options: SourceReadOptions): SourceReadOptions {
  const { encoding, delimiter, sheet, headerRow } = options;
  return { encoding, delimiter, sheet, headerRow };
}

function readWarningIssue(warning: ReadWarning): RowIssue {
  return {
    row: warning.row,
    field: warning.column ?? '',
    value: warning.value ?? '',
    code: warning.code,
    reason: warning.message,
    severity: 'warning',
  };
}

/** Read warnings arrive while the reader produces the row they concern; give them to that row. */
function attachReadWarnings(result: NormalizedRow, pending: RowIssue[]): void {
  let kept = 0;
  for (const issue of pending) {
    if (issue.row <= result.row) result.issues.unshift(issue);
    else pending[kept++] = issue;
  }
  pending.length = kept;
}
