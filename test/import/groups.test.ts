import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importExitCode } from '../../src/write/import.js';
import { BLACKLIST_MAPPING, REPO, contact, contactsByPhone, group, importInto, mobile, seed, writeCallCount, writeInput, type ReportRow, startTestEmulator, useImportWorld } from '../helpers/import-run.js';

const world = useImportWorld();
let input: string;

const VIP = group(5901, 'VIP');
const CLIENTS = group(5902, 'Клиенты');
const ACCOUNT = {
  groups: [VIP, CLIENTS],
  contacts: [contact(100_001, { phones: [mobile(1)], name: 'Анна', groups: [5901] }), contact(100_002, { phones: [mobile(2)], name: 'Борис', groups: [5901] })],
};

beforeAll(async () => {
  input = await writeInput(world.dir, 'groups.csv', [
    { name: 'Анна', phone: mobile(1), group: 'VIP; Клиенты' },
    { name: 'Борис', phone: mobile(2), group: 'Клиенты' },
    { name: 'Вера', phone: mobile(3), group: 'vip' },
    { name: 'Глеб', phone: mobile(4), group: 'Партнёры' },
  ]);
});

const groupsOf = (phone: string) => contactsByPhone(world.emulator.state())[phone]?.groups;

describe('import with group names', () => {
  it('resolves names through get_group, adds memberships with move_group and rejects rows naming a missing group', async () => {
    seed(world.emulator, ACCOUNT);
    const { summary, report } = await importInto(world.emulator, { input });

    expect(report.map(({ action, outcome }) => `${action}/${outcome}`)).toEqual(['chg/done', 'chg/done', 'add/done', 'reject/rejected']);
    expect(report[3]).toMatchObject({ phone: mobile(4), error_code: 'GROUP_MISSING' });
    expect(report[3]?.error).toMatch(/group «Партнёры» does not exist in the account \(run with --create-groups/);
    expect(report.map(({ changes }) => changes)).toEqual(['grp: +Клиенты', 'grp: +Клиенты', `phone: +${mobile(3)}; name: "Вера"; grp: +VIP`, '']);
    const { calls } = world.emulator.stats();
    expect(calls.move_group).toBe(2);
    expect(calls.chg).toBeUndefined();
    expect(calls.add_group).toBeUndefined();
    expect(calls.get_group).toBeGreaterThan(0);
    expect(groupsOf(mobile(1))).toEqual([5901, 5902]);
    // Борис keeps VIP: the file adds Клиенты and says nothing against VIP.
    expect(groupsOf(mobile(2))).toEqual([5901, 5902]);
    expect(groupsOf(mobile(3))).toEqual([5901]);
    expect(groupsOf(mobile(4))).toBeUndefined();
    expect(summary.groupsMissing).toEqual(['Партнёры']);
    expect(importExitCode(summary)).toBe(1);
  });

  it('creates missing groups with --create-groups and puts the row in the new group', async () => {
    seed(world.emulator, ACCOUNT);
    const { summary, report } = await importInto(world.emulator, { input, createGroups: true });

    expect(report.map(({ outcome }) => outcome)).toEqual(['done', 'done', 'done', 'done']);
    const created = world.emulator.state().groups.find((candidate) => candidate.name === 'Партнёры');
    expect(created).toBeDefined();
    expect(world.emulator.stats().calls.add_group).toBe(1);
    expect(groupsOf(mobile(4))).toEqual([created?.id]);
    expect(summary.groupsCreated).toBe(1);
    expect(importExitCode(summary)).toBe(0);
  });

  it('dry-run reads only, creates no group and writes the same report as the real run with outcome dry-run', async () => {
    seed(world.emulator, ACCOUNT);
    const before = world.emulator.state();
    const dry = await importInto(world.emulator, { input, createGroups: true, dryRun: true, report: `${input}.dry.csv` });

    expect(Object.keys(world.emulator.stats().calls).sort()).toEqual(['get', 'get_group']);
    expect(world.emulator.state()).toEqual(before);
    expect(dry.report.every((line) => line.outcome === 'dry-run')).toBe(true);
    expect(dry.summary.journal).toBeUndefined();

    seed(world.emulator, ACCOUNT);
    const real = await importInto(world.emulator, { input, createGroups: true });
    const plan = ({ row, phone, action, changes, error_code }: ReportRow) => ({ row, phone, action, changes, error_code });
    expect(dry.report.map(plan)).toEqual(real.report.map(plan));
  });

  it('re-running the same file makes no write call', async () => {
    seed(world.emulator, ACCOUNT);
    await importInto(world.emulator, { input, createGroups: true });
    const state = world.emulator.state();
    const writesBefore = writeCallCount(world.emulator.stats());

    const again = await importInto(world.emulator, { input, createGroups: true });

    expect(writeCallCount(world.emulator.stats())).toBe(writesBefore);
    expect(again.summary.writeCalls).toBe(0);
    expect(again.report.map(({ action, outcome }) => `${action}/${outcome}`)).toEqual(Array(4).fill('unchanged/done'));
    expect(world.emulator.state()).toEqual(state);
  });
});

describe('import --target blacklist', () => {
  it('adds the phones the blacklist lacks and leaves listed ones alone', async () => {
    seed(world.emulator, { blacklist: [{ id: 101, phone: mobile(1), type: 0 }] });
    const stopList = await writeInput(world.dir, 'stop.csv', [{ phone: `+${mobile(1)}` }, { phone: mobile(5) }, { phone: '8 (916) 000-00-06' }]);

    const { summary, report } = await importInto(world.emulator, { input: stopList, target: 'blacklist', mappingFile: BLACKLIST_MAPPING });

    expect(report.map(({ phone, action, outcome }) => `${phone} ${action}/${outcome}`)).toEqual([
      `${mobile(1)} unchanged/done`,
      `${mobile(5)} add/done`,
      `${mobile(6)} add/done`,
    ]);
    expect(world.emulator.stats().calls).toEqual({ get_black: expect.any(Number), add_black: 2 });
    expect(world.emulator.state().blacklist.map(({ phone, type }) => ({ phone, type }))).toEqual([
      { phone: mobile(1), type: 0 },
      { phone: mobile(5), type: 0 },
      { phone: mobile(6), type: 0 },
    ]);
    expect(summary.target).toBe('blacklist');
    expect(world.emulator.state().contacts).toEqual([]);
  });
});

describe('import --target blacklist with the block type from a column (mappings/smsc-blacklist.json)', () => {
  it('blocks each phone with its own type, and rejects a row whose type is not 0, 1 or 2 naming it', async () => {
    seed(world.emulator, {});
    const stopList = join(world.dir, 'blacklist-export.csv');
    await writeFile(stopList, `id,phone,type\n7,${mobile(1)},2\n8,${mobile(2)},1\n9,${mobile(3)},\n10,${mobile(4)},3\n`, 'utf8');

    const { report } = await importInto(world.emulator, { input: stopList, target: 'blacklist', mappingFile: join(REPO, 'mappings/smsc-blacklist.json') });

    expect(report.map(({ action, outcome }) => `${action}/${outcome}`)).toEqual(['add/done', 'add/done', 'add/done', 'reject/rejected']);
    expect(report[3]).toMatchObject({ row: '5', error_code: 'BLACKLIST_TYPE_INVALID', error: 'blacklistType: not a block type: expected 0 (all messages), 1 (mass mailings) or 2 (single messages)' });
    expect(world.emulator.state().blacklist.map(({ phone, type }) => ({ phone, type }))).toEqual([
      { phone: mobile(1), type: 2 },
      { phone: mobile(2), type: 1 },
      { phone: mobile(3), type: 0 },
    ]);
  });
});

describe('import --target blacklist with several numbers in one cell', () => {
  it('blocks every number of the row, sending only those not listed yet', async () => {
    seed(world.emulator, { blacklist: [{ id: 101, phone: mobile(1), type: 0 }, { id: 102, phone: mobile(9), type: 0 }] });
    const stopList = await writeInput(world.dir, 'stop-many.csv', [{ phone: `${mobile(1)}, 8 916 000-00-02` }, { phone: `${mobile(3)}; ${mobile(4)}` }, { phone: mobile(9) }]);

    const { report } = await importInto(world.emulator, { input: stopList, target: 'blacklist', mappingFile: BLACKLIST_MAPPING });

    // Re-sending the listed 79160000001 would be a save error (5): the row would fail.
    expect(report.map(({ phone, action, outcome }) => `${phone} ${action}/${outcome}`)).toEqual([
      `${mobile(1)},${mobile(2)} add/done`,
      `${mobile(3)},${mobile(4)} add/done`,
      `${mobile(9)} unchanged/done`,
    ]);
    expect(world.emulator.stats().calls.add_black).toBe(2);
    expect(world.emulator.state().blacklist.map(({ phone }) => phone).sort()).toEqual([mobile(1), mobile(2), mobile(3), mobile(4), mobile(9)]);
  });

  it('settles lost add_black replies of multi-number rows by reading the blacklist back', async () => {
    // Each read-back pages the blacklist from its first page, the same request every time: the
    // accelerated clock lets the identical-request window pass.
    const fast = await startTestEmulator({ clockScale: 600, faults: { seed: 3, lostReplyRate: 0.4 } });
    try {
      const rows = Array.from({ length: 12 }, (_, index) => ({ phone: `${mobile(10 + 2 * index)}, ${mobile(11 + 2 * index)}` }));
      const stopList = await writeInput(world.dir, 'stop-lost.csv', rows);

      const { summary, report } = await importInto(fast, { input: stopList, target: 'blacklist', mappingFile: BLACKLIST_MAPPING, clockScale: 600 });

      expect(fast.stats().faults.lostReply).toBeGreaterThan(0);
      expect(summary.readBacks).toBeGreaterThan(0);
      expect(report.filter(({ outcome }) => outcome !== 'done')).toEqual([]);
      expect(fast.state().blacklist.map(({ phone }) => phone).sort()).toEqual(Array.from({ length: 24 }, (_, index) => mobile(10 + index)));
    } finally {
      await fast.close();
    }
  });
});
