/** Google Contacts joins the values of one cell with " ::: " whatever the field. */
const GOOGLE_VALUES = /\s*:::\s*/;

/** Splits a cell holding several values; empty parts are dropped. */
export function splitList(text: string, separators: RegExp): string[] {
  return text
    .split(GOOGLE_VALUES)
    .flatMap((chunk) => chunk.split(separators))
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
