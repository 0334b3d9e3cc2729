/**
 * Guards around the writes that cannot be taken back: nothing is written before the journal is
 * known to belong to the file, `sync --delete-missing` never deletes a contact the file may still
 * name in a row that was rejected, and a fatal SMSC error stops every further request.
 */
import { describe, expect, it } from 'vitest';
import { PHONES_PATH } from '../../src/smsc/protocol.js';
import { importExitCode } from '../../src/write/import.js';
import { contact, contactsByPhone, group, importInto, mobile, seed, writeCallCount, writeInput, useImportWorld } from '../helpers/import-run.js';

const world = useImportWorld();

describe('--resume with a journal of another file', () => {
  it('is refused before the first request, so --create-groups creates nothing', async () => {
    seed(world.emulator, { groups: [group(5901, 'VIP')] });
    const report = `${world.dir}/resume.report.csv`;
    const first = await writeInput(world.dir, 'first.csv', [{ name: 'Анна', phone: mobile(1), group: 'VIP' }]);
    await importInto(world.emulator, { input: first, report });
    const before = world.emulator.stats().requestsTotal;

    const other = await writeInput(world.dir, 'other.csv', [{ name: 'Борис', phone: mobile(2), group: 'Новая группа' }]);
    await expect(importInto(world.emulator, { input: other, report, resume: true, createGroups: true })).rejects.toMatchObject({ code: 'ERR_JOURNAL_MISMATCH', exitCode: 2 });

    expect(world.emulator.stats().requestsTotal).toBe(before);
    expect(world.emulator.state().groups.map(({ name }) => name)).toEqual(['VIP']);
  });
});

describe('sync --delete-missing with rejected rows', () => {
  it('deletes nothing when a rejected row may name an account contact, and says why', async () => {
    seed(world.emulator, { contacts: [contact(100_001, { phones: [mobile(1)], name: 'Анна', mails: ['anna@example.ru'] }), contact(100_002, { phones: [mobile(2)], name: 'Борис' })] });
    // --strict rejects Анна's row for its e-mail: her phone is fine, but the row carries no fields.
    const input = await writeInput(world.dir, 'strict.csv', [{ name: 'Анна', phone: mobile(1), email: 'anna@@example' }, { name: 'Вера', phone: mobile(3) }]);

    const { summary, report } = await importInto(world.emulator, { input, mode: 'sync', deleteMissing: true, strict: true });

    expect(report.map(({ phone, action, outcome }) => `${phone} ${action}/${outcome}`)).toEqual([
      expect.stringMatching(/ reject\/rejected$/),
      `${mobile(3)} add/done`,
      `${mobile(1)} delete/skipped`,
      `${mobile(2)} delete/skipped`,
    ]);
    expect(report[2]?.error).toMatch(/not deleted: 1 row of the file was rejected/);
    expect(world.emulator.stats().calls.del).toBeUndefined();
    expect(Object.keys(contactsByPhone(world.emulator.state())).sort()).toEqual([mobile(1), mobile(2), mobile(3)]);
    expect(summary.outcomes.rejected).toBe(1);
    expect(writeCallCount(world.emulator.stats())).toBe(1);
  });

  it('still deletes when the only rows left out are duplicates of rows that are kept', async () => {
    seed(world.emulator, { contacts: [contact(100_001, { phones: [mobile(1)], name: 'Анна' }), contact(100_002, { phones: [mobile(2)], name: 'Борис' })] });
    const input = await writeInput(world.dir, 'duplicates.csv', [{ name: 'Анна', phone: mobile(1) }, { name: 'Анна', phone: `+${mobile(1)}` }]);

    const { report } = await importInto(world.emulator, { input, mode: 'sync', deleteMissing: true });

    expect(report.map(({ action, outcome }) => `${action}/${outcome}`)).toEqual(['unchanged/done', 'skip/skipped', 'delete/done']);
    expect(Object.keys(contactsByPhone(world.emulator.state()))).toEqual([mobile(1)]);
  });
});

describe('a fatal error in the middle of the writes', () => {
  it('stops the run: no request after the in-flight ones, the rest reported as skipped, exit code 3', async () => {
    seed(world.emulator, {});
    world.emulator.setFaults({ latencyMs: 5 });
    const input = await writeInput(
      world.dir,
      'blocked.csv',
      Array.from({ length: 80 }, (_, index) => ({ name: `Клиент ${index}`, phone: mobile(100 + index) })),
    );
    let requestsAtBlock = 0;
    // Once writing starts, five bad logins from this address get it blocked (error 4) for every login.
    const blockAddress = async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        await fetch(`${world.emulator.url}${PHONES_PATH}`, { method: 'POST', body: new URLSearchParams({ get: '1', login: 'demo', psw: 'wrong', fmt: '3' }) });
      }
      requestsAtBlock = world.emulator.stats().requestsTotal;
    };
    let blocking: Promise<void> | undefined;
    const onPhase = (phase: string) => {
      if (phase === 'write') blocking = blockAddress();
    };

    const { summary, report } = await importInto(world.emulator, {
      input,
      concurrency: 4,
      hooks: { onPhase },
    });
    await blocking;
    world.emulator.setFaults({});

    expect(summary.outcomes.done).toBeGreaterThan(0);
    expect(summary.aborted?.code).toBe('ERR_SMSC_IP_BLOCKED');
    expect(importExitCode(summary)).toBe(3);
    expect(world.emulator.stats().errors[4]).toBeGreaterThan(0);
    expect(world.emulator.stats().requestsTotal - requestsAtBlock).toBeLessThanOrEqual(4);
    expect(report).toHaveLength(80);
    expect(report.at(-1)).toMatchObject({ outcome: 'skipped', error_code: 'ERR_SMSC_IP_BLOCKED', attempts: '0' });
  });
});
