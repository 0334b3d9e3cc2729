/**
 * A backup that restores: `export --what contacts,groups,blacklist` to XLSX from one account,
 * `restore` into a fresh one, and the fresh account's export equals the first (ids aside) —
 * groups with num and type, memberships, an e-mail-only contact, blacklist types.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runExport } from '../../src/export/index.js';
import { runRestore, restoreExitCode } from '../../src/restore/index.js';
import { createSmscClient } from '../../src/smsc/client.js';
import type { CallMeter } from '../../src/write/import.js';
import { ACCOUNT, startWorld, type ExportWorld } from '../export/helpers.js';
import { runCli, smscEnv } from '../helpers/cli-run.js';
import { DEMO, writeCallCount } from '../helpers/import-run.js';

let source: ExportWorld;
let fresh: RunningEmulator;
let backup: string;

beforeAll(async () => {
  source = await startWorld(ACCOUNT, 100);
  fresh = await startEmulator({ port: 0, clockScale: 10_000 });
  backup = join(source.dir, 'backup.xlsx');
  await runExport({ client: source.client(), out: backup, what: ['contacts', 'groups', 'blacklist'] });
});
afterAll(async () => {
  await fresh?.close();
  await source?.close();
});

const clientFor = (emulator: RunningEmulator) => (meter: CallMeter) => createSmscClient({ baseUrl: emulator.url, ...DEMO, ...meter.hooks });

type Backup = Record<'contacts' | 'groups' | 'blacklist', Record<string, unknown>[]>;

/**
 * The account as a JSON export, without the ids a fresh account hands out anew. Other phones are
 * compared as digits: the importer writes every phone in international digits (README), where the
 * first account was given `+79…`.
 */
async function exportWithoutIds(emulator: RunningEmulator, name: string): Promise<Backup> {
  const out = join(source.dir, name);
  await runExport({ client: createSmscClient({ baseUrl: emulator.url, ...DEMO }), out, what: ['contacts', 'groups', 'blacklist'] });
  const exported = JSON.parse(await readFile(out, 'utf8')) as Backup;
  return {
    contacts: exported.contacts.map(({ int_id: _id, group_ids: _groups, ...rest }) => ({ ...rest, other_phones: String(rest.other_phones).replace(/\+/g, '') })),
    groups: exported.groups.map(({ id: _id, ...rest }) => rest),
    blacklist: exported.blacklist.map(({ id: _id, ...rest }) => rest),
  };
}

describe('restore', () => {
  it('backup → fresh account → restore → export equals the first export, ids aside', async () => {
    fresh.reset();
    const summary = await runRestore({ input: backup, clientFor: clientFor(fresh), reportPrefix: join(source.dir, 'restore') });

    expect(summary.steps.map(({ target, actions }) => [target, actions.add])).toEqual([
      ['groups', 3],
      ['contacts', 5],
      ['blacklist', 2],
    ]);
    expect(restoreExitCode(summary)).toBe(0);
    expect(await exportWithoutIds(fresh, 'restored.json')).toEqual(await exportWithoutIds(source.emulator, 'original.json'));
    const { scripts } = fresh.stats();
    expect(scripts['mails.php']).toEqual({ add_group: 1, add: 1 });
    expect(fresh.state().contacts.find((contact) => contact.mails.includes('anna@example.com'))?.groups).toEqual([fresh.state().groups.find((group) => group.type === 1)?.id]);
  });

  it('restoring the same backup again is an upsert that changes nothing', async () => {
    fresh.reset();
    await runRestore({ input: backup, clientFor: clientFor(fresh), reportPrefix: join(source.dir, 'first') });
    const before = fresh.state();
    const again = await runRestore({ input: backup, clientFor: clientFor(fresh), reportPrefix: join(source.dir, 'again') });

    expect(again.steps.map(({ writeCalls }) => writeCalls)).toEqual([0, 0, 0]);
    expect(fresh.state()).toEqual(before);
  });

  it('into a non-empty account is an upsert: backup contacts and groups come back, others stay, lists keep the account\'s items', async () => {
    const original = structuredClone(ACCOUNT);
    const ivan = original.contacts[0]!;
    fresh.reset({
      groups: [{ id: 7001, name: 'Своя группа', type: 0 }],
      contacts: [
        { ...ivan, int_id: 9001, name: 'Иван (изменён)', groups: [7001] },
        { ...ivan, int_id: 9002, phones: ['79270000009'], mails: [], name: 'Не из копии', groups: [7001] },
      ],
      blacklist: [],
    });
    const summary = await runRestore({ input: backup, clientFor: clientFor(fresh), reportPrefix: join(source.dir, 'upsert') });

    expect(summary.steps.map(({ target, actions }) => [target, actions.add, actions.chg, actions.delete])).toEqual([
      ['groups', 3, 0, 0],
      ['contacts', 4, 1, 0],
      ['blacklist', 2, 0, 0],
    ]);
    const byPhone = new Map(fresh.state().contacts.map((contact) => [contact.phones[0] ?? contact.mails[0], contact]));
    const vip = fresh.state().groups.find((group) => group.name === 'VIP')?.id;
    const clients = fresh.state().groups.find((group) => group.name === 'Клиенты')?.id;
    // Lists merge as in every upsert (README "Lists never lose items silently"): the account's own group stays.
    expect(byPhone.get(ivan.phones[0])).toMatchObject({ int_id: 9001, name: ivan.name, groups: [7001, clients, vip] });
    expect(byPhone.get('79270000009')).toMatchObject({ int_id: 9002, name: 'Не из копии', groups: [7001] });
    expect(fresh.state().groups.map((group) => group.name)).toEqual(['Своя группа', 'Клиенты', 'VIP', 'Рассылка e-mail']);
  });

  it('--dry-run writes nothing and reports what it would add', async () => {
    fresh.reset();
    const summary = await runRestore({ input: backup, clientFor: clientFor(fresh), reportPrefix: join(source.dir, 'dry'), dryRun: true });

    expect(summary.steps.map(({ outcomes }) => outcomes['dry-run'])).toEqual([3, 5, 2]);
    expect(writeCallCount(fresh.stats())).toBe(0);
    expect(fresh.state().contacts).toEqual([]);
  });

  it('refuses a workbook without all three sheets before writing anything (exit 2)', async () => {
    const contactsOnly = join(source.dir, 'contacts-only.xlsx');
    await runExport({ client: source.client(), out: contactsOnly, what: ['contacts'] });
    fresh.reset();

    const result = await runCli(['restore', contactsOnly], { env: smscEnv(fresh), cwd: source.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no sheet "Groups"; the workbook has/);
    expect(fresh.stats().requestsTotal).toBe(0);
  });

  it('runs from the CLI and prints a summary per step', async () => {
    fresh.reset();
    const result = await runCli(['restore', backup], { env: smscEnv(fresh), cwd: source.dir });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/groups: 3 rows \(upsert, groups\)/);
    expect(result.stderr).toMatch(/contacts: 5 rows \(upsert, contacts\)/);
    expect(result.stderr).toMatch(/blacklist: 2 rows \(upsert, blacklist\)/);
    expect(fresh.state().contacts).toHaveLength(5);
    await expect(readFile(join(source.dir, 'backup.contacts.report.csv'), 'utf8')).resolves.toMatch(/^row,phone,action/);
  });
});
