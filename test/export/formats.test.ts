import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../../src/export/index.js';
import { ACCOUNT, PAGE_SIZE, startWorld, type ExportWorld } from './helpers.js';

const CONTACT_HEADERS = ['phone', 'mail', 'name', 'last_name', 'first_name', 'middle_name', 'birthday', 'group_ids', 'group_names', 'myid', 'comment', 'tags', 'other_phones', 'int_id'];

/** What every format must carry for each contact, as text (CSV neutralizes and relists on top of it). */
const EXPECTED_CONTACTS = [
  {
    phone: '79161234567',
    mail: 'ivan@example.ru',
    name: 'Иванов Иван',
    last_name: 'Иванов',
    first_name: 'Иван',
    middle_name: 'Иванович',
    birthday: '01.01.1990',
    group_ids: '11,12',
    group_names: 'Клиенты,VIP',
    myid: 'A-1',
    comment: '=HYPERLINK("http://evil.example","click")',
    tags: 'vip,клиент',
    other_phones: '+79031112233',
    int_id: '101',
  },
  { phone: '79250000001', mail: '', name: '+cmd', last_name: '', first_name: '', middle_name: '', birthday: '29.02.2000', group_ids: '12', group_names: 'VIP', myid: '', comment: '-1+2', tags: '', other_phones: '', int_id: '102' },
  { phone: '79250000002,79250000003', mail: '', name: '@SUM(A1:A2)', last_name: 'Щукина', first_name: '', middle_name: '', birthday: '31.12.1985', group_ids: '', group_names: '', myid: '', comment: 'обычный комментарий', tags: '', other_phones: '', int_id: '103' },
  { phone: '', mail: 'anna@example.com', name: 'Анна', last_name: '', first_name: '', middle_name: '', birthday: '', group_ids: '13', group_names: 'Рассылка e-mail', myid: '', comment: '', tags: '', other_phones: '', int_id: '104' },
  { phone: '79260000005', mail: '', name: 'Пётр', last_name: '', first_name: '', middle_name: '', birthday: '', group_ids: '11', group_names: 'Клиенты', myid: '', comment: '', tags: '', other_phones: '', int_id: '105' },
];

const TEXT_COLUMNS = ['mail', 'name', 'last_name', 'first_name', 'middle_name', 'group_ids', 'group_names', 'myid', 'comment', 'tags'];
const LIST_COLUMNS = ['phone', 'mail', 'group_ids', 'group_names', 'tags', 'other_phones'];
const guard = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
/**
 * The contacts as a CSV must show them: text columns neutralized, phones untouched, list items
 * separated by `;` (no locale reads `5901;5902` as a number).
 */
const NEUTRALIZED = EXPECTED_CONTACTS.map((contact) => ({
  ...contact,
  ...Object.fromEntries(TEXT_COLUMNS.map((column) => [column, guard(contact[column as keyof typeof contact])])),
  ...Object.fromEntries(LIST_COLUMNS.map((column) => [column, contact[column as keyof typeof contact].replaceAll(',', ';')])),
}));

let world: ExportWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

