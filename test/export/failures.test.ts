import { mkdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { runExport, type ExportFormat, type ExportKind } from '../../src/export/index.js';
import { createSmscClient } from '../../src/smsc/client.js';
import { startRawServer } from '../helpers/raw-server.js';
import { ACCOUNT, QUICK_RETRY, startWorld, type ExportWorld } from './helpers.js';

let world: ExportWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterEach(() => {
  world.emulator.setFaults({});
  world.emulator.reset(structuredClone(ACCOUNT));
});
afterAll(() => world.close());

const PREVIOUS = 'the previous export\n';

describe('a failure mid-export', () => {
  it.each(['csv', 'xlsx', 'json', 'jsonl'] as ExportFormat[])('leaves no partial %s file and the previous export untouched', async (format) => {
    const dir = await mkdtemp(join(world.dir, 'mid-'));
    const out = join(dir, `contacts.${format}`);
    await writeFile(out, PREVIOUS);
    const run = runExport(
      { client: world.client(), out },
      // Every request after the first contacts page fails (HTTP 500, retried, then given up).
      { onProgress: ({ kind, pages }) => kind === 'contacts' && pages === 1 && world.emulator.setFaults({ http500Rate: 1 }) },
    );
    await expect(run).rejects.toMatchObject({ code: 'ERR_SMSC_TRANSPORT', exitCode: EXIT.aborted });
    expect(world.emulator.stats().faults.http500).toBe(QUICK_RETRY.maxAttempts);
    await expect(readFile(out, 'utf8')).resolves.toBe(PREVIOUS);
    expect(await readdir(dir)).toEqual([`contacts.${format}`]);
  });

  it('commits none of the files of a multi-kind CSV export when the last kind fails', async () => {
    const dir = world.dir;
    await writeFile(join(dir, 'multi-contacts.csv'), PREVIOUS);
    const run = runExport(
      { client: world.client(), out: join(dir, 'multi.csv'), what: ['contacts', 'groups', 'blacklist'] },
      { onProgress: ({ kind, pages }) => kind === 'blacklist' && pages === 1 && world.emulator.setFaults({ http500Rate: 1 }) },
    );
    await expect(run).rejects.toMatchObject({ code: 'ERR_SMSC_TRANSPORT' });
    await expect(readFile(join(dir, 'multi-contacts.csv'), 'utf8')).resolves.toBe(PREVIOUS);
    const files = await readdir(dir);
    expect(files.filter((file) => file.startsWith('multi') || file.includes('.tmp'))).toEqual(['multi-contacts.csv']);
  });

  it('turns a file-system failure into a clear error (exit 3)', async () => {
    const dir = await mkdtemp(join(world.dir, 'blocked-'));
    const out = join(dir, 'contacts.csv');
    // A directory appears where the file should go once the export has started: the final rename fails.
    const run = runExport({ client: world.client(), out }, { onProgress: ({ kind, pages }) => kind === 'contacts' && pages === 1 && mkdirSync(join(out, 'in-the-way'), { recursive: true }) });
    await expect(run).rejects.toMatchObject({ code: 'ERR_EXPORT_WRITE', exitCode: EXIT.aborted, message: expect.stringMatching(/cannot write ".*contacts\.csv": .*no file was replaced/) });
    expect(await readdir(join(out))).toEqual(['in-the-way']);
  });

  it('survives seeded transient faults (retries) and still writes every row', async () => {
    world.emulator.setFaults({ seed: 7, http500Rate: 0.3 });
    const client = createSmscClient({ baseUrl: world.emulator.url, login: 'demo', password: 'demo-password', retry: { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 2 } });
    const summary = await runExport({ client, out: join(world.dir, 'flaky.jsonl'), what: ['contacts', 'blacklist'] });
    expect(world.emulator.stats().faults.http500).toBeGreaterThan(0);
    expect(summary.rows).toEqual({ contacts: ACCOUNT.contacts.length, blacklist: ACCOUNT.blacklist.length });
  });

  it('stops at once on an auth error (fatal, exit 3) and writes nothing', async () => {
    const client = createSmscClient({ baseUrl: world.emulator.url, login: 'demo', password: 'wrong-password', retry: QUICK_RETRY });
    const out = join(world.dir, 'auth.csv');
    await expect(runExport({ client, out })).rejects.toMatchObject({ code: 'ERR_SMSC_AUTH', exitCode: EXIT.aborted, fatal: true });
    expect(world.emulator.stats().requestsTotal).toBe(1);
    expect((await readdir(world.dir)).filter((file) => file.startsWith('auth') || file.startsWith('.auth'))).toEqual([]);
  });

  it('stops when aborted (Ctrl-C) and removes its temporary file', async () => {
    const interrupt = new AbortController();
    const out = join(world.dir, 'interrupted.xlsx');
    const run = runExport({ client: world.client(), out, signal: interrupt.signal }, { onProgress: ({ kind }) => kind === 'contacts' && interrupt.abort() });
    await expect(run).rejects.toMatchObject({ code: 'ERR_EXPORT_INTERRUPTED', exitCode: EXIT.aborted });
    expect((await readdir(world.dir)).filter((file) => file.includes('interrupted'))).toEqual([]);
  });

  it('refuses to commit an export whose paging does not advance (the service ignores after_id)', async () => {
    const server = await startRawServer((request) => ({ body: request.form.has('get') ? '[{"int_id": 1, "phone": "79161234567"}, {"int_id": 2, "phone": "79161234568"}]' : '[]' }));
    try {
      const client = createSmscClient({ baseUrl: server.url, login: 'demo', password: 'demo-password', retry: QUICK_RETRY });
      const out = join(world.dir, 'stuck.csv');
      await expect(runExport({ client, out })).rejects.toMatchObject({ code: 'ERR_EXPORT_INCOMPLETE', exitCode: EXIT.someRowsFailed });
      await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
      expect(server.requests.filter((request) => request.form.has('get'))).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});

describe('options are checked before any request', () => {
  it.each<[string, { out: string; what?: ExportKind[]; format?: ExportFormat; search?: string }, RegExp]>([
    ['an unknown extension', { out: 'contacts.txt' }, /cannot tell the format.*--format/],
    ['an unknown placeholder', { out: 'contacts-{time}.csv' }, /unknown placeholder \{time\}.*\{date\} or \{datetime\}/],
    ['a missing directory', { out: 'no/such/dir/contacts.csv' }, /directory "[^"]*no\/such\/dir" does not exist/],
    ['several CSV kinds to stdout', { out: '-', what: ['contacts', 'groups'] }, /one file per kind/],
    ['XLSX to stdout', { out: '-', format: 'xlsx' }, /XLSX cannot be written to stdout/],
    ['--search without contacts', { out: 'g.csv', what: ['groups'], search: 'x' }, /--search filters contacts/],
    ['an unknown kind', { out: 'x.csv', what: ['contacts', 'people' as ExportKind] }, /unknown kind "people"/],
  ])('%s → exit 2, no request', async (_, options, message) => {
    const out = options.out.startsWith('-') ? options.out : join(world.dir, options.out);
    await expect(runExport({ client: world.client(), ...options, out })).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_(EXPORT_OPTION|OUTPUT_PATH)$/), exitCode: EXIT.badInput, message: expect.stringMatching(message) });
    expect(world.emulator.stats().requestsTotal).toBe(0);
  });

  it('an unknown or ambiguous group → exit 2 naming the groups, before any contact is read', async () => {
    const out = join(world.dir, 'group.csv');
    await expect(runExport({ client: world.client(), out, group: 'Друзья' })).rejects.toMatchObject({ code: 'ERR_EXPORT_OPTION', exitCode: EXIT.badInput, message: expect.stringMatching(/no group «Друзья».*Клиенты \(11\), VIP \(12\)/) });
    world.emulator.reset({ ...structuredClone(ACCOUNT), groups: [...ACCOUNT.groups, { id: 14, name: 'vip', type: 0 }] });
    await expect(runExport({ client: world.client(), out, group: 'Vip' })).rejects.toMatchObject({ message: expect.stringMatching(/ambiguous \(ids 12, 14\)/) });
    expect(world.emulator.stats().calls.get ?? 0).toBe(0);
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
