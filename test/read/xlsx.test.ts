import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReadError, openTable, type SourceRow } from '../../src/read/index.js';
import { fixture, readAll, readFailure, sample } from './helpers.js';

const day = (year: number, month: number, date: number): Date => new Date(Date.UTC(year, month - 1, date));
const CONTACT_HEADERS = ['ФИО', 'Мобильный', 'Доп. телефон', 'Почта', 'День рождения', 'Группа', 'Код клиента'];

/** The first data rows every contacts-sheet fixture shares (row 3 is the header). */
const FIRST_CONTACTS: SourceRow[] = [
  { row: 4, cells: ['Иванов Иван Иванович', '79161234567', '8 (495) 123-45-67 доб. 12', 'ivanov@mail.ru', day(1985, 5, 7), 'VIP', 'C-0001'] },
  // Rich-text name, a mailto: hyperlink, an empty middle cell.
  { row: 5, cells: ['Петрова Ольга Сергеевна', '79167654321', '', 'olga.petrova@yandex.ru', day(1990, 11, 23), 'Клиенты', 'C-0002'] },
  // Text where the rest of the column holds numbers and dates.
  { row: 6, cells: ['Сидоров Пётр', '8 (903) 123-45-67', '+7 926 444 55 66', 'SIDOROV@GMAIL.COM', '31.02.1978', 'Клиенты', 'C-0003'] },
  { row: 7, cells: ['Кузнецова Анна', '9261112233', '', ' anna.k@inbox.ru ', day(1992, 3, 12), 'VIP, Клиенты', 'C-0004'] },
];

describe('XLSX sample', () => {
  it('finds the header below a merged title and reads cells as Excel shows them', async () => {
    const { table, rows, warnings } = await readAll(sample('contacts.xlsx'), { expectedHeaders: ['ФИО', 'Мобильный', 'почта'] });
    expect(table.info).toEqual({ file: sample('contacts.xlsx'), format: 'xlsx', sheet: 'Клиенты', headerRow: 3, headers: CONTACT_HEADERS });
    expect(rows.slice(0, 4)).toEqual(FIRST_CONTACTS);
    // Row 8 is blank and skipped.
    expect(rows[4]).toEqual({ row: 9, cells: ['Смирнов Алексей', '12345', '', 'smirnov@', day(1979, 2, 28), 'Клиенты', 'C-0006'] });
    expect(rows.find((row) => row.cells[0] === "'=Фёдоров Николай")?.cells[1]).toBe('89161230001');
    expect(rows.find((row) => row.cells[0] === 'Алексеева Светлана')?.cells[1]).toBe('375291234567');
    expect(rows).toHaveLength(19);
    expect(rows.at(-1)).toEqual({ row: 23, cells: ['Андреев Константин', '79167654321', '', 'andreev@mail.ru', day(1977, 5, 18), 'Клиенты', 'C-0020'] });
    expect(warnings).toEqual([]);
  });

  it('returns dates as UTC midnight of the calendar day', async () => {
    const { rows } = await readAll(sample('contacts.xlsx'), { expectedHeaders: ['ФИО'] });
    const birthday = rows[0]?.cells[4];
    expect(birthday).toBeInstanceOf(Date);
    expect((birthday as Date).getTime()).toBe(Date.UTC(1985, 4, 7));
  });

  it('uses the forced header row and, without expectations, the first non-blank row', async () => {
    const forced = await readAll(sample('contacts.xlsx'), { headerRow: 3 });
    expect(forced.table.info.headers).toEqual(CONTACT_HEADERS);
    expect(forced.rows[0]).toEqual(FIRST_CONTACTS[0]);
    const first = await readAll(sample('contacts.xlsx'));
    expect(first.table.info).toMatchObject({ headerRow: 1, headers: ['Клиенты на 01.11.2026'] });
  });
});

