import { describe, expect, it } from 'vitest';
import { cellValue, numberText } from '../../src/read/xlsx-cells.js';

describe('numberText', () => {
  it.each([
    [79161234567, '79161234567'],
    [9161234567, '9161234567'],
    [1.5, '1.5'],
    [0.1 + 0.2, '0.3'],
    [-42, '-42'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
  ])('%d → %s', (value, text) => {
    expect(numberText(value)).toBe(text);
  });
});

describe('cellValue', () => {
  it('reads the shapes exceljs gives a cell', () => {
    expect(cellValue(null, undefined, false)).toBe('');
    expect(cellValue(false, undefined, false)).toBe('FALSE');
    expect(cellValue('MAILTO:Ivan@Mail.ru', undefined, false)).toBe('Ivan@Mail.ru');
    expect(cellValue('m', undefined, false)).toBe('m');
    expect(cellValue({ text: 'mailto:ivan@mail.ru', hyperlink: 'mailto:ivan@mail.ru' }, undefined, false)).toBe('ivan@mail.ru');
    expect(cellValue({ richText: [{ text: 'Иванов ' }, { text: 'Иван' }] }, undefined, false)).toBe('Иванов Иван');
    expect(cellValue({ formula: 'A1&""', result: 'Текст' }, undefined, false)).toBe('Текст');
    expect(cellValue({ sharedFormula: 'A1', result: 79161234567 }, '0', false)).toBe('79161234567');
    expect(cellValue({ formula: 'NOW()' }, undefined, false)).toBe('');
    expect(cellValue({ error: '#REF!' }, undefined, false)).toEqual({ error: '#REF!' });
  });

  it('keeps the calendar day of dates, also for formula results and the 1904 system', () => {
    expect(cellValue(new Date(Date.UTC(1985, 4, 7, 18, 30)), 'dd.mm.yyyy hh:mm', false)).toEqual(new Date(Date.UTC(1985, 4, 7)));
    expect(cellValue({ formula: 'DATE(1985,5,7)', result: 31174 }, '[$-419]DD.MM.YYYY', false)).toEqual(new Date(Date.UTC(1985, 4, 7)));
    expect(cellValue({ formula: 'DATE(1985,5,7)', result: 29712 }, 'd mmm yyyy', true)).toEqual(new Date(Date.UTC(1985, 4, 7)));
    expect(cellValue({ formula: 'B1', result: 31174 }, '# ##0" руб."', false)).toBe('31174');
  });
});
