import type { Cell } from '../read/types.js';
import { formatDate, formatDayMonthYear } from './date.js';
import { accepted, rejected, type Normalized } from './result.js';

const DAY_FIRST = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$/;
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$/;
/** An Excel date serial: a date cell exported as its number. (With a fraction, `15.03` would pass.) */
const SERIAL = /^\d{1,5}$/;
/** Four digits that read as a year of birth are a year alone, not an Excel serial of 1905. */
const YEAR_ALONE = /^(?:19|20)\d\d$/;
/** Serial 60 is 29.02.1900, a day that never was: Excel copied Lotus 1-2-3's leap-year bug. */
const LOTUS_LEAP_DAY = 60;
const MS_PER_DAY = 86_400_000;
const EARLIEST_YEAR = 1900;
/** Google writes a birthday without a year as `--03-01` (vCard's form). */
const NO_YEAR = /^--(\d{2})-?(\d{2})$/;
/** Outlook writes "no birthday" as `0.0.00` (Russian) or `0/0/00` (English). */
const OUTLOOK_NO_DATE = /^0[./]0[./]00$/;

/** True for what an exporter writes instead of leaving a date cell empty. */
export function meansNoBirthday(cell: Cell): boolean {
  return typeof cell === 'string' && OUTLOOK_NO_DATE.test(cell.trim());
}

export interface BirthdayOptions {
  /** "Today" for the future check and two-digit years; injectable for tests. */
  today?: Date;
  /** `month-day`: `6/12/1985` is 12 June (US Outlook). Only slash dates: a dotted date is always day first. */
  slashDates?: 'day-month' | 'month-day';
}

