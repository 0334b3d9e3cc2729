/**
 * Built-in number formats that show a calendar date (ECMA-376 part 1, §18.8.30; 27–36 and 50–58
 * are the East Asian locales' date formats, less their time-only ones 32–33 and 55–56).
 */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 57, 58]);

/** Elapsed-time brackets (`[h]`, `[mm]`, `[ss]`): the one kind of `[…]` that is part of the format. */
const ELAPSED = /\[(?:h+|m+|s+)]/gi;
/** Sections of a format code that never mean a date: quoted text, `\x` escapes, `_x` widths, `*x` fills, `[…]` colours/locales/conditions. */
const LITERALS = /"[^"]*"|\\.|_.|\*.|\[[^\]]*]/g;

/**
 * Whether a cell with this number format shows its number as a calendar date: the format has a
 * day, a year, or a month (an `m` not next to hours or seconds, which makes it minutes).
 * Times and durations (`h:mm`, `[hh]:mm:ss`) are not dates: they stay numbers.
 */
export function isDateFormat(numFmtId: number, customCode: string | undefined): boolean {
  if (customCode === undefined) return BUILT_IN_DATE_FORMATS.has(numFmtId);
  const code = (customCode.split(';')[0] ?? '').replace(ELAPSED, 'h').replace(LITERALS, '').replace(/General/gi, '').replace(/A\/P|AM\/PM|E[+-]/gi, '').toLowerCase();
  if (/[dye]/.test(code)) return true;
  return /m/.test(code) && !/[hs]/.test(code);
}
