/**
 * Guards around the writes that cannot be taken back: nothing is written before the journal is
 * known to belong to the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { group, importInto, makeTempDir, mobile, seed, startTestEmulator, writeInput } from '../helpers/import-run.js';

let emulator: RunningEmulator;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  emulator = await startTestEmulator();
  dir = await makeTempDir();
});

afterAll(async () => {
  await emulator.close();
  await dir.remove();
});

describe('--resume with a journal of another file', () => {
  it('is refused before the first request, so --create-groups creates nothing', async () => {
    seed(emulator, { groups: [group(5901, 'VIP')] });
    const report = `${dir.path}/resume.report.csv`;
    const first = await writeInput(dir.path, 'first.csv', [{ name: 'Анна', phone: mobile(1), group: 'VIP' }]);
    await importInto(emulator, { input: first, report });
    const before = emulator.stats().requestsTotal;

    const other = await writeInput(dir.path, 'other.csv', [{ name: 'Борис', phone: mobile(2), group: 'Новая группа' }]);
    await expect(importInto(emulator, { input: other, report, resume: true, createGroups: true })).rejects.toMatchObject({ code: 'ERR_JOURNAL_MISMATCH', exitCode: 2 });

    expect(emulator.stats().requestsTotal).toBe(before);
    expect(emulator.state().groups.map(({ name }) => name)).toEqual(['VIP']);
  });
});
