import { describe, expect, it } from 'vitest';
import { parseMapping } from '../src/map/load.js';
import { openContactSource } from '../src/pipeline.js';

const fixture = (name: string) => new URL(`./fixtures/read/${name}`, import.meta.url).pathname;

describe('openContactSource', () => {
  it('gives a read warning to the row it concerns, before that row’s own issues, and to no other row', async () => {
    const mapping = parseMapping({ fields: { phone: 'Телефон', name: 'Имя', myid: 'Код' } }, 'test');
    const source = await openContactSource(fixture('error-cells.xlsx'), mapping, { today: new Date(Date.UTC(2026, 10, 25)) });
    const rows = [];
    for await (const row of source.rows) rows.push(row);

    expect(rows.map((row) => row.row)).toEqual([2, 3, 4]);
    expect(rows[0]?.issues.map((issue) => issue.code)).toEqual(['ERROR_CELL', 'ERROR_CELL', 'PHONE_MISSING']);
    expect(rows[0]?.issues[0]).toMatchObject({ row: 2, field: 'B', value: '#N/A', severity: 'warning' });
    // C2 is `=1/0`: a formula's cached error is reported like an error cell.
    expect(rows[0]?.issues[1]).toMatchObject({ row: 2, field: 'C', value: '#DIV/0!', severity: 'warning' });
    expect(rows[1]?.issues.some((issue) => issue.code === 'ERROR_CELL')).toBe(false);
    expect(rows[1]?.fields).toMatchObject({ phone: '79161234568', name: 'Петров', myid: '1.5' });
  });

  it('gives the last row the warnings the reader has after it (a lookup dragged past the data: #N/A rows)', async () => {
    const mapping = parseMapping({ fields: { phone: 'Телефон', name: 'Имя', grp: 'Группа' } }, 'test');
    const source = await openContactSource(fixture('trailing-error-rows.xlsx'), mapping, { today: new Date(Date.UTC(2026, 10, 25)) });
    const rows = [];
    for await (const row of source.rows) rows.push(row);

    expect(rows.map((row) => row.row)).toEqual([2, 3]);
    expect(rows[0]?.issues).toEqual([]);
    expect(rows[1]?.issues).toEqual([
      { row: 4, field: 'C', value: '#N/A', code: 'ERROR_CELL', reason: 'cell C4 of sheet "Лист1" holds an error (#N/A); read as empty', severity: 'warning' },
      { row: 5, field: 'C', value: '#N/A', code: 'ERROR_CELL', reason: 'cell C5 of sheet "Лист1" holds an error (#N/A); read as empty', severity: 'warning' },
    ]);
  });

  it('keeps, in `unattached`, the read warnings of a file without data rows (a lookup dragged down under a header alone)', async () => {
    const mapping = parseMapping({ fields: { phone: 'Телефон', name: 'Имя', grp: 'Группа' } }, 'test');
    const source = await openContactSource(fixture('error-rows-only.xlsx'), mapping, { today: new Date(Date.UTC(2026, 10, 25)) });
    const rows = [];
    for await (const row of source.rows) rows.push(row);

    expect(rows).toEqual([]);
    expect(source.unattached.map(({ row, field, code }) => `${row} ${field} ${code}`)).toEqual(['2 C ERROR_CELL', '3 C ERROR_CELL']);
  });
});
