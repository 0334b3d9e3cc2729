/**
 * The mapping guess on files written from the header rows documented in ../shared/crm-exports.md:
 * each preset recognised and cleaned to the right values, decoys left alone, synonyms, content.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactFields } from '../../src/contact.js';
import { guessedMapping, guessFile, type FileGuess } from '../../src/map/guess/file.js';
import { normalizeHeader } from '../../src/map/guess/header-text.js';
import { guessMapping, loadPresets, PRESETS } from '../../src/map/guess/index.js';
import { loadMapping, parseMapping } from '../../src/map/load.js';
import { openContactSource } from '../../src/pipeline.js';

const CRM = new URL('../fixtures/crm/', import.meta.url).pathname;
const TODAY = new Date(Date.UTC(2026, 11, 1));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smsc-etl-guess-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cleaned(guess: FileGuess, file: string) {
  const source = await openContactSource(file, guessedMapping(guess), { today: TODAY });
  const rows: { row: number; fields?: ContactFields; issues: string[] }[] = [];
  for await (const row of source.rows) rows.push({ row: row.row, fields: row.fields, issues: row.issues.map((issue) => `${issue.field} ${issue.code}`) });
  return rows;
}

function fieldsOf(guess: FileGuess): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const column of guess.columns) if (column.field) (fields[column.field] ??= []).push(column.header);
  return fields;
}

const CASES: { file: string; preset: string; fields: Record<string, string[]>; rows: Record<number, ContactFields>; issues?: string[] }[] = [
  {
    file: 'bitrix24.csv',
    preset: 'bitrix24',
    fields: { phone: ['Мобильный телефон'], pho: ['Рабочий телефон', 'Домашний телефон'], mail: ['Частный e-mail', 'Рабочий e-mail', 'E-mail для рассылок'], myid: ['ID'] },
    rows: {
      2: { phone: '79161234567,79267654321', pho: '74951234567', mail: 'ivan@example.ru', lnm: 'Петров', fnm: 'Иван', mnm: 'Сергеевич', bd: '12.06.1985', cmt: 'Постоянный клиент', myid: '101' },
      3: { phone: '79032223344', mail: 'm.sidorova@example.ru', lnm: 'Сидорова', fnm: 'Мария', myid: '102' },
    },
  },
  {
    file: 'bitrix24-codes.csv',
    preset: 'bitrix24-codes',
    fields: { phone: ['PHONE_MOBILE'], pho: ['PHONE_WORK'], mnm: ['SECOND_NAME'] },
    rows: { 2: { phone: '79161234567', pho: '74951234567', mail: 'ivan@example.ru', lnm: 'Петров', fnm: 'Иван', mnm: 'Сергеевич', cmt: 'Из выставки' } },
  },
  {
    file: 'amocrm.csv',
    preset: 'amocrm',
    fields: { phone: ['Мобильный телефон'], name: ['Полное имя контакта'], tags: ['Теги'], cmt: ['Примечание 1', 'Примечание 2'] },
    // amoCRM's leading apostrophe is gone; the fax column stays out.
    rows: { 2: { phone: '77026261947', pho: '77272501234', mail: 'asel@example.kz', name: 'Асель Нурлановна', lnm: 'Нурланова', fnm: 'Асель', tags: 'vip,опт', cmt: 'Звонить после 18:00; Просила скидку', myid: '5001' } },
  },
  {
    file: 'google.csv',
    preset: 'google',
    fields: { phone: ['Phone 1 - Value'], pho: ['Phone 2 - Value'], grp: ['Labels'], bd: ['Birthday'] },
    rows: {
      // " ::: " splits values; "* myContacts" is a system group, not the user's.
      2: { phone: '79161112233,79261112233', pho: '74951112233', mail: 'anna@example.ru,anna.work@example.ru', lnm: 'Смирнова', fnm: 'Анна', bd: '12.06.1985', grp: 'Друзья', cmt: 'Коллега' },
      3: { phone: '79035556677', lnm: 'Кузнецов', fnm: 'Олег' },
    },
    issues: ['bd BD_NO_YEAR'],
  },
  {
    file: 'google-legacy.csv',
    preset: 'google-legacy',
    fields: { name: ['Name'], fnm: ['Given Name'], grp: ['Group Membership'] },
    rows: { 2: { phone: '79161112233', pho: '74951112233', mail: 'anna@example.ru', name: 'Анна Смирнова', lnm: 'Смирнова', fnm: 'Анна', bd: '12.06.1985', grp: 'Друзья', cmt: 'Коллега' } },
  },
  {
    file: 'outlook-en.csv',
    preset: 'outlook-en',
    fields: { phone: ['Mobile Phone'], mail: ['E-mail Address', 'E-mail 2 Address', 'E-mail 3 Address'] },
    // 0/0/00 is Outlook's "no birthday": no warning, no value.
    // US Outlook writes birthdays month first.
    rows: {
      2: { phone: '79167654321', pho: '74957654321', mail: 'john@example.com', lnm: 'Smith', fnm: 'John', cmt: 'Met at the fair', grp: 'Клиенты,Партнёры' },
      3: { phone: '79160001122', lnm: 'Jones', fnm: 'Mary', bd: '12.06.1985' },
    },
  },
  {
    file: 'outlook-ru.csv',
    preset: 'outlook-ru',
    fields: { phone: ['Телефон переносной'], bd: ['День рождения'], grp: ['Категории'] },
    rows: {
      2: { phone: '79169876543', pho: '74959876543', mail: 'orlov@example.ru', lnm: 'Орлов', fnm: 'Пётр', mnm: 'Ильич', bd: '15.04.1979', cmt: 'Старый партнёр', grp: 'Партнёры' },
      3: { phone: '79031110011', mail: 'belova@example.ru', lnm: 'Белова', fnm: 'Анна' },
    },
  },
  {
    file: 'mailchimp.csv',
    preset: 'mailchimp',
    fields: { mail: ['Email Address'], myid: ['LEID'], tags: ['TAGS'] },
    rows: { 2: { mail: 'sam@example.com', fnm: 'Sam', lnm: 'Lee', myid: '123456', cmt: 'Blogger', tags: 'VIP,Blog' } },
  },
  {
    file: 'sendgrid.csv',
    preset: 'sendgrid',
    fields: { mail: ['email', 'alternate_emails'], phone: ['phone_number'], myid: ['contact_id'] },
    rows: {
      2: { mail: 'kate@example.com,kate.b@example.com', fnm: 'Kate', lnm: 'Brown', myid: '3f2a-11' },
      3: { mail: 'lee@example.com', phone: '79164445566', fnm: 'Lee', lnm: 'Park', myid: '3f2a-12' },
    },
  },
  {
    file: 'smsc-export.csv',
    preset: 'smsc-export',
    fields: { grp: ['group_ids'], pho: ['other_phones'] },
    rows: { 2: { phone: '79161234567', mail: 'ivan@example.ru', name: 'Иван Петров', lnm: 'Петров', fnm: 'Иван', bd: '12.06.1985', grp: '12', myid: 'c-1', tags: 'vip', pho: '74951234567', cmt: '', mnm: '' } },
  },
];

describe('presets', () => {
  it('every preset file validates against the mapping schema', async () => {
    const presets = await loadPresets();
    expect(presets.map((preset) => preset.id)).toEqual(PRESETS.map((preset) => preset.id));
  });

  for (const sample of CASES) {
    it(`${sample.file}: preset ${sample.preset}, cleaned to the right values`, async () => {
      const file = join(CRM, sample.file);
      const guess = await guessFile(file, {});
      expect(guess.preset?.id).toBe(sample.preset);
      expect(fieldsOf(guess)).toMatchObject(sample.fields);
      const rows = await cleaned(guess, file);
      expect(Object.fromEntries(rows.map((row) => [row.row, row.fields]))).toEqual(sample.rows);
      expect(rows.flatMap((row) => row.issues)).toEqual(sample.issues ?? []);
    });
  }

  it('a preset file works as a mapping as is: columns the export lacks are skipped; without "skip" they stop the run', async () => {
    const file = join(CRM, 'bitrix24.csv');
    const preset = await loadMapping(new URL('../../mappings/presets/bitrix24.json', import.meta.url).pathname);
    const direct: (ContactFields | undefined)[] = [];
    for await (const row of (await openContactSource(file, preset, { today: TODAY })).rows) direct.push(row.fields);
    expect(direct).toEqual(Object.values(CASES[0]!.rows));
    await expect(openContactSource(file, { ...preset, missingColumns: 'error' })).rejects.toThrow(/column «Другой телефон» of field pho not found/);
  });

  it('a Bitrix file without a mobile column takes its first other phone as the phone', async () => {
    const file = join(dir, 'bitrix-no-mobile.csv');
    await writeFile(file, '"ID";"Имя";"Рабочий телефон";"Домашний телефон";"Частный e-mail";\n"7";"Ян";"+7 495 123-45-67";"8 916 000-11-22";"";\n');
    const guess = await guessFile(file, {});
    expect(guess.preset?.id).toBe('bitrix24');
    expect(guess.document.fields).toMatchObject({ phone: 'Рабочий телефон', pho: 'Домашний телефон', mail: 'Частный e-mail' });
  });
});

describe('guess without a preset', () => {
  it('a Russian file: header below title rows found, fields by synonym, decoys left out', async () => {
    const file = join(CRM, 'russian-synonyms.csv');
    const guess = await guessFile(file, {});
    expect(guess.preset).toBeUndefined();
    expect(guess.headerRow).toBe(3);
    expect(fieldsOf(guess)).toEqual({ name: ['ФИО'], phone: ['Моб. телефон'], pho: ['Телефон'], mail: ['Эл. почта'], bd: ['Дата рождения'], cmt: ['Комментарий'], grp: ['Группа'] });
    const left = guess.columns.filter((column) => column.field === undefined).map((column) => column.header);
    // "Email consent" merely contains a field word, "Дата создания" is a date but not a birthday, ИНН digits look like phones.
    expect(left).toEqual(['Дата создания', 'Email consent', 'ИНН']);
    expect(guess.columns.find((column) => column.header === 'Моб. телефон')?.reason).toBe('synonym "Моб. телефон"');
    const rows = await cleaned(guess, file);
    expect(rows.map((row) => row.fields)).toEqual([
      { name: 'Петров Иван', phone: '79161234567', pho: '74951234567', mail: 'ivan@example.ru', bd: '12.06.1985', cmt: 'звонить утром', grp: 'Клиенты' },
      { name: 'Сидорова Мария', phone: '79032223344', mail: 'maria@example.ru', grp: 'Партнёры' },
    ]);
  });

  it('a headerless file: phone and e-mail columns by content, the first row is data', async () => {
    const file = join(CRM, 'headerless.csv');
    const guess = await guessFile(file, {});
    expect(guess.headerRow).toBeUndefined();
    expect(guess.document).toEqual({ fields: { phone: 2, mail: 3 }, defaultRegion: 'RU', header: false });
    expect(guess.columns[1]?.reason).toBe('content: 100% phones');
    const rows = await cleaned(guess, file);
    expect(rows.map((row) => [row.row, row.fields?.phone, row.fields?.mail])).toEqual([
      [1, '79161234567', 'ivan@example.ru'],
      [2, '79032223344', 'maria@example.ru'],
      [3, '79265556677', undefined],
    ]);
  });

  it('several phone columns: the mobile one is the phone, the rest go to pho; a tie is not guessed', () => {
    const rows = [['+7 495 111-22-33', '+7 916 111-22-33', '8 903 000-00-00']];
    const ranked = guessMapping({ headers: ['Рабочий телефон', 'Мобильный', 'Другой телефон'], rows }, []);
    expect(ranked.document.fields).toEqual({ phone: 'Мобильный', pho: ['Рабочий телефон', 'Другой телефон'] });
    const tie = guessMapping({ headers: ['Телефон', 'Тел.', 'E-mail'], rows: [['+7 495 111-22-33', '+7 916 111-22-33', 'a@example.ru']] }, []);
    expect(tie.document.fields.phone).toBeUndefined();
    expect(tie.columns[0]?.reason).toMatch(/^tie for phone: «Телефон», «Тел\.»/);
    expect(tie.document.contactKind).toBe('mail');
    const fax = guessMapping({ headers: ['Контакт', 'Номер факса', 'Почта'], rows: [['+79161112233', '+74951112233', 'a@b.ru']] }, []);
    expect(fax.document.fields).toEqual({ name: 'Контакт', mail: 'Почта' });
    const byContent = guessMapping({ headers: ['Клиент', 'Связь', 'Номер факса'], rows: [['Иван', '+79161112233', '+74951112233']] }, []);
    expect(byContent.document.fields).toEqual({ name: 'Клиент', phone: 'Связь' });
    const names = guessMapping({ headers: ['Телефон', 'ФИО', 'Name'], rows: [['+79161112233', 'Иван', 'Ivan']] }, []);
    expect(names.document.fields).toEqual({ phone: 'Телефон' });
  });

  it('headers are compared normalised: case, ё, spaces, "* " marks, (контакт) suffixes', () => {
    expect(normalizeHeader('  * Телефон   (контакт) ')).toBe('телефон');
    expect(normalizeHeader('Улица  2 (другой адрес)')).toBe('улица 2 (другой адрес)');
    expect(normalizeHeader('Ёмкость_Клиента:')).toBe('емкость клиента');
    const guess = guessMapping({ headers: ['МОБ. ТЕЛЕФОН (контакт)', 'E-MAIL'], rows: [['+79161112233', 'a@b.ru']] }, []);
    expect(guess.document.fields).toEqual({ phone: 'МОБ. ТЕЛЕФОН (контакт)', mail: 'E-MAIL' });
  });

  it('a file with neither phones nor e-mails gets no mapping, and says so in one line', async () => {
    const file = join(dir, 'no-key.csv');
    await writeFile(file, 'Имя,Город\nИван,Москва\n');
    const guess = await guessFile(file, {});
    expect(guess.mapping).toBeUndefined();
    expect(() => guessedMapping(guess)).toThrow(/no column looks like phone numbers or e-mail addresses \(columns «Имя», «Город»\)/);
  });

  it('the guessed document is a valid mapping', async () => {
    const guess = await guessFile(join(CRM, 'google.csv'), {});
    expect(parseMapping(guess.document, 'guess')).toEqual(guess.mapping);
  });
});
