const CANDIDATES = [';', ',', '\t', '|'] as const;
const SAMPLE_RECORDS = 20;

/** The delimiter an Excel `sep=;` first line declares, if the text starts with one. */
export function sepDirective(text: string): string | undefined {
  const match = /^"?sep=([^\r\n"])"?[^\r\n]*(?:\r?\n|$)/i.exec(text);
  return match?.[1];
}

/** `tab` and a typed `\t` both mean TAB: shells make a literal TAB hard to pass. */
export function normalizeDelimiter(delimiter: string): string {
  return delimiter === '\\t' || delimiter.toLowerCase() === 'tab' ? '\t' : delimiter;
}

/**
 * Picks the delimiter that splits the first records into the same number of fields most often
 * (csv-parse cannot detect it). Quoted text is ignored, so commas inside `"…"` do not vote.
 * Ties go to `;`, `,`, TAB, `|` in that order; text without any candidate is read with `,`.
 */
export function sniffDelimiter(text: string): string {
  const counts = countPerRecord(text);
  let best: { delimiter: string; agreeing: number; fields: number } | undefined;
  for (const [index, delimiter] of CANDIDATES.entries()) {
    const perRecord = counts.map((record) => record[index] ?? 0);
    const mode = mostCommonNonZero(perRecord);
    if (mode === undefined) continue;
    const agreeing = perRecord.filter((count) => count === mode).length;
    if (!best || agreeing > best.agreeing || (agreeing === best.agreeing && mode > best.fields)) {
      best = { delimiter, agreeing, fields: mode };
    }
  }
  return best?.delimiter ?? ',';
}

/** Candidate counts for each complete, non-blank record of the sample. */
function countPerRecord(text: string): number[][] {
  const records: number[][] = [];
  let current = CANDIDATES.map(() => 0);
  let inQuotes = false;
  let blank = true;
  for (let index = 0; index < text.length && records.length < SAMPLE_RECORDS; index++) {
    const char = text[index];
    if (char === '"') {
      // A doubled quote toggles twice, so it leaves the state unchanged.
      inQuotes = !inQuotes;
    } else if (!inQuotes && (char === '\n' || char === '\r')) {
      if (!blank) records.push(current);
      current = CANDIDATES.map(() => 0);
      blank = true;
      continue;
    } else if (!inQuotes) {
      const candidate = CANDIDATES.indexOf(char as (typeof CANDIDATES)[number]);
      if (candidate !== -1) current[candidate] = (current[candidate] ?? 0) + 1;
    }
    if (char !== ' ') blank = false;
  }
  // The last record may be cut by the end of the sample: it votes only when nothing else does.
  if (records.length === 0 && !blank) records.push(current);
  return records;
}

function mostCommonNonZero(values: readonly number[]): number | undefined {
  const tally = new Map<number, number>();
  for (const value of values) if (value > 0) tally.set(value, (tally.get(value) ?? 0) + 1);
  let mode: number | undefined;
  let modeCount = 0;
  for (const [value, count] of tally) {
    if (count > modeCount || (count === modeCount && mode !== undefined && value > mode)) {
      mode = value;
      modeCount = count;
    }
  }
  return mode;
}
