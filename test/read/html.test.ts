import { describe, expect, it } from 'vitest';
import { ReadError } from '../../src/read/index.js';
import { fixture, readAll, readFailure } from './helpers.js';

const bitrixHeaders = ['ID', 'Обращение', 'Имя', 'Фамилия', 'Отчество', 'Дата рождения', 'Мобильный телефон', 'Рабочий телефон', 'Частный e-mail', 'Комментарий', 'Компания'];

describe('HTML tables', () => {
  it.each([
    ['bitrix-contacts.xls', 'windows-1251'],
    ['bitrix-contacts-utf8.xls', 'utf-8'],
  ])('reads Bitrix24\'s "Excel" export %s as the HTML table it is, in its declared charset', async (name, encoding) => {
    const { table, rows, warnings } = await readAll(fixture(name), { expectedHeaders: ['Мобильный телефон', 'Фамилия'] });
    expect(table.info).toEqual({ file: fixture(name), format: 'html', encoding, sheet: 'table 1', headerRow: 1, headers: bitrixHeaders });
    expect(rows).toEqual([
      {
        row: 2,
        cells: ['1', 'г-н', 'Иван', 'Иванов', 'Иванович', '07.05.1985', '+7 916 123-45-67', '+7 495 123-45-67, +7 495 765-43-21', 'ivanov@mail.ru', 'Звонить после 18:00\nне в выходные', 'ООО "Ромашка"'],
      },
      { row: 3, cells: ['2', '', 'Ольга', 'Петрова', '', '', '89167654321', '', 'olga@yandex.ru', '', 'Петрова & партнёры'] },
      { row: 4, cells: ['3', 'г-н', 'Пётр', 'Сидоров', '', '31.12.1978', '', '8 (499) 555-66-77', '', 'Ёлка «VIP»\u00a0клиент', ''] },
    ]);
    expect(warnings).toEqual([]);
  });

  it('picks the table whose header the mapping names, with merged cells as Excel leaves them', async () => {
    const { table, rows } = await readAll(fixture('report-tables.html'), { expectedHeaders: ['ФИО', 'Телефон'] });
    expect(table.info).toMatchObject({ format: 'html', encoding: 'utf-8', sheet: 'table 2', headerRow: 1, headers: ['Отдел', 'ФИО', 'Телефон', 'Примечание'] });
    expect(rows).toEqual([
      { row: 2, cells: ['Продажи', 'Иванов Иван', '+7 916 123-45-67', 'раб. доб. 12'] },
      // The rowspan above covers the first cell of this row.
      { row: 3, cells: ['', 'Петрова Ольга', '89167654321', ''] },
      { row: 4, cells: ['Без отдела: Сидоров', '', '9031234567', 'a < b № 5'] },
      // Row 5 is empty; the last row relies on implied end tags.
      { row: 6, cells: ['Склад', 'Кузнецова Анна', '79261112233', 'последняя'] },
    ]);
  });

  it.each([
    ['utf-16le', 'with'],
    ['utf-16be', 'with'],
    ['utf-16le', 'without'],
    ['utf-16be', 'without'],
  ])('reads a %s page %s a BOM (Excel\'s "Web page" in Unicode; other Windows tools write none) as its UTF-8 twin', async (encoding, bom) => {
    const options = { expectedHeaders: ['ФИО', 'Телефон'] };
    const utf8 = await readAll(fixture('report-tables.html'), options);
    const { table, rows } = await readAll(fixture(`report-tables-${encoding.replace('-', '')}${bom === 'with' ? '' : '-nobom'}.html`), options);
    expect(table.info).toMatchObject({ format: 'html', encoding, sheet: 'table 2', headers: utf8.table.info.headers });
    expect(rows).toEqual(utf8.rows);
  });

  it('takes the first table without expectations, and a table by number', async () => {
    const first = await readAll(fixture('report-tables.html'));
    expect(first.table.info).toMatchObject({ sheet: 'table 1', headers: ['Итого', ''] });
    expect(first.rows).toEqual([{ row: 2, cells: ['Контактов', '4'] }]);
    const second = await readAll(fixture('report-tables.html'), { sheet: '2' });
    expect(second.rows).toHaveLength(4);
  });

  it('names the tables there are when the wanted one is missing', async () => {
    const error = await readFailure(fixture('report-tables.html'), { sheet: '3' });
    expect(error).toBeInstanceOf(ReadError);
    expect(error).toMatchObject({ code: 'ERR_READ_SHEET_NOT_FOUND', message: expect.stringContaining('no table "3"; the file has tables "table 1", "table 2"') });
  });

  it('says which tables lack the header the mapping needs', async () => {
    const error = await readFailure(fixture('bitrix-contacts.xls'), { expectedHeaders: ['Телефон'] });
    expect(error).toMatchObject({ code: 'ERR_READ_NO_HEADER', message: expect.stringContaining('no header row with "Телефон" in the first 20 rows of table "table 1"') });
  });
});
