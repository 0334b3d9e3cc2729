import type { RowIssue } from '../contact.js';
import { DUPLICATE_CODES } from '../normalize/dedupe-stage.js';
import { issueText } from '../report/issues.js';
import type { FieldChange } from './plan.js';
import type { BlacklistChange } from './targets/blacklist-plan.js';
import type { GroupChange } from './targets/groups-plan.js';

export const REPORT_COLUMNS = ['row', 'phone', 'action', 'outcome', 'smsc_id', 'error_code', 'error', 'attempts', 'changes', 'warnings'] as const;

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
  /** What a `chg` changes (contact fields, a group's name and num, or a blacklist entry's type). */
  changes?: readonly (FieldChange | GroupChange | BlacklistChange)[];
  /** The row's warnings (read and normalization): what was dropped or read otherwise, though the line goes on. */
  warnings?: readonly RowIssue[];
}

/** The warnings among a row's issues; undefined for none. A row folded into another (`MERGED`) has that as its line's error instead. */
export function lineWarnings(issues: readonly RowIssue[]): RowIssue[] | undefined {
  if (issues.length === 0) return undefined;
  const warnings = issues.filter((issue) => issue.severity === 'warning' && !DUPLICATE_CODES.has(issue.code));
  return warnings.length === 0 ? undefined : warnings;
}

/** How the `changes` column names a list item: group ids by their names. */
export type ItemLabel = (field: FieldChange['field'], item: string) => string;

export function reportRecord(line: ReportLine, label: ItemLabel = (_field, item) => item): Record<(typeof REPORT_COLUMNS)[number], string | number | undefined> {
  return {
    row: line.row,
    phone: line.phone,
    action: line.action,
    outcome: line.outcome,
    smsc_id: line.smscId,
    error_code: line.errorCode,
    error: line.error,
    attempts: line.attempts,
    changes: line.changes?.map((change) => describeChange(change, label)).join('; '),
    warnings: line.warnings?.map(issueText).join('; '),
  };
}

/** `name: "Old" → "New"`, `name: "New"` (on `add`), `grp: +Promo, −VIP` (− is U+2212, unlike a phone's digits). */
function describeChange(change: FieldChange | GroupChange | BlacklistChange, label: ItemLabel): string {
  if (!('added' in change)) return `${change.field}: ${change.from === undefined ? '' : `${JSON.stringify(change.from)} → `}${JSON.stringify(change.to)}`;
  const items = [...change.added.map((item) => `+${label(change.field, item)}`), ...change.removed.map((item) => `−${label(change.field, item)}`)];
  return `${change.field}: ${items.join(', ')}`;
}

/** List items a line removes from the account (counted in the summary). */
export function removedItems(line: ReportLine): number {
  return (line.changes ?? []).reduce((sum, change) => sum + ('removed' in change ? change.removed.length : 0), 0);
}