describe('CSV', () => {
  it('writes the contact headers, every field, neutralized text and untouched phones, with the pages counted', async () => {
    const out = join(world.dir, 'contacts.csv');
    const summary = await runExport({ client: world.client(), out });
    const text = await readFile(out, 'utf8');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual(CONTACT_HEADERS);
    expect(rows).toEqual(NEUTRALIZED);
    expect(rows[0]?.comment).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(rows[0]?.other_phones).toBe('+79031112233');
    // 5 contacts in pages of 2: 3 pages with rows + the end-of-list call.
    expect(summary).toMatchObject({ format: 'csv', files: [out], rows: { contacts: 5 }, pages: { contacts: Math.ceil(5 / PAGE_SIZE) + 1, groups: Math.ceil(3 / PAGE_SIZE) + 1 } });
  });

  it('honours --delimiter and --bom', async () => {
    const out = join(world.dir, 'excel.csv');
    await runExport({ client: world.client(), out, delimiter: ';', bom: true });
    const bytes = await readFile(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe(CONTACT_HEADERS.join(';'));
    expect(parse(text, { columns: true, delimiter: ';' })).toEqual(NEUTRALIZED);
  });

  it('writes one file per kind when several are asked', async () => {
    const out = join(world.dir, 'all.csv');
    const summary = await runExport({ client: world.client(), out, what: ['blacklist', 'contacts', 'groups'] });
    const files = ['contacts', 'groups', 'blacklist'].map((kind) => join(world.dir, `all-${kind}.csv`));
    expect(summary.files).toEqual(files);
    expect(summary.rows).toEqual({ contacts: 5, groups: 3, blacklist: 2 });
    expect(summary.pages.blacklist).toBe(2);
    expect(parse(await readFile(files[1] as string, 'utf8'), { columns: true })).toEqual([
      { id: '11', name: 'Клиенты', num: '', type: '0' },
      { id: '12', name: 'VIP', num: '5', type: '0' },
      { id: '13', name: 'Рассылка e-mail', num: '', type: '1' },
    ]);
    expect(parse(await readFile(files[2] as string, 'utf8'), { columns: true })).toEqual([
      { id: '1', phone: '79990001122', type: '0' },
      { id: '2', phone: '79990003344', type: '2' },
    ]);
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('filters by group name (and id) and by search', async () => {
    const byName = await runExport({ client: world.client(), out: join(world.dir, 'vip.csv'), group: 'vip' });
    expect(byName.group).toEqual({ id: 12, name: 'VIP' });
    const rows = parse(await readFile(join(world.dir, 'vip.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.int_id)).toEqual(['101', '102']);
    await runExport({ client: world.client(), out: join(world.dir, 'g11.csv'), group: '11' });
    expect((parse(await readFile(join(world.dir, 'g11.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).map((row) => row.int_id)).toEqual(['101', '105']);
    await runExport({ client: world.client(), out: join(world.dir, 'search.csv'), search: 'иван' });
    expect((parse(await readFile(join(world.dir, 'search.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).map((row) => row.int_id)).toEqual(['101']);
  });

  it('filters by --fio (surname, first or middle name, sent to the service as fio), also beside --group', async () => {
    const ids = async (name: string) => (parse(await readFile(join(world.dir, name), 'utf8'), { columns: true }) as Record<string, string>[]).map((row) => row.int_id);
    const summary = await runExport({ client: world.client(), out: join(world.dir, 'fio.csv'), fio: 'Иванович' });
    expect(summary.fio).toBe('Иванович');
    expect(await ids('fio.csv')).toEqual(['101']);
    await runExport({ client: world.client(), out: join(world.dir, 'fio-surname.csv'), fio: 'щукина' });
    expect(await ids('fio-surname.csv')).toEqual(['103']);
    await runExport({ client: world.client(), out: join(world.dir, 'fio-vip.csv'), fio: 'Щукина', group: 'VIP' });
    expect(await ids('fio-vip.csv')).toEqual([]);
    await expect(runExport({ client: world.client(), out: join(world.dir, 'fio-groups.csv'), what: ['groups'], fio: 'Иван' })).rejects.toThrow('--fio filters contacts: add contacts to --what');
  });

  it('expands {date} and {datetime} in the output name', async () => {
    const now = new Date(2026, 10, 5, 7, 3);
    const summary = await runExport({ client: world.client(), out: join(world.dir, 'contacts-{date}.csv'), now });
    expect(summary.files).toEqual([join(world.dir, 'contacts-2026-11-05.csv')]);
    const stamped = await runExport({ client: world.client(), out: join(world.dir, 'c-{datetime}.jsonl'), now });
    expect(stamped.files).toEqual([join(world.dir, 'c-2026-11-05T0703.jsonl')]);
    await expect(readFile(join(world.dir, 'c-2026-11-05T0703.jsonl'))).resolves.toBeDefined();
  });
});

describe('XLSX', () => {
  it('writes one sheet per kind: bold frozen filtered header, text phones, real date cells, exact text in string cells', async () => {
    const out = join(world.dir, 'all.xlsx');
    const summary = await runExport({ client: world.client(), out, what: ['contacts', 'groups', 'blacklist'] });
    expect(summary.files).toEqual([out]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Contacts', 'Groups', 'Blacklist']);

    const contacts = workbook.getWorksheet('Contacts') as ExcelJS.Worksheet;
    const header = contacts.getRow(1);
    expect(CONTACT_HEADERS.map((_, index) => header.getCell(index + 1).value)).toEqual(CONTACT_HEADERS);
    expect(header.getCell(1).font?.bold).toBe(true);
    expect(contacts.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(contacts.autoFilter).toBeTruthy();
    expect(contacts.getColumn(3).width).toBeGreaterThan(10);
    expect(contacts.rowCount).toBe(1 + EXPECTED_CONTACTS.length);

    EXPECTED_CONTACTS.forEach((expected, index) => {
      const row = contacts.getRow(index + 2);
      const cell = (name: string) => row.getCell(CONTACT_HEADERS.indexOf(name) + 1);
      for (const name of [...TEXT_COLUMNS, 'phone', 'other_phones']) {
        const want = expected[name as keyof typeof expected];
        expect(cell(name).value ?? '', `${name} of contact ${expected.int_id}`).toBe(want);
        // A string cell, never a formula: `=HYPERLINK(…)` shows as that text and does not run.
        if (want !== '') expect(cell(name).type, `${name} of contact ${expected.int_id}`).toBe(ExcelJS.ValueType.String);
      }
      if (expected.phone !== '') expect(cell('phone').type).toBe(ExcelJS.ValueType.String);
      expect(cell('int_id').value).toBe(Number(expected.int_id));
      if (expected.birthday === '') expect(cell('birthday').value).toBeNull();
      else {
        const [day, month, year] = expected.birthday.split('.').map(Number) as [number, number, number];
        expect(cell('birthday').type).toBe(ExcelJS.ValueType.Date);
        expect(cell('birthday').value).toEqual(new Date(Date.UTC(year, month - 1, day)));
        expect(cell('birthday').numFmt).toBe('dd.mm.yyyy');
      }
    });

    const groups = workbook.getWorksheet('Groups') as ExcelJS.Worksheet;
    expect(groups.getRow(3).values).toEqual([undefined, 12, 'VIP', 5, 0]);
    const blacklist = workbook.getWorksheet('Blacklist') as ExcelJS.Worksheet;
    expect(blacklist.getRow(2).getCell(2).value).toBe('79990001122');
    expect(blacklist.getRow(2).getCell(2).type).toBe(ExcelJS.ValueType.String);
  });
});

describe('JSON and JSONL', () => {
  it('JSON has one key per kind, plain data (not neutralized), numbers for ids', async () => {
    const out = join(world.dir, 'all.json');
    await runExport({ client: world.client(), out, what: ['contacts', 'groups', 'blacklist'] });
    const data = JSON.parse(await readFile(out, 'utf8')) as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(data)).toEqual(['contacts', 'groups', 'blacklist']);
    expect(data.contacts).toEqual(EXPECTED_CONTACTS.map((contact) => ({ ...contact, int_id: Number(contact.int_id) })));
    expect(data.groups).toEqual(ACCOUNT.groups.map((group) => ({ id: group.id, name: group.name, num: group.num ?? null, type: group.type })));
    expect(data.blacklist).toEqual(ACCOUNT.blacklist);
  });

  it('JSON of one kind keeps the same shape, and an empty kind is an empty array', async () => {
    const out = join(world.dir, 'nobody.json');
    await runExport({ client: world.client(), out, search: 'no such person' });
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual({ contacts: [] });
  });

  it('JSONL has one object per line with its kind', async () => {
    const out = join(world.dir, 'all.jsonl');
    await runExport({ client: world.client(), out, what: ['groups', 'blacklist'] });
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      ...ACCOUNT.groups.map((group) => ({ kind: 'groups', id: group.id, name: group.name, num: group.num ?? null, type: group.type })),
      ...ACCOUNT.blacklist.map((entry) => ({ kind: 'blacklist', ...entry })),
    ]);
  });
});
