/**
 * What undoing one journaled write does, decided against the account as it is now. Pure. A write is
 * only taken back where the account still holds what the import wrote; a record changed since is
 * skipped with the reason, one already back as it was is `unchanged`.
 */
import { CONTACT_FIELDS, type ContactField, type ContactFields } from '../../contact.js';
import { listItems, type BlacklistEntries } from '../account-index.js';
import { OFF_THE_BLACKLIST, type WriteOperation } from '../apply.js';
import { LIST_FIELDS, type ListPolicies } from '../lists.js';
import { holds, planRow, type ExistingContact, type FieldChange } from '../plan.js';
import type { BlacklistChange } from '../targets/blacklist-plan.js';
import type { UndoRecord } from './record.js';

/** Undo sets each changed list back to exactly what it was. */
const RESTORE_LISTS = Object.fromEntries(LIST_FIELDS.map((field) => [field, 'replace'])) as ListPolicies;

export type UndoDecision =
  /** `note`: why a forced one goes. */
  | { action: 'delete' | 'chg'; operation: WriteOperation; changes?: (FieldChange | BlacklistChange)[]; intId?: number; note?: string }
  | { action: 'unchanged'; reason: string; intId?: number }
  | { action: 'skip'; code: string; reason: string; intId?: number };

type ContactRecord = Extract<UndoRecord, { kind: 'add' | 'chg' }>;

/**
 * What became of a journaled write: `done` (its done entry), `failed` (its reply was an error: the
 * journal's failed entry, or the import's report), or `pending` (a kill cut it off before its reply).
 */
export type Fate = { state: 'done' | 'pending' } | { state: 'failed'; code: string };

/** A write that failed left nothing to take back; what is in the account now is not the import's. */
export function skipFailed(code: string, action: string): UndoDecision {
  return { action: 'skip', code: 'UNDO_WRITE_FAILED', reason: `not undone: the import's ${action} failed (error_code ${code}), so what the account holds is not its doing` };
}

