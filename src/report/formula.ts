/**
 * Spreadsheet formula injection (OWASP "CSV injection"): Excel executes a cell that starts with one
 * of these. We prefix such text with `'`, which Excel shows as text and our normalizer strips on
 * re-import, so export → import changes nothing.
 */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

export function startsLikeFormula(text: string): boolean {
  return text.length > 0 && FORMULA_TRIGGERS.has(text[0] as string);
}

export function neutralizeFormula(text: string): string {
  return startsLikeFormula(text) ? `'${text}` : text;
}
