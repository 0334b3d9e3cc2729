import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileMapping, referencedHeaders } from '../../src/map/compile.js';
import { loadMapping } from '../../src/map/load.js';
import { createRowNormalizer, type NormalizedRow } from '../../src/normalize/row.js';
import { openTable } from '../../src/read/index.js';

const root = join(import.meta.dirname, '../..');
const today = new Date(Date.UTC(2026, 10, 25));

/** The whole chain a command runs: find the header the mapping names, map, normalize. */
async function cleanSample(sample: string, mappingName: string): Promise<Map<number, NormalizedRow>> {
  const mapping = await loadMapping(join(root, 'mappings', mappingName));
  const table = await openTable(join(root, 'samples', sample), { expectedHeaders: referencedHeaders(mapping) });
  const mapRow = compileMapping(mapping, table.info);
  const normalize = createRowNormalizer(mapping, { strict: false, today });
  const rows = new Map<number, NormalizedRow>();
  for await (const row of table.rows) rows.set(row.row, normalize(mapRow(row)));
  return rows;
}

describe('sample files through their mappings', () => {
  it('contacts-excel-ru.csv: surname + name → name, phones and birthdays normalized', async () => {
    const rows = await cleanSample('contacts-excel-ru.csv', 'samples-excel-ru.json');
    expect(rows.get(2)?.fields).toEqual({
      phone: '79161234567',
      mail: 'ivanov@mail.ru',
      name: 'Иванов Иван',
      lnm: 'Иванов',
      fnm: 'Иван',
      mnm: 'Иванович',
      bd: '07.05.1985',
      grp: 'VIP',
    });
    expect(rows.get(7)?.fields?.phone).toBe('79031112233,79264445566');
    expect([...rows.values()].filter((row) => row.fields === undefined).map((row) => row.issues[0]?.code)).toEqual(
      expect.arrayContaining(['PHONE_INVALID', 'PHONE_MISSING']),
    );
  });

  it('contacts-utf8.csv: customer_id → myid, tags kept as a list', async () => {
    const rows = await cleanSample('contacts-utf8.csv', 'samples-utf8.json');
    expect(rows.get(2)?.fields).toMatchObject({ phone: '79171234567', myid: 'C-0001', tags: 'vip,москва', bd: '07.05.1985' });
  });

  it('contacts.xlsx: header on row 3, date cells, Доп. телефон → pho', async () => {
    const rows = await cleanSample('contacts.xlsx', 'samples-xlsx.json');
    expect(rows.get(4)?.fields).toMatchObject({ phone: '79161234567', pho: '74951234567', bd: '07.05.1985', myid: 'C-0001' });
    expect(rows.get(4)?.issues).toMatchObject([{ field: 'pho', code: 'PHONE_EXTENSION_DROPPED', severity: 'warning' }]);
  });
});
