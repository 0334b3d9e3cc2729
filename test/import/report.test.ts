import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatImportSummary } from '../../src/cli/commands/import.js';
import { importExitCode } from '../../src/write/import.js';
import { contact, contactsByPhone, CONTACTS_MAPPING, importInto, mobile, readReport, REPORT_HEADER, seed, startTestEmulator, writeInput, type InputRow, type ReportRow, useImportWorld } from '../helpers/import-run.js';

const world = useImportWorld({ clockScale: 600 });

const newRows = (count: number, from: number): InputRow[] => Array.from({ length: count }, (_, index) => ({ name: `Новый ${from + index}`, phone: mobile(from + index) }));

describe('the import report', () => {
  it('has one line per input row, in input order, whatever order the writes finish in', async () => {
    seed(world.emulator, { contacts: [contact(100_001, { phones: [mobile(5)], name: 'Елена', mails: ['old@example.ru'], bd: '01.01.1990', myid: 'E' })] });
    // Slow replies at random make later rows finish before earlier ones.
    world.emulator.setFaults({ seed: 7, slowRate: 0.3, slowMs: 30 });
    const input = await writeInput(world.dir, 'report.csv', [
      { name: 'Анна', phone: mobile(1) },
      { name: 'Нет номера', phone: 'позвоните мне' },
      { name: 'Анна ещё раз', phone: `+${mobile(1)}` },
      { name: 'Елена Новая', phone: mobile(5), email: 'new@example.ru', birthday: '02.03.1991', customer_id: 'E' },
      ...newRows(120, 100),
    ]);

    const { summary } = await importInto(world.emulator, { input, concurrency: 8 });
    world.emulator.setFaults({});
    const { header, rows } = await readReport(`${input}.report.csv`);

    expect(header).toBe(REPORT_HEADER);
    expect(rows.map((line) => Number(line.row))).toEqual(Array.from({ length: 124 }, (_, index) => index + 2));
    expect(rows[0]).toMatchObject({ phone: mobile(1), action: 'add', outcome: 'done', attempts: '1', error: '' });
    expect(rows[0]?.smsc_id).toMatch(/^\d+$/);
    expect(rows[1]).toMatchObject({ action: 'reject', outcome: 'rejected', attempts: '0', smsc_id: '' });
    expect(rows[1]?.error_code).not.toBe('');
    expect(rows[1]?.error).toMatch(/^phone: /);
    expect(rows[2]).toMatchObject({ phone: mobile(1), action: 'skip', outcome: 'skipped', attempts: '0' });
    expect(rows[2]?.error_code).toMatch(/DUP/);
    expect(rows[3]).toMatchObject({ phone: mobile(5), action: 'chg', outcome: 'done', smsc_id: '100001', attempts: '1' });
    expect(rows[3]?.changes.split('; ').sort()).toEqual(['bd: "01.01.1990" → "02.03.1991"', 'mail: +new@example.ru', 'name: "Елена" → "Елена Новая"']);
    // The e-mail went out as `new_mail` (a phone contact's `mail` would be a key, and ignored), added to the one she had.
    expect(world.emulator.state().contacts.find((found) => found.int_id === 100_001)?.mails).toEqual(['old@example.ru', 'new@example.ru']);
    expect(rows.slice(4).every((line) => line.action === 'add' && line.outcome === 'done')).toBe(true);
    expect(world.emulator.stats().maxInFlight).toBeGreaterThan(1);
    expect(summary.outcomes).toMatchObject({ done: 122, rejected: 1, skipped: 1, failed: 0 });
    expect(importExitCode(summary)).toBe(1);
  });

  it('exit code 0 when every row is done', async () => {
    seed(world.emulator, {});
    const input = await writeInput(world.dir, 'clean.csv', newRows(5, 300));
    const { summary } = await importInto(world.emulator, { input });
    expect(summary.outcomes.done).toBe(5);
    expect(importExitCode(summary)).toBe(0);
  });

  it('aborts with exit code 3 when writes keep failing, and still reports every row', async () => {
    seed(world.emulator, {});
    const input = await writeInput(world.dir, 'broken.csv', newRows(60, 400));
    const { summary, report } = await importInto(world.emulator, {
      input,
      clockScale: 600,
      // The service breaks down after the plan was read: every write gets HTTP 500.
      hooks: { onPhase: (phase) => phase === 'write' && world.emulator.setFaults({ http500Rate: 1 }) },
    });
    world.emulator.setFaults({});

    expect(summary.aborted?.code).toBe('ERR_IMPORT_TOO_MANY_FAILURES');
    expect(importExitCode(summary)).toBe(3);
    expect(report).toHaveLength(60);
    expect(report.map((line) => line.outcome).filter((outcome) => outcome !== 'failed' && outcome !== 'skipped')).toEqual([]);
    expect(report.at(-1)).toMatchObject({ outcome: 'skipped', attempts: '0', error_code: 'ERR_IMPORT_TOO_MANY_FAILURES' });
    expect(world.emulator.state().contacts).toEqual([]);
  });

  it('refuses --concurrency 15 before any call', async () => {
    seed(world.emulator, {});
    const input = await writeInput(world.dir, 'c15.csv', newRows(2, 500));
    await expect(importInto(world.emulator, { input, concurrency: 15 })).rejects.toMatchObject({ code: 'ERR_IMPORT_CONCURRENCY', exitCode: 2 });
    expect(world.emulator.stats().requestsTotal).toBe(0);
  });
});

