/**
 * `import --target groups`, the pure part: a row of a groups file (name, num, type, optional id)
 * becomes the group it describes, and each group is planned against the account's groups (read
 * once with `get_group`): add (`add_group`), change (`chg_group`: name by id, num), unchanged,
 * skip or reject. Groups the file does not name are what `sync --delete-missing` may delete.
 */
import type { Cell } from '../../read/types.js';
import { GROUP_TYPE } from '../../smsc/protocol.js';
import { cleanText } from '../../normalize/text.js';
import type { GroupField } from '../../map/schema.js';
import type { ImportMode } from '../plan.js';

export type GroupType = (typeof GROUP_TYPE)[keyof typeof GROUP_TYPE];

/** A group as `get_group` lists it (`type` only when the service says). */
export interface AccountGroup {
  id: number;
  name: string;
  num?: number;
  type?: number;
}

/** What a file row asks for; an absent `num` or `type` leaves the account's value alone. */
export interface DesiredGroup {
  id?: number;
  name: string;
  num?: number;
  type?: GroupType;
}

export interface GroupChange {
  field: 'name' | 'num';
  from: string;
  to: string;
}

export type GroupOperation =
  | { action: 'add'; group: DesiredGroup }
  | { action: 'chg'; grp: number; name: string; num?: number; type?: number; changes: GroupChange[] }
  | { action: 'unchanged'; id: number }
  | { action: 'skip'; code: string; reason: string; id?: number }
  | { action: 'reject'; code: string; reason: string; id?: number };

/** A row that cannot be used still names its group (`name`, maybe empty) for the report. */
export type ParsedGroup = { ok: true; group: DesiredGroup } | { ok: false; name: string; field: GroupField; code: string; reason: string };

/** The cells of a groups row → the group, or why the row is unusable (naming the field). */
export function parseGroupRow(values: Partial<Record<GroupField, Cell>>): ParsedGroup {
  const text = (field: GroupField) => (values[field] === undefined ? '' : cleanText(values[field]));
  const name = text('name');
  if (name === '') return { ok: false, name, field: 'name', code: 'GROUP_NAME_MISSING', reason: 'no group name' };
  const group: DesiredGroup = { name };
  for (const field of ['id', 'num'] as const) {
    const value = text(field);
    if (value === '') continue;
    if (!/^\d{1,15}$/.test(value)) return { ok: false, name, field, code: field === 'id' ? 'GROUP_ID_INVALID' : 'GROUP_NUM_INVALID', reason: `«${value}» is not a whole number` };
    group[field] = Number(value);
  }
  const type = text('type');
  if (type !== '') {
    if (type !== String(GROUP_TYPE.phones) && type !== String(GROUP_TYPE.mails)) return { ok: false, name, field: 'type', code: 'GROUP_TYPE_INVALID', reason: `«${type}» is not a group type: expected 0 (phones) or 1 (e-mails)` };
    group.type = Number(type) as GroupType;
  }
  return { ok: true, group };
}

export interface GroupPlanner {
  plan(desired: DesiredGroup): GroupOperation;
  /** Account groups no planned row matched, in id order: what `--delete-missing` would delete. */
  unmatched(): AccountGroup[];
}

const nameKey = (name: string) => name.trim().toLowerCase();

/**
 * A row with an id is that group (renamed when the name differs); an id the account does not have
 * (a backup of another account) and a row without an id are matched by name. Each account group
 * is matched by one row at most: a second row for it is skipped as a duplicate.
 */
export function createGroupPlanner(mode: ImportMode, account: readonly AccountGroup[]): GroupPlanner {
  const byId = new Map(account.map((group) => [group.id, group]));
  const byName = new Map<string, AccountGroup>();
  for (const group of account) if (!byName.has(nameKey(group.name))) byName.set(nameKey(group.name), group);
  const matched = new Set<number>();
  const added = new Set<string>();

  return {
    plan(desired) {
      const existing = (desired.id === undefined ? undefined : byId.get(desired.id)) ?? byName.get(nameKey(desired.name));
      if (existing === undefined) {
        if (added.has(nameKey(desired.name))) return { action: 'skip', code: 'DUPLICATE_GROUP', reason: `group «${desired.name}» is in the file twice; the first row is used` };
        if (mode === 'update') return { action: 'skip', code: 'NOT_IN_ACCOUNT', reason: 'not in the account (mode update only changes existing groups)' };
        added.add(nameKey(desired.name));
        return { action: 'add', group: desired };
      }
      if (matched.has(existing.id)) return { action: 'skip', code: 'DUPLICATE_GROUP', reason: `group ${existing.id} «${existing.name}» is in the file twice; the first row is used`, id: existing.id };
      matched.add(existing.id);
      if (mode === 'add') return { action: 'skip', code: 'IN_ACCOUNT', reason: 'already in the account (mode add only creates groups)', id: existing.id };
      if (desired.type !== undefined && existing.type !== undefined && desired.type !== existing.type) {
        return { action: 'reject', code: 'GROUP_TYPE_CHANGE', reason: `group ${existing.id} has type ${existing.type}, the file says ${desired.type}: chg_group cannot change a type`, id: existing.id };
      }
      const changes: GroupChange[] = [];
      if (desired.name !== existing.name.trim()) changes.push({ field: 'name', from: existing.name, to: desired.name });
      if (desired.num !== undefined && desired.num !== existing.num) changes.push({ field: 'num', from: existing.num === undefined ? '' : String(existing.num), to: String(desired.num) });
      if (changes.length === 0) return { action: 'unchanged', id: existing.id };
      return { action: 'chg', grp: existing.id, name: desired.name, num: desired.num, type: existing.type, changes };
    },
    unmatched: () => account.filter((group) => !matched.has(group.id)).sort((a, b) => a.id - b.id),
  };
}
