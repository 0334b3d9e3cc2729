/** How row issues are told: on their row's report line, and apart from any line (summaries). */
import type { RowIssue } from '../contact.js';

/** On its row's line (the import report's `error` and `warnings`): `mail: «x@» is not an e-mail address: no «name@domain»`. */
export function issueText(issue: RowIssue): string {
  // A read warning about no one column (a ragged row) names its row in its reason.
  return issue.field === '' ? issue.reason : `${issue.field}: ${issue.reason}`;
}

/** How many warnings a summary spells out. */
const WARNINGS_TOLD = 3;

/** Warnings as a summary tells them: how many, and the first few with their rows. */
export interface WarningsTold {
  count: number;
  first: string[];
}

export function tellWarning(told: WarningsTold, issue: RowIssue): void {
  if (told.count++ < WARNINGS_TOLD) told.first.push(`row ${issue.row}${issue.field === '' ? '' : `, ${issue.field}`}: ${issue.reason}`);
}

/** The warnings told, `; …` when there are more. */
export function warningsText({ count, first }: WarningsTold): string {
  return `${first.join('; ')}${count > first.length ? '; …' : ''}`;
}
