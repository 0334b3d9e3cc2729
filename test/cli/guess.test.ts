/**
 * Starting from a CRM export without a mapping, through the built CLI as users run it: `inspect`,
 * `clean` printing its guess, `--save-mapping` round trips, and `import` refusing an unaccepted
 * guess in a non-TTY run before any request.
 */
import { spawn, spawnSync } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMapping } from '../../src/map/load.js';
import { CLI, REPO_ROOT } from '../helpers/cli.js';
import { runCli, smscEnv } from '../helpers/cli-run.js';
import { readReport, seed, useImportWorld } from '../helpers/import-run.js';

const CRM = join(REPO_ROOT, 'test/fixtures/crm');
const world = useImportWorld();

beforeAll(async () => {
  await access(CLI); // built by test/global-setup.ts
});

const cli = (args: readonly string[]) => runCli(args, { env: smscEnv(world.emulator), cwd: world.dir });

describe('smsc-etl inspect', () => {
  it('--json: format, sheets, header row, per-column counts and the field each column would get, with the reason', async () => {
    const result = await cli(['inspect', join(CRM, 'bitrix24.csv'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const data = JSON.parse(result.stdout);
    expect(data).toMatchObject({ format: 'csv', encoding: 'utf-8', bom: true, delimiter: ';', sheets: [{ rows: 3 }], headerRow: 1, preset: { id: 'bitrix24' } });
    expect(data.columns.find((column: { header: string }) => column.header === 'Мобильный телефон')).toEqual({
      column: 11,
      header: 'Мобильный телефон',
      samples: ['+7 916 123-45-67, +7 926 765-43-21', '8 (903) 222-33-44'],
      filled: 2,
      phones: 2,
      mails: 0,
      dates: 0,
      field: 'phone',
      reason: 'preset bitrix24',
    });
    expect(data.mapping.fields.phone).toBe('Мобильный телефон');
  });

  it('lists every sheet of a workbook with its rows and guesses from the first sheet that has contacts', async () => {
    const result = await cli(['inspect', join(REPO_ROOT, 'test/fixtures/read/multi-sheet.xlsx'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const data = JSON.parse(result.stdout);
    expect(data.sheets).toEqual([
      { sheet: 'Инструкция', rows: 2 },
      { sheet: 'Клиенты', rows: 3 },
      { sheet: 'Архив', rows: 3 },
    ]);
    expect(data.mapping.fields).toMatchObject({ phone: 'Мобильный', mail: 'Почта' });
  });

  it('--rows N prints the header found and the first N rows as read, as CSV on stdout; the report goes to stderr', async () => {
    const result = await cli(['inspect', join(CRM, 'russian-synonyms.csv'), '--rows', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(parse(result.stdout)).toEqual([
      ['ФИО', 'Моб. телефон', 'Телефон', 'Эл. почта', 'Дата рождения', 'Дата создания', 'Email consent', 'Комментарий', 'Группа', 'ИНН'],
      ['Петров Иван', '8 916 123-45-67', '8 (495) 123-45-67', 'IVAN@example.ru', '12.06.1985', '01.12.2025', 'yes', 'звонить утром', 'Клиенты', '7707083893'],
    ]);
    expect(result.stderr).toMatch(/2 «Моб\. телефон» .* → phone \(synonym "Моб\. телефон"\)/);
    expect(result.stderr).toMatch(/7 «Email consent» .* — \(no match\)/);
  });
});

describe('clean without --mapping', () => {
  for (const file of ['google.csv', 'headerless.csv', 'russian-synonyms.csv']) {
    it(`${file}: prints the guess; --save-mapping writes a valid mapping that reproduces the run`, async () => {
      const out = (name: string) => join(world.dir, `${file}.${name}`);
      const saved = out('mapping.json');
      const guessed = await cli(['clean', join(CRM, file), '--out', out('1.csv'), '--rejects', out('1.rej.csv'), '--save-mapping', saved]);
      expect(guessed.code, guessed.stderr).toBe(0);
      expect(guessed.stderr).toMatch(/^No --mapping: guessed from /);
      expect(guessed.stderr).toMatch(/^ {2}phone ← /m);
      expect(guessed.stderr).toContain(`saved to ${saved}`);
      const document = JSON.parse(await readFile(saved, 'utf8'));
      expect(document.$schema).toMatch(/mappings\/mapping\.schema\.json$/);
      await expect(access(join(world.dir, document.$schema))).resolves.toBeUndefined();
      await loadMapping(saved);
      const again = await cli(['clean', join(CRM, file), '--mapping', saved, '--out', out('2.csv'), '--rejects', out('2.rej.csv')]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).not.toContain('guessed');
      expect(await readFile(out('2.csv'), 'utf8')).toBe(await readFile(out('1.csv'), 'utf8'));
      expect(await readFile(out('2.rej.csv'), 'utf8')).toBe(await readFile(out('1.rej.csv'), 'utf8'));
    });
  }

  it('a file with no phone or e-mail column: exit 2, one line', async () => {
    const file = join(world.dir, 'no-key.csv');
    await writeFile(file, 'Имя,Город\nИван,Москва\n');
    const result = await cli(['clean', file]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/no --mapping given, and no column looks like phone numbers or e-mail addresses/);
  });
});

describe('import without --mapping', () => {
  it('non-TTY without --accept-guess: exit 2 before any request, one line showing the guess and how to accept it', async () => {
    seed(world.emulator, {});
    const before = world.emulator.stats().requestsTotal;
    const result = await cli(['import', join(CRM, 'bitrix24.csv')]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/bitrix24\.csv: no --mapping; guessed .*phone ← «Мобильный телефон».*; rerun with --accept-guess to import with it/);
    expect(world.emulator.stats().requestsTotal).toBe(before);
  });

  // On a terminal the guess asks; `script` gives the CLI one (util-linux, present on Linux CI images).
  it.skipIf(spawnSync('script', ['--version']).status !== 0)('on a terminal: asks, and "n" stops before any request', async () => {
    seed(world.emulator, {});
    const before = world.emulator.stats().requestsTotal;
    const command = [process.execPath, CLI, 'import', join(CRM, 'bitrix24.csv'), '--dry-run'].map((part) => `'${part}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: smscEnv(world.emulator), cwd: world.dir });
    let seen = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      if (seen.includes('[y/N]')) child.stdin.end('n\n');
    });
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(seen).toMatch(/phone ← 11 «Мобильный телефон» \(preset bitrix24\)/);
    expect(seen).toMatch(/guessed mapping not accepted; nothing was done/);
    expect(code).toBe(2);
    expect(world.emulator.stats().requestsTotal).toBe(before);
  });

  it('--accept-guess prints the guess and imports with it', async () => {
    seed(world.emulator, {});
    const report = join(world.dir, 'bitrix.report.csv');
    const result = await cli(['import', join(CRM, 'bitrix24.csv'), '--accept-guess', '--report', report]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/preset bitrix24/);
    expect((await readReport(report)).rows.map((row) => [row.phone, row.action, row.outcome])).toEqual([
      ['79161234567,79267654321', 'add', 'done'],
      ['79032223344', 'add', 'done'],
    ]);
  });
});
