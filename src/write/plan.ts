/**
 * Deciding what one file row does to the account, before anything is written. Pure: the existing
 * contact (read once with paged `get`) and the row's normalized fields go in, one operation comes out.
 * List fields follow the rules of lists.ts: by default the file's items are added and nothing is removed.
 */
import type { ContactField, ContactFields } from '../contact.js';
import type { ContactChange, ContactKey } from '../smsc/client.js';
import { MOVE_GROUP } from '../smsc/protocol.js';
import { changeList, isListField, sameList, splitItems, type ListField, type ListPolicies } from './lists.js';

/** `delete` removes what the rows name (row-deletes.ts); the others are planned here. */
export const IMPORT_MODES = ['upsert', 'add', 'update', 'sync', 'delete'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export interface ExistingContact {
  intId: number;
  fields: ContactFields;
}

/**
 * One field of a planned write, for the report: a text field's old and new value (`from` is absent
 * on `add`), or the items a list gains and loses (group ids for `grp`; the report shows names).
 */
export type FieldChange =
  | { field: Exclude<ContactField, ListField>; from?: string; to: string }
  | { field: ListField; added: readonly string[]; removed: readonly string[] };

/** `chg` finds the contact by `phone` (or `mail`) and replaces the lists with `new_phone` / `new_mail`. */
export type ChangeParams = ContactChange;

export type MoveGroupMode = (typeof MOVE_GROUP)[keyof typeof MOVE_GROUP];

/**
 * `target` holds every field the write sets, with the value the contact must have afterwards: what
 * a read-back compares against when a reply was lost.
 */
export type Operation =
  | { action: 'add'; params: ContactFields; changes: FieldChange[] }
  | { action: 'chg'; params: ChangeParams; changes: FieldChange[]; target: ContactFields; intId: number }
  | { action: 'move_group'; mode: MoveGroupMode; grp: string; key: ContactKey; changes: FieldChange[]; target: ContactFields; intId: number }
  | { action: 'unchanged'; intId: number }
  | { action: 'skip'; reason: string; intId?: number };

export function planRow(mode: ImportMode, desired: ContactFields, existing: ExistingContact | undefined, lists: ListPolicies): Operation {
  if (existing === undefined) {
    if (mode === 'update') return { action: 'skip', reason: 'not in the account (mode update only changes existing contacts)' };
    const params = withoutEmpty(desired);
    return { action: 'add', params, changes: additions(params) };
  }
  if (mode === 'add') return { action: 'skip', reason: 'already in the account (mode add only creates contacts)', intId: existing.intId };

  const { changes, target } = diffContact(desired, existing.fields, lists);
  if (changes.length === 0) return { action: 'unchanged', intId: existing.intId };

  const key = contactKey(existing.fields);
  const [only] = changes;
  if (changes.length === 1 && only?.field === 'grp' && 'added' in only) {
    return { action: 'move_group', ...groupMove(only, target.grp ?? ''), key: firstOf(key), changes, target, intId: existing.intId };
  }

  const params: ChangeParams = { ...key };
  for (const [field, value] of Object.entries(target) as [ContactField, string][]) {
    if (field === 'phone') params.new_phone = value;
    else if (field === 'mail') params.new_mail = value;
    else params[field] = value;
  }
  return { action: 'chg', params, changes, target, intId: existing.intId };
}

/**
 * The fields whose desired value differs from the account's, in field order, and the value each
 * must be written with (a list: the whole list the contact ends up with).
 */
export function diffContact(desired: ContactFields, current: ContactFields, lists: ListPolicies): { changes: FieldChange[]; target: ContactFields } {
  const changes: FieldChange[] = [];
  const target: ContactFields = {};
  for (const [field, to] of Object.entries(desired) as [ContactField, string][]) {
    if (isListField(field)) {
      const list = changeList(field, current[field], to, lists[field]);
      if (list.added.length === 0 && list.removed.length === 0) continue;
      changes.push({ field, added: list.added, removed: list.removed });
      target[field] = list.value;
      continue;
    }
    const from = current[field] ?? '';
    if (from.trim() === to.trim()) continue;
    changes.push({ field, from, to });
    target[field] = to;
  }
  return { changes, target };
}

/** Does the contact hold every value of `target` (lists as sets)? Decides a read-back. */
export function holds(current: ContactFields, target: ContactFields): boolean {
  return (Object.entries(target) as [ContactField, string][]).every(([field, value]) =>
    isListField(field) ? sameList(field, current[field], value) : (current[field] ?? '').trim() === value.trim(),
  );
}

function additions(params: ContactFields): FieldChange[] {
  return (Object.entries(params) as [ContactField, string][]).map(([field, value]) =>
    isListField(field) ? { field, added: splitItems(value), removed: [] } : { field, to: value },
  );
}

/** The key `chg` finds a contact by: its phone list, or for e-mail contacts its mail list. */
function contactKey(fields: ContactFields): { phone: string } | { mail: string } {
  if (fields.phone) return { phone: fields.phone };
  return { mail: fields.mail ?? '' };
}

/** `move_group` takes one number or one address (smsc-api.md, parameter table); any one of the contact's finds it. */
function firstOf(key: { phone: string } | { mail: string }): ContactKey {
  return 'phone' in key ? { phone: splitItems(key.phone)[0] ?? '' } : { mail: splitItems(key.mail)[0] ?? '' };
}

/**
 * A membership-only change is one `move_group` call that touches no other field: groups added
 * (mode 2), removed (mode 3), or both — the groups replaced (mode 1). `grp` takes several ids, as the
 * parameter table says of it everywhere.
 */
function groupMove(change: { added: readonly string[]; removed: readonly string[] }, target: string): { mode: MoveGroupMode; grp: string } {
  const { added, removed } = change;
  if (removed.length === 0) return { mode: MOVE_GROUP.add, grp: added.join(',') };
  if (added.length === 0) return { mode: MOVE_GROUP.remove, grp: removed.join(',') };
  return { mode: MOVE_GROUP.replace, grp: target };
}

function withoutEmpty(fields: ContactFields): ContactFields {
  const result: ContactFields = {};
  for (const [field, value] of Object.entries(fields) as [ContactField, string][]) if (value !== '') result[field] = value;
  return result;
}
