import { BLACK_TYPE } from '../smsc/protocol.js';
import type { Cell } from '../read/types.js';
import { accepted, rejected, type Normalized } from './result.js';
import { cleanText } from './text.js';

export type BlacklistType = (typeof BLACK_TYPE)[keyof typeof BLACK_TYPE];

const TYPES: readonly string[] = Object.values(BLACK_TYPE).map(String);

/**
 * A block-type cell: `0` all messages, `1` mass mailings, `2` single messages. Empty states no type:
 * a new entry gets SMSC's default, 0, and a listed one keeps its own.
 */
export function normalizeBlacklistType(cell: Cell): Normalized<BlacklistType | undefined> {
  const text = cleanText(cell);
  if (text === '') return accepted(undefined);
  if (TYPES.includes(text)) return accepted(Number(text) as BlacklistType);
  return rejected('BLACKLIST_TYPE_INVALID', 'not a block type: expected 0 (all messages), 1 (mass mailings) or 2 (single messages)');
}
