/**
 * `import --mode delete` (contacts and blacklist) and `--target blacklist --mode sync --delete-missing`,
 * against the emulator over HTTP: dry run first, one report line per row, exactly the expected `del` /
 * `del_black` calls, lost replies settled by reading back, --resume, and the delete guard of the CLI.
 */
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { runCli, smscEnv } from '../helpers/cli-run.js';
import { BLACKLIST_MAPPING, CONTACTS_MAPPING, GROUPS_MAPPING, REPO, contact, importInto, mobile, seed, startTestEmulator, useImportWorld, writeCallCount, writeInput } from '../helpers/import-run.js';

const world = useImportWorld();

beforeAll(async () => {
  await access(CLI); // built by test/global-setup.ts
});

/** Five contacts; the fifth has a second phone. */
const ACCOUNT = {
  contacts: [
    ...Array.from({ length: 4 }, (_, index) => contact(300 + index, { phones: [mobile(index)], name: `Контакт ${index}` })),
    contact(304, { phones: [mobile(4), mobile(14)], name: 'Два номера' }),
  ],
};
const remaining = () => world.emulator.state().contacts.map((stored) => stored.int_id);
const lines = (report: { phone: string; action: string; outcome: string; smsc_id: string; error_code: string }[]) =>
  report.map(({ phone, action, outcome, smsc_id, error_code }) => `${phone} ${action}/${outcome} ${smsc_id} ${error_code}`.trim());

async function deleteFile(name: string): Promise<string> {
  return writeInput(world.dir, name, [
    { phone: mobile(1) },
    { phone: mobile(9) }, // not in the account
    { phone: `+7 916 ${mobile(14).slice(4, 7)}-${mobile(14).slice(7, 9)}-${mobile(14).slice(9)}` }, // the second phone of 304
    { phone: `${mobile(2)}, ${mobile(3)}` }, // two contacts in one row
    { phone: mobile(4), name: 'Два номера' }, // 304 again
  ]);
}

