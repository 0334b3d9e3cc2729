/** Read warnings as the row issues they become in reports and rejects files. */
import type { RowIssue } from '../contact.js';
import type { ReadWarning } from './types.js';

export function readWarningIssue(warning: ReadWarning): RowIssue {
  return {
    row: warning.row,
    field: warning.column ?? '',
    value: warning.value ?? '',
    code: warning.code,
    reason: warning.message,
    severity: 'warning',
  };
}

/**
 * Read warnings arrive while the reader produces the row they concern: removes from `pending`
 * and returns those that belong to row `row` (the ones about it or about skipped rows before it).
 */
export function takeReadWarnings(pending: RowIssue[], row: number): RowIssue[] {
  const mine = pending.filter((issue) => issue.row <= row);
  if (mine.length > 0) pending.splice(0, pending.length, ...pending.filter((issue) => issue.row > row));
  return mine;
}

/**
 * Once the reader is done, the last row's warnings: all that is left in `pending`, so also those
 * about rows after it (an error cell in an otherwise empty row, a stray byte on a blank last line),
 * which it carries as a row carries those about skipped rows before it.
 */
export function takeTrailingWarnings(pending: RowIssue[]): RowIssue[] {
  return pending.splice(0);
}
