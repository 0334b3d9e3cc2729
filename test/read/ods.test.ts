import { describe, expect, it } from 'vitest';
import { fixture, readAll, readFailure } from './helpers.js';

const utcDay = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day));

describe('ODS', () => {
  it('reads a LibreOffice .ods: the sheet with the header, typed cells, padding rows and cells clipped', async () => {
    const { table, rows, warnings } = await readAll(fixture('contacts-libreoffice.ods'), { expectedHeaders: ['ФИО', 'Телефон'] });
    expect(table.info).toEqual({
      file: fixture('contacts-libreoffice.ods'),
      format: 'ods',
      sheet: 'Клиенты',
      headerRow: 3,
      headers: ['ФИО', 'Телефон', 'Дата рождения', 'VIP', 'Баланс', 'Код'],
    });
    expect(rows).toEqual([
      { row: 4, cells: ['Иванов Иван', '79161234567', utcDay(1985, 5, 7), 'TRUE', '1500.5'] },
      { row: 5, cells: ['Петрова Ольга\nСергеевна', '8 (916) 765-43-21', utcDay(1990, 11, 23), 'FALSE', '0', 'A-2'] },
      { row: 6, cells: ['Сидоров Пётр', '79031234567', '', '', '', 'A-3'] },
      { row: 7, cells: ['Сидоров Пётр', '79031234567', '', '', '', 'A-3'] },
      { row: 9, cells: ['Кузнецова Анна', '79261112233', utcDay(1992, 3, 12), '', '-20', '', '', '', 'заметка в I'] },
    ]);
    expect(warnings).toEqual([
      { code: 'ERROR_CELL', row: 4, column: 'F', value: '#DIV/0!', message: 'cell F4 of sheet "Клиенты" holds an error (#DIV/0!); read as empty' },
    ]);
  });

  it('takes the first sheet without expectations, and names the sheets when the wanted one is missing', async () => {
    const first = await readAll(fixture('contacts-libreoffice.ods'));
    expect(first.table.info).toMatchObject({ sheet: 'Сводка', headers: ['Отчёт', 'ноябрь 2026'] });
    expect(first.rows).toEqual([]);
    const error = await readFailure(fixture('contacts-libreoffice.ods'), { sheet: 'Лист1' });
    expect(error).toMatchObject({ code: 'ERR_READ_SHEET_NOT_FOUND', message: expect.stringContaining('no sheet "Лист1"; the file has sheets "Сводка", "Клиенты"') });
  });
});

describe('ODS repeats', () => {
  it('skips a hidden sheet unless it is asked for', async () => {
    const hidden = await readAll(fixture('repeats.ods'), { sheet: 'Служебный' });
    expect(hidden.table.info).toMatchObject({ sheet: 'Служебный', headers: ['Имя', 'Телефон'] });
    expect(hidden.rows).toEqual([{ row: 2, cells: ['скрытый', '1'] }]);
  });

  it('repeats rows and cells with content, clips padding, and skips annotations (the hidden first sheet passed over)', async () => {
    const { table, rows, warnings } = await readAll(fixture('repeats.ods'));
    expect(table.info).toMatchObject({ format: 'ods', sheet: 'Лист1', headerRow: 1, headers: ['Имя', 'Телефон', 'Группа', 'Сайт'] });
    expect(rows).toEqual([
      { row: 2, cells: ['Аноним', '79160000000', '—', '—'] },
      { row: 3, cells: ['Аноним', '79160000000', '—', '—'] },
      { row: 4, cells: ['Аноним', '79160000000', '—', '—'] },
      { row: 5, cells: ['Иван  Иванов', '8 916 123-45-67', '', 'example.ru'] },
    ]);
    expect(warnings).toEqual([
      { code: 'RAGGED_ROW', row: 1048576, message: 'row 1048576 of sheet "Лист1" has values beyond column 16384 (XFD), the last a spreadsheet can have: ignored' },
    ]);
  });
});
