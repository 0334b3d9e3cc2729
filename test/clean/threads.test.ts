import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as cleanSource from '../../src/clean/index.js';
import { loadMapping, parseMapping } from '../../src/map/load.js';
import type { Mapping } from '../../src/map/schema.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { contacts } from '../helpers/contacts-file.js';

/** The build: worker threads run dist/, so only the built clean has them. */
const built = (await import(pathToFileURL(join(REPO_ROOT, 'dist/clean/index.js')).href)) as typeof cleanSource;
const sources = await import('../../src/clean/index.js');

const TODAY = new Date('2026-06-01T00:00:00Z');
let dir: string;
let excelMapping: Mapping;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smsc-etl-threads-'));
  excelMapping = await loadMapping(join(REPO_ROOT, 'mappings/samples-excel-ru.json'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let runs = 0;
async function clean(run: typeof cleanSource.runClean, input: string, threads: number, mapping = excelMapping) {
  const out = join(dir, `run-${++runs}.clean.csv`);
  const rejects = join(dir, `run-${runs}.rejects.csv`);
  const summary = await run({ input, mapping, out, rejects, today: TODAY, threads });
  return { summary: { ...summary, out: '', rejects: '', durationMs: 0, threads: 0 }, threads: summary.threads, clean: await readFile(out), rejects: await readFile(rejects) };
}

async function file(name: string, content: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Cleans on one thread and on `threads` workers; returns both. */
async function bothWays(input: string, threads = 2, mapping = excelMapping) {
  const oneThread = await clean(sources.runClean, input, 0, mapping);
  const onThreads = await clean(built.runClean, input, threads, mapping);
  return { oneThread, onThreads };
}

/** The same summary and, byte for byte, the same clean and rejects files. */
function expectSameFiles(onThreads: Awaited<ReturnType<typeof clean>>, oneThread: Awaited<ReturnType<typeof clean>>): void {
  expect(onThreads.summary).toEqual(oneThread.summary);
  expect(onThreads.clean.equals(oneThread.clean)).toBe(true);
  expect(onThreads.rejects.equals(oneThread.rejects)).toBe(true);
}

describe('clean on worker threads', () => {
  it('exists in the build and not in the sources (which clean on one thread)', async () => {
    const input = await file('small.csv', iconv.encode(contacts(50), 'win1251'));
    expect((await clean(built.runClean, input, 2)).threads).toBe(2);
    expect((await clean(sources.runClean, input, 2)).threads).toBe(0);
  });

  const variants: [string, () => Buffer][] = [
    ['Windows-1251, CRLF', () => iconv.encode(contacts(20_000), 'win1251')],
    ['UTF-8 with a BOM, a sep= line and a title above the header, LF', () => Buffer.from(`\uFEFFsep=;\nВыгрузка контактов;;\n${contacts(20_000, '\n')}`, 'utf8')],
    ['UTF-8, CR only', () => Buffer.from(contacts(20_000, '\r'), 'utf8')],
  ];
  for (const [name, content] of variants) {
    it(`writes the one-thread files byte for byte: ${name}`, async () => {
      const input = await file(`${name.replace(/\W+/g, '-')}.csv`, content());
      const { oneThread, onThreads } = await bothWays(input);
      expect(onThreads.threads).toBe(2);
      expect(oneThread.summary.rowsRead).toBe(20_000);
      expect(oneThread.summary.duplicates).toBeGreaterThan(100);
      expect(oneThread.rejects.toString()).toContain('has 9 cells, the header has 8');
      expectSameFiles(onThreads, oneThread);
    });
  }

  it('takes the rows of a reader it cannot cut (UTF-16) in batches, with the same files', async () => {
    const input = await file('utf16.csv', iconv.encode(contacts(5_000), 'utf-16le', { addBOM: true }));
    const { oneThread, onThreads } = await bothWays(input, 3);
    expect(onThreads.threads).toBe(3);
    expect(oneThread.summary.rowsRead).toBe(5_000);
    expectSameFiles(onThreads, oneThread);
  });

  it('an XLSX too', async () => {
    const mapping = await loadMapping(join(REPO_ROOT, 'mappings/samples-xlsx.json'));
    const { oneThread, onThreads } = await bothWays(join(REPO_ROOT, 'samples/contacts.xlsx'), 2, mapping);
    expect(onThreads.threads).toBe(2);
    expect(oneThread.summary.rowsRead).toBeGreaterThan(0);
    expectSameFiles(onThreads, oneThread);
  });

  it('starts over on one thread where a piece is not UTF-8, and writes what one thread writes (NOT_UTF8 warnings)', async () => {
    const text = contacts(20_000);
    const at = text.indexOf('Фам3;', Math.floor(text.length * 0.7));
    const input = await file('stray.csv', Buffer.concat([Buffer.from(text.slice(0, at), 'utf8'), iconv.encode('Ж', 'win1251'), Buffer.from(text.slice(at), 'utf8')]));
    const { oneThread, onThreads } = await bothWays(input);
    expect(oneThread.rejects.toString()).toContain('Windows-1251');
    expect(onThreads.threads).toBe(0);
    expectSameFiles(onThreads, oneThread);
  });

  it('fails as one thread does on a quote that never closes: the same error, the same row, no files', async () => {
    const plainRows = Array.from({ length: 5_000 }, (_, i) => `Фам;Имя;;8916${String(1_000_000 + i)};;;;`).join('\r\n');
    const input = await file('unclosed.csv', iconv.encode(`${contacts(10_000)}"никогда не закроется;${plainRows}\r\n`, 'win1251'));
    const oneThread = await sources.runClean({ input, mapping: excelMapping, out: join(dir, 'u1.csv'), rejects: join(dir, 'u1.rejects.csv'), threads: 0 }).catch((error: unknown) => error);
    const onThreads = await built.runClean({ input, mapping: excelMapping, out: join(dir, 'u2.csv'), rejects: join(dir, 'u2.rejects.csv'), threads: 2 }).catch((error: unknown) => error);
    expect(oneThread).toMatchObject({ code: 'ERR_READ_UNTERMINATED_QUOTE' });
    expect(onThreads).toMatchObject({ code: (oneThread as { code: string }).code, row: (oneThread as { row: number }).row, message: (oneThread as Error).message });
    await expect(readFile(join(dir, 'u2.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps the two-pass duplicate policies on one thread', async () => {
    const input = await file('merge.csv', iconv.encode(contacts(2_000), 'win1251'));
    const merge = { ...excelMapping, duplicates: 'merge' as const };
    const { oneThread, onThreads } = await bothWays(input, 2, merge);
    expect(onThreads.threads).toBe(0);
    expect(onThreads.clean.equals(oneThread.clean)).toBe(true);
  });
});

describe('rows sharing a phone other than their first', () => {
  it('are duplicates of the first row that has it, across pieces, on threads as on one', async () => {
    // The file's rows `79161xx4567, 8 495 123 45 67` all share their second number; the last row has only that one.
    const input = await file('shared-phone.csv', iconv.encode(`${contacts(20_000)}Последний;Ряд;;8 495 123 45 67;;;;\r\n`, 'win1251'));
    const { oneThread, onThreads } = await bothWays(input);
    expect(onThreads.threads).toBe(2);
    expectSameFiles(onThreads, oneThread);
    // One clean row has the number; every other row with it is its duplicate, the last row included.
    const holders = oneThread.clean.toString('utf8').split('\r\n').filter((line) => line.includes('74951234567'));
    expect(holders).toHaveLength(1);
    const kept = holders[0]?.split(',')[0];
    const rejects = oneThread.rejects.toString('utf8').split('\r\n');
    expect(rejects.filter((line) => line.includes(`,74951234567","duplicate of row ${kept}, which is kept",error`)).length).toBeGreaterThan(2000);
    expect(rejects.at(-2)).toMatch(new RegExp(`^\\d+,phone,74951234567,"duplicate of row ${kept}, which is kept",error$`));
  });
});

describe('read warnings after the last row', () => {
  it('reach the rejects file, on a worker thread as on one (XLSX: a lookup dragged past the data leaves #N/A rows)', async () => {
    const mapping = parseMapping({ fields: { phone: 'Телефон', name: 'Имя', grp: 'Группа' } }, 'test');
    const { oneThread, onThreads } = await bothWays(join(REPO_ROOT, 'test/fixtures/read/trailing-error-rows.xlsx'), 1, mapping);
    expect(onThreads.threads).toBe(1);
    expectSameFiles(onThreads, oneThread);
    expect(oneThread.summary).toMatchObject({ rowsRead: 2, clean: 2, rejected: 0, warnings: 2 });
    expect(oneThread.rejects.toString('utf8').split('\r\n')).toEqual([
      'row,field,value,reason,severity',
      '4,C,#N/A,"cell C4 of sheet ""Лист1"" holds an error (#N/A); read as empty",warning',
      '5,C,#N/A,"cell C5 of sheet ""Лист1"" holds an error (#N/A); read as empty",warning',
      '',
    ]);
  });
});

describe('read warnings of a file without data rows', () => {
  const ERROR_ROWS = join(REPO_ROOT, 'test/fixtures/read/error-rows-only.xlsx');
  const mappingFields = { fields: { phone: 'Телефон', name: 'Имя', grp: 'Группа' } };

  it('reach the rejects file and the count, on a worker thread as on one (XLSX: only #N/A rows under the header)', async () => {
    const { oneThread, onThreads } = await bothWays(ERROR_ROWS, 1, parseMapping(mappingFields, 'test'));
    expectSameFiles(onThreads, oneThread);
    expect(oneThread.summary).toMatchObject({ rowsRead: 0, clean: 0, rejected: 0, warnings: 2, unattached: { count: 2 } });
    expect(oneThread.rejects.toString('utf8').split('\r\n')).toEqual([
      'row,field,value,reason,severity',
      '2,C,#N/A,"cell C2 of sheet ""Лист1"" holds an error (#N/A); read as empty",warning',
      '3,C,#N/A,"cell C3 of sheet ""Лист1"" holds an error (#N/A); read as empty",warning',
      '',
    ]);
  });

  it.each(['0', '1'])('are told on stderr (the built CLI, --threads %s)', async (threads) => {
    const mapping = join(dir, 'error-rows.mapping.json');
    await writeFile(mapping, JSON.stringify(mappingFields));
    const result = await runCli(['clean', ERROR_ROWS, '-m', mapping, '--out', join(dir, 'error-rows.clean.csv'), '--rejects', join(dir, 'error-rows.rejects.csv'), '--threads', threads]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('rows read 0, clean 0, rejected 0 (duplicates 0), warnings 2 in ');
    expect(result.stderr).toContain(
      'read warnings with no data row to go with (listed in the rejects file): row 2, C: cell C2 of sheet "Лист1" holds an error (#N/A); read as empty; row 3, C: cell C3 of sheet "Лист1" holds an error (#N/A); read as empty\n',
    );
  });
});

describe('clean --threads 2 against --threads 0 on every fixture (the built CLI, guessed mappings)', () => {
  const fixtures = ['test/fixtures/read', 'test/fixtures/crm'].flatMap((folder) => readdirSync(join(REPO_ROOT, folder)).map((name) => join(folder, name)));

  it('gives the same exit code, messages and files for each of them, broken ones included', async () => {
    expect(fixtures.length).toBeGreaterThan(40);
    let onThreads = 0;
    for (const fixture of fixtures) {
      const runs = [];
      for (const threads of ['0', '2']) {
        const out = join(dir, `fixture-${threads}.csv`);
        const rejects = join(dir, `fixture-${threads}.rejects.csv`);
        await rm(out, { force: true });
        await rm(rejects, { force: true });
        const result = await runCli(['clean', fixture, '--out', out, '--rejects', rejects, '--threads', threads]);
        if (result.stderr.includes(' on 2 worker threads')) onThreads++;
        const files = await Promise.all([out, rejects].map((path) => readFile(path).catch(() => undefined)));
        // The timing and the file names differ by design; everything else may not.
        const messages = result.stderr.replace(/ in \d+\.\d s( on \d+ worker threads)?/, '').replaceAll(`fixture-${threads}`, 'fixture');
        runs.push({ code: result.code, messages, stdout: result.stdout, files });
      }
      expect(runs[1], fixture).toEqual(runs[0]);
    }
    // Most fixtures are read to the end on threads; the others fail or fall back to one thread the same way.
    expect(onThreads).toBeGreaterThan(25);
  }, 120_000);
});
