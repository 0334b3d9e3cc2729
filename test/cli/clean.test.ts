import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLEAN_COLUMNS, REJECT_COLUMNS } from '../../src/clean/index.js';
import { EXIT } from '../../src/errors.js';
import { startCli } from '../helpers/cli-run.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';

const SAMPLES = [
  { file: 'contacts-excel-ru.csv', mapping: 'samples-excel-ru.json', facts: /CSV, windows-1251, delimiter ";", header row 1/ },
  { file: 'contacts-utf8.csv', mapping: 'samples-utf8.json', facts: /CSV, utf-8, delimiter ",", header row 1/ },
  { file: 'contacts.xlsx', mapping: 'samples-xlsx.json', facts: /XLSX, sheet "Клиенты", header row 3/ },
] as const;

type Row = Record<string, string>;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smsc-etl-clean-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readCsv(path: string): Promise<{ header: string[]; rows: Row[] }> {
  const text = await readFile(path, 'utf8');
  const [header = []] = parse(text, { to_line: 1 }) as string[][];
  return { header, rows: parse(text, { columns: true }) as Row[] };
}

/** Data rows of a source file, as row numbers, counted by the tool's own summary. */
async function clean(file: string, mapping: string, extra: string[] = []) {
  const out = join(dir, `${file}.clean.csv`);
  const rejects = join(dir, `${file}.rejects.csv`);
  const result = await runCli(['clean', `samples/${file}`, '--mapping', `mappings/${mapping}`, '--out', out, '--rejects', rejects, ...extra]);
  return { result, out, rejects };
}

