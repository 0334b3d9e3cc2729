/**
 * `import --target blacklist`, the pure part: what one row does to the blacklist (read once with
 * `get_black`). Numbers not listed are added with the row's type. A listed number whose type the
 * file states otherwise (a `blacklistType` column) is changed; the parameter table has no command
 * that changes an entry, so it is removed (`del_black`) and added again with the new type. A type
 * that only the mapping gives (a constant) applies to new entries: it does not retype the account.
 */
import type { BlacklistType } from '../../normalize/blacklist-type.js';
import type { BlacklistEntries } from '../account-index.js';
import type { WriteOperation } from '../apply.js';
import type { ImportMode } from '../plan.js';

/** A type change, in the report's `changes` column: `type: "0" → "2"`. */
export interface BlacklistChange {
  field: 'type';
  from: string;
  to: string;
}

export type BlacklistRowPlan =
  | { action: 'unchanged'; smscId?: number }
  | { action: 'add'; operation: WriteOperation }
  | { action: 'chg'; smscId?: number; changes: BlacklistChange[]; operation: WriteOperation };

export function planBlacklistRow(mode: ImportMode, phones: readonly string[], type: { value: BlacklistType; stated: boolean }, blacklist: BlacklistEntries): BlacklistRowPlan {
  const unlisted = phones.filter((phone) => !blacklist.has(phone));
  const retyped = type.stated && mode !== 'add' ? phones.filter((phone) => (blacklist.get(phone)?.type ?? type.value) !== type.value) : [];
  if (retyped.length === 0) {
    if (unlisted.length === 0) return { action: 'unchanged', smscId: blacklist.get(phones[0] ?? '')?.id };
    return { action: 'add', operation: { action: 'add_black', phone: unlisted.join(','), type: type.value } };
  }
  const from = [...new Set(retyped.map((phone) => String(blacklist.get(phone)?.type)))].join(',');
  return {
    action: 'chg',
    smscId: blacklist.get(retyped[0] ?? '')?.id,
    changes: [{ field: 'type', from, to: String(type.value) }],
    operation: { action: 'retype_black', remove: retyped.join(','), phone: [...retyped, ...unlisted].join(','), type: type.value },
  };
}
