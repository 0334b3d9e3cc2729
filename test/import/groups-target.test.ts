/**
 * `import --target groups` against the emulator: export → edit → import → export, the no-op
 * re-import, deletes refused while a group has contacts (`--force`), the delete guard hook, and
 * rows that cannot be used.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Group } from '../../src/emulator/index.js';
import { runExport } from '../../src/export/index.js';
import { createSmscClient } from '../../src/smsc/client.js';
import { createDeleteGuard, type DeleteCandidate } from '../../src/write/delete-guard.js';
import { importExitCode, type ImportSummary } from '../../src/write/import.js';
import { runCli, smscEnv } from '../helpers/cli-run.js';
import { DEMO, GROUPS_MAPPING, contact, importInto, mobile, seed, startTestEmulator, writeCallCount, useImportWorld, type ImportRunOptions, type ReportRow } from '../helpers/import-run.js';

// Several imports of one test read the same groups: a fast clock lets SMSC's "3 identical requests a minute" pass.
const CLOCK_SCALE = 600;
const world = useImportWorld({ clockScale: CLOCK_SCALE });

const ACCOUNT: { groups: Group[]; contacts: ReturnType<typeof contact>[] } = {
  groups: [
    { id: 5901, name: 'VIP', num: 10, type: 0 },
    { id: 5902, name: 'Клиенты', type: 0 },
    { id: 5903, name: 'Рассылка', type: 1 },
    { id: 5904, name: 'Старая акция', type: 0 },
  ],
  contacts: [contact(100_001, { phones: [mobile(1)], groups: [5901, 5904] }), contact(100_002, { mails: ['a@example.com'], groups: [5903] })],
};

/** A groups report names the group where a contact report names the phone. */
type GroupReportRow = Omit<ReportRow, 'phone'> & { group: string };

async function importGroups(options: Omit<ImportRunOptions, 'target' | 'mappingFile'>): Promise<{ summary: ImportSummary; report: GroupReportRow[] }> {
  const { summary, report } = await importInto(world.emulator, { ...options, target: 'groups', mappingFile: GROUPS_MAPPING, clockScale: CLOCK_SCALE });
  return { summary, report: report as unknown as GroupReportRow[] };
}

async function exportGroups(name: string): Promise<Record<string, string>[]> {
  const out = join(world.dir, name);
  await runExport({ client: createSmscClient({ baseUrl: world.emulator.url, ...DEMO }), out, what: ['groups'] });
  return parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
}

async function writeGroups(name: string, text: string): Promise<string> {
  const path = join(world.dir, name);
  await writeFile(path, text, 'utf8');
  return path;
}

const groupsIn = () => world.emulator.state().groups.map(({ id, name, num, type }) => ({ id, name, num, type }));

