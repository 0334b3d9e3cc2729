/**
 * Deciding what one file row does to the account, before anything is written. Pure: the existing
 * contact (read once with paged `get`) and the row's normalized fields go in, one operation comes out.
 */
import type { ContactField, ContactFields } from '../contact.js';
import type { ContactChange } from '../smsc/client.js';
import { MOVE_GROUP } from '../smsc/protocol.js';

export const IMPORT_MODES = ['upsert', 'add', 'update', 'sync'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export interface ExistingContact {
  intId: number;
  fields: ContactFields;
}

export interface FieldChange {
  field: ContactField;
  from: string;
  to: string;
}

/** `chg` finds the contact by `phone` (or `mail`) and replaces the lists with `new_phone` / `new_mail`. */
export type ChangeParams = ContactChange;

export type MoveGroupMode = (typeof MOVE_GROUP)[keyof typeof MOVE_GROUP];

export type Operation =
  | { action: 'add'; params: ContactFields }
  | { action: 'chg'; params: ChangeParams; changes: FieldChange[]; intId: number }
  | { action: 'move_group'; mode: MoveGroupMode; grp: string; phone: string; changes: FieldChange[]; intId: number }
  | { action: 'unchanged'; intId: number }
  | { action: 'skip'; reason: string; intId?: number };

/** Fields SMSC keeps as lists; compared as sets, since SMSC does not promise an order. */
const LIST_FIELDS: ReadonlySet<ContactField> = new Set(['phone', 'mail', 'grp', 'tags', 'pho']);

export function planRow(mode: ImportMode, desired: ContactFields, existing: ExistingContact | undefined): Operation {
  if (existing === undefined) {
    if (mode === 'update') return { action: 'skip', reason: 'not in the account (mode update only changes existing contacts)' };
    return { action: 'add', params: withoutEmpty(desired) };
  }
  if (mode === 'add') return { action: 'skip', reason: 'already in the account (mode add only creates contacts)', intId: existing.intId };

  const changes = diffFields(desired, existing.fields);
  if (changes.length === 0) return { action: 'unchanged', intId: existing.intId };

  const key = contactKey(existing.fields);
  const move = changes.length === 1 && changes[0]?.field === 'grp' && 'phone' in key ? groupMove(changes[0], key.phone) : undefined;
  if (move) return { ...move, changes, intId: existing.intId };

  const params: ChangeParams = { ...key };
  for (const change of changes) {
    if (change.field === 'phone') params.new_phone = change.to;
    else if (change.field === 'mail' && 'mail' in key) params.new_mail = change.to;
    else params[change.field] = change.to;
  }
  return { action: 'chg', params, changes, intId: existing.intId };
}

/** The fields whose desired value differs from the account's, in field order. */
export function diffFields(desired: ContactFields, current: ContactFields): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [field, to] of Object.entries(desired) as [ContactField, string][]) {
    const from = current[field] ?? '';
    if (!sameValue(field, from, to)) changes.push({ field, from, to });
  }
  return changes;
}

function sameValue(field: ContactField, a: string, b: string): boolean {
  if (!LIST_FIELDS.has(field)) return a.trim() === b.trim();
  const left = listItems(field, a);
  const right = listItems(field, b);
  return left.length === right.length && left.every((item, index) => item === right[index]);
}

function listItems(field: ContactField, value: string): string[] {
  const canonical = (item: string) => (field === 'phone' || field === 'pho' ? item.replace(/\D/g, '') : field === 'mail' ? item.toLowerCase() : item);
  return [...new Set(value.split(',').map((item) => canonical(item.trim())).filter(Boolean))].sort();
}

/** The key `chg` finds a contact by: its phone list, or for e-mail contacts its mail list. */
function contactKey(fields: ContactFields): { phone: string } | { mail: string } {
  if (fields.phone) return { phone: fields.phone };
  return { mail: fields.mail ?? '' };
}

/** A membership-only change that one `move_group` call can make. */
function groupMove(change: FieldChange, phone: string): { action: 'move_group'; mode: MoveGroupMode; grp: string; phone: string } | undefined {
  const from = listItems('grp', change.from);
  const to = listItems('grp', change.to);
  const added = to.filter((group) => !from.includes(group));
  const removed = from.filter((group) => !to.includes(group));
  const base = { action: 'move_group' as const, phone };
  if (added.length === 1 && removed.length === 0) return { ...base, mode: MOVE_GROUP.add, grp: added[0] as string };
  if (removed.length === 1 && added.length === 0) return { ...base, mode: MOVE_GROUP.remove, grp: removed[0] as string };
  if (to.length === 1) return { ...base, mode: MOVE_GROUP.replace, grp: to[0] as string };
  return undefined;
}

function withoutEmpty(fields: ContactFields): ContactFields {
  const result: ContactFields = {};
  for (const [field, value] of Object.entries(fields) as [ContactField, string][]) if (value !== '') result[field] = value;
  return result;
}
