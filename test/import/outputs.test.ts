/**
 * `smsc-etl import` when its report or journal cannot be written (built CLI, emulator over HTTP):
 * paths that cannot work stop the run before the first request (exit 2); a write that fails
 * mid-run ends it with the file and the cause, the number of writes made and the --resume hint
 * (exit 3), leaving no temporary file, and --resume then finishes the job without a duplicate.
 */
import { access, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { CLI } from '../helpers/cli.js';
import { expectOneLine, runCli, smscEnv, type CliResult } from '../helpers/cli-run.js';
import { CONTACTS_MAPPING, contactsByPhone, makeTempDir, mobile, seed, startTestEmulator, writeCallCount, writeInput, type InputRow } from '../helpers/import-run.js';
import { mountTmpfs, type Mounted } from '../helpers/mounts.js';

let emulator: RunningEmulator;
let dir: { path: string; remove: () => Promise<void> };
const mounts: Mounted[] = [];

beforeAll(async () => {
  await access(CLI);
  // Duplicate phones allowed: a re-sent `add` after the failure would show as a second contact.
  [emulator, dir] = await Promise.all([startTestEmulator({ duplicatePhoneOnAdd: 'allow' }), makeTempDir()]);
});

afterAll(async () => {
  for (const mounted of mounts) await mounted.unmount();
  await emulator?.close();
  await dir?.remove();
});

const cli = (args: readonly string[]): Promise<CliResult> => runCli(['import', ...args], { env: smscEnv(emulator), cwd: dir.path });
const rows = (count: number): InputRow[] => Array.from({ length: count }, (_, index) => ({ name: `Клиент ${index} с длинным именем, чтобы отчёт был побольше`, phone: mobile(index + 1) }));


async function mount(name: string, options: { sizeKb: number; readOnly?: boolean }): Promise<Mounted | undefined> {
  const mounted = await mountTmpfs(join(dir.path, name), options);
  if (mounted) mounts.push(mounted);
  return mounted;
}

describe('an output path that cannot work: exit 2 before the first request', () => {
  it('a directory given as --report', async () => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'to-dir.csv', rows(3));
    await mkdir(join(dir.path, 'rich'));
    const result = await cli([input, '-m', CONTACTS_MAPPING, '--report', 'rich']);
    expect(result.code).toBe(2);
    expectOneLine(result, /cannot write the report "rich": it is a directory/);
    expect(emulator.stats().requestsTotal).toBe(0);
  });

  it('a directory that does not exist', async () => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'no-dir.csv', rows(3));
    const result = await cli([input, '-m', CONTACTS_MAPPING, '--report', 'missing/report.csv']);
    expect(result.code).toBe(2);
    expectOneLine(result, /cannot write the report "missing\/report\.csv": directory "missing" does not exist/);
    expect(emulator.stats().requestsTotal).toBe(0);
  });

  it('a read-only file system (root ignores permission bits, not a read-only mount)', async (context) => {
    const readOnly = await mount('read-only', { sizeKb: 64, readOnly: true });
    if (!readOnly) return context.skip();
    seed(emulator, {});
    const input = await writeInput(dir.path, 'to-ro.csv', rows(3));
    const result = await cli([input, '-m', CONTACTS_MAPPING, '--report', 'read-only/report.csv']);
    expect(result.code).toBe(2);
    expectOneLine(result, /cannot write the report "read-only\/report\.csv": .*read-only file system \(EROFS\)/);
    expect(emulator.stats().requestsTotal).toBe(0);
  });
});

describe('an output that fails mid-run', () => {
  it('/dev/full as the report of a dry run: exit 3 naming the file and the cause', async () => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'dev-full.csv', rows(5));
    const result = await cli([input, '-m', CONTACTS_MAPPING, '--dry-run', '--report', '/dev/full']);
    expect(result.code).toBe(3);
    expectOneLine(result, /^smsc-etl: cannot write "\/dev\/full": no space left on device \(ENOSPC\)$/);
    expect(writeCallCount(emulator.stats())).toBe(0);
  });

  it('a file system that fills up: exit 3 with the writes made and the --resume hint; --resume then finishes without a duplicate', async (context) => {
    const tiny = await mount('tiny', { sizeKb: 64 });
    if (!tiny) return context.skip();
    seed(emulator, {});
    const total = 1500;
    const input = await writeInput(dir.path, 'fills.csv', rows(total));
    const args = [input, '-m', CONTACTS_MAPPING, '--report', 'tiny/report.csv', '--concurrency', '8'];

    const failed = await cli(args);
    expect(failed.code).toBe(3);
    const writes = writeCallCount(emulator.stats());
    expect(writes).toBeGreaterThan(0);
    expect(writes).toBeLessThan(total);
    expectOneLine(failed, new RegExp(`cannot write "tiny/report\\.csv(\\.journal)?": no space left on device \\(ENOSPC\\); ${writes} writes were made to SMSC: .*run again with --resume`));
    // No temporary report, no lock: only the journal, for --resume.
    expect(await readdir(tiny.path)).toEqual(['report.csv.journal']);

    // Running again without --resume would replace the journal of the unfinished run.
    const fresh = await cli(args);
    expect(fresh.code).toBe(2);
    expectOneLine(fresh, /did not finish: run again with --resume .* or with --restart/);

    await tiny.resize(16 * 1024);
    const resumed = await cli([...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(Object.keys(contactsByPhone(emulator.state()))).toHaveLength(total);
    expect(emulator.stats().calls.add).toBe(total);
  });
});
