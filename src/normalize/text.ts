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

const SPACE = 0x20;
const QUOTE = 0x27;

/** A character of `[\s\u200B]`: JavaScript's whitespace, or a zero-width space. */
function isSpaceOrZeroWidth(code: number): boolean {
  if (code < 0x80) return code === SPACE || (code >= 0x09 && code <= 0x0d);
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200b) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/**
 * Text that `cleanText` would change: a leading quote or whitespace, trailing whitespace, any
 * whitespace but a single space. Most cells have none, and one look at each character is cheaper
 * than the cleaning (and than a regular expression with these alternatives at every position).
 */
function needsCleaning(text: string): boolean {
  const last = text.length - 1;
  if (last < 0) return false;
  const first = text.charCodeAt(0);
  if (first === QUOTE || isSpaceOrZeroWidth(first) || isSpaceOrZeroWidth(text.charCodeAt(last))) return true;
  for (let index = 1; index < last; index++) {
    const code = text.charCodeAt(index);
    if (code === SPACE) {
      if (text.charCodeAt(index + 1) === SPACE) return true;
    } else if (isSpaceOrZeroWidth(code)) return true;
  }
  return false;
}

/** Trimmed, inner whitespace collapsed to single spaces, formula guard removed. */
export function cleanText(cell: Cell): string {
  const text = cellToText(cell);
  if (!needsCleaning(text)) return text;
  // Most texts that need cleaning need only their ends trimmed (` name@mail.ru `): no expressions for them
  // (a leading quote after the trim is needsCleaning's too).
  const trimmed = text.trim();
  if (!needsCleaning(trimmed)) return trimmed;
  return stripFormulaGuard(text).replace(WHITESPACE, ' ').trim();
}

/** `cleanText(cell) === ''`, without cleaning the cells that start with a visible character (nearly all). */
export function isBlank(cell: Cell): boolean {
  // A date cell reads as dd.mm.yyyy.
  if (typeof cell !== 'string') return false;
  // A first character that `cleanText` keeps: such a cell is never blank.
  const first = cell.charCodeAt(0);
  const startsVisible = cell.length > 0 && first !== QUOTE && !isSpaceOrZeroWidth(first);
  return !startsVisible && cleanText(cell) === '';
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
