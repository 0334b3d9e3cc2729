import type { CountryCode } from 'libphonenumber-js/max';
import { cleanText } from '../../normalize/text.js';
import { HEADER_SEARCH_ROWS } from '../../read/header.js';
import type { Cell } from '../../read/types.js';
import { isDataCell } from './content.js';
import { normalizeHeader } from './header-text.js';
import type { PresetEntry } from './presets.js';
import { synonymOf } from './synonyms.js';

/**
 * Which of the first rows is the header, without a mapping to look for: the index in `rows`, or
 * `undefined` when the file has no header (its first row is already data).
 *
 * 1. The first row naming known columns (synonyms, preset headers) and holding no data cell.
 * 2. Else (Embulk's rule) the first wide row of text only that a row with phones, e-mails or dates follows.
 * 3. Else no header when the first row is data; else the first row.
 */
export function guessHeaderRow(rows: readonly (readonly Cell[])[], presets: readonly PresetEntry[], region: CountryCode): number | undefined {
  const known = new Set(presets.flatMap((preset) => preset.fingerprints.flat()).map(normalizeHeader));
  const candidates = rows.slice(0, HEADER_SEARCH_ROWS);
  const filled = candidates.map((cells) => cells.filter((cell) => cleanText(cell) !== '').length);
  const hasData = candidates.map((cells) => cells.some((cell) => isDataCell(cell, region)));
  const widest = Math.max(0, ...filled);

  const named = candidates.findIndex((cells, index) => {
    if (hasData[index]) return false;
    const hits = cells.filter((cell) => typeof cell === 'string' && (synonymOf(cell) !== undefined || known.has(normalizeHeader(cell)))).length;
    return hits >= 1 && hits >= Math.min(2, filled[index] ?? 0);
  });
  if (named >= 0) return named;

  const wide = candidates.findIndex(
    (_, index) => !hasData[index] && (filled[index] ?? 0) >= Math.max(2, widest / 2) && hasData.slice(index + 1).some(Boolean),
  );
  if (wide >= 0) return wide;
  return hasData[0] ? undefined : 0;
}