describe('import --target groups', () => {
  it('export → import changes nothing: 0 write calls, every row unchanged', async () => {
    seed(world.emulator, ACCOUNT);
    await exportGroups('groups.csv');
    const { summary, report } = await importGroups({ input: join(world.dir, 'groups.csv') });

    expect(report.map(({ action, outcome }) => `${action}/${outcome}`)).toEqual(Array(4).fill('unchanged/done'));
    expect(writeCallCount(world.emulator.stats())).toBe(0);
    expect(summary).toMatchObject({ target: 'groups', rows: 4, accountContacts: 4, writeCalls: 0 });
  });

  it('export → edit → import → export: renames by id, changes num, adds a group with its num and type', async () => {
    seed(world.emulator, ACCOUNT);
    const exported = await exportGroups('edit.csv');
    const edited = exported.map((row) => (row.id === '5902' ? { ...row, name: 'Клиенты 2026' } : row.id === '5901' ? { ...row, num: '11' } : row));
    const lines = [...edited.map((row) => [row.id, row.name, row.num, row.type].join(',')), ',Письма осень,12,1'];
    const input = await writeGroups('edited.csv', `id,name,num,type\n${lines.join('\n')}\n`);

    const { summary, report } = await importGroups({ input });

    expect(report.map(({ row, group, action, outcome, changes }) => ({ row, group, action, outcome, changes }))).toEqual([
      { row: '2', group: 'VIP', action: 'chg', outcome: 'done', changes: 'num: "10" → "11"' },
      { row: '3', group: 'Клиенты 2026', action: 'chg', outcome: 'done', changes: 'name: "Клиенты" → "Клиенты 2026"' },
      { row: '4', group: 'Рассылка', action: 'unchanged', outcome: 'done', changes: '' },
      { row: '5', group: 'Старая акция', action: 'unchanged', outcome: 'done', changes: '' },
      { row: '6', group: 'Письма осень', action: 'add', outcome: 'done', changes: '' },
    ]);
    const { scripts } = world.emulator.stats();
    expect(scripts['phones.php']).toMatchObject({ chg_group: 2 });
    expect(scripts['mails.php']).toEqual({ add_group: 1 });
    expect(summary.groupsCreated).toBe(1);

    const after = await exportGroups('after.csv');
    expect(after.map(({ id: _id, ...rest }) => rest)).toEqual([...edited.map(({ id: _id, ...rest }) => rest), { name: 'Письма осень', num: '12', type: '1' }]);
    expect(after.slice(0, 4).map((row) => row.id)).toEqual(['5901', '5902', '5903', '5904']);
  });

  it('sync --delete-missing deletes an empty group and refuses one with contacts (or an e-mail group, uncounted) unless --force; the dry run names both', async () => {
    const input = await writeGroups('keep.csv', 'id,name,num,type\n5901,VIP,10,0\n');
    const withEmpty = { ...ACCOUNT, groups: [...ACCOUNT.groups, { id: 5905, name: 'Пустая', type: 0 }, { id: 5906, name: 'Почтовая', type: 1 }] };
    seed(world.emulator, withEmpty);

    const dry = await importGroups({ input, mode: 'sync', deleteMissing: true, dryRun: true, report: join(world.dir, 'dry.csv') });
    const deletes = (lines: typeof dry.report) => lines.filter(({ action }) => action === 'delete').map(({ group, outcome, error_code }) => `${group} ${outcome} ${error_code}`);
    expect(deletes(dry.report)).toEqual(['Клиенты dry-run ', 'Рассылка skipped GROUP_HAS_CONTACTS', 'Старая акция skipped GROUP_HAS_CONTACTS', 'Пустая dry-run ', 'Почтовая skipped GROUP_HAS_CONTACTS']);
    // `get` lists no mails.php contact: an e-mail group counted at 0 may well have members.
    for (const mailGroup of ['Рассылка', 'Почтовая']) expect(dry.report.find(({ group }) => group === mailGroup)?.error).toMatch(/^not deleted: the members of an e-mail group are not counted here/);
    expect(dry.report[1]).toMatchObject({ row: '', error_code: '' });
    expect(dry.report.find(({ group }) => group === 'Старая акция')?.error).toBe('not deleted: 1 contact is in this group; --force deletes it anyway (the contacts stay, without this group)');
    expect(writeCallCount(world.emulator.stats())).toBe(0);

    const forcedDry = await importGroups({ input, mode: 'sync', deleteMissing: true, force: true, dryRun: true, report: join(world.dir, 'dry-force.csv') });
    expect(deletes(forcedDry.report)).toEqual(['Клиенты dry-run ', 'Рассылка dry-run GROUP_HAS_CONTACTS', 'Старая акция dry-run GROUP_HAS_CONTACTS', 'Пустая dry-run ', 'Почтовая dry-run GROUP_HAS_CONTACTS']);
    expect(forcedDry.report.find(({ group }) => group === 'Старая акция')?.error).toBe('deleted with --force: 1 contact is in this group; they stay, without it');

    const real = await importGroups({ input, mode: 'sync', deleteMissing: true });
    expect(deletes(real.report)).toEqual(['Клиенты done ', 'Рассылка skipped GROUP_HAS_CONTACTS', 'Старая акция skipped GROUP_HAS_CONTACTS', 'Пустая done ', 'Почтовая skipped GROUP_HAS_CONTACTS']);
    expect(groupsIn().map(({ id }) => id)).toEqual([5901, 5903, 5904, 5906]);
    expect(world.emulator.stats().scripts['phones.php'].del_group).toBe(2);
    expect(importExitCode(real.summary)).toBe(0);

    const forced = await importGroups({ input, mode: 'sync', deleteMissing: true, force: true });
    expect(deletes(forced.report)).toEqual(['Рассылка done GROUP_HAS_CONTACTS', 'Старая акция done GROUP_HAS_CONTACTS', 'Почтовая done GROUP_HAS_CONTACTS']);
    expect(groupsIn().map(({ id }) => id)).toEqual([5901]);
    expect(world.emulator.stats().scripts['mails.php']).toEqual({ del_group: 2 });
    expect(world.emulator.state().contacts.map(({ int_id, groups }) => ({ int_id, groups }))).toEqual([
      { int_id: 100_001, groups: [5901] },
      { int_id: 100_002, groups: [] },
    ]);
  });

  it('shows the planned deletions to the delete guard before any write; a guard that throws stops the run with nothing written', async () => {
    seed(world.emulator, ACCOUNT);
    const input = await writeGroups('guarded.csv', 'id,name,num,type\n5901,VIP,11,0\n');
    const seen: unknown[] = [];
    const refuse = async (what: string, candidates: readonly DeleteCandidate[]) => {
      seen.push({ what, candidates });
      throw new Error('refused by the guard');
    };

    await expect(importGroups({ input, mode: 'sync', deleteMissing: true, guardDeletes: refuse })).rejects.toThrow('refused by the guard');
    expect(seen).toEqual([{ what: 'groups', candidates: [{ label: '«Клиенты»', smscId: 5902 }] }]);
    expect(writeCallCount(world.emulator.stats())).toBe(0);
    expect(groupsIn()).toEqual(ACCOUNT.groups.map(({ id, name, num, type }) => ({ id, name, num, type })));
  });

  it('group deletions go through the import delete guard: --max-deletes and a missing --yes refuse them, --yes lets them through', async () => {
    const input = await writeGroups('guard-real.csv', 'id,name,num,type\n5901,VIP,10,0\n5903,Рассылка,,1\n');
    const printed: string[] = [];
    const guard = (options: { yes?: boolean; maxDeletes?: number }) => createDeleteGuard({ ...options, print: (line) => printed.push(line) });

    seed(world.emulator, ACCOUNT);
    await expect(importGroups({ input, mode: 'sync', deleteMissing: true, force: true, guardDeletes: guard({ yes: true, maxDeletes: 1 }) })).rejects.toMatchObject({ code: 'ERR_DELETE_LIMIT' });
    await expect(importGroups({ input, mode: 'sync', deleteMissing: true, force: true, guardDeletes: guard({}) })).rejects.toMatchObject({ code: 'ERR_DELETE_UNCONFIRMED' });
    expect(writeCallCount(world.emulator.stats())).toBe(0);
    expect(printed).toContain('will delete 2 groups:');
    expect(printed).toContain('  «Старая акция» (id 5904)');

    const { summary } = await importGroups({ input, mode: 'sync', deleteMissing: true, force: true, guardDeletes: guard({ yes: true }) });
    expect(summary.outcomes).toMatchObject({ done: 4 });
    expect(groupsIn().map(({ id }) => id)).toEqual([5901, 5903]);
  });

  it('an interrupt before the writes writes nothing: the rows that needed a write are reported not run (INTERRUPTED, exit 130)', async () => {
    seed(world.emulator, ACCOUNT);
    const input = await writeGroups('interrupted.csv', 'id,name,num,type\n5901,VIP,11,0\n5902,Клиенты,,0\n,Новая,,0\n');
    const stop = new AbortController();
    stop.abort();
    const { summary, report } = await importGroups({ input, signal: stop.signal });

    expect(report.map(({ action, outcome, error_code }) => `${action}/${outcome}/${error_code}`)).toEqual(['chg/skipped/INTERRUPTED', 'unchanged/done/', 'add/skipped/INTERRUPTED']);
    expect(writeCallCount(world.emulator.stats())).toBe(0);
    expect(summary.interrupted).toEqual({ after: 1 });
    expect(importExitCode(summary)).toBe(130);
  });

  it('stops after 20 writes in a row failed, as import does for contacts: the rest not attempted, ERR_IMPORT_TOO_MANY_FAILURES, exit 3', async () => {
    seed(world.emulator, ACCOUNT);
    const rows = Array.from({ length: 25 }, (_, index) => `,Сбой ${index + 1},,0`);
    const input = await writeGroups('failing.csv', `id,name,num,type\n${rows.join('\n')}\n`);
    // The service breaks down once the groups were read: every write gets HTTP 500. One at a time,
    // so no write is in flight when the 20th fails (with more, those settle and fail too).
    const { summary, report } = await importGroups({ input, concurrency: 1, hooks: { onPhase: (phase) => phase === 'write' && world.emulator.setFaults({ http500Rate: 1 }) } });
    world.emulator.setFaults({});

    expect(summary.aborted).toEqual({ code: 'ERR_IMPORT_TOO_MANY_FAILURES', message: expect.stringMatching(/^20 writes in a row failed; the last: /) });
    expect(importExitCode(summary)).toBe(3);
    expect(report.map(({ outcome }) => outcome)).toEqual([...Array(20).fill('failed'), ...Array(5).fill('skipped')]);
    expect(report.at(-1)).toMatchObject({ outcome: 'skipped', attempts: '0', error_code: 'ERR_IMPORT_TOO_MANY_FAILURES', error: `not attempted: ${summary.aborted?.message}` });
    // Only the 20 failed rows sent anything (each with its retries); the account is as it was.
    expect(world.emulator.stats().calls.add_group).toBe(report.slice(0, 20).reduce((sum, { attempts }) => sum + Number(attempts), 0));
    expect(groupsIn()).toEqual(ACCOUNT.groups.map(({ id, name, num, type }) => ({ id, name, num, type })));
  });

  it('rejects unusable rows naming the field, a type change, and withholds deletes while a row is rejected', async () => {
    seed(world.emulator, ACCOUNT);
    const input = await writeGroups('bad.csv', 'id,name,num,type\n5901,VIP,10,1\n,,5,0\n5902,Клиенты,x,0\n,Новая,,2\n,VIP,,\n');

    const { summary, report } = await importGroups({ input, mode: 'sync', deleteMissing: true });

    expect(report.map(({ group }) => group)).toEqual(['VIP', '', 'Клиенты', 'Новая', 'VIP', 'Клиенты', 'Рассылка', 'Старая акция']);
    expect(report.map(({ row, action, error_code, error }) => ({ row, action, error_code, error }))).toEqual([
      { row: '2', action: 'reject', error_code: 'GROUP_TYPE_CHANGE', error: 'group 5901 has type 0, the file says 1: chg_group cannot change a type' },
      { row: '3', action: 'reject', error_code: 'GROUP_NAME_MISSING', error: 'name: no group name' },
      { row: '4', action: 'reject', error_code: 'GROUP_NUM_INVALID', error: 'num: «x» is not a whole number' },
      { row: '5', action: 'reject', error_code: 'GROUP_TYPE_INVALID', error: 'type: «2» is not a group type: expected 0 (phones) or 1 (e-mails)' },
      { row: '6', action: 'skip', error_code: 'DUPLICATE_GROUP', error: 'group 5901 «VIP» is in the file twice; the first row is used' },
      ...['5902', '5903', '5904'].map(() => ({ row: '', action: 'delete', error_code: 'DELETE_WITHHELD', error: 'not deleted: 3 rows of the file were rejected and may be this group; fix the rejected rows and run again' })),
    ]);
    expect(writeCallCount(world.emulator.stats())).toBe(0);
    expect(importExitCode(summary)).toBe(1);
  });

  it('settles lost add_group / chg_group replies by reading the groups back: no group twice', async () => {
    const lossy = await startTestEmulator({ clockScale: CLOCK_SCALE, faults: { seed: 7, lostReplyRate: 0.5 } });
    try {
      lossy.reset({ contacts: [], blacklist: [], groups: ACCOUNT.groups });
      const rows = Array.from({ length: 10 }, (_, index) => `,Группа ${index + 1},${100 + index},0`);
      const input = await writeGroups('lossy.csv', `id,name,num,type\n5901,VIP клуб,10,0\n${rows.join('\n')}\n`);
      const { summary, report } = await importInto(lossy, { input, target: 'groups', mappingFile: GROUPS_MAPPING, clockScale: CLOCK_SCALE });

      expect(lossy.stats().faults.lostReply).toBeGreaterThan(0);
      expect(summary.readBacks).toBeGreaterThan(0);
      expect(report.filter(({ outcome }) => outcome !== 'done')).toEqual([]);
      // Written side by side, the new groups get their ids in the order their requests arrived.
      const names = lossy.state().groups.map(({ name }) => name);
      expect(names.slice(0, 4)).toEqual(['VIP клуб', 'Клиенты', 'Рассылка', 'Старая акция']);
      expect(names.slice(4).sort()).toEqual(Array.from({ length: 10 }, (_, index) => `Группа ${index + 1}`).sort());
    } finally {
      await lossy.close();
    }
  });

  it.each([1, 3, 6])('honours --concurrency %i: never more group writes in flight, no error 9', async (concurrency) => {
    seed(world.emulator, ACCOUNT);
    world.emulator.setFaults({ latencyMs: 5 });
    const rows = Array.from({ length: 30 }, (_, index) => `,Параллельная ${index + 1},${200 + index},0`);
    const input = await writeGroups(`concurrency-${concurrency}.csv`, `id,name,num,type\n${rows.join('\n')}\n`);
    const { summary } = await importGroups({ input, concurrency });
    world.emulator.setFaults({});

    const stats = world.emulator.stats();
    expect(summary.outcomes).toMatchObject({ done: 30, failed: 0 });
    expect(stats.error9).toEqual({ identical: 0, 'in-flight': 0, injected: 0 });
    expect(stats.maxInFlight).toBe(concurrency);
  });

  it('tells read warnings as contacts do: on the report line of the row that carries them, and in the summary', async () => {
    seed(world.emulator, ACCOUNT);
    // A header byte that is not UTF-8 (in a column of its own) goes with the first row; the last row has a cell too many.
    const input = join(world.dir, 'warnings.csv');
    await writeFile(input, Buffer.concat([Buffer.from('id,name,num,type,Прим', 'utf8'), Buffer.from([0xdf]), Buffer.from('\n5901,VIP,10,0,\n,Партнёры,,,,лишнее\n', 'utf8')]));
    const notUtf8 = 'E: row 1: not UTF-8, read as Windows-1251: "Я" (bytes DF)';

    const { summary, report } = await importGroups({ input, dryRun: true });

    expect(report.map(({ row, group, action, warnings }) => [row, group, action, warnings])).toEqual([
      ['2', 'VIP', 'unchanged', notUtf8],
      ['3', 'Партнёры', 'add', 'row 3 has 6 cells, the header has 5'],
    ]);
    expect(summary.warnings).toEqual({ count: 2, first: [`row 1, ${notUtf8}`, 'row 3: row 3 has 6 cells, the header has 5'] });

    // Without a row to carry it, the summary alone has it.
    const headerOnly = join(world.dir, 'warnings-header.csv');
    await writeFile(headerOnly, Buffer.concat([Buffer.from('id,name,num,type,Прим', 'utf8'), Buffer.from([0xdf]), Buffer.from('\n')]));
    const alone = await importGroups({ input: headerOnly, dryRun: true });
    expect(alone.report).toEqual([]);
    expect(alone.summary.warnings).toEqual({ count: 1, first: [`row 1, ${notUtf8}`] });
  });

  it('refuses --concurrency 15 before any call, with the check contacts use', async () => {
    seed(world.emulator, ACCOUNT);
    const input = await writeGroups('c15.csv', 'id,name,num,type\n,Новая,,0\n');
    await expect(importGroups({ input, concurrency: 15 })).rejects.toMatchObject({ code: 'ERR_IMPORT_CONCURRENCY', exitCode: 2 });
    expect(world.emulator.stats().requestsTotal).toBe(0);
  });

  it('writes that take or free the same num keep the file order; the others go side by side', async () => {
    // Each row takes the num the row before it frees (12 → 13, then 11 → 12, …), and a new group
    // takes the last one freed: valid in the file's order only. Random slow replies reorder the rest.
    const chain = Array.from({ length: 8 }, (_, index) => ({ id: 6001 + index, name: `Цепочка ${index + 1}`, num: 20 + index, type: 0 }));
    seed(world.emulator, { groups: chain });
    world.emulator.setFaults({ seed: 3, slowRate: 0.5, slowMs: 20 });
    const lines = [...chain].reverse().map(({ id, name, num }) => `${id},${name},${num + 1},0`);
    const input = await writeGroups('renumber.csv', `id,name,num,type\n${lines.join('\n')}\n,Новая,20,0\n`);
    const { summary, report } = await importGroups({ input, concurrency: 8 });
    world.emulator.setFaults({});

    expect(report.filter(({ outcome }) => outcome !== 'done')).toEqual([]);
    expect(summary.outcomes.done).toBe(9);
    expect(groupsIn().map(({ name, num }) => `${name} ${num}`)).toEqual([...chain.map(({ name, num }) => `${name} ${num + 1}`), 'Новая 20']);
  });

  it('stops before any request when the file lacks a mapped column, suggesting the closest header', async () => {
    seed(world.emulator, ACCOUNT);
    const input = await writeGroups('typo.csv', 'id,nmae,num,type\n5901,VIP,10,0\n');

    await expect(importGroups({ input })).rejects.toThrow(/column «name» of field name not found \(did you mean «nmae»\?\)/);
    expect(world.emulator.stats().requestsTotal).toBe(0);
  });

  it('runs from the CLI: --target groups with mappings/smsc-groups.json, a report naming the group, --force without --delete-missing refused', async () => {
    seed(world.emulator, ACCOUNT);
    const input = await writeGroups('cli.csv', 'id,name,num,type\n5901,VIP,10,0\n,Партнёры,,\n');
    const options = { env: smscEnv(world.emulator), cwd: world.dir };

    const result = await runCli(['import', input, '--target', 'groups', '-m', GROUPS_MAPPING], options);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/2 rows \(upsert, groups\)/);
    expect((await readFile(join(world.dir, 'cli.report.csv'), 'utf8')).split('\r\n').slice(0, 3)).toEqual([
      'row,group,action,outcome,smsc_id,error_code,error,attempts,changes,warnings',
      '2,VIP,unchanged,done,5901,,,0,,',
      '3,Партнёры,add,done,5905,,,1,,',
    ]);
    expect(groupsIn().at(-1)).toEqual({ id: 5905, name: 'Партнёры', num: undefined, type: 0 });

    const forced = await runCli(['import', input, '--target', 'groups', '-m', GROUPS_MAPPING, '--force'], options);
    expect(forced.code).toBe(2);
    expect(forced.stderr.trim()).toBe('smsc-etl: --force only matters with --mode sync --delete-missing (it lets groups with contacts be deleted)');
    const contacts = await runCli(['import', input, '-m', GROUPS_MAPPING, '--force'], options);
    expect(contacts.code).toBe(2);
    expect(contacts.stderr.trim()).toBe('smsc-etl: --force is for --target groups (deleting groups that still have contacts)');
  });
});
