import type { CountryCode } from 'libphonenumber-js/max';
import { normalizeOneEmail } from '../../normalize/email.js';
import { normalizeOnePhone } from '../../normalize/phone.js';
import { splitList } from '../../normalize/split.js';
import { cleanText } from '../../normalize/text.js';
import type { Cell } from '../../read/types.js';

/** What the sample cells of one column look like. Shares are of the non-empty cells. */
export interface ColumnProfile {
  filled: number;
  phones: number;
  mails: number;
  dates: number;
}

/** Only digits and phone punctuation, 7–15 digits: `30.09.2026` or an amount is not a phone. */
const PHONE_SHAPE = /^[\d\s+()\-'.]+$/;
const DATE_SHAPE = /^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|--\d{2}-?\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$/;
const LIST = /[,;]\s*/;

function firstValue(text: string): string {
  return splitList(text, LIST)[0] ?? '';
}

export function looksLikePhone(text: string, region: CountryCode): boolean {
  const value = firstValue(text);
  const digits = value.replace(/\D/g, '').length;
  return PHONE_SHAPE.test(value) && digits >= 7 && digits <= 15 && !DATE_SHAPE.test(value) && normalizeOnePhone(value, region).ok;
}

export function looksLikeMail(text: string): boolean {
  const value = firstValue(text);
  return value.includes('@') && normalizeOneEmail(value).ok;
}

export function looksLikeDate(cell: Cell): boolean {
  return cell instanceof Date || DATE_SHAPE.test(cell.trim());
}

export function profileColumn(cells: readonly Cell[], region: CountryCode): ColumnProfile {
  const profile: ColumnProfile = { filled: 0, phones: 0, mails: 0, dates: 0 };
  for (const cell of cells) {
    const text = cleanText(cell);
    if (text === '') continue;
    profile.filled++;
    if (looksLikeDate(cell)) profile.dates++;
    else if (looksLikeMail(text)) profile.mails++;
    else if (looksLikePhone(text, region)) profile.phones++;
  }
  return profile;
}

/** Whole percent of the filled cells. */
export function share(count: number, profile: ColumnProfile): number {
  return profile.filled === 0 ? 0 : Math.round((100 * count) / profile.filled);
}

/** A cell that can only be data, never a header: the guess's sign that a row is not the header. */
export function isDataCell(cell: Cell, region: CountryCode): boolean {
  const text = cleanText(cell);
  return text !== '' && (looksLikeDate(cell) || looksLikeMail(text) || looksLikePhone(text, region));
}
