/**
 * A header as the guess compares it: NFKC, case-folded, `ё` → `е`, `_` as a space, whitespace
 * collapsed (Outlook RU writes double spaces), and the marks exporters add around a name removed:
 * a leading `* ` (Google's primary mark), a trailing `:` and amoCRM's ` (контакт)` suffix.
 */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replaceAll('_', ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\*\s*/, '')
    .replace(/\s*:$/, '')
    .replace(/\s*\(контакт\)$/, '')
    .trim();
}
