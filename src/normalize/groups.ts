import type { Cell } from '../read/types.js';
import { accepted, normalizeList, rejected, type Normalized } from './result.js';
import { splitList } from './split.js';
import { cellToText, cleanText } from './text.js';

export type GroupsMode = 'name' | 'id';

const SEPARATORS = /[,;\n\r]+/;
/** Google marks its system groups (`* myContacts`, `* starred`) with a star: they are not the user's groups. */
const SYSTEM_GROUP = /^\*\s/;

/** True when a cell names no group but system ones: nothing to import, not a bad value. */
export function onlySystemGroups(cell: Cell): boolean {
  const text = cellToText(cell);
  // Checked on every grp cell before normalizeGroups splits it again: most name no system group.
  if (!text.includes('*')) return false;
  const items = splitList(text, SEPARATORS);
  return items.length > 0 && items.every((item) => SYSTEM_GROUP.test(item));
}

function groupId(item: string): Normalized {
  return /^\d+$/.test(item) ? accepted(item) : rejected('GRP_NOT_ID', `group «${item}» is not a numeric group id (the mapping says groups are ids)`);
}

function groupName(item: string): Normalized {
  return accepted(cleanText(item));
}

/** A cell listing groups → comma-joined names or ids; with ids, a non-numeric item is dropped with a warning. */
export function normalizeGroups(cell: Cell, mode: GroupsMode): Normalized {
  const text = cellToText(cell);
  const all = splitList(text, SEPARATORS);
  // A system group starts with a star: a cell without one (nearly all) has nothing to leave out.
  const mayNameSystem = text.includes('*');
  const items = mayNameSystem ? all.filter((item) => !SYSTEM_GROUP.test(item)) : all;
  if (items.length === 0) return rejected('GRP_EMPTY', 'no group');
  const result = normalizeList(items, mode === 'id' ? groupId : groupName);
  if (!result.ok || !mayNameSystem) return result;
  const system = all.filter((item) => SYSTEM_GROUP.test(item));
  if (system.length === 0) return result;
  return { ...result, changes: [...result.changes, `system group${system.length > 1 ? 's' : ''} ${system.map((item) => `«${item}»`).join(', ')} left out`] };
}
