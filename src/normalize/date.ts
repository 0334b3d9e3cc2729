/** `dd.mm.yyyy` of a UTC calendar date (spreadsheet dates are zoneless, see read/types.ts). */
export function formatDate(date: Date): string {
  return formatDayMonthYear(date.getUTCDate(), date.getUTCMonth() + 1, date.getUTCFullYear());
}

/** `dd.mm.yyyy` of a day, a month (1–12) and a year. */
export function formatDayMonthYear(day: number, month: number, year: number): string {
  return `${String(day).padStart(2, '0')}.${String(month).padStart(2, '0')}.${String(year).padStart(4, '0')}`;
}
