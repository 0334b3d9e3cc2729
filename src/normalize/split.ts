/** Google Contacts joins the values of one cell with " ::: " whatever the field. */
const GOOGLE_VALUES = /\s*:::\s*/;

/**
 * Splits a cell holding several values; empty parts are dropped. `separators` must not be global
 * or sticky (its `test` would then depend on where the last match ended).
 */
export function splitList(text: string, separators: RegExp): string[] {
  // Most cells hold one value: one test instead of two splits and three intermediate arrays.
  if (!text.includes(':::') && !separators.test(text)) {
    const only = text.trim();
    return only === '' ? [] : [only];
  }
  const parts: string[] = [];
  for (const chunk of text.split(GOOGLE_VALUES)) {
    for (const part of chunk.split(separators)) {
      const item = part.trim();
      if (item !== '') parts.push(item);
    }
  }
  return parts;
}
