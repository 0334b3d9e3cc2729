import { describe, expect, it } from 'vitest';
import { parseMapping } from '../../src/map/load.js';
import type { MappedRow } from '../../src/map/compile.js';
import { createRowNormalizer } from '../../src/normalize/row.js';

const today = new Date(Date.UTC(2026, 10, 25));

function normalizer(options: Record<string, unknown> = {}, strict = false) {
  const mapping = parseMapping({ fields: { phone: 'A', mail: 'B', name: 'C', bd: 'D', grp: 'E', tags: 'F', pho: 'G', cmt: 'H' }, ...options }, 'test');
  return createRowNormalizer(mapping, { strict, today });
}

function row(values: MappedRow['values']): MappedRow {
  return { row: 7, values };
}

describe('createRowNormalizer', () => {
  it('normalizes every field and notes what it changed', () => {
    const result = normalizer()(
      row({ phone: '8 (916) 123-45-67', mail: ' Ivan@Mail.ru', name: 'Иванов  Иван', bd: '1.1.85', grp: 'VIP; Клиенты', tags: 'a, b', pho: '+7 903 765 43 21', cmt: "'=1+1" }),
    );
    expect(result.fields).toEqual({
      phone: '79161234567',
      mail: 'ivan@mail.ru',
      name: 'Иванов Иван',
      bd: '01.01.1985',
      grp: 'VIP,Клиенты',
      tags: 'a,b',
      pho: '79037654321',
      cmt: '=1+1',
    });
    expect(result.issues).toEqual([]);
    expect(result.notes).toContain('phone: «8 (916) 123-45-67» → 79161234567');
    expect(result.notes).toContain('bd: two-digit year in «1.1.85» read as 1985');
    expect(result.notes).toContain('cmt: formula-guard quote removed');
  });

  it('rejects a row without a valid phone', () => {
    const invalid = normalizer()(row({ phone: '12345678', name: 'Иван' }));
    expect(invalid.fields).toBeUndefined();
    expect(invalid.issues).toEqual([{ row: 7, field: 'phone', value: '12345678', code: 'PHONE_INVALID', reason: expect.any(String), severity: 'error' }]);
    const empty = normalizer()(row({ phone: ' ', name: 'Иван' }));
    expect(empty.issues).toEqual([{ row: 7, field: 'phone', value: ' ', code: 'PHONE_MISSING', reason: 'no phone number: a contact needs one', severity: 'error' }]);
  });

  it('drops an invalid optional field with a warning', () => {
    const result = normalizer()(row({ phone: '79161234567', bd: '31.02.1990', mail: 'ivan@' }));
    expect(result.fields).toEqual({ phone: '79161234567' });
    expect(result.issues.map((issue) => [issue.field, issue.code, issue.severity, issue.value])).toEqual([
      ['mail', 'MAIL_INVALID', 'warning', 'ivan@'],
      ['bd', 'BD_IMPOSSIBLE', 'warning', '31.02.1990'],
    ]);
  });

  it('rejects the row for an invalid optional field when strict', () => {
    const result = normalizer({}, true)(row({ phone: '79161234567', bd: '31.02.1990' }));
    expect(result.fields).toBeUndefined();
    expect(result.issues).toMatchObject([{ field: 'bd', code: 'BD_IMPOSSIBLE', severity: 'error' }]);
  });

  it('rejects the row for a dropped list item or extension when strict, warns otherwise', () => {
    const cell = { phone: '+7 495 123-45-67 доб. 12' };
    expect(normalizer()(row(cell))).toMatchObject({ fields: { phone: '74951234567' }, issues: [{ code: 'PHONE_EXTENSION_DROPPED', severity: 'warning' }] });
    const strict = normalizer({}, true)(row(cell));
    expect(strict.fields).toBeUndefined();
    expect(strict.issues).toMatchObject([{ code: 'PHONE_EXTENSION_DROPPED', severity: 'error' }]);
  });

  it('leaves empty cells out with emptyCells keep', () => {
    expect(normalizer()(row({ phone: '79161234567', name: '', bd: '  ', cmt: '\u00a0' })).fields).toEqual({ phone: '79161234567' });
  });

  it('clears empty cells with emptyCells clear, never the phone', () => {
    const clear = normalizer({ emptyCells: 'clear' });
    expect(clear(row({ phone: '79161234567', name: '', grp: '' })).fields).toEqual({ phone: '79161234567', name: '', grp: '' });
    expect(clear(row({ phone: '' })).issues).toMatchObject([{ code: 'PHONE_MISSING' }]);
  });

  it('keys mail contacts by e-mail: an invalid phone is only a warning, a missing e-mail rejects', () => {
    const mail = normalizer({ contactKind: 'mail' });
    expect(mail(row({ mail: 'a@b.ru', phone: '123456' }))).toMatchObject({ fields: { mail: 'a@b.ru' }, issues: [{ field: 'phone', severity: 'warning' }] });
    const noMail = mail(row({ phone: '79161234567', mail: '' }));
    expect(noMail.fields).toBeUndefined();
    expect(noMail.issues).toMatchObject([{ field: 'mail', code: 'MAIL_MISSING', severity: 'error' }]);
  });

  it('reads group ids when the mapping says so', () => {
    const ids = normalizer({ groups: 'id' });
    expect(ids(row({ phone: '79161234567', grp: '12, VIP' }))).toMatchObject({ fields: { grp: '12' }, issues: [{ field: 'grp', code: 'GRP_NOT_ID', severity: 'warning' }] });
  });

  it('uses the default region of the mapping', () => {
    const kz = normalizer({ defaultRegion: 'KZ' });
    expect(kz(row({ phone: '8 701 234 56 78' })).fields).toEqual({ phone: '77012345678' });
  });
});

describe('contactKind "any" (an export of a mixed account)', () => {
  const normalize = normalizer({ contactKind: 'any' });

  it('keys a row with a phone by its phone, and a phone-less row by its e-mail', () => {
    expect(normalize(row({ phone: '89161234567', mail: 'a@b.ru' })).fields).toEqual({ phone: '79161234567', mail: 'a@b.ru' });
    expect(normalize(row({ phone: '', mail: 'Only@Mail.ru', name: 'Почта' })).fields).toEqual({ mail: 'only@mail.ru', name: 'Почта' });
  });

  it('still rejects an invalid phone even when the e-mail is valid', () => {
    const result = normalize(row({ phone: '12345678', mail: 'a@b.ru' }));
    expect(result.fields).toBeUndefined();
    expect(result.issues).toMatchObject([{ field: 'phone', code: 'PHONE_INVALID', severity: 'error' }]);
  });

  it('rejects a row with neither', () => {
    const result = normalize(row({ phone: '', mail: '', name: 'Никто' }));
    expect(result.fields).toBeUndefined();
    expect(result.issues).toMatchObject([{ code: 'KEY_MISSING', severity: 'error' }]);
  });
});
