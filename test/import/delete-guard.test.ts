/**
 * `--delete-missing` asks before it deletes (built CLI, emulator over HTTP): the list is printed,
 * a terminal is asked (count shown), a run without one needs --yes, and --max-deletes refuses a
 * run that would delete more — every refusal before the first write.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { createDeleteGuard } from '../../src/write/delete-guard.js';
import { CLI } from '../helpers/cli.js';
import { runCli, smscEnv, type CliResult } from '../helpers/cli-run.js';
import { contact, CONTACTS_MAPPING, makeTempDir, mobile, seed, startTestEmulator, writeCallCount, writeInput } from '../helpers/import-run.js';

let emulator: RunningEmulator;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  await access(CLI);
  [emulator, dir] = await Promise.all([startTestEmulator(), makeTempDir()]);
});

afterAll(async () => {
  await emulator?.close();
  await dir?.remove();
});

/** Five contacts in the account; the file keeps the first two, so three are missing from it. */
async function account(): Promise<string> {
  seed(emulator, { contacts: Array.from({ length: 5 }, (_, index) => contact(300 + index, { phones: [mobile(index)], name: `Контакт ${index}` })) });
  return writeInput(dir.path, 'keep-two.csv', [
    { name: 'Контакт 0', phone: mobile(0) },
    { name: 'Контакт 1', phone: mobile(1) },
  ]);
}

const sync = async (extra: readonly string[] = []): Promise<CliResult> =>
  runCli(['import', await account(), '-m', CONTACTS_MAPPING, '--mode', 'sync', '--delete-missing', ...extra], { env: smscEnv(emulator), cwd: dir.path });

const remaining = () => emulator.state().contacts.map((stored) => stored.int_id).sort();

describe('--delete-missing without a terminal', () => {
  it('lists what it would delete and refuses without --yes: exit 2, no write', async () => {
    const result = await sync();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`will delete 3 contacts:\n  ${mobile(2)} (id 302)\n  ${mobile(3)} (id 303)\n  ${mobile(4)} (id 304)\n`);
    expect(result.stderr).toMatch(/smsc-etl: 3 contacts would be deleted and there is no terminal to confirm it: add --yes .*; nothing was written to SMSC\n$/);
    expect(writeCallCount(emulator.stats())).toBe(0);
    expect(remaining()).toEqual([300, 301, 302, 303, 304]);
  });

  it('deletes with --yes', async () => {
    const result = await sync(['--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(emulator.stats().calls.del).toBe(3);
    expect(remaining()).toEqual([300, 301]);
  });

  it('--max-deletes refuses a run that would delete more, even with --yes', async () => {
    const result = await sync(['--yes', '--max-deletes', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/smsc-etl: refusing to delete 3 contacts: more than --max-deletes 2; .*nothing was written to SMSC/);
    expect(writeCallCount(emulator.stats())).toBe(0);
    expect(remaining()).toEqual([300, 301, 302, 303, 304]);
  });

  it('a dry run asks nothing and deletes nothing', async () => {
    const result = await sync(['--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(writeCallCount(emulator.stats())).toBe(0);
  });
});

const run = promisify(execFile);
const hasScript = await run('script', ['--version']).then(
  () => true,
  () => false,
);

describe.skipIf(!hasScript)('--delete-missing on a terminal (a pty from script(1))', () => {
  /** The import in a pseudo-terminal, with `answer` typed ahead. */
  async function onTerminal(answer: string): Promise<{ code: number; output: string }> {
    const input = await account();
    const command = [process.execPath, CLI, 'import', input, '-m', CONTACTS_MAPPING, '--mode', 'sync', '--delete-missing'].map((word) => `'${word}'`).join(' ');
    return new Promise((resolve, reject) => {
      const child = execFile('script', ['-qec', command, '/dev/null'], { env: smscEnv(emulator), cwd: dir.path }, (error, stdout) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: typeof error?.code === 'number' ? error.code : 0, output: stdout });
      });
      child.stdin?.end(`${answer}\n`);
    });
  }

  it('asks with the count; "y" deletes', async () => {
    const { code, output } = await onTerminal('y');
    expect(output).toContain('Delete these 3 contacts from the account? [y/N]');
    expect(code, output).toBe(0);
    expect(remaining()).toEqual([300, 301]);
  });

  it('anything else deletes nothing: exit 2, no write', async () => {
    const { code, output } = await onTerminal('n');
    expect(output).toContain('Delete these 3 contacts from the account? [y/N]');
    expect(output).toMatch(/deleting 3 contacts was not confirmed; nothing was written to SMSC/);
    expect(code).toBe(2);
    expect(writeCallCount(emulator.stats())).toBe(0);
  });
});

describe('createDeleteGuard (the one guard every delete path uses)', () => {
  const printed: string[] = [];
  const print = (line: string) => void printed.push(line);
  const candidates = Array.from({ length: 25 }, (_, index) => ({ label: mobile(index), smscId: index }));

  it('shows the first 20 and the count of the rest, and passes the count to the question', async () => {
    const questions: string[] = [];
    await createDeleteGuard({ print, ask: async (question) => (questions.push(question), true) })('blacklist entries', candidates);
    expect(printed[0]).toBe('will delete 25 blacklist entries:');
    expect(printed).toHaveLength(22);
    expect(printed.at(-1)).toMatch(/… and 5 more/);
    expect(questions).toEqual(['Delete these 25 blacklist entries from the account? [y/N] ']);
  });

  it('asks nothing when there is nothing to delete', async () => {
    await expect(createDeleteGuard({ print, ask: async () => false })('contacts', [])).resolves.toBeUndefined();
  });
});