describe('smsc-etl clean on the samples (built CLI)', () => {
  for (const sample of SAMPLES) {
    it(`${sample.file}: every data row lands in exactly one file, summary and detection printed`, async () => {
      const { result, out, rejects } = await clean(sample.file, sample.mapping, ['--json']);
      expect(result.code).toBe(1); // the samples hold invalid rows on purpose
      expect(result.stderr).toMatch(sample.facts);
      const summary = JSON.parse(result.stdout) as { rowsRead: number; clean: number; rejected: number; duplicates: number };

      const cleanFile = await readCsv(out);
      const rejectsFile = await readCsv(rejects);
      expect(cleanFile.header).toEqual([...CLEAN_COLUMNS]);
      expect(rejectsFile.header).toEqual([...REJECT_COLUMNS]);

      const cleanRows = cleanFile.rows.map((row) => Number(row.row));
      const rejectedRows = [...new Set(rejectsFile.rows.filter((row) => row.severity === 'error').map((row) => Number(row.row)))];
      expect(cleanRows.filter((row) => rejectedRows.includes(row))).toEqual([]);
      expect(cleanRows.length).toBe(summary.clean);
      expect(rejectedRows.length).toBe(summary.rejected);
      expect(summary.clean + summary.rejected).toBe(summary.rowsRead);
      expect(summary.duplicates).toBeGreaterThan(0);
      for (const row of cleanFile.rows) expect(row.phone).toMatch(/^\d{11,15}(,\d{11,15})*$/);
      for (const row of cleanFile.rows) if (row.bd) expect(row.bd).toMatch(/^\d\d\.\d\d\.\d{4}$/);
    });
  }

  it('neutralizes a formula-like name in the clean file, and cleaning the clean file again changes nothing', async () => {
    const first = await clean('contacts-utf8.csv', 'samples-utf8.json');
    expect(first.result.code).toBe(1);
    const { rows } = await readCsv(first.out);
    const fedorov = rows.find((row) => row.name?.includes('Фёдоров'));
    expect(fedorov?.name).toBe("'=Фёдоров Николай");

    // The clean file is itself a valid input: re-cleaning it with a mapping of its own columns is a no-op.
    const mapping = join(dir, 'clean-columns.json');
    await writeFile(mapping, JSON.stringify({ fields: { phone: 'phone', mail: 'mail', name: 'name', bd: 'bd', grp: 'grp', myid: 'myid', tags: 'tags', pho: 'pho' } }));
    const againOut = join(dir, 'again.clean.csv');
    const again = await runCli(['clean', first.out, '--mapping', mapping, '--out', againOut, '--rejects', join(dir, 'again.rejects.csv')]);
    expect(again.stderr).toContain('rejected 0');
    expect(again.code).toBe(0);
    const second = await readCsv(againOut);
    const pick = (row: Row) => [row.phone, row.mail, row.name, row.bd, row.grp, row.myid, row.tags, row.pho];
    expect(second.rows.map(pick)).toEqual(rows.map(pick));
  });

  it('writes a BOM with --bom so Excel reads UTF-8', async () => {
    const { out } = await clean('contacts-utf8.csv', 'samples-utf8.json', ['--bom']);
    const bytes = await readFile(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});

describe('smsc-etl clean on unusable input: exit 2, one line, no stack, no output files', () => {
  const cases = [
    { name: 'unterminated quote', input: 'test/fixtures/read/unterminated-quote.csv', mapping: null, message: /unterminated-quote\.csv, row 6: .*quote/i },
    { name: 'empty file', input: 'test/fixtures/read/empty.csv', mapping: null, message: /empty\.csv/ },
    { name: 'binary garbage', input: 'test/fixtures/read/garbage.csv', mapping: null, message: /garbage\.csv/ },
    { name: 'truncated xlsx', input: 'test/fixtures/read/truncated.xlsx', mapping: null, message: /truncated\.xlsx/ },
    { name: 'missing file', input: 'test/fixtures/read/no-such-file.csv', mapping: null, message: /no-such-file\.csv/ },
    { name: 'broken mapping', input: 'samples/contacts-utf8.csv', mapping: 'test/fixtures/mappings/broken.json', message: /broken\.json/ },
    {
      name: 'mapping naming a header the file has twice',
      input: 'test/fixtures/read/duplicate-header.csv',
      mapping: 'duplicate-header',
      message: /^smsc-etl: test\/fixtures\/read\/duplicate-header\.csv: header «Телефон» of field phone occurs 2 times, in columns A \(1\), D \(4\); pick one in the mapping by its letter: "phone": "A" or "phone": "D"\n$/,
    },
    { name: 'mapping naming a missing column', input: 'samples/contacts-utf8.csv', mapping: 'missing-column', message: /column «phnoe» of field phone not found.*did you mean «phone».*1 «name», 2 «phone»/ },
  ] as const;

  for (const testCase of cases) {
    it(testCase.name, async () => {
      let mapping = testCase.mapping ?? 'mappings/samples-utf8.json';
      if (testCase.mapping === null && testCase.input.includes('unterminated')) {
        mapping = join(dir, 'name-phone.json');
        await writeFile(mapping, JSON.stringify({ fields: { phone: 'phone', name: 'name', cmt: 'comment' } }));
      }
      if (testCase.mapping === 'duplicate-header') {
        mapping = join(dir, 'duplicate-header.json');
        await writeFile(mapping, JSON.stringify({ fields: { phone: 'Телефон', name: ['Фамилия', 'Имя'], mail: 'E-mail' } }));
      }
      if (testCase.mapping === 'missing-column') {
        mapping = join(dir, 'missing-column.json');
        await writeFile(mapping, JSON.stringify({ fields: { phone: 'phnoe' } }));
      }
      const outDir = await mkdtemp(join(dir, 'bad-'));
      const result = await runCli(['clean', testCase.input, '--mapping', mapping, '--out', join(outDir, 'c.csv'), '--rejects', join(outDir, 'r.csv')], { cwd: REPO_ROOT });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(testCase.message);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(await readdir(outDir)).toEqual([]);
    });
  }
});

describe('smsc-etl clean interrupted', () => {
  it.each<NodeJS.Signals>(['SIGINT', 'SIGTERM'])('%s mid-run exits 3 and leaves neither file nor temporary file, on threads too', async (signal) => {
    const dir = await mkdtemp(join(tmpdir(), 'smsc-etl-clean-interrupt-'));
    try {
      const rows = Array.from({ length: 400_000 }, (_, i) => `Иванов;Иван;8916${String(1_000_000 + i)};u${i}@example.com`);
      const input = join(dir, 'big.csv');
      await writeFile(input, `Фамилия;Имя;Телефон;E-mail\n${rows.join('\n')}\n`);
      await writeFile(join(dir, 'mapping.json'), JSON.stringify({ fields: { phone: 'Телефон', lnm: 'Фамилия', fnm: 'Имя', mail: 'E-mail' }, defaultRegion: 'RU' }));
      const { child, done } = startCli(['clean', input, '--mapping', join(dir, 'mapping.json'), '--out', join(dir, 'out.csv'), '--rejects', join(dir, 'rejects.csv')], { env: { PATH: process.env.PATH }, cwd: dir });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await vi.waitFor(() => expect(stderr).toMatch(/^Reading /), { timeout: 10_000, interval: 10 });
      child.kill(signal);
      const result = await done;
      expect(result.code).toBe(EXIT.aborted);
      expect(result.stderr).toMatch(/clean interrupted; no file was written or replaced/);
      expect((await readdir(dir)).sort()).toEqual(['big.csv', 'mapping.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
