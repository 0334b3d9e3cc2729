import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cleanSource from '../../src/clean/index.js';
import { loadMapping } from '../../src/map/load.js';
import type * as poolSource from '../../src/normalize/pool.js';
import { REPO_ROOT } from '../helpers/cli.js';

/** The built modules: worker threads run dist/, so the pool is only there. */
const built = {
  clean: (await import(pathToFileURL(join(REPO_ROOT, 'dist/clean/index.js')).href)) as typeof cleanSource,
  pool: (await import(pathToFileURL(join(REPO_ROOT, 'dist/normalize/pool.js')).href)) as typeof poolSource,
};

const TODAY = new Date('2026-06-01T00:00:00Z');
const PHONES = ['8 (916) 123-45-67', '+7 701 234 56 78', '9161234567', '12345', '8 812 555-12-34', '+44 20 7946 0958', 'звонить', '79161234567, 8 495 123 45 67', ''];
const DATES = ['01.02.1990', '1985-12-31', '31.02.1990', '', '2/3/77', '44000'];

/** Rows of every outcome across many pool batches, with a ragged row, a multi-line cell and repeated phones. */
function contacts(rows: number): string {
  const lines = ['Фамилия;Имя;Отчество;Телефон;E-mail;Дата рождения;Группа;Комментарий'];
  for (let i = 0; i < rows; i++) {
    const phone = i % 97 === 0 ? PHONES[0] : (PHONES[i % PHONES.length] ?? '').replace('123', String(100 + (i % 900)));
    const comment = i % 251 === 0 ? '"две\r\nстроки; и ""кавычки"""' : i % 7 === 0 ? '=1+1' : '';
    const cells = [`Фам${i % 13}`, ` Имя  ${i % 5} `, '', phone, i % 3 === 0 ? ` U${i}@Example.COM ` : 'bad@', DATES[i % DATES.length], i % 4 === 0 ? 'VIP; Клиенты' : '', comment];
    lines.push(i % 499 === 0 ? `${cells.join(';')};лишняя` : cells.join(';'));
  }
  return `${lines.join('\r\n')}\r\n`;
}

let dir: string;
let input: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smsc-etl-pool-'));
  input = join(dir, 'contacts.csv');
  await writeFile(input, iconv.encode(contacts(5000), 'win1251'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cleanFiles(run: typeof cleanSource.runClean, name: string, mappingFile: string, workers: number) {
  const out = join(dir, `${name}.clean.csv`);
  const rejects = join(dir, `${name}.rejects.csv`);
  const mapping = await loadMapping(mappingFile);
  const summary = await run({ input, mapping, out, rejects, today: TODAY, workers });
  return { summary: { ...summary, out: '', rejects: '', durationMs: 0 }, clean: await readFile(out, 'utf8'), rejects: await readFile(rejects, 'utf8') };
}

describe('the normalizing worker pool', () => {
  it('exists in the build and not in the sources (which normalize in-thread)', async () => {
    const sourcePool = await import('../../src/normalize/pool.js');
    expect(built.pool.workerEntry()).toBeInstanceOf(URL);
    expect(sourcePool.workerEntry()).toBeUndefined();
  });

  for (const duplicates of ['first', 'merge'] as const) {
    it(`writes the same files as the main thread, byte for byte, with 3 workers (duplicates: ${duplicates})`, async () => {
      const mappingFile = join(dir, `mapping-${duplicates}.json`);
      const mapping = JSON.parse(await readFile(join(REPO_ROOT, 'mappings/samples-excel-ru.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(mappingFile, JSON.stringify({ ...mapping, $schema: undefined, duplicates }));
      const inThread = await cleanFiles(cleanSource.runClean, `thread-${duplicates}`, mappingFile, 0);
      const pooled = await cleanFiles(built.clean.runClean, `pool-${duplicates}`, mappingFile, 3);
      expect(inThread.summary.rowsRead).toBe(5000);
      expect(inThread.summary.duplicates).toBeGreaterThan(0);
      expect(inThread.rejects).toContain('has 9 cells, the header has 8');
      expect(pooled.summary).toEqual(inThread.summary);
      expect(pooled.clean).toBe(inThread.clean);
      expect(pooled.rejects).toBe(inThread.rejects);
    });
  }
});
