/**
 * What undoing one journaled write does, decided against the account as it is now. Pure. A write is
 * only taken back where the account still holds what the import wrote; a record changed since is
 * skipped with the reason, one already back as it was is `unchanged`.
 */
import type { ContactField, ContactFields } from '../../contact.js';
import { listItems, type BlacklistEntries } from '../account-index.js';
import type { WriteOperation } from '../apply.js';
import { LIST_FIELDS, type ListPolicies } from '../lists.js';
import { holds, planRow, type ExistingContact, type FieldChange } from '../plan.js';
import type { UndoRecord } from './record.js';

/** Undo sets each changed list back to exactly what it was. */
const RESTORE_LISTS = Object.fromEntries(LIST_FIELDS.map((field) => [field, 'replace'])) as ListPolicies;

export type UndoDecision =
  | { action: 'delete' | 'chg'; operation: WriteOperation; changes?: FieldChange[]; intId?: number }
  | { action: 'unchanged'; reason: string; intId?: number }
  | { action: 'skip'; code: string; reason: string; intId?: number };

type ContactRecord = Extract<UndoRecord, { kind: 'add' | 'chg' }>;

export function planContactUndo(record: ContactRecord, smscId: number | undefined, current: ExistingContact | undefined): UndoDecision {
  if (current === undefined) {
    return record.kind === 'add'
      ? { action: 'unchanged', reason: 'not in the account any more' }
      : { action: 'skip', code: 'UNDO_GONE', reason: 'not undone: the contact is not in the account any more' };
  }
  const intId = current.intId;
  if (smscId !== undefined && current.intId !== smscId) {
    return { action: 'skip', code: 'UNDO_OTHER_CONTACT', reason: `not undone: the phone now belongs to another contact (id ${current.intId}, the import wrote id ${smscId})`, intId };
  }
  if (record.kind === 'chg' && holds(current.fields, record.before)) return { action: 'unchanged', reason: 'already as before the import', intId };
  const changed = firstDifference(current.fields, record.wrote);
  if (changed !== undefined) {
    return { action: 'skip', code: 'UNDO_CHANGED_SINCE', reason: `not undone: changed since the import (${changed}: ${JSON.stringify(current.fields[changed] ?? '')}, the import wrote ${JSON.stringify(record.wrote[changed])})`, intId };
  }
  if (record.kind === 'add') {
    const phone = listItems(current.fields.phone)[0];
    return { action: 'delete', operation: { action: 'delete', key: phone !== undefined ? { phone } : { mail: listItems(current.fields.mail)[0] ?? '' } }, intId };
  }
  const operation = planRow('update', record.before, current, RESTORE_LISTS);
  switch (operation.action) {
    case 'chg':
      return { action: 'chg', operation: { action: 'chg', params: operation.params, desired: operation.target }, changes: operation.changes, intId };
    case 'move_group':
      return { action: 'chg', operation: { action: 'move_group', mode: operation.mode, grp: operation.grp, key: operation.key, desired: operation.target }, changes: operation.changes, intId };
    default:
      return { action: 'unchanged', reason: 'already as before the import', intId };
  }
}

/** The numbers an `add_black` listed that are still listed: those are removed. */
export function planBlacklistUndo(phones: readonly string[], listed: BlacklistEntries): UndoDecision {
  const still = phones.filter((phone) => listed.has(phone));
  if (still.length === 0) return { action: 'unchanged', reason: 'not in the blacklist any more' };
  return { action: 'delete', operation: { action: 'delete_black', phone: still.join(',') }, intId: listed.get(still[0] ?? '')?.id };
}

function firstDifference(current: ContactFields, wrote: ContactFields): ContactField | undefined {
  return (Object.keys(wrote) as ContactField[]).find((field) => !holds(current, { [field]: wrote[field] }));
}
