/** A seeded emulator account for the export tests: Cyrillic names, several groups per contact, an e-mail contact, injection payloads. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Contact, type EmulatorState, type RunningEmulator } from '../../src/emulator/index.js';
import { createSmscClient, type SmscClient } from '../../src/smsc/client.js';

const blank: Omit<Contact, 'int_id'> = { phones: [], mails: [], name: '', fnm: '', lnm: '', mnm: '', bd: '', groups: [], myid: '', cmt: '', tags: [], pho: [] };

export const ACCOUNT: EmulatorState = {
  groups: [
    { id: 11, name: 'Клиенты', type: 0 },
    { id: 12, name: 'VIP', num: 5, type: 0 },
    { id: 13, name: 'Рассылка e-mail', type: 1 },
  ],
  contacts: [
    {
      ...blank,
      int_id: 101,
      phones: ['79161234567'],
      mails: ['ivan@example.ru'],
      name: 'Иванов Иван',
      lnm: 'Иванов',
      fnm: 'Иван',
      mnm: 'Иванович',
      bd: '01.01.1990',
      groups: [11, 12],
      myid: 'A-1',
      cmt: '=HYPERLINK("http://evil.example","click")',
      tags: ['vip', 'клиент'],
      pho: ['+79031112233'],
    },
    { ...blank, int_id: 102, phones: ['79250000001'], name: '+cmd', cmt: '-1+2', groups: [12], bd: '29.02.2000' },
    { ...blank, int_id: 103, phones: ['79250000002', '79250000003'], name: '@SUM(A1:A2)', lnm: 'Щукина', cmt: 'обычный комментарий', bd: '31.12.1985' },
    { ...blank, int_id: 104, mails: ['anna@example.com'], name: 'Анна', groups: [13] },
    { ...blank, int_id: 105, phones: ['79260000005'], name: 'Пётр', groups: [11] },
  ],
  blacklist: [
    { id: 1, phone: '79990001122', type: 0 },
    { id: 2, phone: '79990003344', type: 2 },
  ],
};

export const PAGE_SIZE = 2;

export interface ExportWorld {
  emulator: RunningEmulator;
  /**
   * A fresh client: each remembers what it sent and, like SMSC, refuses to send the same request a
   * 4th time within a minute — a test file exports the same account many times.
   */
  client(): SmscClient;
  dir: string;
  close(): Promise<void>;
}

/** Fast retries, so a fault-injected run fails in milliseconds rather than minutes. */
export const QUICK_RETRY = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 };

export async function startWorld(state: EmulatorState = ACCOUNT, pageSize = PAGE_SIZE): Promise<ExportWorld> {
  // The emulator's throttling minute passes in a few milliseconds, for the same reason. It ignores
  // `cnt`, so the exporter's full-page requests still come back in short pages of `pageSize`.
  const emulator = await startEmulator({ port: 0, pageSize, ignoreCnt: true, clockScale: 10_000 });
  emulator.reset(structuredClone(state));
  const dir = await mkdtemp(join(tmpdir(), 'smsc-export-'));
  return {
    emulator,
    client: () => createSmscClient({ baseUrl: emulator.url, login: 'demo', password: 'demo-password', retry: QUICK_RETRY }),
    dir,
    async close() {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
