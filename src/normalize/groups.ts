import type { Cell } from '../read/types.js';
import { accepted, normalizeList, rejected, type Normalized } from './result.js';
import { splitList } from './split.js';
import { cellToText, cleanText } from './text.js';

export type GroupsMode = 'name' | 'id';

const SEPARATORS = /[,;\n\r]+/;

function groupId(item: string): Normalized {
  return /^\d+$/.test(item) ? accepted(item) : rejected('GRP_NOT_ID', `group «${item}» is not a numeric group id (the mapping says groups are ids)`);
}

function groupName(item: string): Normalized {
  return accepted(cleanText(item));
}

/** A cell listing groups → comma-joined names or ids; with ids, a non-numeric item is dropped with a warning. */
export function normalizeGroups(cell: Cell, mode: GroupsMode): Normalized {
  const items = splitList(cellToText(cell), SEPARATORS);
  if (items.length === 0) return rejected('GRP_EMPTY', 'no group');
  return normalizeList(items, mode === 'id' ? groupId : groupName);
}
