/**
 * `import --threads`: the file's passes (validation, the write pass) read on worker threads give
 * the report one thread gives, line for line — the built CLI against the emulator.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { loadMapping } from '../../src/map/load.js';
import { openContactSource } from '../../src/pipeline.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { runCli, smscEnv } from '../helpers/cli-run.js';
import { contacts } from '../helpers/contacts-file.js';
import { contact, seed, useImportWorld, writeCallCount } from '../helpers/import-run.js';

const world = useImportWorld();
const MAPPING = join(REPO_ROOT, 'mappings/samples-excel-ru.json');

/** The account holds some of the file's phones, so that rows are planned as changes too. */
async function seedFromFile(input: string): Promise<void> {
  const source = await openContactSource(input, await loadMapping(MAPPING), { threads: 0 });
  const held = [];
  for await (const row of source.rows) {
    const phone = row.fields?.phone?.split(',')[0];
    if (phone === undefined || row.row % 7 !== 0) continue;
    held.push(contact(held.length + 1, { phones: [phone], fnm: 'Другое' }));
  }
  seed(world.emulator, { contacts: held });
}

async function dryRun(input: string, threads: string, mode: string) {
  const report = join(world.dir, `report-${threads}.csv`);
  const result = await runCli(['import', input, '-m', MAPPING, '--dry-run', '--mode', mode, '--threads', threads, '--report', report, '--json'], { env: smscEnv(world.emulator), cwd: world.dir });
  const { durationMs: _ms, report: _path, threads: onThreads, ...summary } = JSON.parse(result.stdout) as Record<string, unknown>;
  expect(onThreads).toBe(threads === '0' ? undefined : Number(threads));
  return { code: result.code, summary, report: await readFile(report) };
}

describe('import --threads 2 against --threads 0', () => {
  it.each(['upsert', 'sync'])('gives the same report, line for line, and the same summary: --mode %s', async (mode) => {
    const input = join(world.dir, `contacts-${mode}.csv`);
    await writeFile(input, iconv.encode(contacts(12_000), 'win1251'));
    await seedFromFile(input);
    const oneThread = await dryRun(input, '0', mode);
    const onThreads = await dryRun(input, '2', mode);
    expect(onThreads).toEqual(oneThread);
    const text = oneThread.report.toString();
    for (const action of [',add,', ',chg,', ',reject,', 'DUPLICATE']) expect(text).toContain(action);
    expect(writeCallCount(world.emulator.stats())).toBe(0);
  });
});
