import type { Cell } from '../read/types.js';
import { formatDate } from './date.js';
import { accepted, type Normalized } from './result.js';

/**
 * Spreadsheet exports (ours included) put `'` before a value starting with a formula trigger so
 * Excel shows it as text; that quote is not part of the value.
 */
const FORMULA_GUARD = /^'(?=[=+\-@\t\r])/;

/** Whitespace of every kind, including NBSP, line breaks and zero-width spaces. */
const WHITESPACE = /[\s\u200B\uFEFF]+/g;

export function cellToText(cell: Cell): string {
  return typeof cell === 'string' ? cell : formatDate(cell);
}

/** Removes one formula-guard quote (before trimming: the guarded character may be a TAB). */
export function stripFormulaGuard(text: string): string {
  return text.trimStart().replace(FORMULA_GUARD, '');
}

/**
 * Text that `cleanText` would change: a leading quote or whitespace, trailing whitespace, any
 * whitespace but a single space. Most cells have none, and one test is cheaper than the cleaning.
 */
const NEEDS_CLEANING = /^['\s\u200B]|[\s\u200B]$|[^\S ]|\u200B| {2}/;

/** Trimmed, inner whitespace collapsed to single spaces, formula guard removed. */
export function cleanText(cell: Cell): string {
  const text = cellToText(cell);
  if (!NEEDS_CLEANING.test(text)) return text;
  return stripFormulaGuard(text).replace(WHITESPACE, ' ').trim();
}

/** A first character that `cleanText` keeps: such a cell is never blank. */
const STARTS_VISIBLE = /^[^'\s\u200B]/;

/** `cleanText(cell) === ''`, without cleaning the cells that start with a visible character (nearly all). */
export function isBlank(cell: Cell): boolean {
  // A date cell reads as dd.mm.yyyy.
  if (typeof cell !== 'string') return false;
  return !STARTS_VISIBLE.test(cell) && cleanText(cell) === '';
}

/** Plain trimming is not worth a note; a removed quote or collapsed inner whitespace is. */
function describeChange(before: string, after: string): string[] {
  const unguarded = stripFormulaGuard(before);
  const changes = unguarded === before.trimStart() ? [] : ['formula-guard quote removed'];
  if (unguarded.trim() !== after) changes.push('inner whitespace collapsed');
  return changes;
}

/** Names, comments, myid: `cleanText`, saying what changed. */
export function normalizeText(cell: Cell): Normalized {
  const before = cellToText(cell);
  const after = cleanText(before);
  return after === before ? accepted(after) : accepted(after, describeChange(before, after));
}

/** Comma/semicolon list of tags: each cleaned, empty and repeated ones dropped, joined with `,`. */
export function normalizeTags(cell: Cell): Normalized {
  const before = cellToText(cell);
  const tags: string[] = [];
  const changes: string[] = [];
  for (const part of before.split(/[,;]/)) {
    // Mailchimp quotes each tag: `"VIP","Blog"`.
    const tag = cleanText(part).replace(/^"(.*)"$/, '$1');
    if (tag === '') continue;
    if (tags.includes(tag)) changes.push(`tag «${tag}» repeated: kept once`);
    else tags.push(tag);
  }
  return accepted(tags.join(','), changes);
}
