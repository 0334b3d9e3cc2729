import { describe, expect, it } from 'vitest';
import { ReadError, openTable, type ReadWarning } from '../../src/read/index.js';
import { fixture, readAll, readFailure, sample } from './helpers.js';

describe('CSV samples', () => {
  it('reads a Russian Excel export: Windows-1251, `;`, CRLF, a quoted `;`, a blank row skipped', async () => {
    const { table, rows, warnings } = await readAll(sample('contacts-excel-ru.csv'), {
      expectedHeaders: ['Фамилия', 'Телефон', 'e-mail'],
    });
    expect(table.info).toEqual({
      file: sample('contacts-excel-ru.csv'),
      format: 'csv',
      encoding: 'windows-1251',
      bom: false,
      delimiter: ';',
      headerRow: 1,
      headers: ['Фамилия', 'Имя', 'Отчество', 'Телефон', 'E-mail', 'Дата рождения', 'Группа', 'Комментарий'],
    });
    expect(rows).toHaveLength(23);
    expect(rows[0]).toEqual({ row: 2, cells: ['Иванов', 'Иван', 'Иванович', '8 (916) 123-45-67', 'ivanov@mail.ru', '07.05.1985', 'VIP', ''] });
    expect(rows[2]?.cells[7]).toBe('Звонить после 18:00; не в выходные');
    expect(rows[5]?.cells[3]).toBe('8-903-111-22-33; 8 926 444 55 66');
    // Line 9 is `;;;;;;;`: skipped, and the numbering goes on from the file's lines.
    expect(rows.map((row) => row.row).slice(6, 9)).toEqual([8, 10, 11]);
    expect(rows.find((row) => row.cells[0] === "'=Фёдоров")?.row).toBe(13);
    expect(rows.at(-1)?.row).toBe(25);
    expect(warnings).toEqual([]);
  });

  it('reads a UTF-8 CRM export with an embedded newline and doubled quotes, numbering by first line', async () => {
    const { table, rows, warnings } = await readAll(sample('contacts-utf8.csv'));
    expect(table.info).toMatchObject({ encoding: 'utf-8', bom: false, delimiter: ',', headerRow: 1 });
    expect(table.info.headers).toEqual(['name', 'phone', 'email', 'birthday', 'group', 'tags', 'customer_id']);
    expect(rows[2]).toEqual({
      row: 4,
      cells: ['ООО "Ромашка"\nотдел закупок', '8 (499) 123-45-67 доб. 12', 'zakupki@romashka.ru', '', 'Партнёры', 'опт', 'C-0003'],
    });
    expect(rows[3]).toEqual({ row: 6, cells: ['Сидоров Пётр', '+7 905 123-45-67; +7 927 444-55-66', 'SIDOROV@GMAIL.COM', '31.02.1978', 'Клиенты', '', 'C-0004'] });
    // Line 8 is empty.
    expect(rows.slice(4, 6).map((row) => row.row)).toEqual([7, 9]);
    expect(rows).toHaveLength(20);
    expect(rows.at(-1)).toEqual({ row: 23, cells: ['Андреев Константин', '+7 (917) 123-00-11', 'andreev@mail.ru', '18.05.1977', 'Клиенты', '', 'C-0020'] });
    expect(warnings).toEqual([]);
  });
});

