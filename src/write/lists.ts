/**
 * The rules for SMSC's list fields (`phone`, `mail`, `grp`, `tags`, `pho`) in one place. SMSC's `chg`
 * replaces a list with the one it is sent, so an import that sent only the file's items would remove
 * every number, group or tag the file does not mention. By default (`add`) the planner therefore
 * sends what the contact has plus what the file names; `replace` (per field in the mapping, or every
 * list with `--mode sync`) makes the account mirror the file. An empty cell under
 * `emptyCells: "clear"` empties the list whatever the policy: the only way an upsert empties one.
 */
import type { ContactField } from '../contact.js';
import type { Mapping } from '../map/schema.js';
import type { ImportMode } from './plan.js';

export const LIST_FIELDS = ['phone', 'mail', 'grp', 'tags', 'pho'] as const satisfies readonly ContactField[];
export type ListField = (typeof LIST_FIELDS)[number];

export const LIST_POLICIES = ['add', 'replace'] as const;
export type ListPolicy = (typeof LIST_POLICIES)[number];
export type ListPolicies = Readonly<Record<ListField, ListPolicy>>;

export function isListField(field: ContactField): field is ListField {
  return (LIST_FIELDS as readonly string[]).includes(field);
}

/** The policy of every list field: `--mode sync` replaces all of them, otherwise the mapping says (default `add`). */
export function listPolicies(lists: Mapping['lists'], mode: ImportMode): ListPolicies {
  const policyOf = (field: ListField): ListPolicy => {
    if (mode === 'sync') return 'replace';
    if (typeof lists === 'string') return lists;
    return lists[field] ?? lists.default ?? 'add';
  };
  return Object.fromEntries(LIST_FIELDS.map((field) => [field, policyOf(field)])) as Record<ListField, ListPolicy>;
}

/** The items of a stored (comma-joined) list. */
export function splitItems(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((item) => item.trim()).filter(Boolean);
}

/** What makes two items the same: phones compare by digits (`+7…` = `7…`), e-mails ignore case. */
function itemKey(field: ListField): (item: string) => string {
  if (field === 'phone' || field === 'pho') return (item) => item.replace(/\D/g, '');
  if (field === 'mail') return (item) => item.toLowerCase();
  return (item) => item;
}

export interface ListChange {
  /** The whole list SMSC must hold afterwards, comma-joined. */
  value: string;
  added: string[];
  removed: string[];
}

/**
 * What the account's list `current` becomes when the file says `desired` (`''` = clear). Order is
 * kept: the contact's items first, then the new ones. Unchanged when `added` and `removed` are empty
 * (SMSC keeps no order, so a reordering is no change).
 */
export function changeList(field: ListField, current: string | undefined, desired: string, policy: ListPolicy): ListChange {
  const key = itemKey(field);
  const now = splitItems(current);
  const wanted = [...new Map(splitItems(desired).map((item) => [key(item), item])).values()];
  const had = new Set(now.map(key));
  const added = wanted.filter((item) => !had.has(key(item)));
  if (policy === 'add' && desired !== '') return { value: [...now, ...added].join(','), added, removed: [] };
  const kept = new Set(wanted.map(key));
  return { value: wanted.join(','), added, removed: now.filter((item) => !kept.has(key(item))) };
}

/** Do two stored lists hold the same items (in any order)? */
export function sameList(field: ListField, a: string | undefined, b: string | undefined): boolean {
  const { added, removed } = changeList(field, a, b ?? '', 'replace');
  return added.length === 0 && removed.length === 0;
}