describe('XLSX cells', () => {
  it('reads dates of a workbook on the 1904 date system', async () => {
    const { rows } = await readAll(fixture('date1904.xlsx'), { expectedHeaders: ['ФИО'] });
    expect(rows).toEqual([{ row: 4, cells: ['Иванов Иван', '79161234567', '', 'ivanov@mail.ru', day(1985, 5, 7), 'VIP', 'C-0001'] }]);
  });

  it('reads error cells as empty with a warning naming the column; booleans, decimals, dated formulas', async () => {
    // C2 is `=1/0` with the cached error #DIV/0!: a formula's error result is reported like an error cell.
    const { rows, warnings } = await readAll(fixture('error-cells.xlsx'), { expectedHeaders: ['Имя', 'Телефон'] });
    expect(rows).toEqual([
      { row: 2, cells: ['Иванов', '', ''] },
      { row: 3, cells: ['Петров', '79161234568', '1.5'] },
      { row: 4, cells: ['Сидоров', 'TRUE', day(1985, 5, 7)] },
    ]);
    expect(warnings).toEqual([
      { code: 'ERROR_CELL', row: 2, column: 'B', value: '#N/A', message: 'cell B2 of sheet "Лист1" holds an error (#N/A); read as empty' },
      { code: 'ERROR_CELL', row: 2, column: 'C', value: '#DIV/0!', message: 'cell C2 of sheet "Лист1" holds an error (#DIV/0!); read as empty' },
    ]);
  });

  it('reads a multi-sheet workbook the same way every time (exceljs#3064 lost xl/workbook.xml at random)', async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const { table } = await readAll(fixture('multi-sheet.xlsx'), { sheet: 'Архив' });
      expect(table.info.sheet).toBe('Архив');
    }
  });

  it.each(['shared-strings-last.xlsx', 'shared-strings-first.xlsx'])('reads the same cells whatever the ZIP entry order (%s)', async (name) => {
    const { table, rows } = await readAll(fixture(name), { expectedHeaders: ['ФИО'] });
    expect(table.info).toMatchObject({ sheet: 'Клиенты', headerRow: 3, headers: CONTACT_HEADERS });
    expect(rows).toEqual(FIRST_CONTACTS);
  });
});

describe('XLSX sheets', () => {
  it('picks the first sheet whose header matches, passing over an instructions sheet', async () => {
    const { table, rows } = await readAll(fixture('multi-sheet.xlsx'), { expectedHeaders: ['ФИО', 'Мобильный'] });
    expect(table.info).toMatchObject({ sheet: 'Клиенты', headerRow: 3 });
    expect(rows.map((row) => row.cells[0])).toEqual(['Иванов Иван']);
  });

  it('without expectations reads the first visible sheet', async () => {
    const { table, rows } = await readAll(fixture('multi-sheet.xlsx'));
    expect(table.info).toMatchObject({ sheet: 'Инструкция', headerRow: 1, headers: ['Заполните лист «Клиенты»'] });
    expect(rows).toEqual([{ row: 2, cells: ['Телефоны — в любом формате'] }]);
  });

  it('selects a sheet by name (even a hidden one) or by 1-based number', async () => {
    const archive = await readAll(fixture('multi-sheet.xlsx'), { sheet: 'Архив', expectedHeaders: ['ФИО'] });
    expect(archive.table.info.sheet).toBe('Архив');
    expect(archive.rows.map((row) => row.cells.slice(0, 2))).toEqual([['Архивный Контакт', '79160000000']]);
    const second = await readAll(fixture('multi-sheet.xlsx'), { sheet: '2', expectedHeaders: ['ФИО'] });
    expect(second.table.info.sheet).toBe('Клиенты');
  });

  it('lists the sheet names when the sheet is unknown', async () => {
    for (const sheet of ['Контакты', '9']) {
      const error = await readFailure(fixture('multi-sheet.xlsx'), { sheet });
      expect(error).toBeInstanceOf(ReadError);
      expect(error).toMatchObject({ code: 'ERR_READ_SHEET_NOT_FOUND' });
      expect((error as ReadError).message).toContain(`no sheet "${sheet}"; the workbook has sheets "Инструкция", "Клиенты", "Архив"`);
    }
  });

  it('explains per sheet why no header was found', async () => {
    const error = await readFailure(fixture('multi-sheet.xlsx'), { expectedHeaders: ['Телефон'] });
    expect(error).toMatchObject({ code: 'ERR_READ_NO_HEADER' });
    const message = (error as ReadError).message;
    expect(message).toContain('no header row with "Телефон" in the first 20 rows of sheet "Инструкция"');
    expect(message).toContain('of sheet "Клиенты"; found row 1: Клиенты на 01.11.2026; row 3: ФИО | Мобильный');
  });

  it('reports a sheet asked for whose header is missing, without trying other sheets', async () => {
    const error = await readFailure(fixture('multi-sheet.xlsx'), { sheet: 'Инструкция', expectedHeaders: ['ФИО'] });
    expect(error).toMatchObject({ code: 'ERR_READ_NO_HEADER', message: expect.stringContaining('sheet "Инструкция"') });
  });
});