describe('CSV encodings', () => {
  it('decodes UTF-8 with BOM without hiding the first header', async () => {
    const { table, rows } = await readAll(fixture('utf8-bom.csv'), { expectedHeaders: ['Имя'] });
    expect(table.info).toMatchObject({ encoding: 'utf-8', bom: true, delimiter: ',', headers: ['Имя', 'Телефон', 'E-mail'] });
    expect(rows).toEqual([{ row: 2, cells: ['Иванов', '89161234567', 'ivanov@mail.ru'] }]);
  });

  it('decodes Excel "Unicode text": UTF-16LE with BOM and TAB', async () => {
    const { table, rows } = await readAll(fixture('unicode-text.txt'), { expectedHeaders: ['Телефон'] });
    expect(table.info).toMatchObject({ encoding: 'utf-16le', bom: true, delimiter: '\t', headers: ['Фамилия', 'Имя', 'Телефон'] });
    expect(rows).toEqual([
      { row: 2, cells: ['Иванов', 'Иван', '+7 916 123-45-67'] },
      { row: 3, cells: ['Петрова', 'Ольга', '89167654321'] },
    ]);
  });

  it('decodes UTF-16BE with BOM and UTF-16LE without one', async () => {
    const be = await readAll(fixture('utf16be-bom.csv'));
    expect(be.table.info).toMatchObject({ encoding: 'utf-16be', delimiter: ';', headers: ['Фамилия', 'Телефон'] });
    expect(be.rows).toEqual([{ row: 2, cells: ['Иванов', '79161234567'] }]);
    const le = await readAll(fixture('utf16le-nobom.txt'));
    expect(le.table.info).toMatchObject({ encoding: 'utf-16le', bom: false, delimiter: '\t', headers: ['Фамилия', 'Телефон'] });
    expect(le.rows).toEqual([{ row: 2, cells: ['Иванов', '79161234567'] }]);
  });

  it('reads bytes that are not UTF-8 as Windows-1251, including Ё and Щ', async () => {
    const { table, rows } = await readAll(fixture('cp1251.csv'));
    expect(table.info).toMatchObject({ encoding: 'windows-1251', delimiter: ';', headers: ['Фамилия', 'Имя', 'Телефон'] });
    expect(rows.map((row) => row.cells[0])).toEqual(['Ёлкин', 'Щукина']);
  });

  it('honours a forced encoding', async () => {
    const { table, rows } = await readAll(fixture('cp1251.csv'), { encoding: 'koi8-r' });
    expect(table.info.encoding).toBe('koi8-r');
    expect(rows[0]?.cells[0]).not.toBe('Ёлкин');
  });

  it('rejects an unknown forced encoding', async () => {
    const error = await readFailure(fixture('cp1251.csv'), { encoding: 'cp-nonsense' });
    expect(error).toBeInstanceOf(ReadError);
    expect(error).toMatchObject({ code: 'ERR_READ_BAD_ENCODING', message: expect.stringContaining('"cp-nonsense"') });
  });

  it('reads a Windows-1251 row after 64 KB of UTF-8 as Windows-1251, with a warning naming the row', async () => {
    const { table, rows, warnings } = await readAll(fixture('late-cp1251.csv'));
    expect(table.info.encoding).toBe('utf-8');
    expect(rows).toHaveLength(2001);
    expect(rows.at(-1)).toEqual({ row: 2002, cells: ['Ёлкин', 'конец'] });
    expect(warnings).toEqual([
      {
        code: 'NOT_UTF8',
        row: 2002,
        column: 'A',
        value: 'Ёлкин конец',
        message: 'row 2002: not UTF-8, read as Windows-1251: "Ёлкин" (bytes A8 EB EA E8 ED), "конец" (bytes EA EE ED E5 F6)',
      },
    ]);
  });
});

describe('CSV delimiters and structure', () => {
  it('follows an Excel `sep=;` line and numbers rows from the file lines', async () => {
    const { table, rows } = await readAll(fixture('sep-directive.csv'));
    expect(table.info).toMatchObject({ delimiter: ';', headerRow: 2, headers: ['ФИО', 'Телефон'] });
    expect(rows).toEqual([
      { row: 3, cells: ['Иванов, Иван', '89161234567'] },
      { row: 4, cells: ['Петрова, Ольга, С.', '89167654321'] },
    ]);
  });

  it('sniffs a pipe delimiter, ignoring commas and semicolons inside the text', async () => {
    const { table, rows } = await readAll(fixture('pipe.csv'));
    expect(table.info.delimiter).toBe('|');
    expect(rows).toEqual([
      { row: 2, cells: ['Иванов', '89161234567', 'звонить, после 18:00; срочно'] },
      { row: 3, cells: ['Петров', '89161234568', ''] },
    ]);
  });

  it('lets the delimiter option override the sniffed one (`tab` is accepted for TAB)', async () => {
    const { table, rows } = await readAll(fixture('pipe.csv'), { delimiter: ',' });
    expect(table.info.delimiter).toBe(',');
    expect(table.info.headers).toEqual(['name|phone|comment']);
    expect(rows[0]?.cells).toEqual(['Иванов|89161234567|звонить', ' после 18:00; срочно']);
    const tab = await readAll(fixture('unicode-text.txt'), { delimiter: 'tab' });
    expect(tab.table.info.delimiter).toBe('\t');
  });

  it('reports ragged rows and still yields them; trailing empty cells are not ragged', async () => {
    const { rows, warnings } = await readAll(fixture('ragged.csv'));
    expect(rows.map((row) => row.cells)).toEqual([
      ['Иванов', '89161234567', 'ivanov@mail.ru'],
      ['Петров', '89161234568'],
      ['Сидоров', '89161234569', 'sidorov@mail.ru', 'лишнее'],
      ['Козлов', '89161234570', 'kozlov@mail.ru', ''],
      ['Орлов', '89161234571', 'orlov@mail.ru'],
    ]);
    expect(warnings).toEqual([
      { code: 'RAGGED_ROW', row: 3, message: 'row 3 has 2 cells, the header has 3' },
      { code: 'RAGGED_ROW', row: 4, message: 'row 4 has 4 cells, the header has 3' },
    ]);
  });

  it('names the line where an unclosed quote opened, after yielding the rows before it', async () => {
    const warnings: ReadWarning[] = [];
    const seen: number[] = [];
    const table = await openTable(fixture('unterminated-quote.csv'), { onWarning: (warning) => warnings.push(warning) });
    let failure: unknown;
    try {
      for await (const row of table.rows) seen.push(row.row);
    } catch (error) {
      failure = error;
    }
    // Lines 3–4 hold one properly quoted two-line record; the unclosed quote opens on line 6.
    expect(seen).toEqual([2, 3, 5]);
    expect(warnings).toEqual([]);
    expect(failure).toBeInstanceOf(ReadError);
    expect(failure).toMatchObject({ code: 'ERR_READ_UNTERMINATED_QUOTE', row: 6 });
    expect((failure as ReadError).message).toMatch(/unterminated-quote\.csv, row 6: a quote opens here and never closes/);
  });

  it('names that line too when the rows are taken slowly (the parser fails while rows still wait in its buffer)', async () => {
    const table = await openTable(fixture('unterminated-quote.csv'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const failure = await (async () => {
      for await (const _row of table.rows) await new Promise((resolve) => setTimeout(resolve, 10));
    })().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'ERR_READ_UNTERMINATED_QUOTE', row: 6 });
  });
});

