/**
 * The two files of `clean` as records: the clean file (the normalized contact and its notes) and
 * the rejects file (one line per issue). Shared by the one-thread run and the worker threads, so
 * both write the same bytes.
 */
import { CONTACT_FIELDS, type ContactFields, type RowIssue } from '../contact.js';
import { csvFormatter, csvValuesFormatter, type CsvFormat } from '../report/csv-writer.js';
import type { NormalizedRow } from '../normalize/row.js';

export const CLEAN_COLUMNS = ['row', ...CONTACT_FIELDS, 'notes'] as const;
export const REJECT_COLUMNS = ['row', 'field', 'value', 'reason', 'severity'] as const;

type CleanColumn = (typeof CLEAN_COLUMNS)[number];
type RejectColumn = (typeof REJECT_COLUMNS)[number];

export const CLEAN_FORMAT: CsvFormat<CleanColumn> = { columns: CLEAN_COLUMNS, rawColumns: new Set(['row', 'phone', 'pho']) };
export const REJECTS_FORMAT: CsvFormat<RejectColumn> = { columns: REJECT_COLUMNS, rawColumns: new Set(['row']) };

export interface CleanRecords {
  /** The clean file's line of a row that normalized into `fields`. */
  clean(result: NormalizedRow, fields: ContactFields): string;
  reject(issue: RowIssue): string;
}

export function cleanRecords(): CleanRecords {
  const clean = csvValuesFormatter(CLEAN_FORMAT);
  const reject = csvFormatter(REJECTS_FORMAT);
  // In CLEAN_COLUMNS order: row, the contact fields, notes.
  const values: (string | number | undefined)[] = new Array<string | number | undefined>(CLEAN_COLUMNS.length);
  const notesAt = CLEAN_COLUMNS.length - 1;
  return {
    clean: (result, fields) => {
      values[0] = result.row;
      for (let field = 0; field < CONTACT_FIELDS.length; field++) values[field + 1] = fields[CONTACT_FIELDS[field] as keyof ContactFields];
      const { notes } = result;
      // Most rows have no note or one: no join for them.
      values[notesAt] = notes.length > 1 ? notes.join('; ') : notes[0];
      return clean(values);
    },
    reject: (issue) => reject({ row: issue.row, field: issue.field, value: issue.value, reason: issue.reason, severity: issue.severity }),
  };
}
