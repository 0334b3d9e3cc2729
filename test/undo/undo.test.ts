/**
 * `undo` over HTTP against the emulator: an import taken back brings the account to its state
 * before the import (contacts, memberships, created groups, blacklist), a contact edited in
 * between is skipped with the reason, and undo's own dry run sends no write.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EmulatorState } from '../../src/emulator/index.js';
import { createSmscClient } from '../../src/smsc/client.js';
import { BLACKLIST_MAPPING, DEMO, contact, contactsByPhone, group, importInto, mobile, seed, useImportWorld, writeCallCount, writeInput } from '../helpers/import-run.js';
import { undoFrom } from '../helpers/undo-run.js';

const world = useImportWorld();

/** An account with two contacts in VIP and one without groups; the file adds two, renames one, puts two in a new group. */
function seedAccount(): EmulatorState {
  seed(world.emulator, {
    groups: [group(5901, 'VIP')],
    contacts: [
      contact(101, { phones: [mobile(1)], name: 'Анна', groups: [5901], myid: 'K1' }),
      contact(102, { phones: [mobile(2)], name: 'Борис', groups: [5901] }),
      contact(103, { phones: [mobile(3)], name: 'Вера', tags: ['old'] }),
    ],
  });
  return world.emulator.state();
}

async function importFile(name: string): Promise<string> {
  const input = await writeInput(world.dir, name, [
    { name: 'Анна Петровна', phone: mobile(1) },
    { name: 'Борис', phone: mobile(2), group: 'Акция' },
    { name: 'Вера', phone: mobile(3), tags: 'new', group: 'VIP' },
    { name: 'Глеб', phone: mobile(4), group: 'Акция' },
    { name: 'Дина', phone: mobile(5), email: 'dina@example.com' },
  ]);
  const { summary } = await importInto(world.emulator, { input, createGroups: true });
  expect(summary.outcomes).toMatchObject({ done: 5 });
  expect(summary.groupsCreated).toBe(1);
  return `${input}.report.csv`;
}

const client = () => createSmscClient({ baseUrl: world.emulator.url, ...DEMO, timeoutMs: 10_000 });

