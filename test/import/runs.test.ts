/**
 * How `smsc-etl import` runs end (built CLI, emulator over HTTP): an interrupt (SIGINT/SIGTERM)
 * stops new requests, lets the ones in flight settle and still reports every row; one run per
 * report and journal at a time; a journal of an unfinished run is not replaced by accident.
 */
import { access, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { CLI } from '../helpers/cli.js';
import { runCli, smscEnv, startCli, type CliResult } from '../helpers/cli-run.js';
import { CONTACTS_MAPPING, contactsByPhone, makeTempDir, mobile, readReport, seed, startTestEmulator, writeCallCount, writeInput, type InputRow } from '../helpers/import-run.js';

let emulator: RunningEmulator;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  await access(CLI);
  // 30 ms per request: a signal lands mid-run. Duplicate phones allowed: a re-sent `add` shows.
  [emulator, dir] = await Promise.all([startTestEmulator({ duplicatePhoneOnAdd: 'allow', faults: { latencyMs: 30 } }), makeTempDir()]);
});

afterAll(async () => {
  await emulator?.close();
  await dir?.remove();
});

const TOTAL = 400;
const fileRows: InputRow[] = Array.from({ length: TOTAL }, (_, index) => ({ name: `Клиент ${index}`, phone: mobile(index + 1) }));
const cli = (args: readonly string[]): Promise<CliResult> => runCli(['import', ...args], { env: smscEnv(emulator), cwd: dir.path });

/**
 * Starts the import and sends `signals[0]` once the emulator has seen `writes` write calls; a
 * second signal goes once the run has said it is interrupting (two signals sent at once may
 * reach it as one).
 */
function startAndSignal(args: readonly string[], writes: number, signals: readonly NodeJS.Signals[]): Promise<CliResult> {
  const { child, done } = startCli(['import', ...args], { env: smscEnv(emulator), cwd: dir.path });
  const [first, second] = signals;
  if (second !== undefined) {
    child.stderr?.on('data', (chunk: string) => {
      if (chunk.includes('interrupting')) child.kill(second);
    });
  }
  const watch = setInterval(() => {
    if (writeCallCount(emulator.stats()) < writes) return;
    clearInterval(watch);
    if (first !== undefined) child.kill(first);
  }, 2);
  return done.finally(() => clearInterval(watch));
}

describe('an interrupt during the writes', () => {
  it.each<[string, NodeJS.Signals[]]>([
    ['SIGINT', ['SIGINT']],
    ['SIGTERM', ['SIGTERM']],
    ['a second SIGINT (abandons the requests in flight)', ['SIGINT', 'SIGINT']],
  ])('%s: exit 130, every row reported, the journal flushed; --resume finishes without a duplicate', async (_, signals) => {
    seed(emulator, {});
    const input = await writeInput(dir.path, `interrupted-${signals.length}-${signals[0]}.csv`, fileRows);
    const report = `${input}.report.csv`;
    const args = [input, '-m', CONTACTS_MAPPING, '--report', report];

    // Slow replies when the second signal must find requests still in flight.
    if (signals.length > 1) emulator.setFaults({ latencyMs: 250 });
    const interrupted = await startAndSignal(args, 40, signals).finally(() => emulator.setFaults({ latencyMs: 30 }));
    expect(interrupted.code, interrupted.stderr).toBe(130);
    const { rows } = await readReport(report);
    expect(rows.map((line) => Number(line.row))).toEqual(fileRows.map((_, index) => index + 2));
    const done = rows.filter((line) => line.outcome === 'done').length;
    const notRun = rows.filter((line) => line.outcome === 'skipped' && line.error === 'interrupted').length;
    const abandoned = rows.filter((line) => line.outcome === 'failed' && line.error_code === 'INTERRUPTED').length;
    expect(done + notRun + abandoned).toBe(TOTAL);
    expect(notRun).toBeGreaterThan(0);
    if (signals.length === 1) expect(abandoned).toBe(0);
    else expect(abandoned).toBeGreaterThan(0);
    expect(interrupted.stderr).toContain(`interrupted after ${TOTAL - notRun} of ${TOTAL} rows: re-run with --resume`);
    // Nothing was sent after the signal but what was already in flight.
    expect(writeCallCount(emulator.stats())).toBeLessThanOrEqual(done + abandoned);
    expect(await readdir(dir.path)).not.toContain(`${report}.lock`);

    const resumed = await cli([...args, '--resume', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ resumedRows: expect.any(Number) });
    expect(Object.keys(contactsByPhone(emulator.state()))).toHaveLength(TOTAL);
  });
});

