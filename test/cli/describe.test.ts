import { describe, expect, it } from 'vitest';
import { describeTable } from '../../src/cli/describe.js';

describe('describeTable', () => {
  it.each([
    [{ file: 'a.csv', format: 'csv', encoding: 'windows-1251', delimiter: ';', headerRow: 1, headers: ['a', 'b'] }, 'Reading a.csv: CSV, windows-1251, delimiter ";", header row 1 (2 columns)'],
    [{ file: 'a.xls', format: 'html', encoding: 'windows-1251', sheet: 'table 1', headerRow: 1, headers: ['a'] }, 'Reading a.xls: HTML, windows-1251, table 1, header row 1 (1 columns)'],
    [{ file: 'a.vcf', format: 'vcard', headerRow: 0, headers: ['FN', 'TEL'] }, 'Reading a.vcf: vCard, 2 columns'],
    [{ file: 'a.ods', format: 'ods', sheet: 'Лист1', headerRow: 3, headers: ['a'] }, 'Reading a.ods: ODS, sheet "Лист1", header row 3 (1 columns)'],
    [{ file: 'a.xls', format: 'xls', sheet: 'Лист1', headerRow: 1, headers: ['a'] }, 'Reading a.xls: XLS, sheet "Лист1", header row 1 (1 columns)'],
  ] as const)('%o', (info, text) => {
    expect(describeTable({ ...info, headers: [...info.headers] })).toBe(text);
  });
});
