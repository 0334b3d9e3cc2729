/** The non-CSV sources through read → map → normalize, as `clean` and `import` use them. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadMapping, parseMapping } from '../../src/map/load.js';
import { openContactSource } from '../../src/pipeline.js';
import { fixture } from './helpers.js';

const mapping = (name: string) => loadMapping(fileURLToPath(new URL(`../../mappings/${name}`, import.meta.url)));
const today = new Date(Date.UTC(2026, 10, 25));

async function normalized(file: string, mappingName: string) {
  const source = await openContactSource(file, await mapping(mappingName), { today });
  const rows = [];
  for await (const row of source.rows) rows.push(row);
  return rows;
}

describe('sources through the pipeline', () => {
  it('mappings/vcard.json turns iPhone cards into contacts, one row per card', async () => {
    const rows = await normalized(fixture('iphone-contacts.vcf'), 'vcard.json');
    expect(rows.map((row) => row.row)).toEqual([1, 2]);
    expect(rows[0]?.fields).toMatchObject({ phone: '79031234567,79264445566,79000000001,74951112233', name: 'Пётр Сидоров', lnm: 'Сидоров', fnm: 'Пётр', mail: 'sidorov@icloud.com', grp: 'Клиенты,VIP' });
    // No year (Apple's 1604): the birthday is dropped with a warning, the contact is kept.
    expect(rows[0]?.fields?.bd).toBeUndefined();
    expect(rows[0]?.issues.some((issue) => issue.field === 'bd' && issue.severity === 'warning')).toBe(true);
    expect(rows[1]?.fields).toMatchObject({ phone: '74955000000', name: 'Такси', bd: '31.12.1979' });
  });

  it('a Bitrix24 HTML ".xls" maps by its Russian headers', async () => {
    const bitrix = parseMapping({ fields: { phone: 'Мобильный телефон', pho: 'Рабочий телефон', lnm: 'Фамилия', fnm: 'Имя', mail: 'Частный e-mail', bd: 'Дата рождения', myid: 'ID' } }, 'test');
    const source = await openContactSource(fixture('bitrix-contacts.xls'), bitrix, { today });
    const rows = [];
    for await (const row of source.rows) rows.push(row);
    expect(source.info).toMatchObject({ format: 'html', encoding: 'windows-1251' });
    expect(rows[0]?.fields).toMatchObject({ phone: '79161234567', pho: '74951234567,74957654321', lnm: 'Иванов', bd: '07.05.1985', myid: '1' });
    // Row 4 has no mobile phone: rejected, and accounted for.
    expect(rows.map((row) => [row.row, row.fields === undefined])).toEqual([
      [2, false],
      [3, false],
      [4, true],
    ]);
  });
});