describe('import --mode delete (contacts)', () => {
  it('a dry run lists the deletions and writes nothing; the real run sends exactly one del per contact', async () => {
    seed(world.emulator, ACCOUNT);
    const input = await deleteFile('delete.csv');

    const dry = await importInto(world.emulator, { input, mode: 'delete', dryRun: true });

    const planned = [
      `${mobile(1)} delete/dry-run 301`,
      `${mobile(9)} skip/skipped  NOT_IN_ACCOUNT`,
      `${mobile(14)} delete/dry-run 304`,
      `${mobile(2)},${mobile(3)} skip/skipped  DELETE_AMBIGUOUS`,
      `${mobile(4)} skip/skipped 304 SAME_CONTACT`,
    ];
    expect(lines(dry.report)).toEqual(planned);
    expect(dry.report[3]?.error).toBe("not deleted: the row's numbers belong to 2 contacts (ids 302, 303); put each contact on a row of its own");
    expect(dry.summary.actions).toMatchObject({ delete: 2, skip: 3 });
    expect(writeCallCount(world.emulator.stats())).toBe(0);
    expect(remaining()).toEqual([300, 301, 302, 303, 304]);

    const real = await importInto(world.emulator, { input, mode: 'delete' });

    expect(lines(real.report)).toEqual(planned.map((line) => line.replace('delete/dry-run', 'delete/done')));
    expect(world.emulator.stats().scripts['phones.php']).toMatchObject({ del: 2 });
    expect(writeCallCount(world.emulator.stats())).toBe(2);
    expect(remaining()).toEqual([300, 302, 303]);

    const again = await importInto(world.emulator, { input, mode: 'delete', report: join(world.dir, 'again.csv') });
    expect(again.report.map(({ action }) => action)).toEqual(Array(5).fill('skip'));
    expect(writeCallCount(world.emulator.stats())).toBe(2); // the emulator counts since the seed: no new write
  });

  it('resolves no groups and creates none: a delete row only names its contact', async () => {
    seed(world.emulator, ACCOUNT);
    const input = await writeInput(world.dir, 'delete-grouped.csv', [{ phone: mobile(0), group: 'Новая группа' }]);

    const { report } = await importInto(world.emulator, { input, mode: 'delete', createGroups: true });

    expect(lines(report)).toEqual([`${mobile(0)} delete/done 300`]);
    expect(world.emulator.stats().calls).toEqual({ get: expect.any(Number), del: 1 });
    expect(world.emulator.state().groups).toEqual([]);
  });

  it('e-mail contacts are deleted through mails.php, keyed by the e-mail', async () => {
    seed(world.emulator, { contacts: [contact(400, { mails: ['anna@example.com'], name: 'Анна' }), contact(401, { phones: [mobile(1)], mails: ['boris@example.com'] })] });
    const input = join(world.dir, 'unsubscribe.csv');
    await writeFile(input, 'Почта\nAnna@Example.com\nboris@example.com\nnobody@example.com\n', 'utf8');
    const mappingFile = join(world.dir, 'unsubscribe.json');
    await writeFile(mappingFile, JSON.stringify({ fields: { mail: 'Почта' }, contactKind: 'mail' }), 'utf8');

    const { report } = await importInto(world.emulator, { input, mappingFile, mode: 'delete' });

    expect(lines(report)).toEqual(['anna@example.com delete/done 400', 'boris@example.com delete/done 401', 'nobody@example.com skip/skipped  NOT_IN_ACCOUNT']);
    // 401 has a phone: it is a phones.php contact, deleted by its phone.
    expect(world.emulator.stats().scripts['mails.php']).toEqual({ del: 1 });
    expect(world.emulator.stats().scripts['phones.php']).toMatchObject({ del: 1 });
    expect(world.emulator.state().contacts).toEqual([]);
  });

  it('settles lost del replies by reading back whether the contact is gone', async () => {
    const fast = await startTestEmulator({ clockScale: 600, faults: { seed: 5, lostReplyRate: 0.4 } });
    try {
      seed(fast, { contacts: Array.from({ length: 12 }, (_, index) => contact(500 + index, { phones: [mobile(50 + index)] })) });
      const input = await writeInput(world.dir, 'delete-lost.csv', Array.from({ length: 12 }, (_, index) => ({ phone: mobile(50 + index) })));

      const { summary, report } = await importInto(fast, { input, mode: 'delete', clockScale: 600 });

      expect(fast.stats().faults.lostReply).toBeGreaterThan(0);
      expect(summary.readBacks).toBeGreaterThan(0);
      expect(report.filter(({ action, outcome }) => `${action}/${outcome}` !== 'delete/done')).toEqual([]);
      expect(fast.state().contacts).toEqual([]);
    } finally {
      await fast.close();
    }
  });

  it('an interrupted delete run is finished by --resume without a second del for any contact', async () => {
    const slow = await startTestEmulator({ faults: { latencyMs: 40 } });
    try {
      seed(slow, { contacts: Array.from({ length: 6 }, (_, index) => contact(600 + index, { phones: [mobile(60 + index)] })) });
      const input = await writeInput(world.dir, 'delete-resume.csv', Array.from({ length: 6 }, (_, index) => ({ phone: mobile(60 + index) })));
      const stop = new AbortController();
      const watch = setInterval(() => {
        if ((slow.stats().calls.del ?? 0) >= 2) stop.abort();
      }, 5);
      const first = await importInto(slow, { input, mode: 'delete', concurrency: 1, signal: stop.signal }).finally(() => clearInterval(watch));
      const deletedFirst = first.report.filter(({ outcome }) => outcome === 'done').length;
      expect(first.summary.interrupted).toBeDefined();
      expect(deletedFirst).toBeGreaterThanOrEqual(2);
      expect(deletedFirst).toBeLessThan(6);
      expect(first.report.filter(({ error_code }) => error_code === 'INTERRUPTED')).toHaveLength(6 - deletedFirst);

      const resumed = await importInto(slow, { input, mode: 'delete', resume: true });

      expect(resumed.summary.resumedRows).toBe(deletedFirst);
      expect(resumed.report.map(({ action, outcome }) => `${action}/${outcome}`)).toEqual(Array(6).fill('delete/done'));
      // Counted over both runs: one del per contact.
      expect(slow.stats().calls.del).toBe(6);
      expect(slow.state().contacts).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});

describe('import --target blacklist --mode delete', () => {
  it('removes the listed numbers with one del_black per row; unlisted rows are skipped', async () => {
    const blacklist = [1, 2, 3].map((n) => ({ id: 100 + n, phone: mobile(n), type: 0 }));
    seed(world.emulator, { blacklist });
    const input = await writeInput(world.dir, 'unblock.csv', [{ phone: mobile(1) }, { phone: `${mobile(2)}; ${mobile(5)}` }, { phone: mobile(7) }]);

    const dry = await importInto(world.emulator, { input, target: 'blacklist', mappingFile: BLACKLIST_MAPPING, mode: 'delete', dryRun: true });
    expect(lines(dry.report)).toEqual([`${mobile(1)} delete/dry-run 101`, `${mobile(2)},${mobile(5)} delete/dry-run 102`, `${mobile(7)} skip/skipped  NOT_LISTED`]);
    expect(writeCallCount(world.emulator.stats())).toBe(0);

    const { report } = await importInto(world.emulator, { input, target: 'blacklist', mappingFile: BLACKLIST_MAPPING, mode: 'delete' });

    expect(lines(report)).toEqual([`${mobile(1)} delete/done 101`, `${mobile(2)},${mobile(5)} delete/done 102`, `${mobile(7)} skip/skipped  NOT_LISTED`]);
    expect(world.emulator.stats().calls).toEqual({ get_black: expect.any(Number), del_black: 2 });
    expect(world.emulator.state().blacklist.map(({ phone }) => phone)).toEqual([mobile(3)]);
  });
});

describe('import --target blacklist --mode sync --delete-missing', () => {
  it('adds what the file has and deletes the entries it lacks, one delete line each, after the rows', async () => {
    seed(world.emulator, { blacklist: [1, 2, 3].map((n) => ({ id: 100 + n, phone: mobile(n), type: 0 })) });
    const input = await writeInput(world.dir, 'stop-sync.csv', [{ phone: mobile(1) }, { phone: mobile(4) }]);
    const options = { input, target: 'blacklist', mappingFile: BLACKLIST_MAPPING, mode: 'sync', deleteMissing: true } as const;

    const dry = await importInto(world.emulator, { ...options, dryRun: true });
    expect(lines(dry.report)).toEqual([`${mobile(1)} unchanged/dry-run 101`, `${mobile(4)} add/dry-run`, `${mobile(2)} delete/dry-run 102`, `${mobile(3)} delete/dry-run 103`]);
    expect(writeCallCount(world.emulator.stats())).toBe(0);

    const { report } = await importInto(world.emulator, options);

    expect(lines(report)).toEqual([`${mobile(1)} unchanged/done 101`, `${mobile(4)} add/done 104`, `${mobile(2)} delete/done 102`, `${mobile(3)} delete/done 103`]);
    expect(world.emulator.stats().calls).toEqual({ get_black: expect.any(Number), add_black: 1, del_black: 2 });
    expect(world.emulator.state().blacklist.map(({ phone }) => phone)).toEqual([mobile(1), mobile(4)]);
  });
});

describe('import --target groups --mode delete', () => {
  it('is refused before any request: groups are deleted by --mode sync --delete-missing', async () => {
    seed(world.emulator, {});
    const input = join(world.dir, 'groups.csv');
    await writeFile(input, 'id,name,num,type\n5901,VIP,,0\n', 'utf8');

    await expect(importInto(world.emulator, { input, target: 'groups', mappingFile: GROUPS_MAPPING, mode: 'delete' })).rejects.toMatchObject({ code: 'ERR_IMPORT_MODE' });
    expect(world.emulator.stats().calls).toEqual({});
  });
});

describe('the delete guard on --mode delete (built CLI, no terminal)', () => {
  async function cli(extra: readonly string[], target: 'contacts' | 'blacklist' = 'contacts') {
    const input = await writeInput(world.dir, 'guarded.csv', [{ phone: mobile(0) }, { phone: mobile(1) }, { phone: mobile(2) }, { phone: mobile(9) }]);
    const mapping = target === 'blacklist' ? BLACKLIST_MAPPING : CONTACTS_MAPPING;
    return runCli(['import', input, '-m', mapping, '--target', target, '--mode', 'delete', ...extra], { env: smscEnv(world.emulator), cwd: world.dir });
  }

  it('lists what it would delete and refuses without --yes: exit 2, no write', async () => {
    seed(world.emulator, ACCOUNT);
    const result = await cli([]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`will delete 3 contacts:\n  ${mobile(0)} (id 300)\n  ${mobile(1)} (id 301)\n  ${mobile(2)} (id 302)\n`);
    expect(result.stderr).toMatch(/smsc-etl: 3 contacts would be deleted and there is no terminal to confirm it: add --yes .*; nothing was written to SMSC\n$/);
    expect(writeCallCount(world.emulator.stats())).toBe(0);
    expect(remaining()).toEqual([300, 301, 302, 303, 304]);
  });

  it('--max-deletes refuses a run that would delete more, even with --yes', async () => {
    seed(world.emulator, ACCOUNT);
    const result = await cli(['--yes', '--max-deletes', '2']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/smsc-etl: refusing to delete 3 contacts: more than --max-deletes 2; .*nothing was written to SMSC/);
    expect(writeCallCount(world.emulator.stats())).toBe(0);
  });

  it('deletes with --yes; the dry run asks nothing', async () => {
    seed(world.emulator, ACCOUNT);
    const dry = await cli(['--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).not.toContain('will delete');
    expect(writeCallCount(world.emulator.stats())).toBe(0);

    const result = await cli(['--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('will delete 3 contacts:');
    expect(world.emulator.stats().calls.del).toBe(3);
    expect(remaining()).toEqual([303, 304]);
  });

  it('guards blacklist deletes the same way, counting entries', async () => {
    seed(world.emulator, { blacklist: [0, 1].map((n) => ({ id: 100 + n, phone: mobile(n), type: 0 })) });
    const refused = await cli([], 'blacklist');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`will delete 2 blacklist entries:\n  ${mobile(0)} (id 100)\n  ${mobile(1)} (id 101)\n`);
    expect(writeCallCount(world.emulator.stats())).toBe(0);

    const done = await cli(['--yes'], 'blacklist');
    expect(done.code, done.stderr).toBe(0);
    expect(world.emulator.state().blacklist).toEqual([]);
  });
});

describe('import --target blacklist: an entry listed with another type than the file states', () => {
  const TYPED = join(REPO, 'mappings/smsc-blacklist.json');
  const typedFile = async (name: string, rows: readonly [number, number | ''][]) => {
    const path = join(world.dir, name);
    await writeFile(path, `id,phone,type\n${rows.map(([n, type], index) => `${index + 1},${mobile(n)},${type}`).join('\n')}\n`, 'utf8');
    return path;
  };
  const types = (state = world.emulator.state()) => Object.fromEntries(state.blacklist.map(({ phone, type }) => [phone, type]));

  it('is changed by del_black + add_black with the new type; an empty type cell leaves it alone', async () => {
    seed(world.emulator, { blacklist: [{ id: 101, phone: mobile(1), type: 0 }, { id: 102, phone: mobile(2), type: 1 }, { id: 103, phone: mobile(3), type: 2 }] });
    const input = await typedFile('retype.csv', [[1, 2], [2, 1], [3, ''], [4, 1]]);

    const dry = await importInto(world.emulator, { input, target: 'blacklist', mappingFile: TYPED, dryRun: true });
    expect(dry.report.map(({ action, outcome, changes }) => `${action}/${outcome} ${changes}`.trim())).toEqual(['chg/dry-run type: "0" → "2"', 'unchanged/dry-run', 'unchanged/dry-run', 'add/dry-run']);
    expect(writeCallCount(world.emulator.stats())).toBe(0);

    const { report } = await importInto(world.emulator, { input, target: 'blacklist', mappingFile: TYPED });

    expect(report.map(({ action, outcome, changes }) => `${action}/${outcome} ${changes}`.trim())).toEqual(['chg/done type: "0" → "2"', 'unchanged/done', 'unchanged/done', 'add/done']);
    expect(world.emulator.stats().calls).toEqual({ get_black: expect.any(Number), del_black: 1, add_black: 2 });
    expect(types()).toEqual({ [mobile(1)]: 2, [mobile(2)]: 1, [mobile(3)]: 2, [mobile(4)]: 1 });
  });

  it('a type only the mapping gives (a constant) applies to new entries and retypes nothing', async () => {
    seed(world.emulator, { blacklist: [{ id: 101, phone: mobile(1), type: 2 }] });
    const input = await writeInput(world.dir, 'constant-type.csv', [{ phone: mobile(1) }]);

    const { report } = await importInto(world.emulator, { input, target: 'blacklist', mappingFile: BLACKLIST_MAPPING });

    expect(report.map(({ action }) => action)).toEqual(['unchanged']);
    expect(writeCallCount(world.emulator.stats())).toBe(0);
  });

  it('lost replies of either call are settled by reading the blacklist back', async () => {
    const fast = await startTestEmulator({ clockScale: 600, faults: { seed: 11, lostReplyRate: 0.4 } });
    try {
      seed(fast, { blacklist: Array.from({ length: 10 }, (_, index) => ({ id: 200 + index, phone: mobile(20 + index), type: 0 })) });
      const input = await typedFile('retype-lost.csv', Array.from({ length: 10 }, (_, index) => [20 + index, 1] as [number, number]));

      const { summary, report } = await importInto(fast, { input, target: 'blacklist', mappingFile: TYPED, clockScale: 600 });

      expect(fast.stats().faults.lostReply).toBeGreaterThan(0);
      expect(summary.readBacks).toBeGreaterThan(0);
      expect(report.filter(({ action, outcome }) => `${action}/${outcome}` !== 'chg/done')).toEqual([]);
      expect(Object.values(types(fast.state()))).toEqual(Array(10).fill(1));
    } finally {
      await fast.close();
    }
  });
});