describe('undo after a full import', () => {
  it('brings contacts, memberships and groups back to the state before the import', async () => {
    const before = seedAccount();
    const report = await importFile('full.csv');
    expect(contactsByPhone(world.emulator.state())).not.toEqual(contactsByPhone(before));

    const { summary, report: lines } = await undoFrom(world.emulator, { report });
    expect(summary.outcomes).toEqual({ done: 6, failed: 0, rejected: 0, skipped: 0, 'dry-run': 0 });
    const after = world.emulator.state();
    expect(contactsByPhone(after)).toEqual(contactsByPhone(before));
    expect(after.groups).toEqual(before.groups);
    // One line per journaled write: 2 deletes, 3 changes back, the created group.
    expect(lines.map((line) => [line.row, line.phone, line.undoes, line.action])).toEqual([
      ['2', mobile(1), 'chg', 'chg'],
      ['3', mobile(2), 'chg', 'chg'],
      ['4', mobile(3), 'chg', 'chg'],
      ['5', mobile(4), 'add', 'delete'],
      ['6', mobile(5), 'add', 'delete'],
      ['', '«Акция»', 'add_group', 'delete'],
    ]);
    expect(lines[0]?.changes).toBe('name: "Анна Петровна" → "Анна"');
    // Boris's new group was only added: move_group (mode 3) takes it back, as mode 2 put it there.
    expect(lines[1]?.changes).toBe('grp: −Акция');
    expect(world.emulator.stats().calls).toMatchObject({ del: 2, del_group: 1, move_group: 2 });
  });

  it('skips a contact edited since the import, with the reason, and keeps the group it is still in', async () => {
    const before = seedAccount();
    const report = await importFile('edited.csv');
    await client().chg({ phone: mobile(4), name: 'Глеб Иванович' });
    await client().chg({ phone: mobile(1), name: 'Анна Сергеевна' });

    const { summary, report: lines } = await undoFrom(world.emulator, { report });
    expect(summary.actions).toMatchObject({ skip: 3, chg: 2, delete: 1 });
    const byRow = Object.fromEntries(lines.map((line) => [line.phone, line]));
    expect(byRow[mobile(1)]).toMatchObject({ action: 'skip', outcome: 'skipped', error_code: 'UNDO_CHANGED_SINCE' });
    expect(byRow[mobile(1)]?.error).toMatch(/changed since the import \(name: "Анна Сергеевна", the import wrote "Анна Петровна"\)/);
    expect(byRow[mobile(4)]).toMatchObject({ action: 'skip', error_code: 'UNDO_CHANGED_SINCE' });
    expect(byRow['«Акция»']).toMatchObject({ action: 'skip', error_code: 'GROUP_HAS_CONTACTS' });

    const now = contactsByPhone(world.emulator.state());
    const was = contactsByPhone(before);
    expect(now[mobile(1)]?.name).toBe('Анна Сергеевна');
    expect(now[mobile(4)]?.name).toBe('Глеб Иванович');
    expect(now[mobile(2)]).toEqual(was[mobile(2)]);
    expect(now[mobile(3)]).toEqual(was[mobile(3)]);
    expect(now[mobile(5)]).toBeUndefined();
  });

  it('its own dry run lists what it would do and sends no write', async () => {
    seedAccount();
    const report = await importFile('dry.csv');
    const imported = world.emulator.state();
    const writes = writeCallCount(world.emulator.stats());
    const { summary, report: lines } = await undoFrom(world.emulator, { report, dryRun: true });
    expect(writeCallCount(world.emulator.stats())).toBe(writes);
    expect(world.emulator.state()).toEqual(imported);
    expect(summary.dryRun).toBe(true);
    expect(lines.map((line) => line.outcome)).toEqual(Array(6).fill('dry-run'));
    expect(lines.filter((line) => line.action === 'delete')).toHaveLength(3);
  });

  it('refuses to delete more than --max-deletes before any write', async () => {
    seedAccount();
    const report = await importFile('guarded.csv');
    const writes = writeCallCount(world.emulator.stats());
    const { createDeleteGuard } = await import('../../src/write/delete-guard.js');
    await expect(undoFrom(world.emulator, { report, guardDeletes: createDeleteGuard({ yes: true, maxDeletes: 2, print: () => {} }) })).rejects.toThrow(/more than --max-deletes 2/);
    expect(writeCallCount(world.emulator.stats())).toBe(writes);
  });
});

describe('undo of a blacklist import, and of what cannot be undone', () => {
  it('removes the entries the import added, and only those', async () => {
    seed(world.emulator, { blacklist: [{ id: 1, phone: mobile(1), type: 0 }] });
    const before = world.emulator.state();
    const input = join(world.dir, 'stop.csv');
    await writeFile(input, `phone\n${mobile(1)}\n${mobile(2)}\n${mobile(3)}\n`);
    await importInto(world.emulator, { input, target: 'blacklist', mappingFile: BLACKLIST_MAPPING });
    expect(world.emulator.state().blacklist).toHaveLength(3);
    const { summary } = await undoFrom(world.emulator, { report: `${input}.report.csv` });
    expect(summary.actions).toMatchObject({ delete: 2 });
    expect(world.emulator.state().blacklist).toEqual(before.blacklist);
  });

  it('refuses a journal written by an older version, naming it', async () => {
    const report = join(world.dir, 'old.report.csv');
    await writeFile(`${report}.journal`, `${JSON.stringify({ journal: 1, input: 'x' })}\n${JSON.stringify({ row: 2, action: 'add', smscId: 5 })}\n`);
    await expect(undoFrom(world.emulator, { report })).rejects.toThrow(/old\.report\.csv\.journal: written by an older smsc-etl .* cannot be undone/);
  });
});