describe('damaged workbooks', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'smsc-etl-read-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('rejects the truncated fixture with ERR_READ_CORRUPT', async () => {
    const error = await readFailure(fixture('truncated.xlsx'));
    expect(error).toBeInstanceOf(ReadError);
    expect(error).toMatchObject({ code: 'ERR_READ_CORRUPT', exitCode: 2 });
    expect((error as ReadError).message).toBe(`${fixture('truncated.xlsx')}: cannot read the .xlsx: the file ends early (an interrupted download or copy?)`);
  });

  it('rejects the workbook cut at any point with ERR_READ_CORRUPT (the ZIP directory is at its end)', async () => {
    const whole = readFileSync(sample('contacts.xlsx'));
    for (const length of [8, 30, 100, 1000, Math.floor(whole.length / 2), whole.length - 30, whole.length - 1]) {
      const file = join(scratch, `cut-${length}.xlsx`);
      writeFileSync(file, whole.subarray(0, length));
      const error = await readFailure(file, { expectedHeaders: ['ФИО'] });
      expect(error, `cut at ${length}`).toBeInstanceOf(ReadError);
      expect((error as ReadError).code, `cut at ${length}: ${(error as ReadError).message}`).toBe('ERR_READ_CORRUPT');
    }
  });

  it('rejects a sheet whose compressed data is damaged with ERR_READ_CORRUPT', async () => {
    const damaged = Buffer.from(readFileSync(sample('contacts.xlsx')));
    const sheetAt = damaged.indexOf('xl/worksheets/sheet1.xml', 0, 'latin1');
    for (let index = sheetAt + 40; index < sheetAt + 400; index++) damaged[index] = ((damaged[index] ?? 0) * 7 + 13) & 0xff;
    const file = join(scratch, 'damaged.xlsx');
    writeFileSync(file, damaged);
    const error = await readFailure(file, { expectedHeaders: ['ФИО'] });
    expect(error).toBeInstanceOf(ReadError);
    expect(error).toMatchObject({ code: 'ERR_READ_CORRUPT', message: expect.stringContaining(`${file}: cannot read the .xlsx: the workbook is damaged (`) });
  });

  it('rejects a ZIP that holds no workbook', async () => {
    const file = join(scratch, 'not-a-workbook.xlsx');
    const whole = readFileSync(sample('contacts.xlsx'));
    // Renaming the entry in both the local header and the central directory keeps the ZIP valid.
    writeFileSync(file, Buffer.from(whole.toString('latin1').replaceAll('xl/workbook.xml', 'xl/workbook.xmz'), 'latin1'));
    await expect(readFailure(file)).resolves.toMatchObject({ code: 'ERR_READ_NOT_XLSX' });
  });

  it('reads a workbook renamed to .csv as XLSX, by content', async () => {
    const file = join(scratch, 'contacts.csv');
    writeFileSync(file, readFileSync(sample('contacts.xlsx')));
    const { table, rows } = await readAll(file, { expectedHeaders: ['ФИО'] });
    expect(table.info).toMatchObject({ format: 'xlsx', sheet: 'Клиенты', headerRow: 3 });
    expect(rows[0]).toEqual(FIRST_CONTACTS[0]);
  });

  it('refuses an old .xls by its signature', async () => {
    const file = join(scratch, 'old.xls');
    writeFileSync(file, Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]));
    await expect(readFailure(file)).resolves.toMatchObject({ code: 'ERR_READ_NOT_XLSX', message: expect.stringContaining('.xls') });
  });
});

describe('stopping early', () => {
  it('lets the caller stop after the first row', async () => {
    const table = await openTable(sample('contacts.xlsx'), { expectedHeaders: ['ФИО'] });
    const seen: number[] = [];
    for await (const row of table.rows) {
      seen.push(row.row);
      break;
    }
    expect(seen).toEqual([4]);
  });
});
