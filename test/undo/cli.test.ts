/**
 * `smsc-etl undo` as users run it: the built CLI against the emulator — after an import killed with
 * SIGKILL mid-run (no report yet, only its journal), after a dry-run import, an undo killed and
 * resumed, and the one-line refusals.
 */
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, RunningEmulator } from '../../src/emulator/index.js';
import { CLI } from '../helpers/cli.js';
import { expectOneLine, killAfterWrites, runCli, smscEnv, type CliResult } from '../helpers/cli-run.js';
import { CONTACTS_MAPPING, REPO, contact, contactsByPhone, makeTempDir, mobile, readReport, seed, startTestEmulator, writeCallCount, writeInput, type InputRow } from '../helpers/import-run.js';

let emulator: RunningEmulator;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  await access(CLI); // built by test/global-setup.ts
  // 20 ms per request so a kill lands mid-run.
  [emulator, dir] = await Promise.all([startTestEmulator({ faults: { latencyMs: 20 } }), makeTempDir()]);
});

afterAll(async () => {
  await emulator?.close();
  await dir?.remove();
});

const run = (args: readonly string[]): Promise<CliResult> => runCli(args, { env: smscEnv(emulator), cwd: dir.path });

const killAfter = (args: readonly string[], writes: number): Promise<CliResult> => killAfterWrites(emulator, args, writes, dir.path);

const CHANGED = 40;
const NEW = 120;
const existing = (i: number): Contact => contact(100_000 + i, { phones: [mobile(5000 + i)], name: `Старое имя ${i}`, cmt: 'был' });
const fileRows: InputRow[] = [
  ...Array.from({ length: CHANGED }, (_, i) => ({ name: `Новое имя ${i}`, phone: mobile(5000 + i) })),
  ...Array.from({ length: NEW }, (_, i) => ({ name: `Клиент ${i}`, phone: mobile(7000 + i) })),
];

describe('smsc-etl undo', () => {
  it('takes back an import killed mid-run (from its journal alone), and resumes after being killed itself', async () => {
    seed(emulator, { contacts: Array.from({ length: CHANGED }, (_, i) => existing(i)) });
    const before = contactsByPhone(emulator.state());
    const input = await writeInput(dir.path, 'killed.csv', fileRows);
    const report = join(dir.path, 'killed.report.csv');
    const killed = await killAfter(['import', input, '-m', CONTACTS_MAPPING, '--report', report], 90);
    expect(killed.signal).toBe('SIGKILL');
    const imported = writeCallCount(emulator.stats());
    expect(imported).toBeLessThan(CHANGED + NEW);
    await expect(access(report)).rejects.toThrow(); // the report is only written at the end

    // Each run below reads the account with another page size: SMSC (and the emulator) refuse a
    // fourth identical request within a minute, and each run's first `get` page would be one.
    // Undo's dry run first: no write.
    const dry = await run(['undo', report, '--dry-run', '--page-size', '999']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/DRY RUN/);
    expect(writeCallCount(emulator.stats())).toBe(imported);

    // No terminal: the deletions need --yes.
    const unconfirmed = await run(['undo', report, '--page-size', '998']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/no terminal to confirm it: add --yes/);
    expect(writeCallCount(emulator.stats())).toBe(imported);

    const undoKilled = await killAfter(['undo', report, '--yes', '--page-size', '997'], imported + 60);
    expect(undoKilled.signal).toBe('SIGKILL');
    const resumed = await run(['undo', report, '--yes', '--resume', '--json', '--page-size', '996']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { items: number; resumedItems: number; outcomes: Record<string, number> };
    expect(summary.resumedItems).toBeGreaterThan(0);
    expect(summary.outcomes.done).toBe(summary.items);

    expect(contactsByPhone(emulator.state())).toEqual(before);
    const { rows } = await readReport(`${report}.undo.csv`);
    expect(rows).toHaveLength(summary.items);
    // Every write the killed import made was taken back once: no contact deleted twice, none left.
    expect(emulator.stats().calls.del).toBe(emulator.stats().calls.add);
  });

  it('after a dry-run import there is nothing to undo, and it says so (exit 0, no request)', async () => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'dry.csv', fileRows.slice(0, 5));
    const dry = await run(['import', input, '-m', CONTACTS_MAPPING, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    const requests = emulator.stats().requestsTotal;
    const undo = await run(['undo', join(dir.path, 'dry.report.csv')]);
    expect(undo.code, undo.stderr).toBe(0);
    expectOneLine(undo, /^nothing to undo: .*dry\.report\.csv: the import was a dry run: it wrote nothing$/);
    expect(emulator.stats().requestsTotal).toBe(requests);
  });

  it('leaves a blacklist entry whose type was changed since the import (the dry run shows it), and deletes it with --force', async () => {
    seed(emulator, {});
    const input = join(dir.path, 'black.csv');
    await writeFile(input, `phone,type\n${mobile(1)},1\n${mobile(2)},1\n`, 'utf8');
    const report = join(dir.path, 'black.report.csv');
    const imported = await run(['import', input, '--target', 'blacklist', '-m', join(REPO, 'mappings/smsc-blacklist.json'), '--report', report]);
    expect(imported.code, imported.stderr).toBe(0);
    const state = emulator.state();
    seed(emulator, { ...state, blacklist: state.blacklist.map((entry) => (entry.phone === mobile(1) ? { ...entry, type: 2 } : entry)) });
    const lines = async (path: string) => (await readReport(path)).rows.map(({ phone, action, outcome, error_code }) => `${phone} ${action}/${outcome} ${error_code}`);

    const dry = await run(['undo', report, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/1 not undone \(changed since the import/);
    expect(await lines(`${report}.undo.csv`)).toEqual([`${mobile(1)} skip/skipped UNDO_CHANGED_SINCE`, `${mobile(2)} delete/dry-run `]);

    const undone = await run(['undo', report, '--yes', '--page-size', '999']);
    expect(undone.code, undone.stderr).toBe(0);
    expect(await lines(`${report}.undo.csv`)).toEqual([`${mobile(1)} skip/skipped UNDO_CHANGED_SINCE`, `${mobile(2)} delete/done `]);
    expect(emulator.state().blacklist).toMatchObject([{ phone: mobile(1), type: 2 }]);

    const forced = await run(['undo', report, '--yes', '--force', '--report', join(dir.path, 'black.forced.csv'), '--page-size', '998']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await lines(join(dir.path, 'black.forced.csv'))).toEqual([`${mobile(1)} delete/done `, `${mobile(2)} unchanged/done `]);
    expect(emulator.state().blacklist).toEqual([]);
  });

  it('refuses an old journal and a missing report with one line and exit 2', async () => {
    const old = join(dir.path, 'old.report.csv');
    await writeFile(`${old}.journal`, `${JSON.stringify({ journal: 1, input: 'x' })}\n${JSON.stringify({ row: 2, action: 'add', smscId: 5 })}\n`);
    const refused = await run(['undo', old]);
    expect(refused.code).toBe(2);
    expectOneLine(refused, /old\.report\.csv\.journal: written by an older smsc-etl that did not record what undo needs/);
    const missing = await run(['undo', join(dir.path, 'nope.csv')]);
    expect(missing.code).toBe(2);
    expectOneLine(missing, /nope\.csv: no such import report/);
  });
});
