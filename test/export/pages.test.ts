/** Export costs: full pages (`cnt=1000`), the group list read once, no request sent twice. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startEmulator, type Contact, type RunningEmulator } from '../../src/emulator/index.js';
import { ExportOptionError, runExport } from '../../src/export/index.js';
import { createSmscClient } from '../../src/smsc/client.js';

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  // Default page (without cnt) of 100, as the emulator plays the service.
  emulator = await startEmulator({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'smsc-export-pages-'));
});

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

const contact = (index: number): Contact => ({ int_id: index + 1, phones: [`7916${String(index).padStart(7, '0')}`], mails: [], name: `Контакт ${index}`, fnm: '', lnm: '', mnm: '', bd: '', groups: [1], myid: '', cmt: '', tags: [], pho: [] });
const client = () => createSmscClient({ baseUrl: emulator.url, login: 'demo', password: 'demo-password' });

test('2,500 contacts are exported in ⌈2500/1000⌉ + 1 pages, the groups in one read, nothing sent twice', async () => {
  emulator.reset({ contacts: Array.from({ length: 2_500 }, (_, index) => contact(index)), groups: [{ id: 1, name: 'Клиенты', type: 0 }], blacklist: [{ id: 1, phone: '79990001122', type: 0 }] });
  const summary = await runExport({ client: client(), out: join(dir, 'all.json'), what: ['contacts', 'groups', 'blacklist'] });
  expect(summary.rows.contacts).toBe(2_500);
  expect(summary.pages).toEqual({ groups: 2, contacts: 4, blacklist: 2 });
  const stats = emulator.stats();
  expect(stats.calls).toEqual({ get_group: 2, get: 4, get_black: 2 });
  expect(stats.identicalRepeats).toBe(0);
});

test('--page-size is 1–1000, checked before any request', async () => {
  emulator.reset();
  await expect(runExport({ client: client(), out: join(dir, 'big.csv'), pageHint: 1_001 })).rejects.toBeInstanceOf(ExportOptionError);
  expect(emulator.stats().requestsTotal).toBe(0);
});
