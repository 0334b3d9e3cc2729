/**
 * One plan per account contact. Rows that share no phone can still resolve to the same existing
 * contact (`A` and `B,C` of a contact with A and C); planned separately, their writes would race
 * and the later would undo the earlier. Such rows are folded with the mapping's `duplicates` policy before planning,
 * exactly as rows repeating a phone are (src/normalize/dedupe.ts), keyed by the contact's server id.
 */
import type { ContactFields } from '../contact.js';
import { DuplicateIndex, FirstOccurrenceFilter, type DuplicateDecision, type DuplicatePolicy } from '../normalize/dedupe.js';
import type { NormalizedRow } from '../normalize/row.js';
import type { AccountIndex } from './account-index.js';

export interface ContactRowMerger {
  /** Call for every row with fields, in file order: emit (possibly merged) fields, or fold the row into another. */
  decide(row: number, fields: ContactFields): DuplicateDecision;
}

/** `last` and `merge` must know a contact's last row before its first is planned: `rows` is a reading of the file for that. */
export async function createContactRowMerger(policy: DuplicatePolicy, account: AccountIndex, rows: () => AsyncIterable<NormalizedRow>): Promise<ContactRowMerger> {
  const contactOf = (fields: ContactFields) => account.find(fields)?.intId;
  if (policy === 'first') {
    const filter = new FirstOccurrenceFilter(contactOf);
    return {
      decide(row, fields) {
        const keptRow = filter.check(row, fields);
        return keptRow === undefined ? { action: 'emit', fields } : { action: 'duplicate', keptRow };
      },
    };
  }
  const index = new DuplicateIndex(policy, contactOf);
  for await (const result of rows()) if (result.fields) index.add(result.row, result.fields);
  return { decide: (row, fields) => index.decide(row, fields) };
}

/** The report's reason for a row folded into another one of the same contact. */
export function sameContactReason(decision: Exclude<DuplicateDecision, { action: 'emit' }>): { code: string; reason: string } {
  if (decision.action === 'held') return { code: 'MERGED', reason: `same account contact as row ${decision.intoRow}: merged into row ${decision.intoRow}` };
  return { code: 'SAME_CONTACT', reason: `same account contact as row ${decision.keptRow}, which is kept` };
}
