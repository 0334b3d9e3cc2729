import { describe, expect, it } from 'vitest';
import { normalizeBirthday } from '../../src/normalize/birthday.js';

const today = new Date(Date.UTC(2026, 10, 25));

function value(cell: string | Date): string {
  const result = normalizeBirthday(cell, { today });
  if (!result.ok) throw new Error(`expected ${String(cell)} to be accepted, got ${result.code}: ${result.reason}`);
  return result.value;
}

function code(cell: string | Date): string {
  const result = normalizeBirthday(cell, { today });
  if (result.ok) throw new Error(`expected ${String(cell)} to be rejected, got ${result.value}`);
  return result.code;
}

describe('normalizeBirthday', () => {
  it.each([
    ['01.01.1985', '01.01.1985'],
    ['1.2.1985', '01.02.1985'],
    ['15/03/1990', '15.03.1990'],
    ['15-03-1990', '15.03.1990'],
    ['1990-03-15', '15.03.1990'],
    ['1990-03-15T00:00:00.000Z', '15.03.1990'],
    ['15.03.1990 0:00:00', '15.03.1990'],
    [' 29.02.2000 ', '29.02.2000'],
  ])('reads %s as %s', (cell, expected) => {
    expect(value(cell)).toBe(expected);
  });

  it('reads a date cell (UTC midnight) without shifting the day', () => {
    expect(value(new Date(Date.UTC(1985, 0, 1)))).toBe('01.01.1985');
  });

  it('puts a two-digit year in the century that makes the date past, and says so', () => {
    expect(value('15.03.85')).toBe('15.03.1985');
    expect(value('15.03.05')).toBe('15.03.2005');
    expect(value('25.11.26')).toBe('25.11.2026');
    expect(value('26.11.26')).toBe('26.11.1926');
    const result = normalizeBirthday('15.03.85', { today });
    expect(result.ok && result.changes).toContain('two-digit year in «15.03.85» read as 1985');
  });

  it.each([
    ['31048', '01.01.1985'],
    ['1', '01.01.1900'],
    ['59', '28.02.1900'],
    ['61', '01.03.1900'],
  ])('reads Excel serial %s as %s', (cell, expected) => {
    expect(value(cell)).toBe(expected);
  });

  it('rejects Excel serial 60, the phantom 29.02.1900', () => {
    expect(code('60')).toBe('BD_IMPOSSIBLE');
  });

  it.each(['31.02.1990', '29.02.1999', '31.04.2000', '00.01.2000', '12.13.1990'])('rejects the impossible date %s', (cell) => {
    expect(code(cell)).toBe('BD_IMPOSSIBLE');
  });

  it('hints at swapped day and month', () => {
    const result = normalizeBirthday('03/15/1990', { today });
    expect(result.ok ? '' : result.reason).toContain('month first?');
  });

  it('rejects a future date, relative to the injected today', () => {
    expect(code('26.11.2026')).toBe('BD_FUTURE');
    expect(value('25.11.2026')).toBe('25.11.2026');
    expect(code(new Date(Date.UTC(2030, 0, 1)))).toBe('BD_FUTURE');
  });

  it('counts today as the whole UTC day of the injected time, and the real today without one', () => {
    const lateToday = { today: new Date(Date.UTC(2026, 10, 25, 23, 59, 59)) };
    expect(normalizeBirthday('25.11.2026', lateToday)).toMatchObject({ ok: true, value: '25.11.2026' });
    expect(normalizeBirthday('26.11.2026', lateToday)).toMatchObject({ ok: false, code: 'BD_FUTURE' });
    expect(normalizeBirthday('25.11.26', lateToday)).toMatchObject({ ok: true, value: '25.11.2026' });
    const now = new Date();
    const day = (date: Date) => `${String(date.getUTCDate()).padStart(2, '0')}.${String(date.getUTCMonth() + 1).padStart(2, '0')}.${date.getUTCFullYear()}`;
    expect(normalizeBirthday(day(now))).toMatchObject({ ok: true, value: day(now) });
    expect(normalizeBirthday(day(new Date(now.getTime() + 86_400_000)))).toMatchObject({ ok: false, code: 'BD_FUTURE' });
  });

  it('rejects dates before 1900', () => {
    expect(code('31.12.1899')).toBe('BD_TOO_OLD');
    expect(code(new Date(Date.UTC(1850, 5, 1)))).toBe('BD_TOO_OLD');
    expect(code('0')).toBe('BD_TOO_OLD');
    // Date.UTC would read the year 50 as 1950.
    expect(code('0050-06-01')).toBe('BD_TOO_OLD');
  });

  it.each(['вчера', '1985', '15.03', '31048.5', '15.03.1985.', '15.03/1985'])('rejects the unreadable %s', (cell) => {
    expect(code(cell)).toBe('BD_FORMAT');
  });
});
