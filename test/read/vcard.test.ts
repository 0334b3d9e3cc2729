import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VCARD_COLUMNS, birthday } from '../../src/read/vcard.js';
import { fixture, readAll, readFailure } from './helpers.js';

/** A card's cells as { column: value } without the empty ones. */
function card(cells: readonly unknown[]): Record<string, unknown> {
  return Object.fromEntries(VCARD_COLUMNS.map((column, index) => [column, cells[index]]).filter(([, value]) => value !== ''));
}

describe('vCard', () => {
  it('reads Android 2.1: QUOTED-PRINTABLE whose soft breaks cut UTF-8 characters, bare types, a photo skipped', async () => {
    const { table, rows, warnings } = await readAll(fixture('android-contacts.vcf'));
    expect(table.info).toEqual({ file: fixture('android-contacts.vcf'), format: 'vcard', headerRow: 0, headers: [...VCARD_COLUMNS] });
    expect(rows.map((row) => row.row)).toEqual([1, 2]);
    expect(card(rows[0]?.cells ?? [])).toEqual({
      FN: 'Иван Иванович Иванов',
      'N.family': 'Иванов',
      'N.given': 'Иван',
      'N.additional': 'Иванович',
      'TEL;CELL': '+7 916 123-45-67',
      'TEL;HOME': '8 (495) 123-45-67',
      'TEL;FAX': '8 (495) 123-45-68',
      EMAIL: 'ivanov@mail.ru',
      BDAY: '1985-05-07',
      NOTE: 'Звонить после 18:00\nне в выходные, только по будням — лучше вечером',
    });
    expect(card(rows[1]?.cells ?? [])).toEqual({ FN: 'John Smith', 'N.family': 'Smith', 'N.given': 'John', TEL: '+1 202 555 0143' });
    expect(warnings).toEqual([]);
  });

  it('reads Outlook 2.1 in the ANSI code page (Windows-1251, no CHARSET)', async () => {
    const { rows } = await readAll(fixture('outlook-petrova.vcf'));
    expect(rows).toHaveLength(1);
    expect(card(rows[0]?.cells ?? [])).toEqual({
      FN: 'Петрова Ольга',
      'N.family': 'Петрова',
      'N.given': 'Ольга',
      'N.additional': 'Сергеевна',
      ORG: 'ООО "Ромашка", Отдел продаж',
      TITLE: 'Менеджер',
      'TEL;WORK': '+7 (495) 765-43-21',
      'TEL;CELL': '8-916-765-43-21',
      EMAIL: 'olga.petrova@yandex.ru',
      BDAY: '1990-11-23',
    });
  });

  it('reads iPhone 3.0: item groups with X-ABLabel, type=pref first, Apple\'s 1604 as no year, escapes', async () => {
    const { rows } = await readAll(fixture('iphone-contacts.vcf'));
    expect(card(rows[0]?.cells ?? [])).toEqual({
      FN: 'Пётр Сидоров',
      'N.family': 'Сидоров',
      'N.given': 'Пётр',
      ORG: 'ИП Сидоров',
      'TEL;CELL': '+7 903 123-45-67, +7 (926) 444-55-66',
      'TEL;HOME': '8 495 111 22 33',
      TEL: '+7 900 000-00-01',
      EMAIL: 'sidorov@icloud.com',
      BDAY: '--05-09',
      CATEGORIES: 'Клиенты, VIP',
      NOTE: 'Партнёр, опт\nзвонить утром',
    });
    expect(card(rows[1]?.cells ?? [])).toEqual({ FN: 'Такси', 'TEL;WORK': '+7 495 500-00-00', BDAY: '1979-12-31' });
  });

  it.each([
    ['utf-16le', 'with'],
    ['utf-16be', 'with'],
    ['utf-16le', 'without'],
    ['utf-16be', 'without'],
  ])('reads a %s file %s a BOM (Outlook\'s "Unicode" export writes both) as its UTF-8 twin', async (encoding, bom) => {
    const utf8 = await readAll(fixture('iphone-contacts.vcf'));
    const { table, rows } = await readAll(fixture(`iphone-contacts-${encoding.replace('-', '')}${bom === 'with' ? '' : '-nobom'}.vcf`));
    expect(table.info).toMatchObject({ format: 'vcard', encoding });
    expect(rows).toEqual(utf8.rows);
    expect(card(rows[0]?.cells ?? [])).toMatchObject({ FN: 'Пётр Сидоров', CATEGORIES: 'Клиенты, VIP' });
  });

  it('reads Google 3.0 with a line folded inside a UTF-8 character', async () => {
    const { rows } = await readAll(fixture('google-contacts.vcf'));
    expect(card(rows[0]?.cells ?? [])).toMatchObject({
      FN: 'Анна Кузнецова',
      'N.additional': 'Викторовна',
      EMAIL: 'anna.k@gmail.com, anna@work.ru',
      'TEL;CELL': '+79261112233',
      TEL: '8 800 555-35-35',
      CATEGORIES: 'myContacts, Клиенты',
      NOTE: 'Длинная заметка, которую Google сворачивает на границе семидесяти пяти октетов — продолжение',
    });
  });

  it('reads 4.0: tel: URIs, quoted TYPE lists, PREF=1, --MMDD birthdays, a data: URI photo', async () => {
    const { rows } = await readAll(fixture('v4-contacts.vcf'));
    expect(card(rows[0]?.cells ?? [])).toEqual({
      FN: 'Дмитрий Смирнов',
      'N.family': 'Смирнов',
      'N.given': 'Дмитрий',
      'TEL;CELL': '+7-916-000-11-22',
      'TEL;WORK': '+7-495-000-11-22',
      EMAIL: 'd.smirnov@example.ru',
      BDAY: '--03-15',
      UID: 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1',
    });
  });

  it('skips a photo of several megabytes on one line, and reads a card cut off by the end of the file with a warning', async () => {
    const file = join(tmpdir(), `smsc-etl-vcard-${process.pid}.vcf`);
    const photo = 'A'.repeat(3 * 1024 * 1024);
    await writeFile(file, `BEGIN:VCARD\nVERSION:4.0\nFN:Big\nPHOTO:data:image/jpeg;base64,${photo}\nTEL:+79161234567\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Cut\nTEL:+79161234568\n`);
    const { rows, warnings } = await readAll(file);
    expect(rows.map((row) => card(row.cells))).toEqual([
      { FN: 'Big', TEL: '+79161234567' },
      { FN: 'Cut', TEL: '+79161234568' },
    ]);
    expect(warnings).toEqual([{ code: 'VCARD_UNTERMINATED', row: 2, message: 'card 2 (line 7) has no END:VCARD before the end of the file; read up to there' }]);
  });

  it('refuses a text property longer than a megabyte, naming its card as the row and its line', async () => {
    const file = join(tmpdir(), `smsc-etl-vcard-long-${process.pid}.vcf`);
    const card = (name: string, extra = '') => `BEGIN:VCARD\nVERSION:3.0\nFN:${name}\n${extra}END:VCARD\n`;
    await writeFile(file, card('Один', `NOTE:${'x'.repeat(2 * 1024 * 1024)}\n`));
    expect(await readFailure(file)).toMatchObject({ code: 'ERR_READ_CORRUPT', row: 1, message: `${file}, row 1: a property longer than 1048576 bytes on line 4: not a vCard line` });
    // The third card, folded: its row is its position among the cards, not the line (12) the property starts on.
    await writeFile(file, card('Один') + card('Два') + card('Три', `NOTE:начало\n ${'y'.repeat(1024 * 1024)}\n`) + card('Четыре'));
    expect(await readFailure(file)).toMatchObject({ code: 'ERR_READ_CORRUPT', row: 3, message: expect.stringContaining(', row 3: a property longer than 1048576 bytes on line 12: ') });
    await rm(file);
  });

  it('decodes values without CHARSET in a forced encoding, and refuses an unknown one', async () => {
    const { rows } = await readAll(fixture('outlook-petrova.vcf'), { encoding: 'windows-1251' });
    expect(rows[0]?.cells[0]).toBe('Петрова Ольга');
    expect(await readFailure(fixture('outlook-petrova.vcf'), { encoding: 'cp-nonsense' })).toMatchObject({ code: 'ERR_READ_BAD_ENCODING' });
  });

  it.each([
    ['19850507', '1985-05-07'],
    ['1985-05-07', '1985-05-07'],
    ['19850507T000000Z', '1985-05-07'],
    ['--0507', '--05-07'],
    ['--05-07', '--05-07'],
    ['1604-05-07', '--05-07'],
    ['7 мая', '7 мая'],
  ])('birthday %s → %s', (value, expected) => {
    expect(birthday(value)).toBe(expected);
  });
});
