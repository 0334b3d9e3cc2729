/**
 * `smsc-etl import` as users run it: the built CLI in a child process against the emulator —
 * exit codes, one-line messages, and a run killed with SIGKILL at seeded points then resumed.
 */
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, RunningEmulator } from '../../src/emulator/index.js';
import { CLI } from '../helpers/cli.js';
import { expectOneLine, killAfterWrites, runCli, smscEnv, type CliResult } from '../helpers/cli-run.js';
import {
  CONTACTS_MAPPING,
  contact,
  contactsByPhone,
  group,
  makeTempDir,
  mobile,
  readReport,
  seed,
  startTestEmulator,
  writeCallCount,
  writeInput,
  type InputRow,
} from '../helpers/import-run.js';

let emulator: RunningEmulator;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  await access(CLI); // built by test/global-setup.ts
  [emulator, dir] = await Promise.all([startTestEmulator(), makeTempDir()]);
});

afterAll(async () => {
  await emulator?.close();
  await dir?.remove();
});

const cli = (args: readonly string[], password?: string): Promise<CliResult> => runCli(['import', ...args], { env: smscEnv(emulator, password), cwd: dir.path });
const newRows = (count: number, from: number): InputRow[] => Array.from({ length: count }, (_, index) => ({ name: `Клиент ${from + index}`, phone: mobile(from + index) }));


describe('smsc-etl import exit codes', () => {
  it('exit 0 and a summary when every row is done', async () => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'ok.csv', newRows(3, 1));
    const result = await cli([input, '-m', CONTACTS_MAPPING, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rows: 3, outcomes: { done: 3 }, writeCalls: 3 });
    // What the reader detected, as `clean` prints it.
    expect(result.stderr).toMatch(/^Reading .*ok\.csv: CSV, utf-8, delimiter ",", header row 1 \(\d+ columns\)$/m);
    expect((await readReport(join(dir.path, 'ok.report.csv'))).rows).toHaveLength(3);
  });

  it('exit 1 when a row is rejected (a group that does not exist)', async () => {
    seed(emulator, { groups: [group(5901, 'VIP')] });
    const input = await writeInput(dir.path, 'missing-group.csv', [
      { name: 'Анна', phone: mobile(1), group: 'VIP' },
      { name: 'Борис', phone: mobile(2), group: 'Нет такой' },
    ]);
    const result = await cli([input, '-m', CONTACTS_MAPPING]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/groups missing \(use --create-groups\): Нет такой/);
    expect(Object.keys(contactsByPhone(emulator.state()))).toEqual([mobile(1)]);
  });

  it('a wrong password stops after exactly one request with exit 3, and the password is never shown', async () => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'auth.csv', newRows(20, 1));
    const wrong = 'Wr0ng-Pa55word';
    const result = await cli([input, '-m', CONTACTS_MAPPING], wrong);
    expect(result.code).toBe(3);
    expectOneLine(result, /error 2/);
    expect(result.stderr).not.toContain(wrong);
    expect(emulator.stats().requestsTotal).toBe(1);
  });

  it('refuses --concurrency 15 and --delete-missing without sync with exit 2 and no request', async () => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'usage.csv', newRows(2, 1));
    const concurrency = await cli([input, '-m', CONTACTS_MAPPING, '--concurrency', '15']);
    expect(concurrency.code).toBe(2);
    expect(concurrency.stderr).toMatch(/--concurrency.*1–14/);
    const deleteMissing = await cli([input, '-m', CONTACTS_MAPPING, '--delete-missing']);
    expect(deleteMissing.code).toBe(2);
    expectOneLine(deleteMissing, /--delete-missing needs --mode sync/);
    expect(emulator.stats().requestsTotal).toBe(0);
  });
});

describe('bad input stops before the first request (exit 2, one line naming the file)', () => {
  it('an unterminated quote at the end of the file', async () => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'unterminated.csv', newRows(30, 1), `"Незакрытая кавычка,${mobile(99)},,,,,\n`);
    const result = await cli([input, '-m', CONTACTS_MAPPING]);
    expect(result.code).toBe(2);
    expectOneLine(result, /unterminated\.csv.*(row|line) 32/);
    expect(emulator.stats().requestsTotal).toBe(0);
  });

  it('a broken mapping', async () => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'fine.csv', newRows(2, 1));
    const mapping = join(dir.path, 'broken-mapping.json');
    await writeFile(mapping, JSON.stringify({ fields: { phone: 'phone', nmae: 'name' }, defaultRegion: 'RU' }));
    const result = await cli([input, '-m', mapping]);
    expect(result.code).toBe(2);
    expectOneLine(result, /broken-mapping\.json: .*unknown field «nmae» \(did you mean «name»\?\)/);
    expect(emulator.stats().requestsTotal).toBe(0);
  });

  it('a column the mapping needs is missing', async () => {
    seed(emulator, {});
    const input = join(dir.path, 'no-email.csv');
    await writeFile(input, `name,phone,birthday,group,tags,customer_id\nАнна,${mobile(1)},,,,\n`);
    const result = await cli([input, '-m', CONTACTS_MAPPING]);
    expect(result.code).toBe(2);
    expectOneLine(result, /no-email\.csv.*email/);
    expect(emulator.stats().requestsTotal).toBe(0);
  });
});

