/**
 * Exports as a spreadsheet reads them (built CLI, emulator over HTTP). CSV list cells must not
 * turn into numbers in a Russian-locale spreadsheet (`79031112233,79264445566` became
 * 79031112233.7927, `5901,5902` became 5901.5902), and XLSX string cells hold the exact text and
 * never run. LibreOffice (`soffice`) checks it for real where it is installed; the list rule is also
 * checked without it.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runCli, smscEnv } from '../helpers/cli-run.js';
import { contact, group, makeTempDir, seed, startTestEmulator, writeCallCount } from '../helpers/import-run.js';

const run = promisify(execFile);
let emulator: RunningEmulator;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  [emulator, dir] = await Promise.all([startTestEmulator({ clockScale: 10_000 }), makeTempDir()]);
});
afterAll(async () => {
  await emulator?.close();
  await dir?.remove();
});

const LISTS = { phone: '79031112233;79264445566', group_ids: '5901;5902', tags: '1;5', other_phones: '79161112233;79162223344' };

function seedAccount(): void {
  seed(emulator, {
    groups: [group(5901, 'VIP'), group(5902, 'Опт')],
    contacts: [
      contact(101, { phones: ['79031112233', '79264445566'], name: '=1+1', groups: [5901, 5902], tags: ['1', '5'], pho: ['79161112233', '79162223344'] }),
      contact(102, { phones: ['79260000005'], name: "'уже с апострофом", cmt: '@SUM(A1:A2)' }),
    ],
  });
}

const cli = (args: readonly string[]) => runCli(args, { env: smscEnv(emulator), cwd: dir.path });

/** How a Russian-locale spreadsheet reads a cell as a number: digits, spaces grouping thousands, one decimal mark. */
const RUSSIAN_NUMBER = /^[+-]?\d[\d\u00a0 ]*(?:[.,]\d+)?$/;

describe('CSV list cells', () => {
  it('separate items with ";": no locale reads them as a number, and importing the export changes nothing', async () => {
    seedAccount();
    const result = await cli(['export', '--out', 'ru.csv', '--delimiter', ';', '--bom']);
    expect(result.code, result.stderr).toBe(0);
    const [row] = parse(await readFile(join(dir.path, 'ru.csv'), 'utf8'), { columns: true, delimiter: ';', bom: true }) as Record<string, string>[];
    expect(row).toMatchObject({ ...LISTS, group_names: 'VIP;Опт' });
    for (const value of Object.values(LISTS)) expect(value).not.toMatch(RUSSIAN_NUMBER);
    // The comma lists of old exports are what a Russian spreadsheet took for numbers.
    expect('79031112233,79264445566').toMatch(RUSSIAN_NUMBER);

    const before = emulator.state().contacts;
    const reimport = await cli(['import', 'ru.csv', '--mapping', join(process.cwd(), 'mappings/smsc-export.json'), '--json']);
    expect(reimport.code, reimport.stderr).toBe(0);
    expect(JSON.parse(reimport.stdout)).toMatchObject({ actions: { unchanged: 2 }, writeCalls: 0 });
    expect(writeCallCount(emulator.stats())).toBe(0);
    expect(emulator.state().contacts).toEqual(before);
  });
});

const hasSoffice = await run('soffice', ['--version']).then(
  () => true,
  () => false,
);

describe.skipIf(!hasSoffice)('opened by LibreOffice', () => {
  /** Converts `file` with soffice (its own profile, so parallel runs do not share one) into `format`; returns the new path. */
  async function convert(file: string, format: string, infilter?: string): Promise<string> {
    const out = join(dir.path, 'converted');
    await mkdir(out, { recursive: true });
    const profile = `file://${join(dir.path, 'lo-profile')}`;
    await run('soffice', [`-env:UserInstallation=${profile}`, '--headless', ...(infilter ? [`--infilter=${infilter}`] : []), '--convert-to', format, '--outdir', out, join(dir.path, file)], { timeout: 120_000 });
    return join(out, file.replace(/\.[^.]+$/, `.${format.split(':')[0]}`));
  }

  async function firstSheet(path: string): Promise<ExcelJS.Worksheet> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    return workbook.worksheets[0] as ExcelJS.Worksheet;
  }

  it('with the Russian CSV import (CSV:59,34,76,1,,1049), list cells stay text', { timeout: 180_000 }, async () => {
    seedAccount();
    expect((await cli(['export', '--out', 'lo.csv', '--delimiter', ';'])).code).toBe(0);
    const sheet = await firstSheet(await convert('lo.csv', 'xlsx', 'CSV:59,34,76,1,,1049'));
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    const cell = (name: string) => sheet.getRow(2).getCell(headers.indexOf(name) + 1);
    for (const [name, text] of Object.entries(LISTS)) {
      expect(cell(name).type, name).toBe(ExcelJS.ValueType.String);
      expect(cell(name).value, name).toBe(text);
    }
  });

  it('XLSX string cells show the exact text and never run', { timeout: 180_000 }, async () => {
    seedAccount();
    expect((await cli(['export', '--out', 'lo.xlsx'])).code).toBe(0);
    const text = await readFile(await convert('lo.xlsx', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033'), 'utf8');
    const rows = parse(text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.map((row) => row.name)).toEqual(['=1+1', "'уже с апострофом"]);
    expect(rows[1]?.comment).toBe('@SUM(A1:A2)');
  });
});
