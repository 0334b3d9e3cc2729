export const REPORT_COLUMNS = ['row', 'phone', 'action', 'outcome', 'smsc_id', 'error_code', 'error', 'attempts', 'changes'] as const;

export const REPORT_ACTIONS = ['add', 'chg', 'unchanged', 'reject', 'skip', 'delete'] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];

export const OUTCOMES = ['done', 'failed', 'rejected', 'skipped', 'dry-run'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** One line of the import report: what was planned for a row and what became of it. */
export interface ReportLine {
  /** Input row; undefined for `delete` lines of `sync --delete-missing`, which have no row. */
  row: number | undefined;
  phone: string;
  action: ReportAction;
  outcome: Outcome;
  smscId?: number;
  errorCode?: string;
  error?: string;
  attempts: number;
  /** What a `chg` changes (contact fields, or a group's name and num). */
  changes?: readonly { field: string; from: string; to: string }[];
}

export function reportRecord(line: ReportLine): Record<(typeof REPORT_COLUMNS)[number], string | number | undefined> {
  return {
    row: line.row,
    phone: line.phone,
    action: line.action,
    outcome: line.outcome,
    smsc_id: line.smscId,
    error_code: line.errorCode,
    error: line.error,
    attempts: line.attempts,
    changes: line.changes?.map((change) => `${change.field}: ${JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`).join('; '),
  };
}
