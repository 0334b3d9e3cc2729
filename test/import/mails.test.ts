/**
 * E-mail contacts go to `/sys/mails.php` (same request format as phones.php, same account), and
 * `SMSC_MAIL_SCRIPT=phones.php` sends them back to phones.php: counted per script by the emulator.
 */
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { runCli, smscEnv } from '../helpers/cli-run.js';
import { contact, group, importInto, mobile, seed, useImportWorld } from '../helpers/import-run.js';

const world = useImportWorld();
let input: string;
let mappingFile: string;

beforeAll(async () => {
  await access(CLI); // built by test/global-setup.ts
  input = join(world.dir, 'newsletter.csv');
  await writeFile(input, 'Почта,Имя,Рассылка\nanna@example.com,Анна,Новости\nboris@example.com,Борис К.,Новости\nvera@example.com,Вера,\n', 'utf8');
  mappingFile = join(world.dir, 'newsletter.json');
  await writeFile(mappingFile, JSON.stringify({ fields: { mail: 'Почта', name: 'Имя', grp: 'Рассылка' }, contactKind: 'mail' }), 'utf8');
});

const ACCOUNT = {
  groups: [{ ...group(5901, 'Новости'), type: 1 }],
  contacts: [contact(100_001, { mails: ['boris@example.com'], name: 'Борис', groups: [5901] }), contact(100_002, { phones: [mobile(1)], name: 'Телефон' })],
};

describe('e-mail contacts', () => {
  it('an e-mail-only import writes through mails.php and reads the account through phones.php', async () => {
    seed(world.emulator, ACCOUNT);
    const { report } = await importInto(world.emulator, { input, mappingFile });

    expect(report.map(({ phone, action, outcome }) => `${phone} ${action}/${outcome}`)).toEqual(['anna@example.com add/done', 'boris@example.com chg/done', 'vera@example.com add/done']);
    const { scripts } = world.emulator.stats();
    expect(scripts['mails.php']).toEqual({ add: 2, chg: 1 });
    expect(Object.keys(scripts['phones.php']).sort()).toEqual(['get', 'get_group']);
    const mails = world.emulator.state().contacts.filter((stored) => stored.mails.length > 0);
    expect(mails.map(({ mails: [mail], name, groups }) => ({ mail, name, groups }))).toEqual([
      { mail: 'boris@example.com', name: 'Борис К.', groups: [5901] },
      { mail: 'anna@example.com', name: 'Анна', groups: [5901] },
      { mail: 'vera@example.com', name: 'Вера', groups: [] },
    ]);
  });

  it('--create-groups makes e-mail groups (type 1, through mails.php) for e-mail contacts', async () => {
    seed(world.emulator, { contacts: [], groups: [] });
    const { summary } = await importInto(world.emulator, { input, mappingFile, createGroups: true, report: join(world.dir, 'created.csv') });

    expect(summary.groupsCreated).toBe(1);
    expect(world.emulator.state().groups).toEqual([{ id: 5901, name: 'Новости', type: 1 }]);
    expect(world.emulator.stats().scripts['mails.php']).toEqual({ add_group: 1, add: 3 });
  });

  it('a membership-only change of an e-mail contact is one move_group through mails.php, keyed by the e-mail', async () => {
    seed(world.emulator, { groups: ACCOUNT.groups, contacts: [contact(100_001, { mails: ['boris@example.com'], name: 'Борис К.' })] });
    const joinFile = join(world.dir, 'join.csv');
    await writeFile(joinFile, 'Почта,Имя,Рассылка\nboris@example.com,Борис К.,Новости\n', 'utf8');
    const { report } = await importInto(world.emulator, { input: joinFile, mappingFile });

    expect(report.map(({ action, outcome, changes }) => `${action}/${outcome} ${changes}`)).toEqual(['chg/done grp: +Новости']);
    expect(world.emulator.stats().scripts['mails.php']).toEqual({ move_group: 1 });
    expect(world.emulator.state().contacts.map(({ mails, groups }) => ({ mails, groups }))).toEqual([{ mails: ['boris@example.com'], groups: [5901] }]);
  });

  it('SMSC_MAIL_SCRIPT=phones.php sends them to phones.php instead', async () => {
    seed(world.emulator, ACCOUNT);
    const result = await runCli(['import', input, '--mapping', mappingFile, '--report', join(world.dir, 'fallback.csv')], {
      env: { ...smscEnv(world.emulator), SMSC_MAIL_SCRIPT: 'phones.php' },
      cwd: world.dir,
    });

    expect(result.code, result.stderr).toBe(0);
    const { scripts } = world.emulator.stats();
    expect(scripts['mails.php']).toEqual({});
    expect(scripts['phones.php']).toMatchObject({ add: 2, chg: 1 });
    expect(world.emulator.state().contacts).toHaveLength(4);
  });

  it('a bad SMSC_MAIL_SCRIPT stops the run before any request (exit 2)', async () => {
    seed(world.emulator, ACCOUNT);
    const result = await runCli(['import', input, '--mapping', mappingFile], { env: { ...smscEnv(world.emulator), SMSC_MAIL_SCRIPT: 'mail.php' }, cwd: world.dir });

    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('smsc-etl: SMSC_MAIL_SCRIPT must be one of phones.php, mails.php, got "mail.php"');
    expect(world.emulator.stats().requestsTotal).toBe(0);
  });
});
