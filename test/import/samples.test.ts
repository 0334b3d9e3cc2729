/**
 * The sample files users start from (cp1251 CSV, UTF-8 CSV, XLSX with their traps): imported into
 * an empty account, then imported again — the second run must change nothing.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contactsByPhone, importInto, REPO, seed, writeCallCount, useImportWorld } from '../helpers/import-run.js';

const world = useImportWorld();

describe.each([
  ['contacts-utf8.csv', 'samples-utf8.json'],
  ['contacts-excel-ru.csv', 'samples-excel-ru.json'],
  ['contacts.xlsx', 'samples-xlsx.json'],
])('samples/%s', (sample, mapping) => {
  it('imports, and a second import of the same file makes no write call', async () => {
    seed(world.emulator, {});
    const input = join(world.dir, sample);
    await copyFile(join(REPO, 'samples', sample), input);
    const mappingFile = join(REPO, 'mappings', mapping);

    const first = await importInto(world.emulator, { input, mappingFile, createGroups: true });
    const state = world.emulator.state();
    const writes = writeCallCount(world.emulator.stats());
    const second = await importInto(world.emulator, { input, mappingFile, createGroups: true });

    expect(first.summary.outcomes.done).toBeGreaterThan(10);
    expect(() => contactsByPhone(state)).not.toThrow();
    expect(state.contacts).toHaveLength(first.summary.actions.add);
    expect(first.report).toHaveLength(first.summary.rows);
    expect(writeCallCount(world.emulator.stats())).toBe(writes);
    expect(second.summary.writeCalls).toBe(0);
    expect(second.report.map(({ row, action }) => `${row} ${action === 'add' ? 'unchanged' : action}`)).toEqual(first.report.map(({ row, action }) => `${row} ${action === 'add' ? 'unchanged' : action}`));
    expect(world.emulator.state()).toEqual(state);
  });
});
