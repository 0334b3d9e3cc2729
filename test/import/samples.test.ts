/**
 * The sample files users start from (cp1251 CSV, UTF-8 CSV, XLSX with their traps): imported into
 * an empty account, then imported again — the second run must change nothing.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { contactsByPhone, importInto, makeTempDir, REPO, seed, startTestEmulator, writeCallCount } from '../helpers/import-run.js';

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

describe.each([
  ['contacts-utf8.csv', 'samples-utf8.json'],
  ['contacts-excel-ru.csv', 'samples-excel-ru.json'],
  ['contacts.xlsx', 'samples-xlsx.json'],
])('samples/%s', (sample, mapping) => {
  it('imports, and a second import of the same file makes no write call', async () => {
    seed(emulator, {});
    const input = join(dir.path, sample);
    await copyFile(join(REPO, 'samples', sample), input);
    const mappingFile = join(REPO, 'mappings', mapping);

    const first = await importInto(emulator, { input, mappingFile, createGroups: true });
    const state = emulator.state();
    const writes = writeCallCount(emulator.stats());
    const second = await importInto(emulator, { input, mappingFile, createGroups: true });

    expect(first.summary.outcomes.done).toBeGreaterThan(10);
    expect(() => contactsByPhone(state)).not.toThrow();
    expect(state.contacts).toHaveLength(first.summary.actions.add);
    expect(first.report).toHaveLength(first.summary.rows);
    expect(writeCallCount(emulator.stats())).toBe(writes);
    expect(second.summary.writeCalls).toBe(0);
    expect(second.report.map(({ row, action }) => `${row} ${action === 'add' ? 'unchanged' : action}`)).toEqual(first.report.map(({ row, action }) => `${row} ${action === 'add' ? 'unchanged' : action}`));
    expect(emulator.state()).toEqual(state);
  });
});
