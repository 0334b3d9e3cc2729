/** `dd.mm.yyyy` of a UTC calendar date (spreadsheet dates are zoneless, see read/types.ts). */
export function formatDate(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, '0');
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  return `${day}.${month}.${String(date.getUTCFullYear()).padStart(4, '0')}`;
}