describe('throttling in a normal run', () => {
  it.each([4, 9, 14])('concurrency %i causes no error 9 and never more requests in flight than allowed', async (concurrency) => {
    seed(world.emulator, { contacts: [contact(100_001, { phones: [mobile(600)], name: 'Старое' })] });
    world.emulator.setFaults({ latencyMs: 5 });
    const input = await writeInput(world.dir, `throttle-${concurrency}.csv`, newRows(150, 600));

    const { summary } = await importInto(world.emulator, { input, concurrency });
    world.emulator.setFaults({});

    const stats = world.emulator.stats();
    expect(summary.outcomes.done).toBe(150);
    expect(stats.error9).toEqual({ identical: 0, 'in-flight': 0, injected: 0 });
    expect(stats.errors).toEqual({});
    expect(stats.maxInFlight).toBeLessThanOrEqual(concurrency);
    expect(stats.maxInFlight).toBeGreaterThan(concurrency / 2);
  });
});

describe('read warnings', () => {
  /** An XLSX fixture and a mapping for its `Имя`, `Телефон`, `Группа` columns, in the world's dir. */
  async function spreadsheet(name: string): Promise<{ input: string; mappingFile: string }> {
    const mappingFile = join(world.dir, 'spreadsheet.mapping.json');
    await writeFile(mappingFile, JSON.stringify({ fields: { phone: 'Телефон', name: 'Имя', grp: 'Группа' } }));
    const input = join(world.dir, name);
    await copyFile(new URL(`../fixtures/read/${name}`, import.meta.url), input);
    return { input, mappingFile };
  }

  it('are counted in the summary and the first told, those after the last row included, and are on the last row\'s report line', async () => {
    seed(world.emulator, {});
    const { input, mappingFile } = await spreadsheet('trailing-error-rows.xlsx');

    const { summary, report } = await importInto(world.emulator, { input, mappingFile, dryRun: true, createGroups: true });

    expect(report.map(({ row, action, outcome, warnings }) => [`${row} ${action} ${outcome}`, warnings])).toEqual([
      ['2 add dry-run', ''],
      ['3 add dry-run', 'C: cell C4 of sheet "Лист1" holds an error (#N/A); read as empty; C: cell C5 of sheet "Лист1" holds an error (#N/A); read as empty'],
    ]);
    expect(summary.warnings).toEqual({
      count: 2,
      first: ['row 4, C: cell C4 of sheet "Лист1" holds an error (#N/A); read as empty', 'row 5, C: cell C5 of sheet "Лист1" holds an error (#N/A); read as empty'],
    });
    expect(formatImportSummary(summary)).toContain("warnings 2 (each also on its row's report line): row 4, C: cell C4");
  });

  it('of a file without data rows (only #N/A rows under the header) are counted and told in the summary', async () => {
    seed(world.emulator, {});
    const { input, mappingFile } = await spreadsheet('error-rows-only.xlsx');

    const { summary, report } = await importInto(world.emulator, { input, mappingFile, dryRun: true });

    expect(report).toEqual([]);
    expect(summary.rows).toBe(0);
    expect(summary.warnings).toEqual({
      count: 2,
      first: ['row 2, C: cell C2 of sheet "Лист1" holds an error (#N/A); read as empty', 'row 3, C: cell C3 of sheet "Лист1" holds an error (#N/A); read as empty'],
    });
    expect(formatImportSummary(summary)).toContain('warnings 2 (the file has no data row to report them on): row 2, C: cell C2');
    expect(importExitCode(summary)).toBe(0);
  });
});

