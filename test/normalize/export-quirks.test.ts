/** Multi-value cells and stand-ins as CRM exports write them (../shared/crm-exports.md §1). */
import { describe, expect, it } from 'vitest';
import { parseMapping } from '../../src/map/load.js';
import { normalizeBirthday } from '../../src/normalize/birthday.js';
import { normalizeGroups } from '../../src/normalize/groups.js';
import { createRowNormalizer } from '../../src/normalize/row.js';

const today = new Date(Date.UTC(2026, 10, 25));
const mapping = parseMapping({ fields: { phone: 'A', mail: 'B', bd: 'C', grp: 'D', tags: 'E', pho: 'F' }, emptyCells: 'clear' }, 'test');
const normalize = createRowNormalizer(mapping, { strict: false, today });

describe('export quirks', () => {
  it('Google " ::: " separates values of every list field', () => {
    const result = normalize({ row: 2, values: { phone: '+7 916 111-22-33 ::: +7 926 111-22-33', mail: 'a@example.ru ::: b@example.ru', pho: '8 495 111-22-33 ::: 8 495 111-22-44' } });
    expect(result.fields).toMatchObject({ phone: '79161112233,79261112233', mail: 'a@example.ru,b@example.ru', pho: '74951112233,74951112244' });
    expect(result.issues).toEqual([]);
  });

  it('Google system groups (* myContacts, * starred) are left out with a note; only system groups is no group at all', () => {
    const groups = normalizeGroups('* myContacts ::: Друзья ::: * starred', 'name');
    expect(groups).toMatchObject({ ok: true, value: 'Друзья', changes: ['system groups «* myContacts», «* starred» left out'] });
    const onlySystem = normalize({ row: 2, values: { phone: '+79161112233', grp: '* myContacts' } });
    expect(onlySystem.issues).toEqual([]);
    expect(onlySystem.fields?.grp).toBe('');
  });

  it('Outlook 0.0.00 and 0/0/00 mean no birthday: empty, no warning (with emptyCells clear the birthday is cleared)', () => {
    for (const bd of ['0.0.00', '0/0/00']) {
      const result = normalize({ row: 2, values: { phone: '+79161112233', bd } });
      expect(result.issues).toEqual([]);
      expect(result.fields?.bd).toBe('');
    }
  });

  it('slashDates month-day reads US slash dates month first; dotted dates stay day first', () => {
    expect(normalizeBirthday('6/12/1985', { today, slashDates: 'month-day' })).toMatchObject({ ok: true, value: '12.06.1985' });
    expect(normalizeBirthday('6/12/1985', { today })).toMatchObject({ ok: true, value: '06.12.1985' });
    expect(normalizeBirthday('6.12.1985', { today, slashDates: 'month-day' })).toMatchObject({ ok: true, value: '06.12.1985' });
  });

  it('a Google birthday without a year (--03-01) is dropped with a warning: SMSC needs dd.mm.yyyy', () => {
    expect(normalizeBirthday('--03-01', { today })).toMatchObject({ ok: false, code: 'BD_NO_YEAR' });
    expect(normalizeBirthday('--0301', { today })).toMatchObject({ ok: false, code: 'BD_NO_YEAR' });
    const result = normalize({ row: 2, values: { phone: '+79161112233', bd: '--03-01' } });
    expect(result.fields).toBeDefined();
    expect(result.issues).toMatchObject([{ field: 'bd', code: 'BD_NO_YEAR', severity: 'warning' }]);
  });

  it("amoCRM's leading apostrophe before a phone is not part of it; Mailchimp's quoted tags lose their quotes", () => {
    const result = normalize({ row: 2, values: { phone: "'+77026261947", tags: '"VIP","Blog"' } });
    expect(result.fields).toMatchObject({ phone: '77026261947', tags: 'VIP,Blog' });
  });
});
