import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { csvRecord, csvValuesFormatter, openCsvWriter } from '../../src/report/csv-writer.js';
import { neutralizeFormula } from '../../src/report/formula.js';

const TRICKY = ['', 'plain', 'a,b', 'a;b', 'say "hi"', '"', 'line\nbreak', 'cr\rhere', 'crlf\r\nend', ' spaced ', 'tab\there', 'Фамилия', 'a:', ':b', 'x::y', '\'=1+2', '""'];

describe('csvRecord', () => {
  it.each([',', ';', '\t', '|', '::'])('writes what csv-stringify writes, delimiter %j', (delimiter) => {
    // Every tricky value in every position, next to every other.
    const records = TRICKY.map((value, index) => [value, TRICKY[(index + 1) % TRICKY.length] ?? '', TRICKY[(index * 7) % TRICKY.length] ?? '']);
    const expected = stringify(records, { delimiter, record_delimiter: 'windows', quoted_match: /[\r\n]/ });
    expect(records.map((record) => csvRecord(record, delimiter)).join('')).toBe(expected);
  });

  it('keeps a multi-line cell in its record: csv-parse reads back every value', () => {
    const text = TRICKY.map((value) => csvRecord([value, 'next'], ',')).join('');
    expect(parse(text, { record_delimiter: '\r\n' })).toEqual(TRICKY.map((value) => [value, 'next']));
    expect(parse(text)).toEqual(TRICKY.map((value) => [value, 'next']));
  });
});

describe('csvValuesFormatter', () => {
  it.each([',', ';', '\t', '|', '::'])('is csvRecord over the values as text, formula-neutralized but in raw columns, delimiter %j', (delimiter) => {
    const format = csvValuesFormatter({ columns: ['raw', 'a', 'b', 'c'] as const, delimiter, rawColumns: new Set(['raw'] as const) });
    const values = [undefined, -5, 12, '=SUM(A1)', '-1', '+7 916', '@x', ...TRICKY];
    for (const [index, value] of values.entries()) {
      const record = [value, value, values[(index + 1) % values.length], values[(index * 5) % values.length]];
      const texts = record.map((item, column) => (item === undefined ? '' : column === 0 ? String(item) : neutralizeFormula(String(item))));
      expect(format(record)).toBe(csvRecord(texts, delimiter));
    }
  });
});

describe('openCsvWriter', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('writes the BOM, the header and every record — past its flush size — as csv-stringify does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csv-writer-'));
    dirs.push(dir);
    const path = join(dir, 'out.csv');
    const writer = openCsvWriter(path, { columns: ['row', 'name', 'note'] as const, bom: true, rawColumns: new Set(['row'] as const) });
    const rows = Array.from({ length: 20_000 }, (_, index) => ({ row: index + 2, name: TRICKY[index % TRICKY.length], note: index % 3 === 0 ? undefined : `-${index}` }));
    for (const row of rows) await writer.write(row);
    await writer.commit();
    const expected = stringify(
      rows.map((row) => [String(row.row), row.name?.startsWith('\'') || row.name?.startsWith('=') ? row.name : (row.name ?? ''), row.note === undefined ? '' : `'${row.note}`]),
      { header: true, columns: ['row', 'name', 'note'], bom: true, record_delimiter: 'windows', quoted_match: /[\r\n]/ },
    );
    expect(await readFile(path, 'utf8')).toBe(expected);
  });
});