export function planContactUndo(record: ContactRecord, fate: Fate, smscId: number | undefined, current: ExistingContact | undefined): UndoDecision {
  if (fate.state === 'failed') return { ...skipFailed(fate.code, record.kind), intId: current?.intId };
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
    // Cut off before its reply: the contact may be one the add failed on. Only one exactly as the add
    // would have left it (no field it did not write) is taken for the import's.
    const other = fate.state === 'pending' ? CONTACT_FIELDS.find((field) => record.wrote[field] === undefined && (current.fields[field] ?? '').trim() !== '') : undefined;
    if (other !== undefined) {
      return {
        action: 'skip',
        code: 'UNDO_NOT_PROVEN',
        reason: `not deleted: the import's add was cut off before its reply (the journal has no outcome for it) and this contact has ${other} (${JSON.stringify(current.fields[other])}), which the add did not write: it may not be the import's`,
        intId,
      };
    }
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

/**
 * The numbers an `add_black` listed that are still listed: those are removed, each only while it
 * has the type the add wrote (`get_black` as read now). Cut off before its reply, the add may have
 * failed on numbers someone else listed meanwhile: another type means not proven to be the
 * import's (a journal of an earlier version has no type: nothing is). Done, another type is
 * someone's change since: left unless `force` (a journal without the type cannot tell, and the
 * done entry proves the add). A row with several numbers is removed or left whole, as a retype's is.
 */
export function planBlacklistUndo(record: Extract<UndoRecord, { kind: 'black' }>, fate: Fate, listed: BlacklistEntries, force = false): UndoDecision {
  if (fate.state === 'failed') return skipFailed(fate.code, 'add_black');
  const still = record.phones.filter((phone) => listed.has(phone));
  if (still.length === 0) return { action: 'unchanged', reason: 'not in the blacklist any more' };
  const intId = listed.get(still[0] ?? '')?.id;
  const other = fate.state === 'done' && record.type === undefined ? undefined : still.find((phone) => listed.get(phone)?.type !== record.type);
  const remove = { action: 'delete', operation: { action: 'delete_black', phone: still.join(',') }, intId } as const;
  if (other === undefined) return remove;
  const retyped = `${other} is listed with type ${listed.get(other)?.type}, not the ${record.type} it wrote`;
  if (fate.state === 'pending') {
    const cutOff = "not deleted: the import's add_black was cut off before its reply (the journal has no outcome for it)";
    const why = record.type === undefined ? `its journal, written by an earlier smsc-etl, does not record the type it listed ${other} with` : retyped;
    return { action: 'skip', code: 'UNDO_NOT_PROVEN', reason: `${cutOff} and ${why}: it may not be the import's`, intId };
  }
  if (force) return { ...remove, note: `deleted with --force: changed since the import (${retyped})` };
  return { action: 'skip', code: 'UNDO_CHANGED_SINCE', reason: `not deleted: changed since the import (${retyped}); --force deletes it anyway`, intId };
}

function firstDifference(current: ContactFields, wrote: ContactFields): ContactField | undefined {
  return (Object.keys(wrote) as ContactField[]).find((field) => !holds(current, { [field]: wrote[field] }));
}

/**
 * Undoing a blacklist type change, row by row: the numbers still listed with the import's type get
 * their old type back (del_black + add_black), the ones it added and still listed are removed, and
 * numbers a retype left off the blacklist (its add_black failed) are listed again with their old
 * type. A number changed since, or gone (not by the import), skips the row with the reason.
 * `undoLeftOff`: an earlier undo of this retype did the same (removed its numbers, failed to list them again).
 */
export function planRetypeUndo(record: Extract<UndoRecord, { kind: 'retype' }>, fate: Fate, listed: BlacklistEntries, undoLeftOff = false): UndoDecision {
  // A del_black went through and its add_black did not: the numbers are off, the ones the import added are not its any more.
  const leftOff = undoLeftOff || (fate.state === 'failed' && fate.code === OFF_THE_BLACKLIST);
  if (fate.state === 'failed' && !leftOff) return skipFailed(fate.code, 'type change');
  const back: string[] = [];
  const relist: string[] = [];
  for (const [phone, type] of Object.entries(record.before)) {
    const entry = listed.get(phone);
    if (entry === undefined && leftOff) relist.push(phone);
    else if (entry === undefined) return { action: 'skip', code: 'UNDO_GONE', reason: `not undone: ${phone} is not in the blacklist any more` };
    else if (entry.type === record.type && type !== record.type) back.push(phone);
    else if (entry.type !== type) return { action: 'skip', code: 'UNDO_CHANGED_SINCE', reason: `not undone: changed since the import (${phone} has type ${entry.type}, the import set ${record.type})`, intId: entry.id };
  }
  const added = leftOff ? [] : record.added.filter((phone) => listed.has(phone));
  const restored = [...back, ...relist];
  const intId = listed.get(restored[0] ?? added[0] ?? '')?.id;
  const types = [...new Set(restored.map((phone) => record.before[phone]))];
  if (types.length > 1) return { action: 'skip', code: 'UNDO_MIXED_TYPES', reason: `not undone: its numbers had different types before the import (${types.join(', ')}): set them back by hand`, intId };
  const type = types[0];
  if (type === undefined) {
    if (added.length === 0) return { action: 'unchanged', reason: 'already as before the import', intId };
    return { action: 'delete', operation: { action: 'delete_black', phone: added.join(',') }, intId };
  }
  const remove = [...back, ...added];
  const from = [...(back.length > 0 ? [String(record.type)] : []), ...(relist.length > 0 ? ['not listed'] : [])].join(', ');
  return {
    action: 'chg',
    operation: remove.length === 0 ? { action: 'add_black', phone: relist.join(','), type } : { action: 'retype_black', remove: remove.join(','), phone: restored.join(','), type },
    // The numbers the import added with the row go in the same del_black: the report lists them.
    changes: [{ field: 'type', from, to: String(type) }, ...(added.length > 0 ? [{ field: 'phone' as const, added: [], removed: added }] : [])],
    intId,
  };
}