/** Midnight UTC of a time value: Date's days are all 86,400,000 ms long (it has no leap seconds). */
function utcDay(time: number): number {
  return time - (((time % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY);
}

/** The calendar date, or `undefined` when the day does not exist (31.02, 29.02 of a common year). */
function calendarDate(year: number, month: number, day: number): Date | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC reads the years 0–99 as 1900–1999.
  if (year < 100) date.setUTCFullYear(year);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : undefined;
}

function fromSerial(serial: number): Normalized<Date> {
  if (serial === LOTUS_LEAP_DAY) return rejected('BD_IMPOSSIBLE', 'Excel serial 60 is 29.02.1900, a day that does not exist (Excel leap-year bug)');
  if (serial < 1) return rejected('BD_TOO_OLD', `Excel serial ${serial} is before 01.01.1900`);
  // Serial 1 is 01.01.1900; past the phantom leap day every serial is one day ahead.
  const epoch = Date.UTC(1899, 11, serial < LOTUS_LEAP_DAY ? 31 : 30);
  return accepted(new Date(epoch + serial * MS_PER_DAY));
}

function fromParts(year: number, month: number, day: number, text: string): Normalized<Date> {
  const date = calendarDate(year, month, day);
  if (date !== undefined) return accepted(date);
  const swapped = month > 12 && day <= 12 ? ' (month first? dates are read day first)' : '';
  return rejected('BD_IMPOSSIBLE', `«${text}» is not a real date${swapped}`);
}

/** The date a text names, before range checks. */
function parseText(text: string, todayMidnight: number, slashDates: BirthdayOptions['slashDates']): Normalized<Date> {
  const dayFirst = DAY_FIRST.exec(text);
  if (dayFirst) {
    const [, first = '', separator, second = '', year = ''] = dayFirst;
    const [day, month] = separator === '/' && slashDates === 'month-day' ? [second, first] : [first, second];
    if (year.length === 4) return fromParts(Number(year), Number(month), Number(day), text);
    // Two-digit year: the century that puts the date in the past.
    const recent = fromParts(2000 + Number(year), Number(month), Number(day), text);
    if (recent.ok && utcDay(recent.value.getTime()) <= todayMidnight) return accepted(recent.value, [`two-digit year in «${text}» read as ${recent.value.getUTCFullYear()}`]);
    const older = fromParts(1900 + Number(year), Number(month), Number(day), text);
    return older.ok ? accepted(older.value, [`two-digit year in «${text}» read as ${older.value.getUTCFullYear()}`]) : older;
  }
  const noYear = NO_YEAR.exec(text);
  if (noYear) return rejected('BD_NO_YEAR', `«${text}» is a day and month without a year; SMSC birthdays need dd.mm.yyyy`);
  const iso = ISO.exec(text);
  if (iso) return fromParts(Number(iso[1]), Number(iso[2]), Number(iso[3]), text);
  if (YEAR_ALONE.test(text)) return rejected('BD_FORMAT', `«${text}» is a year alone; a birthday needs day, month and year`);
  if (SERIAL.test(text)) return fromSerial(Number(text));
  return rejected('BD_FORMAT', `«${text}» is not a date; expected dd.mm.yyyy (also d.m.yyyy, dd/mm/yyyy, dd-mm-yyyy, yyyy-mm-dd, dd.mm.yy)`);
}

const DOT = 0x2e;
const SLASH = 0x2f;
const DASH = 0x2d;
const DIGIT_0 = 0x30;

/** Where the run of ASCII digits (`\d`) starting at `at` ends. */
function digitsEnd(text: string, at: number): number {
  let end = at;
  while (end < text.length && text.charCodeAt(end) >= DIGIT_0 && text.charCodeAt(end) <= DIGIT_0 + 9) end++;
  return end;
}

function numberOf(text: string, from: number, to: number): number {
  let value = 0;
  for (let at = from; at < to; at++) value = value * 10 + (text.charCodeAt(at) - DIGIT_0);
  return value;
}

const isDayOrMonth = (from: number, to: number): boolean => to - from === 1 || to - from === 2;

/**
 * Year, month and day of a text in the forms nearly every cell has — `d.m.yyyy` (`.` `/` or `-`,
 * the same twice: DAY_FIRST with a four-digit year and no time) or `yyyy-m-d` (ISO without a time)
 * — told from its digits, without a regular expression; `undefined` for any other text.
 */
function plainDateParts(text: string, slashDates: BirthdayOptions['slashDates']): [year: number, month: number, day: number] | undefined {
  const firstEnd = digitsEnd(text, 0);
  if (firstEnd === 4) {
    if (text.charCodeAt(4) !== DASH) return undefined;
    const monthEnd = digitsEnd(text, 5);
    if (!isDayOrMonth(5, monthEnd) || text.charCodeAt(monthEnd) !== DASH) return undefined;
    const dayEnd = digitsEnd(text, monthEnd + 1);
    if (!isDayOrMonth(monthEnd + 1, dayEnd) || dayEnd !== text.length) return undefined;
    return [numberOf(text, 0, 4), numberOf(text, 5, monthEnd), numberOf(text, monthEnd + 1, dayEnd)];
  }
  if (!isDayOrMonth(0, firstEnd)) return undefined;
  const separator = text.charCodeAt(firstEnd);
  if (separator !== DOT && separator !== SLASH && separator !== DASH) return undefined;
  const secondEnd = digitsEnd(text, firstEnd + 1);
  if (!isDayOrMonth(firstEnd + 1, secondEnd) || text.charCodeAt(secondEnd) !== separator) return undefined;
  const yearEnd = digitsEnd(text, secondEnd + 1);
  if (yearEnd - secondEnd - 1 !== 4 || yearEnd !== text.length) return undefined;
  const first = numberOf(text, 0, firstEnd);
  const second = numberOf(text, firstEnd + 1, secondEnd);
  const monthFirst = separator === SLASH && slashDates === 'month-day';
  return [numberOf(text, secondEnd + 1, yearEnd), monthFirst ? first : second, monthFirst ? second : first];
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * What the general path answers for a text of `plainDateParts` that names a real past day since
 * 1900 (nearly every cell): the date as `dd.mm.yyyy`, without a Date; `undefined` for any other
 * text, whose errors the general path words.
 */
function plainDate(text: string, todayMidnight: number, slashDates: BirthdayOptions['slashDates']): Normalized | undefined {
  const parts = plainDateParts(text, slashDates);
  if (parts === undefined) return undefined;
  const [year, month, day] = parts;
  if (!(year >= EARLIEST_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return undefined;
  if (Date.UTC(year, month - 1, day) > todayMidnight) return undefined;
  const value = formatDayMonthYear(day, month, year);
  return value === text ? accepted(text) : accepted(value, [`«${text}» → ${value}`]);
}

/** Today's midnight UTC, without making a Date per cell. */
const todayMidnightOf = (options: BirthdayOptions): number => utcDay(options.today?.getTime() ?? Date.now());

/**
 * A birthday → `dd.mm.yyyy`. Rejects (codes) unreadable text (`BD_FORMAT`), days that do not exist
 * (`BD_IMPOSSIBLE`), dates after today (`BD_FUTURE`) and before 1900 (`BD_TOO_OLD`).
 */
export function normalizeBirthday(cell: Cell, options: BirthdayOptions = {}): Normalized {
  if (typeof cell === 'string') {
    const text = cell.trim();
    const plain = plainDate(text, todayMidnightOf(options), options.slashDates);
    if (plain !== undefined) return plain;
  }
  return normalizeBirthdayInGeneral(cell, options);
}

/** `normalizeBirthday` without its shortcut for a finished date (exported for the test that holds the shortcut to it). */
export function normalizeBirthdayInGeneral(cell: Cell, options: BirthdayOptions = {}): Normalized {
  const todayMidnight = todayMidnightOf(options);
  const text = typeof cell === 'string' ? cell.trim() : '';
  const parsed = typeof cell === 'string' ? parseText(text, todayMidnight, options.slashDates) : accepted(cell);
  if (!parsed.ok) return parsed;
  const value = formatDate(parsed.value);
  if (parsed.value.getUTCFullYear() < EARLIEST_YEAR) return rejected('BD_TOO_OLD', `${value} is before 1900`);
  if (utcDay(parsed.value.getTime()) > todayMidnight) return rejected('BD_FUTURE', `${value} is in the future`);
  const changes = typeof cell === 'string' && value !== text ? [...parsed.changes, `«${text}» → ${value}`] : parsed.changes;
  return accepted(value, changes);
}