describe('kill -9 and --resume', () => {
  const NEW = 240;
  const CHANGED = 60;
  const existing = (i: number): Contact => contact(100_000 + i, { phones: [mobile(5000 + i)], name: `Старое имя ${i}`, myid: `K${i}`, cmt: 'был' });
  const fileRows: InputRow[] = [
    ...Array.from({ length: CHANGED }, (_, i) => ({ name: `Новое имя ${i}`, phone: mobile(5000 + i), customer_id: `K${i}` })),
    ...newRows(NEW, 7000),
  ];
  const expected = Object.fromEntries([
    ...Array.from({ length: CHANGED }, (_, i) => {
      const { int_id: _id, ...fields } = existing(i);
      return [mobile(5000 + i), { ...fields, name: `Новое имя ${i}` }];
    }),
    ...Array.from({ length: NEW }, (_, i) => {
      const { int_id: _id, ...fields } = contact(0, { phones: [mobile(7000 + i)], name: `Клиент ${7000 + i}` });
      return [mobile(7000 + i), fields];
    }),
  ]);

  // Its own emulator: 20 ms per request so a kill lands mid-run, and duplicate phones allowed, so
  // a re-sent `add` would show as a second contact.
  let slow: RunningEmulator;
  beforeAll(async () => {
    slow = await startTestEmulator({ duplicatePhoneOnAdd: 'allow', faults: { latencyMs: 20 } });
  });
  afterAll(() => slow?.close());

  const killAfter = (args: readonly string[], writes: number): Promise<CliResult> => killAfterWrites(slow, ['import', ...args], writes, dir.path);

  it('resumed after SIGKILLs at seeded points, reaches the exact state with no duplicate and a full report', async () => {
    // Seeded kill points (a Park–Miller generator): the same run every time, chosen without bias.
    let draw = 2026;
    const random = () => (draw = (draw * 48_271) % 2_147_483_647) / 2_147_483_647;
    const total = NEW + CHANGED;
    const first = 20 + Math.floor(random() * 100);
    const second = first + 40 + Math.floor(random() * 100);
    seed(slow, { contacts: Array.from({ length: CHANGED }, (_, i) => existing(i)) });
    const input = await writeInput(dir.path, 'killed.csv', fileRows);
    const report = join(dir.path, 'killed.report.csv');
    const args = [input, '-m', CONTACTS_MAPPING, '--report', report, '--concurrency', '4'];

    const killed = await killAfter(args, first);
    expect(killed.signal).toBe('SIGKILL');
    const killedAgain = await killAfter([...args, '--resume'], second);
    expect(killedAgain.signal).toBe('SIGKILL');
    expect(writeCallCount(slow.stats())).toBeLessThan(total);

    const resumed = await runCli(['import', ...args, '--resume', '--json'], { env: smscEnv(slow), cwd: dir.path });
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { resumedRows: number; outcomes: Record<string, number> };
    expect(summary.resumedRows).toBeGreaterThan(0);
    expect(summary.outcomes.done).toBe(total);

    const state = slow.state();
    expect(state.contacts).toHaveLength(total);
    expect(contactsByPhone(state)).toEqual(expected);
    // Each new contact was added once: nothing was re-sent after a kill.
    expect(slow.stats().calls.add).toBe(NEW);
    const { rows } = await readReport(report);
    expect(rows.map((line) => Number(line.row))).toEqual(fileRows.map((_, index) => index + 2));
    expect(rows.every((line) => line.outcome === 'done')).toBe(true);
    expect(rows.filter((line) => line.error === 'done in an earlier run (journal)').length).toBe(summary.resumedRows);
  });

  it('refuses a journal written for a different input file (exit 2, no request)', async () => {
    seed(emulator, {});
    const report = join(dir.path, 'shared.report.csv');
    const first = await writeInput(dir.path, 'first.csv', newRows(3, 1));
    expect((await cli([first, '-m', CONTACTS_MAPPING, '--report', report])).code).toBe(0);
    const requests = emulator.stats().requestsTotal;

    const other = await writeInput(dir.path, 'other.csv', newRows(3, 10));
    const result = await cli([other, '-m', CONTACTS_MAPPING, '--report', report, '--resume']);
    expect(result.code).toBe(2);
    expectOneLine(result, /journal was written for a different input file/);
    expect(emulator.stats().requestsTotal).toBe(requests);
    expect(Object.keys(contactsByPhone(emulator.state())).sort()).toEqual([mobile(1), mobile(2), mobile(3)]);
  });
});
