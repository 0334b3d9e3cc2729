import { describe, expect, it } from 'vitest';
import { cellValue, numberText, unescapeText, type RawCell } from '../../src/read/xlsx-cells.js';
import { isDateFormat } from '../../src/read/xlsx-formats.js';

const day = (year: number, month: number, date: number): Date => new Date(Date.UTC(year, month - 1, date));
const context = { sharedStrings: ['Иванов', 'mailto:Ivan@Mail.ru'], date1904: false };
const cell = (type: string | undefined, value: string, extra: Partial<RawCell> = {}): RawCell => ({ type, value, inline: undefined, dated: false, ...extra });

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
  it('reads every cell type as Excel shows it', () => {
    expect(cellValue(cell('s', '0'), context)).toBe('Иванов');
    expect(cellValue(cell('s', '1'), context)).toBe('Ivan@Mail.ru');
    // An empty <v/> in a shared-string cell is an empty cell, not string #0.
    expect(cellValue(cell('s', ''), context)).toBe('');
    expect(cellValue(cell('inlineStr', '', { inline: 'ABC_x000D_\nDEF' }), context)).toBe('ABC\nDEF');
    // A redundant <v> next to the inline string loses to it.
    expect(cellValue(cell('inlineStr', '7', { inline: 'семь' }), context)).toBe('семь');
    expect(cellValue(cell('str', 'US'), context)).toBe('US');
    expect(cellValue(cell('b', '0'), context)).toBe('FALSE');
    expect(cellValue(cell('b', '1'), context)).toBe('TRUE');
    expect(cellValue(cell(undefined, '0'), context)).toBe('0');
    expect(cellValue(cell('n', '79161234567'), context)).toBe('79161234567');
    expect(cellValue(cell(undefined, ''), context)).toBe('');
    expect(cellValue(cell('e', '#DIV/0!'), context)).toEqual({ error: '#DIV/0!' });
  });

  it('reads dated numbers as the calendar day, in both date systems', () => {
    expect(cellValue(cell(undefined, '31174.75', { dated: true }), context)).toEqual(day(1985, 5, 7));
    expect(cellValue(cell(undefined, '29712', { dated: true }), { ...context, date1904: true })).toEqual(day(1985, 5, 7));
    // Excel's serial 60 is 29 February 1900, which never was: serials below it are one day later.
    expect(cellValue(cell(undefined, '1', { dated: true }), context)).toEqual(day(1900, 1, 1));
    expect(cellValue(cell(undefined, '61', { dated: true }), context)).toEqual(day(1900, 3, 1));
  });

  it('reads t="d" ISO 8601 cells whatever the date system', () => {
    expect(cellValue(cell('d', '2021-01-01'), { ...context, date1904: true })).toEqual(day(2021, 1, 1));
    expect(cellValue(cell('d', '2021-01-01T10:10:10'), context)).toEqual(day(2021, 1, 1));
    expect(cellValue(cell('d', '12:00:00'), context)).toBe('0.5');
  });
});

describe('unescapeText', () => {
  it('decodes _xHHHH_ and keeps an escaped underscore literal', () => {
    expect(unescapeText('a_x000D__x000A_b')).toBe('a\nb');
    expect(unescapeText('a_x000D_b')).toBe('a\rb');
    expect(unescapeText('_x005F_x000D_')).toBe('_x000D_');
    expect(unescapeText('_x00_ plain')).toBe('_x00_ plain');
  });
});

describe('isDateFormat', () => {
  it.each([
    [14, undefined, true],
    [22, undefined, true],
    [0, undefined, false],
    [49, undefined, false],
    [20, undefined, false],
    [164, 'dd.mm.yyyy', true],
    [164, '[$-419]DD.MM.YYYY', true],
    [164, 'mmmm" "yyyy', true],
    [164, 'mmm\\ d\\,\\ yyyy\\ h:mm:ss\\ AM/PM', true],
    [164, 'mmm', true],
    [164, '[hh]:mm:ss', false],
    [164, 'mm:ss', false],
    [164, '[h]:mm', false],
    [164, '[mm]', false],
    [164, '# ##0" руб."', false],
    [164, '0.00E+00', false],
    [164, '[DBNum1][$-804]General', false],
    [164, '0.0%', false],
    [164, '"Date: "0', false],
    [164, '[Red]0;[Blue]-0', false],
  ])('format %i %s → %s', (id, code, dated) => {
    expect(isDateFormat(id, code)).toBe(dated);
  });
});
