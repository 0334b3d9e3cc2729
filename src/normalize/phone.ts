import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Cell } from '../read/types.js';
import { fastE164 } from './phone-fast.js';
import { accepted, normalizeList, rejected, type Normalized, type Problem } from './result.js';
import { splitList } from './split.js';
import { stripFormulaGuard } from './text.js';

/** Several numbers in one cell: `,` `;` `/` line breaks or the word «или». */
const SEPARATORS = /[,;/\n\r]+|\s+или\s+/i;
/** `доб. 12`, `ext 12`, `x12`, `#12` at the end of a number. */
const EXTENSION = /\s*(?:доб\.?|доп\.?|ext\.?|x|#)\s*(\d{1,6})\s*$/i;
/** E.164 allows 15 digits; libphonenumber gives up (returns undefined) above 17. */
const MAX_DIGITS = 17;
const MIN_DIGITS = 5;
/** `7,91612E+10`: a spreadsheet displayed a number cell in exponent form; the digits are gone. */
const EXPONENT_FORM = /^\d[.,]\d+e\+\d+$/i;
/** `79161234567.0`: a number cell written out as a float by a spreadsheet or a data tool. */
const FLOAT_FORM = /^(\d+)[.,]0+$/;

/**
 * libphonenumber's answers off the fast path (`''`: invalid), by region and digits: files repeat
 * their junk (`12345`, `0`), and each such value costs up to four parses of several µs.
 */
const slowAnswers = new Map<string, string>();
const SLOW_ANSWERS_KEPT = 4096;

/**
 * International digits (no `+`) of `digits` read in `region` — or as `+<digits>` without one —
 * when libphonenumber finds the number valid; RU/KZ numbers take the fast path.
 */
function parseValid(digits: string, region: CountryCode | undefined): string | undefined {
  const fast = fastE164(digits, region);
  if (fast !== undefined) return fast;
  const key = `${region ?? '+'}${digits}`;
  const known = slowAnswers.get(key);
  if (known !== undefined) return known === '' ? undefined : known;
  const number = region === undefined ? parsePhoneNumberFromString(`+${digits}`) : parsePhoneNumberFromString(digits, region);
  const answer = number?.isValid() ? number.number.slice(1) : undefined;
  if (slowAnswers.size >= SLOW_ANSWERS_KEPT) slowAnswers.clear();
  slowAnswers.set(key, answer ?? '');
  return answer;
}

/**
 * Reads bare digits the ways people and spreadsheets write them, in this order:
 * a national number of the default region (also with its trunk prefix, e.g. RU `8…`);
 * an international number whose `+` got lost (spreadsheets drop it: `79161234567`, `77012345678`)
 * or was written as the common international prefix `00`;
 * a national number whose leading `0` the spreadsheet dropped.
 */
function parseDigits(digits: string, region: CountryCode): string | undefined {
  return (
    parseValid(digits, region) ??
    parseValid(digits, undefined) ??
    (digits.startsWith('00') ? parseValid(digits.slice(2), undefined) : undefined) ??
    parseValid(`0${digits}`, region)
  );
}

/** One number → international digits without `+` (SMSC's form). */
export function normalizeOnePhone(input: string, region: CountryCode): Normalized {
  let text = stripFormulaGuard(input).trim();
  const extension = EXTENSION.exec(text);
  if (extension) text = text.slice(0, extension.index);
  const warnings: Problem[] | undefined = extension ? [{ code: 'PHONE_EXTENSION_DROPPED', reason: `extension ${extension[1]} of «${input.trim()}» dropped: SMSC cannot dial it` }] : undefined;
  if (/\p{L}/u.test(text)) return rejected('PHONE_HAS_LETTERS', `«${input.trim()}» contains letters`);
  return fromDigits(input.trim(), text, text.replace(/\D/g, ''), region, warnings);
}

/** The number `text` (`shown` as the user wrote it) of `digits`, once extension and letters are dealt with. */
function fromDigits(shown: string, text: string, digits: string, region: CountryCode, warnings?: readonly Problem[]): Normalized {
  if (digits.length < MIN_DIGITS) return rejected('PHONE_TOO_SHORT', `«${shown}» has too few digits for a phone number`);
  if (digits.length > MAX_DIGITS) return rejected('PHONE_TOO_LONG', `«${shown}» has ${digits.length} digits; a phone number has at most 15`);
  const value = text.startsWith('+') ? parseValid(digits, undefined) : parseDigits(digits, region);
  if (value === undefined) return rejected('PHONE_INVALID', `«${shown}» is not a valid phone number (default region ${region})`);
  const changes = value === text ? undefined : [`«${shown}» → ${value}`];
  return accepted(value, changes, warnings);
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const PLUS = 0x2b;
/** What a single number is written with besides digits: ` ( ) -` (and `+` first). */
const PUNCTUATION = new Set([0x20, 0x28, 0x29, 0x2d]);

/**
 * The digits of `text` (trimmed) when it is one number written with nothing but digits, ` ( ) -`
 * and a leading `+`: the form nearly every cell has. Such a cell has no separator, letter,
 * extension, formula guard, exponent or float form, so every step of the general path but the
 * digits is a no-op on it. `undefined` for any other text. (One look at each character: a
 * `replace(/\D/g, '')` after it cost twice the look.)
 */
function plainNumberDigits(text: string): string | undefined {
  let digits = '';
  let from = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= DIGIT_0 && code <= DIGIT_9) continue;
    if (!PUNCTUATION.has(code) && !(code === PLUS && index === 0)) return undefined;
    if (index > from) digits += text.slice(from, index);
    from = index + 1;
  }
  return from === 0 ? text : digits + text.slice(from);
}

/**
 * A cell with one or more phone numbers → comma-joined international digits. Invalid numbers
 * among valid ones are dropped with a warning; the cell fails when none is valid.
 */
export function normalizePhones(cell: Cell, region: CountryCode): Normalized {
  if (typeof cell !== 'string') return rejected('PHONE_NOT_TEXT', 'a date cell is not a phone number');
  const text = cell.trim();
  // What the general path would answer, without its regular expressions (~1 µs a cell).
  const digits = text === '' ? undefined : plainNumberDigits(text);
  if (digits !== undefined) return fromDigits(text, text, digits, region);
  return normalizePhoneText(text, region);
}

/** `normalizePhones` of a trimmed text, whatever it holds (exported for the test that holds the plain-number path to it). */
export function normalizePhoneText(text: string, region: CountryCode): Normalized {
  // Checked before splitting: the decimal comma of `7,91612E+10` is also a list separator.
  if (EXPONENT_FORM.test(text)) {
    return rejected('PHONE_EXPONENT_FORM', `«${text}» is a number in exponent form: its last digits are lost (format the column as text before exporting)`);
  }
  // exec, not replace: a replace that finds nothing costs more than the split.
  const parts = splitList(FLOAT_FORM.exec(text)?.[1] ?? text, SEPARATORS);
  if (parts.length === 0) return rejected('PHONE_TOO_SHORT', 'no phone number');
  return normalizeList(parts, (part) => normalizeOnePhone(part, region));
}
