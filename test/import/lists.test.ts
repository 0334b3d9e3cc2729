/**
 * `import` never loses or invents data: list fields (phone, mail, grp, tags, pho) of existing
 * contacts gain the file's items and lose none unless the mapping, `--mode sync` or an empty cell
 * under `emptyCells: "clear"` says so, and then the dry run shows every removal; rows that resolve to
 * the same contact make one plan; a header named twice and a broken e-mail are refused, not guessed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, smscEnv } from '../helpers/cli-run.js';
import { CONTACTS_MAPPING, REPO, contact, contactsByPhone, group, importInto, readReport, seed, writeCallCount, writeInput, useImportWorld } from '../helpers/import-run.js';

const world = useImportWorld();

const [PHONE_1, PHONE_2, PHONE_3] = ['79161111111', '79162222222', '79163333333'];
const VIP = group(5901, 'VIP');

async function mappingFile(name: string, options: Record<string, unknown>): Promise<string> {
  const base = JSON.parse(await readFile(CONTACTS_MAPPING, 'utf8')) as Record<string, unknown>;
  const path = join(world.dir, name);
  await writeFile(path, JSON.stringify({ ...base, $schema: undefined, ...options }));
  return path;
}

const stored = (phone: string) => contactsByPhone(world.emulator.state())[phone];
const promoId = () => world.emulator.state().groups.find(({ name }) => name === 'Promo')?.id;

describe('the VIP/Promo case: "add these people to the Promo group"', () => {
  const seedIvan = () =>
    seed(world.emulator, { groups: [VIP], contacts: [contact(100_001, { phones: [PHONE_1, PHONE_2], name: 'Иван Петров', groups: [VIP.id] })] });

  it('upsert keeps both phones and VIP, adding Promo with one move_group (mode 2)', async () => {
    seedIvan();
    const input = await writeInput(world.dir, 'promo.csv', [{ phone: '+7 916 111-11-11', name: 'Иван Петров', group: 'Promo' }]);

    const dry = await importInto(world.emulator, { input, createGroups: true, dryRun: true, report: `${input}.dry.csv` });
    expect(dry.report.map(({ action, changes }) => `${action} ${changes}`)).toEqual(['chg grp: +Promo']);
    expect(dry.summary.listItemsRemoved).toBe(0);

    const { summary, report } = await importInto(world.emulator, { input, createGroups: true });

    expect(report.map(({ action, outcome, changes }) => `${action}/${outcome} ${changes}`)).toEqual(['chg/done grp: +Promo']);
    expect(world.emulator.stats().calls).toEqual({ get: expect.any(Number), get_group: expect.any(Number), add_group: 1, move_group: 1 });
    expect(stored(PHONE_1)).toMatchObject({ phones: [PHONE_1, PHONE_2], name: 'Иван Петров', groups: [VIP.id, promoId()] });
    expect(summary.lists).toEqual({ phone: 'add', mail: 'add', grp: 'add', tags: 'add', pho: 'add' });
    expect(summary.listItemsRemoved).toBe(0);
  });

  it('--mode sync makes the contact mirror the file, and its dry run lists both removals', async () => {
    seedIvan();
    const input = await writeInput(world.dir, 'promo-sync.csv', [{ phone: '+7 916 111-11-11', name: 'Иван Петров', group: 'Promo' }]);

    const dry = await importInto(world.emulator, { input, mode: 'sync', createGroups: true, dryRun: true, report: `${input}.dry.csv` });
    expect(dry.report.map(({ changes }) => changes)).toEqual([`phone: −${PHONE_2}; grp: +Promo, −VIP`]);
    expect(dry.summary.lists?.grp).toBe('replace');
    expect(dry.summary.listItemsRemoved).toBe(2);
    expect(writeCallCount(world.emulator.stats())).toBe(0);

    const { report } = await importInto(world.emulator, { input, mode: 'sync', createGroups: true });
    expect(report[0]).toMatchObject({ action: 'chg', outcome: 'done', changes: `phone: −${PHONE_2}; grp: +Promo, −VIP` });
    expect(stored(PHONE_1)).toMatchObject({ phones: [PHONE_1], groups: [promoId()] });
  });

  it('the CLI says so: upsert adds to lists, the sync dry run replaces them and counts what it would remove', async () => {
    seedIvan();
    const input = await writeInput(world.dir, 'promo-cli.csv', [{ phone: '+7 916 111-11-11', name: 'Иван Петров', group: 'Promo' }]);
    const run = (mode: string) =>
      runCli(['import', input, '-m', CONTACTS_MAPPING, '--mode', mode, '--create-groups', '--dry-run', '--report', `${input}.${mode}.csv`], {
        env: smscEnv(world.emulator),
        cwd: world.dir,
      });

    const upsert = await run('upsert');
    expect(upsert.stderr).toMatch(/^lists: the file's items are added to each contact's$/m);
    const sync = await run('sync');
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stderr).toMatch(/^lists: mode sync REPLACES every list \(phone, mail, grp, tags, pho\) with the file's; 2 list items WOULD BE REMOVED \(− in the report's changes\)$/m);
    expect(writeCallCount(world.emulator.stats())).toBe(0);
  });
});

describe('list fields of existing contacts merge by default', () => {
  it('a contact with three phones updated from a one-phone file keeps all three', async () => {
    seed(world.emulator, { contacts: [contact(100_001, { phones: [PHONE_1, PHONE_2, PHONE_3], name: 'Старое имя' })] });
    const input = await writeInput(world.dir, 'one-phone.csv', [{ phone: PHONE_2, name: 'Новое имя' }]);

    const { report } = await importInto(world.emulator, { input, mode: 'update' });

    expect(report[0]).toMatchObject({ action: 'chg', outcome: 'done', changes: 'name: "Старое имя" → "Новое имя"' });
    expect(world.emulator.stats().calls.chg).toBe(1);
    expect(stored(PHONE_1)).toMatchObject({ phones: [PHONE_1, PHONE_2, PHONE_3], name: 'Новое имя' });
  });

  it('tags, e-mails and phones: the file adds its items to the contact\'s', async () => {
    seed(world.emulator, { contacts: [contact(100_001, { phones: [PHONE_1], mails: ['old@example.ru'], name: 'Анна', tags: ['old', 'vip'] })] });
    const input = await writeInput(world.dir, 'tags.csv', [{ phone: `${PHONE_1}, ${PHONE_3}`, name: 'Анна', email: 'new@example.ru', tags: 'new, vip' }]);

    const { report } = await importInto(world.emulator, { input });

    expect(report[0]?.changes).toBe(`phone: +${PHONE_3}; mail: +new@example.ru; tags: +new`);
    expect(world.emulator.stats().calls.chg).toBe(1);
    expect(stored(PHONE_1)).toMatchObject({ phones: [PHONE_1, PHONE_3], mails: ['old@example.ru', 'new@example.ru'], tags: ['old', 'vip', 'new'] });
  });

  it('lists: {"grp": "replace"} replaces the groups only; other lists still merge', async () => {
    seed(world.emulator, { groups: [VIP, group(5902, 'Promo')], contacts: [contact(100_001, { phones: [PHONE_1], name: 'Анна', groups: [VIP.id], tags: ['old'] })] });
    const input = await writeInput(world.dir, 'replace.csv', [{ phone: PHONE_1, name: 'Анна', group: 'Promo', tags: 'new' }]);
    const mappingFileName = await mappingFile('replace-groups.json', { lists: { default: 'add', grp: 'replace' } });

    const { summary, report } = await importInto(world.emulator, { input, mappingFile: mappingFileName });

    expect(report[0]?.changes).toBe('grp: +Promo, −VIP; tags: +new');
    expect(summary.lists).toMatchObject({ grp: 'replace', tags: 'add' });
    expect(summary.listItemsRemoved).toBe(1);
    expect(stored(PHONE_1)).toMatchObject({ groups: [5902], tags: ['old', 'new'] });
  });

  it('emptyCells: "clear" empties a list, and the dry run names every item it removes', async () => {
    seed(world.emulator, { groups: [VIP], contacts: [contact(100_001, { phones: [PHONE_1], name: 'Анна', groups: [VIP.id], tags: ['a', 'b'] })] });
    const input = await writeInput(world.dir, 'clear.csv', [{ phone: PHONE_1, name: 'Анна', group: '', tags: '' }]);
    const clearing = await mappingFile('clear.json', { emptyCells: 'clear' });

    const dry = await importInto(world.emulator, { input, mappingFile: clearing, dryRun: true, report: `${input}.dry.csv` });
    expect(dry.report.map(({ action, changes }) => `${action} ${changes}`)).toEqual(['chg grp: −VIP; tags: −a, −b']);
    expect(dry.summary.listItemsRemoved).toBe(3);
    expect(writeCallCount(world.emulator.stats())).toBe(0);

    await importInto(world.emulator, { input, mappingFile: clearing });
    expect(stored(PHONE_1)).toMatchObject({ groups: [], tags: [] });
  });

  it('an add line shows the values sent', async () => {
    seed(world.emulator, { groups: [VIP] });
    const input = await writeInput(world.dir, 'add.csv', [{ phone: PHONE_1, name: 'Вера', group: 'VIP', tags: 'a, b' }]);

    const { report } = await importInto(world.emulator, { input, dryRun: true });

    expect(report[0]).toMatchObject({ action: 'add', changes: `phone: +${PHONE_1}; name: "Вера"; grp: +VIP; tags: +a, +b` });
  });
});

describe('one plan per account contact', () => {
  // The rows share no phone (that would be an in-file duplicate): only the account's contact, which has A and C, joins them.
  const rows = [
    { phone: PHONE_1, name: 'Новое имя' },
    { phone: `${PHONE_2}, ${PHONE_3}`, name: 'Новое имя' },
  ];
  const seedA = () => seed(world.emulator, { contacts: [contact(100_001, { phones: [PHONE_1, PHONE_3], name: 'Старое имя' })] });

  it('rows A and B,C of the same contact give one request (duplicates "first": the second names the first)', async () => {
    seedA();
    const input = await writeInput(world.dir, 'same-contact.csv', rows);

    const { report } = await importInto(world.emulator, { input });

    expect(report.map(({ row, action, outcome, smsc_id }) => `${row} ${action}/${outcome} ${smsc_id}`)).toEqual(['2 chg/done 100001', '3 skip/skipped 100001']);
    expect(report[1]).toMatchObject({ error_code: 'SAME_CONTACT', error: 'same account contact as row 2, which is kept' });
    expect(writeCallCount(world.emulator.stats())).toBe(1);
    expect(world.emulator.state().contacts).toHaveLength(1);
  });

  it('with duplicates "merge" the rows are merged into the last one: one chg adds B and renames', async () => {
    seedA();
    const input = await writeInput(world.dir, 'same-contact-merge.csv', rows);
    const merging = await mappingFile('merge.json', { duplicates: 'merge' });

    const { report } = await importInto(world.emulator, { input, mappingFile: merging });

    expect(report.map(({ row, action, outcome }) => `${row} ${action}/${outcome}`)).toEqual(['2 skip/skipped', '3 chg/done']);
    expect(report[0]).toMatchObject({ error_code: 'MERGED', error: 'same account contact as row 3: merged into row 3' });
    expect(report[1]?.changes).toBe(`phone: +${PHONE_2}; name: "Старое имя" → "Новое имя"`);
    expect(world.emulator.stats().calls).toEqual({ get: expect.any(Number), chg: 1 });
    expect(stored(PHONE_1)).toMatchObject({ phones: [PHONE_1, PHONE_3, PHONE_2], name: 'Новое имя' });
  });
});

describe('nothing is guessed', () => {
  it('a header the mapping names twice stops the run before any request (exit 2), saying how to pick one', async () => {
    seed(world.emulator, {});
    const mapping = await mappingFile('duplicate-header.json', { fields: { phone: 'Телефон', name: ['Фамилия', 'Имя'], mail: 'E-mail' } });
    const input = join(REPO, 'test/fixtures/read/duplicate-header.csv');

    await expect(importInto(world.emulator, { input, mappingFile: mapping, report: join(world.dir, 'dup.report.csv') })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/duplicate-header\.csv: header «Телефон» of field phone occurs 2 times, in columns A \(1\), D \(4\); pick one .*"phone": "D"$/),
    });
    expect(world.emulator.stats().requestsTotal).toBe(0);
  });

  it('picking the column by letter imports from it; `ivan petrov@mail.ru` is one invalid address, a real list stays a list', async () => {
    seed(world.emulator, {});
    const mapping = await mappingFile('pick-d.json', { fields: { phone: 'D', name: ['Фамилия', 'Имя'], mail: 'E-mail' } });
    const report = join(world.dir, 'pick-d.report.csv');

    await importInto(world.emulator, { input: join(REPO, 'test/fixtures/read/duplicate-header.csv'), mappingFile: mapping, report });

    expect((await readReport(report)).rows.map(({ action, outcome }) => `${action}/${outcome}`)).toEqual(['add/done', 'add/done']);
    const byPhone = contactsByPhone(world.emulator.state());
    expect(byPhone['74951234567']).toMatchObject({ name: 'Петров Иван', mails: [] });
    expect(byPhone['74957654321']).toMatchObject({ name: 'Сидорова Анна', mails: ['anna@mail.ru', 'a.sidorova@work.ru'] });
    expect(JSON.stringify(world.emulator.state())).not.toContain('petrov@mail.ru');
  });
});
