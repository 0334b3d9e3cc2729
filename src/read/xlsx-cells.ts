import type { CellValue } from 'exceljs';
import type { Cell } from './types.js';

/** A cell Excel shows as an error (`#N/A`, `#REF!`, …): read as `''` and reported. */
export interface ErrorCell {
  error: string;
}

const EXCEL_EPOCH_1900 = Date.UTC(1899, 11, 30);
const EXCEL_EPOCH_1904 = Date.UTC(1904, 0, 1);
const DAY_MS = 86_400_000;

/**
 * A cell value as a person sees it in Excel: numbers by their digits (never `7.9161E+10`), dates
 * as the calendar day at UTC midnight, formulas by their cached result, rich text and hyperlinks
 * by their text (without `mailto:`), booleans as TRUE/FALSE.
 * `numFmt` and `date1904` are needed for formula results, which exceljs leaves as serial numbers.
 */
export function cellValue(value: CellValue, numFmt: string | undefined, date1904: boolean): Cell | ErrorCell {
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'string':
      return withoutMailto(value);
    case 'number':
      return numberText(value);
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
  }
  if (value instanceof Date) return calendarDay(value);
  if ('error' in value) return { error: value.error };
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('hyperlink' in value) return withoutMailto(textOf(value.text));
  return formulaResult(value.result, numFmt, date1904);
}

function formulaResult(result: CellValue, numFmt: string | undefined, date1904: boolean): Cell | ErrorCell {
  // exceljs's streaming reader drops a formula's error result: such a cell arrives without one.
  if (typeof result !== 'number') return cellValue(result, undefined, date1904);
  if (isDateFormat(numFmt)) return new Date((date1904 ? EXCEL_EPOCH_1904 : EXCEL_EPOCH_1900) + Math.floor(result) * DAY_MS);
  return numberText(result);
}

/** exceljs types hyperlink text as a string, but a rich-text run list arrives there too. */
function textOf(text: unknown): string {
  if (typeof text === 'string') return text;
  if (typeof text === 'object' && text !== null && 'richText' in text && Array.isArray(text.richText)) {
    return text.richText.map((run: { text?: unknown }) => String(run.text ?? '')).join('');
  }
  return '';
}

function withoutMailto(text: string): string {
  // First-character test keeps the common case free of a regex.
  return (text.charCodeAt(0) | 0x20) === 0x6d && /^mailto:/i.test(text) ? text.slice('mailto:'.length) : text;
}

/** Excel shows at most 15 significant digits; integers keep all their digits, without exponent. */
export function numberText(value: number): string {
  if (Number.isInteger(value)) return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
  const shown = String(Number(value.toPrecision(15)));
  return shown.includes('e') ? Number(shown).toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 }) : shown;
}

/** Excel dates have no zone: keep the calendar day exceljs decoded, at UTC midnight. */
function calendarDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** exceljs's rule for plain cells, case-insensitive: a date/time letter outside quotes and brackets. */
function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  return /[ymdhsb]/i.test(numFmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}
