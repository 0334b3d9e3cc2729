/**
 * `clean` and `export` when their output cannot be written (built CLI; export against the
 * emulator over HTTP): every failure is one line naming the file and the cause with a non-zero
 * exit — never the old silent exit 0 — and no temporary file is left behind.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, RunningEmulator } from '../../src/emulator/index.js';
import { runCli as runPlainCli } from '../helpers/cli.js';
import { smscEnv, startCli, type CliResult } from '../helpers/cli-run.js';
import { contact, CONTACTS_MAPPING, makeTempDir, mobile, seed, startTestEmulator, writeInput } from '../helpers/import-run.js';
import { mountTmpfs, type Mounted } from '../helpers/mounts.js';

let emulator: RunningEmulator;
let dir: { path: string; remove: () => Promise<void> };
const mounts: Mounted[] = [];
const CONTACTS = 2000;
const account: Contact[] = Array.from({ length: CONTACTS }, (_, index) => contact(1000 + index, { phones: [mobile(index)], name: `Контакт номер ${index} с длинным именем`, cmt: 'комментарий, чтобы файл рос быстрее' }));

beforeAll(async () => {
  [emulator, dir] = await Promise.all([startTestEmulator({ pageSize: 500, clockScale: 10_000 }), makeTempDir()]);
  seed(emulator, { contacts: account });
});

afterAll(async () => {
  for (const mounted of mounts) await mounted.unmount();
  await emulator?.close();
  await dir?.remove();
});

const exportCli = (args: readonly string[]): Promise<CliResult> => startCli(['export', ...args], { env: smscEnv(emulator), cwd: dir.path }).done;
const cleanCli = (args: readonly string[]) => runPlainCli(['clean', ...args], { cwd: dir.path });

function lastLine(result: { stderr: string }): string {
  return result.stderr.trim().split('\n').at(-1) ?? '';
}

async function mount(name: string, options: { sizeKb: number; readOnly?: boolean }): Promise<Mounted | undefined> {
  const mounted = await mountTmpfs(join(dir.path, name), options);
  if (mounted) mounts.push(mounted);
  return mounted;
}

let input: string;
beforeAll(async () => {
  input = await writeInput(
    dir.path,
    'contacts.csv',
    Array.from({ length: CONTACTS }, (_, index) => ({ name: `Клиент ${index} с длинным именем для объёма`, phone: mobile(index), tags: 'первый,второй' })),
  );
});

describe('clean', () => {
  it('/dev/full: exit 3 naming the file and the cause', async () => {
    const result = await cleanCli([input, '-m', CONTACTS_MAPPING, '--out', '/dev/full', '--rejects', join(dir.path, 'r.csv')]);
    expect(result.code).toBe(3);
    expect(lastLine(result)).toBe('smsc-etl: cannot write "/dev/full": no space left on device (ENOSPC)');
  });

  it('a directory as --out, and a read-only file system: exit 2 before reading', async (context) => {
    await mkdir(join(dir.path, 'a-dir'), { recursive: true });
    const toDir = await cleanCli([input, '-m', CONTACTS_MAPPING, '--out', 'a-dir']);
    expect(toDir.code).toBe(2);
    expect(toDir.stderr.trim()).toBe('smsc-etl: cannot write the clean file "a-dir": it is a directory; give a file name');
    const readOnly = await mount('clean-ro', { sizeKb: 64, readOnly: true });
    if (!readOnly) return context.skip();
    const toReadOnly = await cleanCli([input, '-m', CONTACTS_MAPPING, '--out', 'clean-ro/c.csv']);
    expect(toReadOnly.code).toBe(2);
    expect(toReadOnly.stderr.trim()).toMatch(/^smsc-etl: cannot write the clean file "clean-ro\/c\.csv": .*read-only file system \(EROFS\)$/);
  });

  it('a file system that fills up: exit 3, no file and no temporary file left', async (context) => {
    const tiny = await mount('clean-tiny', { sizeKb: 64 });
    if (!tiny) return context.skip();
    const result = await cleanCli([input, '-m', CONTACTS_MAPPING, '--out', 'clean-tiny/c.csv', '--rejects', 'clean-tiny/r.csv']);
    expect(result.code).toBe(3);
    expect(lastLine(result)).toMatch(/^smsc-etl: cannot write "clean-tiny\/[cr]\.csv": no space left on device \(ENOSPC\)$/);
    expect(await readdir(tiny.path)).toEqual([]);
  });
});

describe('export', () => {
  it.each(['csv', 'xlsx', 'json', 'jsonl'])('%s to /dev/full: exit 3 naming the file and the cause', async (format) => {
    const result = await exportCli(['--out', '/dev/full', '--format', format]);
    expect(result.code).toBe(3);
    expect(lastLine(result)).toBe('smsc-etl: cannot write "/dev/full": no space left on device (ENOSPC); no file was replaced');
  });

  it('XLSX into a read-only file system: exit 2 before any request', async (context) => {
    const readOnly = await mount('export-ro', { sizeKb: 64, readOnly: true });
    if (!readOnly) return context.skip();
    const before = emulator.stats().requestsTotal;
    const result = await exportCli(['--out', 'export-ro/backup.xlsx']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^smsc-etl: cannot write the export "export-ro\/backup\.xlsx": .*read-only file system \(EROFS\)$/);
    expect(emulator.stats().requestsTotal).toBe(before);
  });

  it('a directory as --out: exit 2 before any request', async () => {
    await mkdir(join(dir.path, 'backup.csv'), { recursive: true });
    const before = emulator.stats().requestsTotal;
    const result = await exportCli(['--out', 'backup.csv']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('smsc-etl: cannot write the export "backup.csv": it is a directory; give a file name');
    expect(emulator.stats().requestsTotal).toBe(before);
  });

  it.for(['csv', 'xlsx'])('%s onto a file system that fills up: exit 3, the previous export untouched, no temporary file', async (format, context) => {
    const tiny = await mount(`export-tiny-${format}`, { sizeKb: 64 });
    if (!tiny) return context.skip();
    await writeFile(join(tiny.path, `backup.${format}`), 'previous');
    const result = await exportCli(['--out', `export-tiny-${format}/backup.${format}`]);
    expect(result.code).toBe(3);
    expect(lastLine(result)).toBe(`smsc-etl: cannot write "export-tiny-${format}/backup.${format}": no space left on device (ENOSPC); no file was replaced`);
    expect(await readdir(tiny.path)).toEqual([`backup.${format}`]);
  });

  it('stdout whose reader goes away (EPIPE): exit 3 naming stdout', async () => {
    const { child, done } = startCli(['export', '--out', '-'], { env: smscEnv(emulator), cwd: dir.path });
    child.stdout?.once('data', () => child.stdout?.destroy());
    const result = await done;
    expect(result.code).toBe(3);
    expect(lastLine(result)).toBe('smsc-etl: cannot write stdout: the reading end of the pipe was closed (EPIPE); no file was replaced');
  });
});
