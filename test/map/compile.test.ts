import { describe, expect, it } from 'vitest';
import { compileMapping, referencedHeaders } from '../../src/map/compile.js';
import { MappingError } from '../../src/map/errors.js';
import { parseMapping } from '../../src/map/load.js';
import type { TableInfo } from '../../src/read/types.js';

const EXCEL_RU_HEADERS = ['Фамилия', 'Имя', 'Отчество', 'Телефон', 'E-mail', 'Дата рождения', 'Группа', 'Комментарий'];

function table(headers: string[]): TableInfo {
  return { file: 'contacts.csv', format: 'csv', headerRow: 1, headers };
}

function mapper(fields: Record<string, unknown>, headers: string[]) {
  return compileMapping(parseMapping({ fields }, 'test-mapping'), table(headers));
}

describe('compileMapping: column references', () => {
  const row = { row: 2, cells: ['Иванов', 'Иван', 'Иванович', '8 916 123-45-67', 'IVAN@MAIL.RU', new Date(Date.UTC(1985, 0, 1)), 'VIP', ''] };

  it('finds columns by header text ignoring case and extra whitespace', () => {
    const map = mapper({ phone: 'телефон', mail: '  e-mail ', bd: 'Дата   рождения' }, EXCEL_RU_HEADERS);
    expect(map(row)).toEqual({ row: 2, values: { phone: '8 916 123-45-67', mail: 'IVAN@MAIL.RU', bd: new Date(Date.UTC(1985, 0, 1)) } });
  });

  it('finds columns by Excel letter and by 1-based number (also as a digit string)', () => {
    const map = mapper({ phone: 'D', lnm: 1, fnm: '2', cmt: 'H' }, EXCEL_RU_HEADERS);
    expect(map(row).values).toEqual({ phone: '8 916 123-45-67', lnm: 'Иванов', fnm: 'Иван', cmt: '' });
  });

  it('prefers a header literally named like a letter over the letter', () => {
    const map = mapper({ phone: 'B', name: 'A' }, ['A', 'C', 'B']);
    expect(map({ row: 5, cells: ['first', 'second', 'third'] }).values).toEqual({ phone: 'third', name: 'first' });
  });

  it('joins several columns with one space, skipping empty parts', () => {
    const map = mapper({ phone: 'Телефон', name: ['Фамилия', 'Комментарий', 'Имя'] }, EXCEL_RU_HEADERS);
    expect(map(row).values.name).toBe('Иванов Иван');
  });

  it('formats a date cell inside a join as dd.mm.yyyy', () => {
    const map = mapper({ phone: 'Телефон', cmt: ['Группа', 'Дата рождения'] }, EXCEL_RU_HEADERS);
    expect(map(row).values.cmt).toBe('VIP 01.01.1985');
  });

  it('joins list fields with a comma, and uses the separator of the object form', () => {
    const map = mapper({ phone: ['Телефон', 'E-mail'], cmt: { column: ['Имя', 'Отчество'], separator: ' / ' } }, EXCEL_RU_HEADERS);
    expect(map(row).values).toEqual({ phone: '8 916 123-45-67,IVAN@MAIL.RU', cmt: 'Иван / Иванович' });
  });

  it('gives every row the constant of a constant field', () => {
    const map = mapper({ phone: 'Телефон', tags: { const: 'import-2026' } }, EXCEL_RU_HEADERS);
    expect(map(row).values.tags).toBe('import-2026');
    expect(map({ row: 3, cells: [] }).values).toEqual({ phone: '', tags: 'import-2026' });
  });
});

describe('compileMapping: missing columns', () => {
  function columnError(fields: Record<string, unknown>, headers: string[]): MappingError {
    try {
      mapper(fields, headers);
    } catch (error) {
      expect(error).toBeInstanceOf(MappingError);
      return error as MappingError;
    }
    throw new Error('expected ERR_MAPPING_COLUMN');
  }

  it('names the reference, the field, a likely header and every header of the file', () => {
    const error = columnError({ phone: 'Телефн', name: 'ФИО' }, EXCEL_RU_HEADERS);
    expect(error.code).toBe('ERR_MAPPING_COLUMN');
    expect(error.exitCode).toBe(2);
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toBe(
      'contacts.csv: column «Телефн» of field phone not found (did you mean «Телефон»?); the file\'s 8 columns are: 1 «Фамилия», 2 «Имя», 3 «Отчество», 4 «Телефон», 5 «E-mail», 6 «Дата рождения», 7 «Группа», 8 «Комментарий»',
    );
    expect(error.problems[1]).toMatch(/^contacts\.csv: column «ФИО» of field name not found; the file's 8 columns/);
  });

  it('refuses a header the mapping names that occurs twice, naming its columns and how to pick one', () => {
    const headers = ['Телефон', 'Фамилия', 'Имя', 'Телефон', 'E-mail'];
    const error = columnError({ phone: 'телефон', name: ['Фамилия', 'Имя'], pho: { column: ['Телефон', 'E-mail'] } }, headers);
    expect(error.code).toBe('ERR_MAPPING_COLUMN');
    expect(error.problems).toEqual([
      'contacts.csv: header «телефон» of field phone occurs 2 times, in columns A (1), D (4); pick one in the mapping by its letter: "phone": "A" or "phone": "D"',
      'contacts.csv: header «Телефон» of field pho occurs 2 times, in columns A (1), D (4); pick one in the mapping by its letter: "pho": {"column":["A","E-mail"]} or "pho": {"column":["D","E-mail"]}',
    ]);
    expect(mapper({ phone: 'D', name: ['Фамилия', 'Имя'] }, headers)({ row: 2, cells: ['79161111111', 'Петров', 'Иван', '74951234567', ''] }).values.phone).toBe('74951234567');
  });

  it('rejects letters and numbers beyond the last column', () => {
    const error = columnError({ phone: 'Z', name: 9 }, EXCEL_RU_HEADERS);
    expect(error.problems.map((line) => line.split(' not found')[0])).toEqual(['contacts.csv: column «Z» of field phone', 'contacts.csv: column «9» of field name']);
  });
});

describe('referencedHeaders', () => {
  it('lists header texts once, not letters or numbers', () => {
    const mapping = parseMapping({ fields: { phone: 'Телефон', lnm: 'Фамилия', name: ['Фамилия', 'Имя'], cmt: 'H', myid: 3, tags: { const: 'x' }, bd: { column: ' Дата рождения ' } } }, 'm');
    expect(referencedHeaders(mapping).sort()).toEqual(['Дата рождения', 'Имя', 'Телефон', 'Фамилия'].sort());
  });
});
