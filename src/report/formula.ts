/**
 * Spreadsheet formula injection (OWASP "CSV injection"): Excel executes a cell that starts with one
 * of these. We prefix such text with `'`, which Excel shows as text and our normalizer strips on
 * re-import, so export → import changes nothing.
 */
const FORMULA_TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];
const [EQUALS, PLUS, MINUS, AT, TAB, CR] = FORMULA_TRIGGERS.map((trigger) => trigger.charCodeAt(0));

export function startsLikeFormula(text: string): boolean {
  // By code: every value of every line written is asked, and taking its first character as a string cost more than the test.
  const first = text.charCodeAt(0);
  return first === EQUALS || first === PLUS || first === MINUS || first === AT || first === TAB || first === CR;
}

export function neutralizeFormula(text: string): string {
  return startsLikeFormula(text) ? `'${text}` : text;
}
