import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvParseOptions } from '../../src/read/csv.js';
import { eachCsvRecordFast, type FastCsvOptions } from '../../src/read/csv-fast.js';
import type { RecordDelimiter } from '../../src/read/csv-split.js';
import { seededRandom } from '../helpers/random.js';
import { trickyCsv } from './tricky-csv.js';

const MAX = csvParseOptions(';').max_record_size;

function csvParse(text: string, delimiter: string, recordDelimiter: RecordDelimiter, bom: boolean): string[][] | undefined {
  try {
    return parse(text, { ...csvParseOptions(delimiter), bom, record_delimiter: recordDelimiter }) as string[][];
  } catch {
    return undefined;
  }
}

/** The records the fast path gives, or `undefined` where it leaves the piece to csv-parse. */
function parseCsvFast(text: string, options: FastCsvOptions): string[][] | undefined {
  const records: string[][] = [];
  return eachCsvRecordFast(text, options, (cells) => records.push(cells)) ? records : undefined;
}

describe('eachCsvRecordFast', () => {
  it('gives csv-parse\'s records wherever it answers, and never answers where csv-parse fails', () => {
    const random = seededRandom(7);
    let answered = 0;
    let unreadable = 0;
    for (let sample = 0; sample < 3000; sample++) {
      const delimiter = [';', ',', '\t', '|'][sample % 4] as string;
      const text = trickyCsv(random, delimiter, 1 + Math.floor(random() * 12));
      for (const recordDelimiter of ['\r\n', '\n', '\r'] as const) {
        const bom = random() < 0.5;
        const expected = csvParse(text, delimiter, recordDelimiter, bom);
        const fast = parseCsvFast(text, { delimiter, recordDelimiter, bom, maxRecordChars: MAX });
        if (expected === undefined) unreadable++;
        if (fast === undefined) continue;
        answered++;
        expect(fast, `${JSON.stringify(text)} ${JSON.stringify(recordDelimiter)}`).toEqual(expected);
      }
    }
    // The generator is mostly traps; still the fast path must answer for a good share of them.
    expect(answered).toBeGreaterThan(1000);
    expect(unreadable).toBeGreaterThan(100);
  });

  it('answers for what contact files hold: plain and quoted fields, empty lines, a last line without its end', () => {
    const text = '\uFEFFФамилия;Имя;Телефон\r\nИванов;"Иван; ""Ваня""";8 916 123-45-67\r\n\r\n"две\r\nстроки";ООО "Ромашка";\r\n;;\r\nПетров;Пётр;+7 916 000 00 00';
    const fast = parseCsvFast(text, { delimiter: ';', recordDelimiter: '\r\n', bom: true, maxRecordChars: MAX });
    expect(fast).toEqual(csvParse(text, ';', '\r\n', true));
    expect(fast).toHaveLength(6);
  });

  it('leaves to csv-parse what it does not read: a quote closed before other text, a quote never closed, a record near the size limit', () => {
    const options = { delimiter: ';', recordDelimiter: '\n', bom: false, maxRecordChars: MAX } as const;
    expect(parseCsvFast('a;"b"c;d\n', options)).toBeUndefined();
    expect(parseCsvFast('a;"b;c\n', options)).toBeUndefined();
    expect(parseCsvFast(`a;${'x'.repeat(MAX)}\n`, options)).toBeUndefined();
    expect(parseCsvFast(`a;"${'x'.repeat(MAX)}"\n`, options)).toBeUndefined();
  });
});
