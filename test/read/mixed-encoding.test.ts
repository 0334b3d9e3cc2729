import { describe, expect, it } from 'vitest';
import { fixture, readAll } from './helpers.js';

describe('CSV with bytes that are not UTF-8', () => {
  it('reads a UTF-8 Excel CSV with two pasted Windows-1251 cells as UTF-8, warning on each of their rows', async () => {
    const { table, rows, warnings } = await readAll(fixture('utf8-stray-cp1251.csv'));
    expect(table.info).toMatchObject({ encoding: 'utf-8', bom: true, delimiter: ';', headers: ['Фамилия', 'Имя', 'Телефон', 'Комментарий'] });
    expect(rows).toEqual([
      { row: 2, cells: ['Иванов', 'Иван', '8 (916) 123-45-67', 'VIP'] },
      { row: 3, cells: ['Петрова', 'Ольга', '+7 916 765 43 21', 'договор № 15'] },
      { row: 4, cells: ['Сидоров', 'Пётр', '9031234567', ''] },
      { row: 5, cells: ['Ёлкин', 'Юрий', '89261112233', 'звонить\r\nпосле 18:00'] },
      // The quoted field above spans lines 5–6.
      { row: 7, cells: ['Кузнецова', 'Анна', '79261112234', ''] },
    ]);
    expect(warnings).toEqual([
      { code: 'NOT_UTF8', row: 3, column: 'D', value: '№', message: 'row 3: not UTF-8, read as Windows-1251: "№" (bytes B9)' },
      { code: 'NOT_UTF8', row: 5, column: 'A', value: 'Ёлкин', message: 'row 5: not UTF-8, read as Windows-1251: "Ёлкин" (bytes A8 EB EA E8 ED)' },
    ]);
  });

  it('warns the same way when UTF-8 is forced, instead of turning the bytes into U+FFFD', async () => {
    const { rows, warnings } = await readAll(fixture('utf8-stray-cp1251.csv'), { encoding: 'utf-8' });
    expect(rows.map((row) => row.cells[0])).toEqual(['Иванов', 'Петрова', 'Сидоров', 'Ёлкин', 'Кузнецова']);
    expect(JSON.stringify(rows)).not.toContain('\uFFFD');
    expect(warnings.map((warning) => warning.row)).toEqual([3, 5]);
  });

  it('still reads a file that is Windows-1251 throughout as Windows-1251, without warnings', async () => {
    const { table, rows, warnings } = await readAll(fixture('cp1251.csv'));
    expect(table.info.encoding).toBe('windows-1251');
    expect(rows.map((row) => row.cells[0])).toEqual(['Ёлкин', 'Щукина']);
    expect(warnings).toEqual([]);
  });

  it('reads the rest of a file as Windows-1251 when its ASCII start gave no evidence, with one warning', async () => {
    const { table, rows, warnings } = await readAll(fixture('ascii-then-cp1251.csv'));
    expect(table.info).toMatchObject({ encoding: 'utf-8', delimiter: ';', headers: ['phone', 'email', 'name'] });
    expect(rows).toHaveLength(2503);
    expect(rows.slice(-3)).toEqual([
      { row: 2502, cells: ['79035550001', '', 'Ёлкин Пётр'] },
      { row: 2503, cells: ['79035550002', '', 'Щукина Юлия'] },
      { row: 2504, cells: ['79035550003', '', 'Иванов'] },
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'NOT_UTF8', row: 2502, message: expect.stringContaining('read the rest as Windows-1251') });
  });
});
