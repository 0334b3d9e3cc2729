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
import { contact, contactsByPhone, readReport, seed, useImportWorld, writeCallCount } from '../helpers/import-run.js';

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
    // The rows' warnings, read (a ragged row) and normalization (an invalid e-mail dropped), are on their lines.
    expect(text.split('\r\n')[0]).toMatch(/,changes,warnings$/);
    for (const warning of ['has 9 cells, the header has 8', 'mail: «bad@» is not an e-mail address']) expect(text).toContain(warning);
    expect(writeCallCount(world.emulator.stats())).toBe(0);
  });

  /** A CSV whose header has a byte that is not UTF-8 in a column of its own, and no row under it. */
  const headerOnly = async (): Promise<string> => {
    const input = join(world.dir, 'header-byte.csv');
    await writeFile(input, Buffer.concat([Buffer.from('Имя,Телефон,Группа,Прим', 'utf8'), Buffer.from([0xdf]), Buffer.from('\n')]));
    return input;
  };
  it.each([
    ['an XLSX with only #N/A rows under its header', async () => join(REPO_ROOT, 'test/fixtures/read/error-rows-only.xlsx'), '2 (the file has no data row to report them on): row 2, C: cell C2 of sheet "Лист1" holds an error (#N/A); read as empty; row 3, C: cell C3'],
    ['a CSV of a header with a byte that is not UTF-8', headerOnly, '1 (the file has no data row to report them on): row 1, D: row 1: not UTF-8, read as Windows-1251: "Я" (bytes DF)'],
  ])('tells the read warnings of a file without data rows, on threads as on one: %s', async (_name, make, warnings) => {
    const input = await make();
    const mapping = join(world.dir, 'no-rows.mapping.json');
    await writeFile(mapping, JSON.stringify({ fields: { phone: 'Телефон', name: 'Имя', grp: 'Группа' } }));
    seed(world.emulator, {});
    for (const threads of ['0', '1', '2']) {
      const report = join(world.dir, `no-rows-${threads}.csv`);
      const result = await runCli(['import', input, '-m', mapping, '--dry-run', '--threads', threads, '--report', report], { env: smscEnv(world.emulator), cwd: world.dir });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr, `--threads ${threads}`).toContain(`warnings ${warnings}`);
      expect((await readReport(report)).rows).toEqual([]);
    }
  });

  it('writes what one thread writes: the same account and, but for the new ids, the same report', async () => {
    const input = join(world.dir, 'contacts-write.csv');
    await writeFile(input, iconv.encode(contacts(3_000), 'win1251'));
    const run = async (threads: string) => {
      await seedFromFile(input);
      const report = join(world.dir, `write-${threads}.csv`);
      const result = await runCli(['import', input, '-m', MAPPING, '--create-groups', '--threads', threads, '--report', report], { env: smscEnv(world.emulator), cwd: world.dir });
      const lines = (await readReport(report)).rows.map(({ smsc_id: id, ...line }) => ({ ...line, smsc_id: line.action === 'add' ? 'new' : id }));
      return { code: result.code, lines, account: contactsByPhone(world.emulator.state()), writes: writeCallCount(world.emulator.stats()), threaded: result.stderr.includes('validated on 2 worker threads') };
    };
    const oneThread = await run('0');
    const onThreads = await run('2');
    expect(onThreads.threaded).toBe(true);
    expect(oneThread.threaded).toBe(false);
    expect({ ...onThreads, threaded: false }).toEqual(oneThread);
    expect(oneThread.writes).toBeGreaterThan(200);
  });
});
