import { parse } from 'csv-parse/sync';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { expandDateTemplate } from '../../src/export/output-path.js';
import { runCli, smscEnv, startCli } from '../helpers/cli-run.js';
import { ACCOUNT, startWorld, type ExportWorld } from './helpers.js';

let world: ExportWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

const exportCli = (args: string[], password?: string) => runCli(['export', ...args], { env: smscEnv(world.emulator, password), cwd: world.dir });

describe('smsc-etl export (built CLI)', () => {
  it('writes CSV to stdout with "-", the summary on stderr', async () => {
    const result = await exportCli(['--out', '-', '--delimiter', ';']);
    expect(result.code).toBe(EXIT.ok);
    const rows = parse(result.stdout, { columns: true, delimiter: ';' }) as Record<string, string>[];
    expect(rows.map((row) => row.int_id)).toEqual(ACCOUNT.contacts.map((contact) => String(contact.int_id)));
    expect(rows[0]?.name).toBe('Иванов Иван');
    expect(result.stderr).toMatch(/exported contacts 5/);
    expect(result.stderr).toMatch(/pages fetched: groups 3, contacts 4/);
    expect(result.stderr).toMatch(/CSV written: stdout/);
  });

  it('--fio selects contacts by name parts and says so in the summary', async () => {
    const result = await exportCli(['--out', '-', '--fio', 'Иван Иванович']);
    expect(result.code, result.stderr).toBe(EXIT.ok);
    expect(result.stdout.trimEnd().split('\r\n').slice(1).map((line) => line.split(',').at(-1))).toEqual(['101']);
    expect(result.stderr).toMatch(/exported contacts 1; filter: fio "Иван Иванович"/);
  });

  it('writes JSONL of several kinds to stdout', async () => {
    const result = await exportCli(['--out', '-', '--format', 'jsonl', '--what', 'groups,blacklist']);
    expect(result.code).toBe(EXIT.ok);
    const kinds = result.stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as { kind: string }).kind);
    expect(kinds).toEqual([...ACCOUNT.groups.map(() => 'groups'), ...ACCOUNT.blacklist.map(() => 'blacklist')]);
  });

  it('--what with CSV names one file per kind; --json prints the summary on stdout', async () => {
    const dir = await mkdtemp(join(world.dir, 'multi-'));
    const result = await exportCli(['--out', join(dir, 'out.csv'), '--what', 'contacts,groups,blacklist', '--json']);
    expect(result.code).toBe(EXIT.ok);
    const summary = JSON.parse(result.stdout) as { files: string[]; rows: Record<string, number>; pages: Record<string, number>; durationMs: number };
    expect(summary.files).toEqual(['contacts', 'groups', 'blacklist'].map((kind) => join(dir, `out-${kind}.csv`)));
    expect(summary.rows).toEqual({ contacts: 5, groups: 3, blacklist: 2 });
    expect(summary.pages).toEqual({ groups: 3, contacts: 4, blacklist: 2 });
    expect((await readdir(dir)).sort()).toEqual(['out-blacklist.csv', 'out-contacts.csv', 'out-groups.csv']);
  });

  it('expands {date} for cron', async () => {
    const result = await exportCli(['--out', 'daily-{date}.xlsx', '--what', 'contacts,groups']);
    expect(result.code).toBe(EXIT.ok);
    // The CLI and this check may straddle midnight; either day is right.
    const names = [new Date(Date.now() - 60_000), new Date()].map((now) => expandDateTemplate('daily-{date}.xlsx', now));
    expect(names).toContain((await readdir(world.dir)).find((file) => file.startsWith('daily-')));
    expect((await readFile(join(world.dir, names[1] as string))).subarray(0, 2).toString()).toBe('PK');
  });

  it('exits 3 on refused credentials, without writing a file or printing the password', async () => {
    const result = await exportCli(['--out', 'refused.csv'], 'not-the-password');
    expect(result.code).toBe(EXIT.aborted);
    expect(result.stderr).toMatch(/refused the credentials/);
    expect(result.stderr).not.toMatch(/not-the-password/);
    expect((await readdir(world.dir)).some((file) => file.includes('refused'))).toBe(false);
  });

  it.each([
    [['--out', 'x.csv', '--what', 'people'], /expected a comma-separated list/],
    [['--out', 'x.txt'], /cannot tell the format/],
    [['--out', '-', '--json'], /would both write to stdout/],
    [['--out', 'x.csv', '--group', 'Нет такой'], /no group «Нет такой»/],
    [['--out', 'x.csv', '--fio', ' '], /--fio needs a surname, first or middle name/],
  ])('exits 2 on bad options %j', async (args, message) => {
    const result = await exportCli(args);
    expect(result.code).toBe(EXIT.badInput);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each<NodeJS.Signals>(['SIGINT', 'SIGTERM'])('%s mid-export exits 3, removes the temporary file and keeps the previous export', async (signal) => {
    const dir = await mkdtemp(join(world.dir, 'interrupt-'));
    const out = join(dir, 'contacts.xlsx');
    expect((await exportCli(['--out', out])).code).toBe(EXIT.ok);
    const previous = await readFile(out);
    world.emulator.setFaults({ latencyMs: 150 });
    try {
      const { child, done } = startCli(['export', '--out', out], { env: smscEnv(world.emulator), cwd: world.dir });
      const before = world.emulator.stats().requestsTotal;
      await vi.waitFor(() => expect(world.emulator.stats().requestsTotal).toBeGreaterThan(before + 1), { timeout: 10_000, interval: 20 });
      child.kill(signal);
      const result = await done;
      expect(result.code).toBe(EXIT.aborted);
      expect(result.stderr).toMatch(/interrupted; no file was written or replaced/);
    } finally {
      world.emulator.setFaults({});
    }
    expect(await readFile(out)).toEqual(previous);
    expect(await readdir(dir)).toEqual(['contacts.xlsx']);
  });
});