describe('CSV header row', () => {
  it('skips title rows and matches headers trimmed and case-insensitively', async () => {
    const { table, rows } = await readAll(fixture('title-rows.csv'), { expectedHeaders: ['фамилия', 'ТЕЛЕФОН'] });
    expect(table.info).toMatchObject({ headerRow: 4, headers: ['Телефон', 'ФАМИЛИЯ', 'E-mail'] });
    expect(rows).toEqual([{ row: 5, cells: ['89161234567', 'Иванов', 'ivanov@mail.ru'] }]);
  });

  it('takes the first non-blank row when nothing is expected, and a forced header row', async () => {
    const first = await readAll(fixture('title-rows.csv'));
    expect(first.table.info).toMatchObject({ headerRow: 1, headers: ['Выгрузка из CRM', '', ''] });
    const forced = await readAll(fixture('title-rows.csv'), { headerRow: 4 });
    expect(forced.table.info.headers).toEqual(['Телефон', 'ФАМИЛИЯ', 'E-mail']);
    expect(forced.rows.map((row) => row.row)).toEqual([5]);
  });

  it('explains a missing header with what was expected and what the file starts with', async () => {
    const error = await readFailure(fixture('title-rows.csv'), { expectedHeaders: ['Фамилия', 'Отчество'] });
    expect(error).toMatchObject({ code: 'ERR_READ_NO_HEADER' });
    const message = (error as ReadError).message;
    expect(message).toContain('title-rows.csv: no header row with "Фамилия", "Отчество" in the first 20 rows');
    expect(message).toContain('row 1: Выгрузка из CRM');
    expect(message).toContain('row 4: Телефон | ФАМИЛИЯ | E-mail');
  });

  it('rejects a forced header row that is blank or beyond the file', async () => {
    await expect(readFailure(fixture('title-rows.csv'), { headerRow: 3 })).resolves.toMatchObject({ code: 'ERR_READ_NO_HEADER', message: expect.stringContaining('header row 3') });
    await expect(readFailure(fixture('title-rows.csv'), { headerRow: 99 })).resolves.toMatchObject({ code: 'ERR_READ_NO_HEADER' });
  });

  it('rejects invalid options before reading', async () => {
    await expect(readFailure(fixture('title-rows.csv'), { headerRow: 0 })).resolves.toMatchObject({ code: 'ERR_READ_INVALID_OPTION' });
    await expect(readFailure(fixture('title-rows.csv'), { headerRow: 1.5 })).resolves.toMatchObject({ code: 'ERR_READ_INVALID_OPTION' });
    await expect(readFailure(fixture('title-rows.csv'), { delimiter: '' })).resolves.toMatchObject({ code: 'ERR_READ_INVALID_OPTION' });
  });

  it('yields no rows and no error for a header-only file', async () => {
    const { table, rows } = await readAll(fixture('header-only.csv'));
    expect(table.info.headers).toEqual(['Имя', 'Телефон', 'E-mail']);
    expect(rows).toEqual([]);
  });
});

describe('unusable files', () => {
  it.each([
    ['empty.csv', 'ERR_READ_EMPTY', 'the file is empty'],
    ['blank-lines.csv', 'ERR_READ_EMPTY', 'only blank lines'],
    ['garbage.csv', 'ERR_READ_UNREADABLE', 'not a text file: binary data'],
    ['noise.csv', 'ERR_READ_UNREADABLE', 'control characters'],
    ['does-not-exist.csv', 'ERR_READ_UNREADABLE', 'no such file'],
  ])('%s → %s', async (name, code, text) => {
    const error = await readFailure(fixture(name));
    expect(error).toBeInstanceOf(ReadError);
    expect(error).toMatchObject({ code, file: fixture(name), exitCode: 2 });
    expect((error as ReadError).message).toContain(`${fixture(name)}: `);
    expect((error as ReadError).message).toContain(text);
  });

  it('reads a CSV renamed to .xlsx as CSV, by content', async () => {
    const { table, rows } = await readAll(fixture('csv-renamed.xlsx'));
    expect(table.info).toMatchObject({ format: 'csv', delimiter: ',', headers: ['Имя', 'Телефон'] });
    expect(rows).toEqual([{ row: 2, cells: ['Иванов', '89161234567'] }]);
  });
});

describe('stopping early', () => {
  it('lets the caller stop after the first row of a large file', async () => {
    const table = await openTable(fixture('late-cp1251.csv'), { encoding: 'utf-8' });
    const seen: number[] = [];
    for await (const row of table.rows) {
      seen.push(row.row);
      break;
    }
    expect(seen).toEqual([2]);
  });
});