describe('an interrupt before the writes', () => {
  it('stops reading the account at once: exit 130, no write, every row reported as not run', async () => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'early.csv', fileRows);
    emulator.setFaults({ latencyMs: 3000 });
    const { child, done } = startCli(['import', input, '-m', CONTACTS_MAPPING], { env: smscEnv(emulator), cwd: dir.path });
    try {
      while (emulator.stats().requestsTotal < 1) await new Promise((resolve) => setTimeout(resolve, 5));
      const sent = performance.now();
      child.kill('SIGINT');
      const result = await done;
      // The `get` in flight is abandoned, not waited for.
      expect(performance.now() - sent).toBeLessThan(2500);
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toContain(`interrupted after 0 of ${TOTAL} rows: re-run with --resume`);
    } finally {
      emulator.setFaults({ latencyMs: 30 });
    }
    expect(writeCallCount(emulator.stats())).toBe(0);
    const { rows } = await readReport(`${input.slice(0, -'.csv'.length)}.report.csv`);
    expect(rows).toHaveLength(TOTAL);
    expect(rows.every((line) => line.outcome === 'skipped' && line.error === 'interrupted')).toBe(true);
  });
});

describe('one run per report and journal', () => {
  it('a second import on the same report refuses before any request, naming the first', async () => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'twice.csv', fileRows);
    // Slow enough that the first run is still writing when the second one starts.
    emulator.setFaults({ latencyMs: 150 });
    const first = startCli(['import', input, '-m', CONTACTS_MAPPING], { env: smscEnv(emulator), cwd: dir.path });
    try {
      while (writeCallCount(emulator.stats()) < 5) await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await cli([input, '-m', CONTACTS_MAPPING]);
      expect(second.code).toBe(2);
      expect(second.stderr.trim()).toMatch(new RegExp(`^smsc-etl: another import \\(PID ${first.child.pid}, started .*\\) is using this report and journal: wait for it to finish; if no such process runs, remove .*twice\\.report\\.csv\\.lock$`));
      expect(writeCallCount(emulator.stats())).toBeLessThan(TOTAL);
    } finally {
      emulator.setFaults({ latencyMs: 30 });
    }
    const firstResult = await first.done;
    expect(firstResult.code, firstResult.stderr).toBe(0);
    // The second run did not even read the account: the one `get` is the first run's.
    expect(emulator.stats().calls).toMatchObject({ get: 1, add: TOTAL });
    expect(Object.keys(contactsByPhone(emulator.state()))).toHaveLength(TOTAL);
  });

  it.each([
    ['its process is gone', { pid: 2_147_483_646 }],
    // This test process is alive, but it started at another time than the one recorded: its PID was reused.
    ['its PID now belongs to another process', { pid: process.pid, processStart: '1' }],
  ])('a stale lock (%s) is taken over', async (_, owner) => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'stale.csv', fileRows.slice(0, 3));
    await writeFile(join(dir.path, 'stale.report.csv.lock'), `${JSON.stringify({ ...owner, started: '2026-01-01T00:00:00.000Z' })}\n`);
    const result = await cli([input, '-m', CONTACTS_MAPPING]);
    expect(result.code, result.stderr).toBe(0);
    expect(await readdir(dir.path)).not.toContain('stale.report.csv.lock');
  });
});

describe('a journal of an unfinished run', () => {
  it('is not replaced by a new run: it needs --resume or --restart', async () => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'unfinished.csv', fileRows);
    const args = [input, '-m', CONTACTS_MAPPING];
    expect((await startAndSignal(args, 20, ['SIGINT'])).code).toBe(130);

    const plain = await cli(args);
    expect(plain.code).toBe(2);
    expect(plain.stderr.trim()).toMatch(/unfinished\.report\.csv\.journal: an earlier import with this report did not finish: run again with --resume to continue it, or with --restart to start over/);
    const writesBefore = writeCallCount(emulator.stats());
    expect(writesBefore).toBeGreaterThan(0);

    const both = await cli([...args, '--resume', '--restart']);
    expect(both.code).toBe(2);
    expect(both.stderr.trim()).toBe('smsc-etl: --resume and --restart contradict each other: choose one');

    // --restart plans every row again against the account: the contacts added before are unchanged.
    const restarted = await cli([...args, '--restart', '--json']);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(JSON.parse(restarted.stdout)).toMatchObject({ resumedRows: 0, actions: { unchanged: writesBefore, add: TOTAL - writesBefore } });
    // A finished run's journal needs neither.
    const again = await cli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(Object.keys(contactsByPhone(emulator.state()))).toHaveLength(TOTAL);
  });
});