describe("a row's warnings", () => {
  const EXTENSION = 'phone: extension 123 of «+7 916 100-00-01 доб. 123» dropped: SMSC cannot dial it';
  const BAD_MAIL = 'mail: «x@» is not an e-mail address: no «name@domain»';

  it('are on its report line, in the warnings column, the same in the dry run and the run; a rejected row keeps its error', async () => {
    const rows: InputRow[] = [
      { name: 'Анна', phone: '+7 916 100-00-01 доб. 123', email: 'anna@example.ru, x@' },
      { name: 'Нет номера', phone: 'позвоните мне', email: 'x@' },
      { name: 'Борис', phone: mobile(2), birthday: '31.02.1990' },
      { name: 'Вера', phone: mobile(3) },
    ];
    // A ragged last row: one cell more than the header.
    const input = await writeInput(world.dir, 'row-warnings.csv', rows, `Глеб,${mobile(4)},,,,,,лишнее\n`);
    const expected = [
      ['2', 'add', '', `${EXTENSION}; ${BAD_MAIL}`],
      ['3', 'reject', 'phone: «позвоните мне» contains letters', BAD_MAIL],
      ['4', 'add', '', 'bd: «31.02.1990» is not a real date'],
      ['5', 'add', '', ''],
      ['6', 'add', '', 'row 6 has 8 cells, the header has 7'],
    ];
    const lines = (report: ReportRow[]) => report.map(({ row, action, error, warnings }) => [row, action, error, warnings]);

    seed(world.emulator, {});
    const dryRun = await importInto(world.emulator, { input, dryRun: true });
    expect(lines(dryRun.report)).toEqual(expected);
    expect(dryRun.summary.warnings?.count).toBe(5);

    const run = await importInto(world.emulator, { input });
    expect(lines(run.report)).toEqual(expected);
    expect(run.report.map(({ outcome }) => outcome)).toEqual(['done', 'rejected', 'done', 'done', 'done']);
    expect((await readReport(`${input}.report.csv`)).header).toBe(REPORT_HEADER);
  });
});

describe('new rows sharing a phone other than their first', () => {
  // A service that lets two contacts have one number: the importer alone keeps the number on one.
  const rows: InputRow[] = [
    { name: 'Анна', phone: `${mobile(1)}, ${mobile(2)}`, tags: 'a' },
    { name: 'Анна Б.', phone: mobile(2), tags: 'b' },
    { name: 'Дина', phone: mobile(3) },
  ];

  it.each([
    ['first', ['add', 'skip', 'add'], { [mobile(1)]: 'Анна', [mobile(2)]: 'Анна', [mobile(3)]: 'Дина' }, ['a']],
    ['merge', ['skip', 'add', 'add'], { [mobile(1)]: 'Анна Б.', [mobile(2)]: 'Анна Б.', [mobile(3)]: 'Дина' }, ['a', 'b']],
  ] as const)('duplicates: %s — one contact, as the policy says', async (policy, actions, names, tags) => {
    const emulator = await startTestEmulator({ duplicatePhoneOnAdd: 'allow' });
    try {
      const mappingFile = join(world.dir, `shared-${policy}.mapping.json`);
      await writeFile(mappingFile, JSON.stringify({ ...JSON.parse(await readFile(CONTACTS_MAPPING, 'utf8')), $schema: undefined, duplicates: policy }));
      const input = await writeInput(world.dir, `shared-${policy}.csv`, rows);
      const { report } = await importInto(emulator, { input, mappingFile });

      expect(report.map(({ action }) => action)).toEqual(actions);
      const folded = report.find(({ action }) => action === 'skip');
      expect(folded?.error_code).toBe(policy === 'first' ? 'DUPLICATE' : 'MERGED');
      // A merge is a warning of the row, but its line's error already says it.
      expect(folded?.warnings).toBe('');
      const byPhone = contactsByPhone(emulator.state());
      expect(Object.fromEntries(Object.entries(byPhone).map(([phone, { name }]) => [phone, name]))).toEqual(names);
      expect(byPhone[mobile(2)]?.tags).toEqual(tags);
    } finally {
      await emulator.close();
    }
  });
});
