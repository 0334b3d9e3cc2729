import type { Cell } from './types.js';

/** A cell Excel shows as an error (`#N/A`, `#REF!`, …): read as `''` and reported. */
export interface ErrorCell {
  error: string;
}

/** A `<c>` element as the sheet holds it: its `t` attribute, its `<v>` text and its inline string. */
export interface RawCell {
  type: string | undefined;
  value: string;
  /** The text of `<is>`, when the cell has one. */
  inline: string | undefined;
  /** Its style shows the number as a date. */
  dated: boolean;
}

export interface CellContext {
  sharedStrings: readonly string[];
  /** Serial day numbers count from 1904-01-01 (old Mac Excel) rather than 1899-12-30. */
  date1904: boolean;
}

const EXCEL_EPOCH_1900 = Date.UTC(1899, 11, 30);
const EXCEL_EPOCH_1904 = Date.UTC(1904, 0, 1);
const DAY_MS = 86_400_000;
/** Excel counts a 29 February 1900 that never was (serial 60): serials below it are a day later. */
const FICTITIOUS_LEAP_DAY = 60;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;
const ISO_TIME = /^(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/;

/**
 * A cell value as a person sees it in Excel: numbers by their digits (never `7.9161E+10`), dates
 * as the calendar day at UTC midnight, formulas by their cached result, rich text by its text,
 * e-mail hyperlinks without `mailto:`, booleans as TRUE/FALSE.
 */
export function cellValue(cell: RawCell, context: CellContext): Cell | ErrorCell {
  const { type, value } = cell;
  switch (type) {
    case 's':
      return value.trim() === '' ? '' : withoutMailto(context.sharedStrings[Number(value)] ?? '');
    case 'inlineStr':
      return withoutMailto(unescapeText(cell.inline ?? value));
    case 'str':
      return withoutMailto(unescapeText(value));
    case 'e':
      return value === '' ? '' : { error: value };
    case 'b':
      return value === '' ? '' : value === '1' || value.toLowerCase() === 'true' ? 'TRUE' : 'FALSE';
    case 'd':
      return isoValue(value);
    default:
      return numberCell(value, cell.dated, context.date1904);
  }
}

function numberCell(text: string, dated: boolean, date1904: boolean): Cell {
  if (text === '') return '';
  const number = Number(text);
  if (!Number.isFinite(number)) return text;
  if (dated && number >= 0) return serialDate(number, date1904);
  return numberText(number);
}

export function serialDate(serial: number, date1904: boolean): Date {
  const day = Math.floor(serial);
  if (date1904) return new Date(EXCEL_EPOCH_1904 + day * DAY_MS);
  return new Date(EXCEL_EPOCH_1900 + (day > 0 && day < FICTITIOUS_LEAP_DAY ? day + 1 : day) * DAY_MS);
}

/** `t="d"`: ISO 8601 text. A date (with or without time) is its calendar day; a bare time is a fraction of a day. */
function isoValue(text: string): Cell {
  const date = ISO_DATE.exec(text);
  if (date) return new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])));
  const time = ISO_TIME.exec(text);
  if (time) return numberText((Number(time[1]) * 3600 + Number(time[2]) * 60 + Number(time[3] ?? 0)) / 86_400);
  return text;
}

/**
 * OOXML escapes characters XML cannot carry as `_xHHHH_` (`_x005F_` escapes `_`). The usual one is
 * `_x000D_`, a CR before a line feed (text pasted from Windows): Excel shows CR LF as one line break, LF.
 */
export function unescapeText(text: string): string {
  if (text.indexOf('_x') === -1) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/\r\n/g, '\n');
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
