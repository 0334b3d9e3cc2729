import { describe, expect, it } from 'vitest';
import { normalizeGroups } from '../../src/normalize/groups.js';
import { normalizeTags, normalizeText } from '../../src/normalize/text.js';

function text(cell: string | Date): string {
  const result = normalizeText(cell);
  if (!result.ok) throw new Error('normalizeText never rejects');
  return result.value;
}

describe('normalizeText', () => {
  it('trims and collapses inner whitespace, including NBSP, tabs and line breaks', () => {
    expect(text('  Иванов\u00a0\u00a0Иван \n\tИванович\r\n')).toBe('Иванов Иван Иванович');
    expect(text('a\u200Bb  c')).toBe('a b c');
  });

  it('notes collapsed whitespace but not plain trimming', () => {
    expect(normalizeText('  Иван  ')).toMatchObject({ value: 'Иван', changes: [] });
    expect(normalizeText('Иван  Петров')).toMatchObject({ changes: ['inner whitespace collapsed'] });
  });

  it.each([
    ["'=SUM(A1)", '=SUM(A1)'],
    ["'+7 916", '+7 916'],
    ["'-5", '-5'],
    ["'@home", '@home'],
    ["'\tx", 'x'],
  ])('removes the formula-guard quote of %j', (cell, expected) => {
    expect(text(cell)).toBe(expected);
    expect(normalizeText(cell)).toMatchObject({ changes: expect.arrayContaining(['formula-guard quote removed']) });
  });

  it('keeps quotes that guard nothing, and removes only one', () => {
    expect(text("'Rock'n'roll")).toBe("'Rock'n'roll");
    expect(text("''=1")).toBe("''=1");
  });

  it('formats a date cell as dd.mm.yyyy', () => {
    expect(text(new Date(Date.UTC(2024, 1, 29)))).toBe('29.02.2024');
  });
});

describe('normalizeTags', () => {
  it('splits on , and ;, trims, drops empty and repeated tags, joins with ,', () => {
    const result = normalizeTags(' vip ; опт,, vip ,  новый  клиент;');
    expect(result).toMatchObject({ ok: true, value: 'vip,опт,новый клиент', changes: ['tag «vip» repeated: kept once'] });
  });
});

describe('normalizeGroups', () => {
  it('cleans and de-duplicates group names', () => {
    expect(normalizeGroups(' Клиенты ;VIP,\nКлиенты', 'name')).toMatchObject({ ok: true, value: 'Клиенты,VIP' });
  });

  it('accepts numeric ids when groups are ids', () => {
    expect(normalizeGroups('5922, 5924', 'id')).toMatchObject({ ok: true, value: '5922,5924', warnings: [] });
  });

  it('drops a non-numeric id with a warning, and fails when none is left', () => {
    expect(normalizeGroups('5922, VIP', 'id')).toMatchObject({ ok: true, value: '5922', warnings: [{ code: 'GRP_NOT_ID' }] });
    expect(normalizeGroups('VIP', 'id')).toMatchObject({ ok: false, code: 'GRP_NOT_ID' });
  });
});
