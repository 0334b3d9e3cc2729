import { describe, expect, it } from 'vitest';
import { normalizePhones } from '../../src/normalize/phone.js';

function ok(cell: string, region: 'RU' | 'KZ' | 'GB' = 'RU') {
  const result = normalizePhones(cell, region);
  if (!result.ok) throw new Error(`expected ${cell} to be accepted, got ${result.code}: ${result.reason}`);
  return result;
}

function failure(cell: string | Date, region: 'RU' | 'GB' = 'RU') {
  const result = normalizePhones(cell, region);
  if (result.ok) throw new Error(`expected ${String(cell)} to be rejected, got ${result.value}`);
  return result;
}

describe('normalizePhones', () => {
  it.each([
    ['+7 (916) 123-45-67', '79161234567'],
    ['8 916 123 45 67', '79161234567'],
    ['9161234567', '79161234567'],
    ['79161234567', '79161234567'],
  ])('writes %s as international digits without +', (cell, expected) => {
    expect(ok(cell).value).toBe(expected);
  });

  it('says what it changed, and nothing when the number was already clean', () => {
    expect(ok('8 916 123 45 67').changes).toEqual(['«8 916 123 45 67» → 79161234567']);
    expect(ok('79161234567').changes).toEqual([]);
  });

  it('rejects a Russian number the min metadata would accept (full metadata)', () => {
    // libphonenumber-js/min calls both valid; +7 300 and +7 400 are unassigned.
    expect(failure('+7 300 123-45-67').code).toBe('PHONE_INVALID');
    expect(failure('8 400 123-45-67').code).toBe('PHONE_INVALID');
  });

  it('keeps a Kazakh number under the shared +7', () => {
    expect(ok('77012345678').value).toBe('77012345678');
    expect(ok('8 701 234 56 78', 'KZ').value).toBe('77012345678');
  });

  it('reads a foreign number whose + a spreadsheet dropped', () => {
    expect(ok('380501234567').value).toBe('380501234567');
  });

  it('restores a leading zero a spreadsheet dropped from a national number', () => {
    expect(ok('7911123456', 'GB').value).toBe('447911123456');
  });

  it('reads a number cell a tool wrote out as a float', () => {
    expect(ok('79161234567.0').value).toBe('79161234567');
    expect(ok('79161234567,0').value).toBe('79161234567');
  });

  it('reads the international prefixes 00 and 810', () => {
    expect(ok('0079161234567').value).toBe('79161234567');
    expect(ok('8 10 375 29 123 45 67').value).toBe('375291234567');
  });

  it('rejects more than 17 digits cleanly instead of crashing', () => {
    const result = failure('123456789012345678901');
    expect(result.code).toBe('PHONE_TOO_LONG');
    expect(result.reason).toContain('21 digits');
  });

  it('rejects 16–17 digits that libphonenumber still parses as invalid', () => {
    expect(failure('+7916123456789012').code).toBe('PHONE_INVALID');
  });

  it('rejects a number a spreadsheet showed in exponent form, naming the cause', () => {
    const result = failure('7,91612E+10');
    expect(result.code).toBe('PHONE_EXPONENT_FORM');
    expect(result.reason).toContain('digits are lost');
  });

  it('rejects letters, too few digits and date cells', () => {
    expect(failure('нет телефона').code).toBe('PHONE_HAS_LETTERS');
    expect(failure('12-34').code).toBe('PHONE_TOO_SHORT');
    expect(failure(new Date(Date.UTC(2020, 0, 1))).code).toBe('PHONE_NOT_TEXT');
  });

  it.each([', ', '; ', ' / ', '\n', ' или ', ' ИЛИ '])('splits several numbers separated by %j into a list', (separator) => {
    expect(ok(`+7 916 123-45-67${separator}8 (903) 765-43-21`).value).toBe('79161234567,79037654321');
  });

  it('keeps a repeated number once', () => {
    expect(ok('89161234567, +79161234567').value).toBe('79161234567');
  });

  it('drops an invalid number among valid ones with a warning', () => {
    const result = ok('89161234567; 12345678');
    expect(result.value).toBe('79161234567');
    expect(result.warnings.map((warning) => warning.code)).toEqual(['PHONE_INVALID']);
  });

  it.each(['доб. 12', 'доб.12', 'ext 12', 'ext. 12', '#12', 'x12'])('drops the extension «%s» with a warning', (extension) => {
    const result = ok(`+7 (495) 123-45-67 ${extension}`);
    expect(result.value).toBe('74951234567');
    expect(result.warnings).toEqual([{ code: 'PHONE_EXTENSION_DROPPED', reason: expect.stringContaining('extension 12') }]);
  });

  it('ignores the formula-guard quote of a spreadsheet export', () => {
    expect(ok("'+79161234567").value).toBe('79161234567');
  });
});
