import { beforeAll, describe, expect, it } from 'vitest';
import { contact, contactsByPhone, importInto, mobile, seed, writeCallCount, writeInput, useImportWorld } from '../helpers/import-run.js';

const world = useImportWorld();
let input: string;

// The account before every run: Анна matches the file exactly, Борис differs in his name only
// (and has fields the file says nothing about), Дмитрий is not in the file at all.
const ANNA = contact(100_001, { phones: [mobile(1)], mails: ['anna@example.ru'], name: 'Анна', bd: '01.02.1980', myid: 'C1' });
const BORIS = contact(100_002, { phones: [mobile(2)], name: 'Борис', myid: 'C2', cmt: 'keep me', tags: ['old'] });
const DMITRY = contact(100_003, { phones: [mobile(9)], name: 'Дмитрий', myid: 'C9' });
const VERA = { phones: [mobile(3)], mails: [], name: 'Вера', fnm: '', lnm: '', mnm: '', bd: '', groups: [], myid: 'C3', cmt: '', tags: [], pho: [] };
const { int_id: _a, ...annaFields } = ANNA;
const { int_id: _b, ...borisFields } = BORIS;
const { int_id: _d, ...dmitryFields } = DMITRY;

beforeAll(async () => {
  input = await writeInput(world.dir, 'contacts.csv', [
    { name: 'Анна', phone: `+${mobile(1)}`, email: 'anna@example.ru', birthday: '1980-02-01', customer_id: 'C1' },
    { name: 'Борис Петров', phone: `8${mobile(2).slice(1)}`, customer_id: 'C2' },
    { name: 'Вера', phone: mobile(3), customer_id: 'C3' },
  ]);
});

function reseed() {
  seed(world.emulator, { contacts: [ANNA, BORIS, DMITRY] });
}

describe('import modes', () => {
  it('upsert adds new contacts, changes only the differing fields and makes no call for unchanged rows', async () => {
    reseed();
    const { summary, report } = await importInto(world.emulator, { input, mode: 'upsert' });

    expect(report.map(({ row, phone, action, outcome }) => ({ row, phone, action, outcome }))).toEqual([
      { row: '2', phone: mobile(1), action: 'unchanged', outcome: 'done' },
      { row: '3', phone: mobile(2), action: 'chg', outcome: 'done' },
      { row: '4', phone: mobile(3), action: 'add', outcome: 'done' },
    ]);
    expect(report[1]?.changes).toBe('name: "Борис" → "Борис Петров"');
    expect(report[0]?.smsc_id).toBe('100001');
    expect(report[0]?.attempts).toBe('0');
    expect(world.emulator.stats().calls).toEqual({ get: expect.any(Number), chg: 1, add: 1 });
    expect(summary.writeCalls).toBe(2);
    expect(contactsByPhone(world.emulator.state())).toEqual({
      [mobile(1)]: annaFields,
      [mobile(2)]: { ...borisFields, name: 'Борис Петров' },
      [mobile(3)]: VERA,
      [mobile(9)]: dmitryFields,
    });
  });

  it('add creates new contacts and skips phones the account already has', async () => {
    reseed();
    const { report } = await importInto(world.emulator, { input, mode: 'add' });

    expect(report.map(({ action, outcome }) => `${action}/${outcome}`)).toEqual(['skip/skipped', 'skip/skipped', 'add/done']);
    expect(report[1]?.error).toMatch(/already in the account/);
    expect(world.emulator.stats().calls).toEqual({ get: expect.any(Number), add: 1 });
    expect(contactsByPhone(world.emulator.state())).toEqual({ [mobile(1)]: annaFields, [mobile(2)]: borisFields, [mobile(3)]: VERA, [mobile(9)]: dmitryFields });
  });

  it('update changes existing contacts only and skips new ones', async () => {
    reseed();
    const { report } = await importInto(world.emulator, { input, mode: 'update' });

    expect(report.map(({ action, outcome }) => `${action}/${outcome}`)).toEqual(['unchanged/done', 'chg/done', 'skip/skipped']);
    expect(report[2]?.error).toMatch(/not in the account/);
    expect(world.emulator.stats().calls).toEqual({ get: expect.any(Number), chg: 1 });
    expect(contactsByPhone(world.emulator.state())).toEqual({ [mobile(1)]: annaFields, [mobile(2)]: { ...borisFields, name: 'Борис Петров' }, [mobile(9)]: dmitryFields });
  });

  it('sync without --delete-missing deletes nothing', async () => {
    reseed();
    const { report } = await importInto(world.emulator, { input, mode: 'sync' });

    expect(report.map(({ action }) => action)).toEqual(['unchanged', 'chg', 'add']);
    expect(world.emulator.stats().calls.del).toBeUndefined();
    expect(Object.keys(contactsByPhone(world.emulator.state())).sort()).toEqual([mobile(1), mobile(2), mobile(3), mobile(9)]);
  });

  it('sync --delete-missing deletes the contacts the file does not have, reported as delete lines after the rows', async () => {
    reseed();
    const { summary, report } = await importInto(world.emulator, { input, mode: 'sync', deleteMissing: true });

    expect(report.map(({ row, phone, action, outcome }) => ({ row, phone, action, outcome }))).toEqual([
      { row: '2', phone: mobile(1), action: 'unchanged', outcome: 'done' },
      { row: '3', phone: mobile(2), action: 'chg', outcome: 'done' },
      { row: '4', phone: mobile(3), action: 'add', outcome: 'done' },
      { row: '', phone: mobile(9), action: 'delete', outcome: 'done' },
    ]);
    expect(report[3]?.smsc_id).toBe('100003');
    expect(world.emulator.stats().calls).toEqual({ get: expect.any(Number), chg: 1, add: 1, del: 1 });
    expect(summary.actions.delete).toBe(1);
    expect(contactsByPhone(world.emulator.state())).toEqual({ [mobile(1)]: annaFields, [mobile(2)]: { ...borisFields, name: 'Борис Петров' }, [mobile(3)]: VERA });
  });

  it('sync --delete-missing --dry-run lists the deletions and deletes nothing', async () => {
    reseed();
    const before = world.emulator.state();
    const { summary, report } = await importInto(world.emulator, { input, mode: 'sync', deleteMissing: true, dryRun: true });

    expect(report.map(({ phone, action, outcome }) => `${phone} ${action}/${outcome}`)).toEqual([
      `${mobile(1)} unchanged/dry-run`,
      `${mobile(2)} chg/dry-run`,
      `${mobile(3)} add/dry-run`,
      `${mobile(9)} delete/dry-run`,
    ]);
    expect(summary.dryRun).toBe(true);
    expect(writeCallCount(world.emulator.stats())).toBe(0);
    expect(world.emulator.state()).toEqual(before);
  });

  it('refuses --delete-missing without --mode sync before any call', async () => {
    reseed();
    await expect(importInto(world.emulator, { input, mode: 'upsert', deleteMissing: true })).rejects.toMatchObject({ code: 'ERR_IMPORT_DELETE_MISSING', exitCode: 2 });
    expect(world.emulator.stats().requestsTotal).toBe(0);
  });
});
