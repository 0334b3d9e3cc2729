/**
 * In-file duplicates as a stage of the row stream: rows keep their order and their count; a row
 * that is not written on its own (a duplicate, or merged into a later row) comes out without
 * `fields` and with an issue saying which row holds its phone.
 */
import { DuplicateIndex, FirstOccurrenceFilter, duplicateIssue, type DuplicateDecision, type DuplicatePolicy } from './dedupe.js';
import type { NormalizedRow } from './row.js';

/** Issue codes of rows folded into another row of the same phone. */
export const DUPLICATE_CODES: ReadonlySet<string> = new Set(['DUPLICATE', 'MERGED']);

export async function* dedupeRows(
  rows: AsyncIterable<NormalizedRow>,
  policy: DuplicatePolicy,
  /** A second reading of the same rows; required by `last` and `merge`. */
  prepass?: () => AsyncIterable<NormalizedRow>,
): AsyncGenerator<NormalizedRow> {
  if (policy === 'first') {
    const filter = new FirstOccurrenceFilter();
    for await (const result of rows) {
      const keptRow = result.fields ? filter.check(result.row, result.fields) : undefined;
      yield keptRow === undefined ? result : folded(result, { action: 'duplicate', keptRow });
    }
    return;
  }
  if (prepass === undefined) throw new TypeError(`Expected \`prepass\` for the duplicate policy "${policy}"`);
  const index = new DuplicateIndex(policy);
  for await (const result of prepass()) if (result.fields) index.add(result.row, result.fields);
  for await (const result of rows) {
    if (!result.fields) {
      yield result;
      continue;
    }
    const decision = index.decide(result.row, result.fields);
    yield decision.action === 'emit' ? { ...result, fields: decision.fields } : folded(result, decision);
  }
}

function folded(result: NormalizedRow, decision: Exclude<DuplicateDecision, { action: 'emit' }>): NormalizedRow {
  const issue = duplicateIssue(result.row, result.fields?.phone ?? '', decision);
  return { row: result.row, issues: [...result.issues, issue], notes: result.notes };
}
