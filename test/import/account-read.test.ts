/**
 * Reading the account only as far as it pays (src/write/account/): the plan must not depend on how
 * the account was read, lookups must cost what the summary says, a short page must not end a full
 * read, and no request may be sent twice within a run.
 */
import { describe, expect, test } from 'vitest';
import type { ContactFields } from '../../src/contact.js';
import { mulberry32 } from '../../src/emulator/faults.js';
import type { Contact, RunningEmulator } from '../../src/emulator/index.js';
import { createSmscClient } from '../../src/smsc/client.js';
import { createKeyCollector, readContacts } from '../../src/write/account/strategy.js';
import { listPolicies } from '../../src/write/lists.js';
import { planRow } from '../../src/write/plan.js';
import { contact, DEMO, group, importInto, mobile, seed, startTestEmulator, useImportWorld, writeInput } from '../helpers/import-run.js';

const world = useImportWorld();
const unlimited = <T>(work: () => Promise<T>) => work();

/**
 * An account drawn from small pools so the traps come up: phones shared by two contacts, a contact
 * whose name contains another's phone (SMSC's search finds it; an exact match must not), e-mail-only
 * contacts and mailboxes shared with a phone contact.
 */
function randomCase(next: () => number): { contacts: Contact[]; rows: ContactFields[]; pageSize: number } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const phones = Array.from({ length: 12 }, (_, index) => mobile(index));
  const mails = ['a@example.ru', 'b@example.ru', 'shared@example.ru'];
  const contacts: Contact[] = [];
  const size = Math.floor(next() * 40);
  for (let index = 0; index < size; index++) {
    const kind = next();
    const fields: Partial<Contact> =
      kind < 0.15 ? { mails: [pick(mails)] } : { phones: next() < 0.2 ? [pick(phones), pick(phones)] : [pick(phones)], mails: next() < 0.2 ? [pick(mails)] : [] };
    contacts.push(contact(100 + index, { ...fields, name: next() < 0.2 ? `звонить ${pick(phones)}` : `Контакт ${index}`, cmt: pick(['', 'старый', 'новый']) }));
  }
  const rows = Array.from({ length: 1 + Math.floor(next() * 10) }, (): ContactFields => {
    if (next() < 0.15) return { mail: pick(mails), cmt: pick(['старый', 'новый']) };
    return { phone: next() < 0.2 ? `${pick(phones)},${pick(phones)}` : pick(phones), cmt: pick(['старый', 'новый']) };
  });
  return { contacts, rows, pageSize: 1 + Math.floor(next() * 4) };
}

async function plans(emulator: RunningEmulator, rows: readonly ContactFields[], pageSize: number, byLookups: boolean) {
  const client = createSmscClient({ baseUrl: emulator.url, ...DEMO });
  const collector = createKeyCollector();
  for (const row of rows) collector.add(row);
  const { index, read } = await readContacts(client, { keys: byLookups ? collector.keys : undefined, pageHint: pageSize, limit: unlimited });
  return { read, plans: rows.map((row) => planRow('upsert', row, index.find(row), listPolicies('add', 'upsert'))) };
}

describe('the account read', () => {
  test('lookups and a full read give the same plan, on random accounts and files', async () => {
    let withLookups = 0;
    for (let seedValue = 1; seedValue <= 40; seedValue++) {
      const { contacts, rows, pageSize } = randomCase(mulberry32(seedValue));
      seed(world.emulator, { contacts });
      const full = await plans(world.emulator, rows, pageSize, false);
      const mixed = await plans(world.emulator, rows, pageSize, true);
      expect(full.read.method, `seed ${seedValue}`).toBe('full');
      expect(mixed.plans, `seed ${seedValue}`).toEqual(full.plans);
      if (mixed.read.method === 'lookup') withLookups++;
    }
    // The property is only worth something if both ways were really taken.
    expect(withLookups).toBeGreaterThan(10);
  });

  test('a small file against a big account: a few pages, then lookups; the summary says what it cost', async () => {
    const contacts = Array.from({ length: 40 }, (_, index) => contact(100 + index, { phones: [mobile(index)], name: `Контакт ${index}` }));
    seed(world.emulator, { contacts });
    const input = await writeInput(world.dir, 'lookups.csv', [
      { phone: mobile(1), name: 'Контакт 1' },
      { phone: mobile(35), name: 'Переименован' },
      { phone: mobile(900), name: 'Новый' },
    ]);
    const before = world.emulator.stats().calls.get ?? 0;
    const { summary, report } = await importInto(world.emulator, { input, pageSize: 2 });
    expect(report.map((line) => [line.phone, line.action, line.outcome])).toEqual([
      [mobile(1), 'unchanged', 'done'],
      [mobile(35), 'chg', 'done'],
      [mobile(900), 'add', 'done'],
    ]);
    // Page 1 resolves row 1; after 3 pages, 2 keys are left: cheaper to look them up than to page 17 more times.
    expect(summary.accountRead).toMatchObject({ method: 'lookup', pages: 3, lookups: 2 });
    const { pages, lookupRequests } = summary.accountRead!;
    expect((world.emulator.stats().calls.get ?? 0) - before).toBe(pages + lookupRequests);
    expect(world.emulator.state().contacts.find((stored) => stored.phones.includes(mobile(35)))?.name).toBe('Переименован');
  });

  test('when the pages read equal the keys left, one more page is read: it may end the account', async () => {
    seed(world.emulator, { contacts: Array.from({ length: 4 }, (_, index) => contact(100 + index, { phones: [mobile(index)] })) });
    const rows = [{ phone: mobile(600) }, { phone: mobile(601) }];
    const { read } = await plans(world.emulator, rows, 2, true);
    expect(read).toMatchObject({ method: 'full', pages: 3, lookups: 0, contactsSeen: 4 });
  });

  test('update, add and dry-run plan through lookups too', async () => {
    const contacts = Array.from({ length: 30 }, (_, index) => contact(100 + index, { phones: [mobile(index)], name: `Контакт ${index}` }));
    const rows = [{ phone: mobile(25), name: 'Другое имя' }, { phone: mobile(800), name: 'Новый' }];
    const input = await writeInput(world.dir, 'modes.csv', rows);
    const outcomes: Record<string, string[][]> = {};
    for (const [name, options] of [['update', { mode: 'update' }], ['add', { mode: 'add' }], ['dry-run', { dryRun: true }]] as const) {
      seed(world.emulator, { contacts });
      const { summary, report } = await importInto(world.emulator, { input, pageSize: 1, ...options });
      expect(summary.accountRead?.method).toBe('lookup');
      outcomes[name] = report.map((line) => [line.action, line.outcome]);
    }
    expect(outcomes).toEqual({
      update: [['chg', 'done'], ['skip', 'skipped']],
      add: [['skip', 'skipped'], ['add', 'done']],
      'dry-run': [['chg', 'dry-run'], ['add', 'dry-run']],
    });
  });

  test('a lost reply is settled by reading back after a lookup-planned write', async () => {
    const emulator = await startTestEmulator({ faults: { seed: 7, lostReplyRate: 1 } });
    try {
      emulator.reset({ contacts: Array.from({ length: 20 }, (_, index) => contact(100 + index, { phones: [mobile(index)] })), groups: [], blacklist: [] });
      emulator.setFaults({ seed: 7, lostReplyRate: 1 });
      const input = await writeInput(world.dir, 'lost.csv', [{ phone: mobile(700), name: 'Новый' }]);
      const { summary, report } = await importInto(emulator, { input, pageSize: 1, report: `${input}.lost.csv` });
      expect(summary.accountRead?.method).toBe('lookup');
      expect(report[0]).toMatchObject({ action: 'add', outcome: 'done' });
      expect(summary.readBacks).toBe(1);
      expect(emulator.state().contacts.filter((stored) => stored.phones.includes(mobile(700)))).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });

  test('a service that ignores cnt: short pages do not end a full read (sync --delete-missing sees every contact)', async () => {
    const emulator = await startTestEmulator({ pageSize: 3, ignoreCnt: true });
    try {
      emulator.reset({ contacts: Array.from({ length: 10 }, (_, index) => contact(100 + index, { phones: [mobile(index)] })), groups: [], blacklist: [] });
      const input = await writeInput(world.dir, 'sync.csv', [{ phone: mobile(0) }]);
      const { summary } = await importInto(emulator, { input, mode: 'sync', deleteMissing: true, dryRun: true, report: `${input}.short.csv` });
      expect(summary.accountRead).toMatchObject({ method: 'full', pages: 5, contactsSeen: 10 });
      expect(summary.actions.delete).toBe(9);
    } finally {
      await emulator.close();
    }
  });

  test('no request is sent twice within a run: account pages, lookups, group list and writes are each sent once', async () => {
    const emulator = await startTestEmulator();
    try {
      const contacts = Array.from({ length: 25 }, (_, index) => contact(100 + index, { phones: [mobile(index)], groups: [1] }));
      const rows = [
        ...Array.from({ length: 6 }, (_, index) => ({ phone: mobile(index * 4), name: `Имя ${index}`, group: 'Клиенты' })),
        { phone: mobile(500), name: 'Новый', group: 'Новая группа' },
        { phone: mobile(501), name: 'Новый 2', group: 'Клиенты' },
      ];
      const input = await writeInput(world.dir, 'once.csv', rows);
      // A dry run with small pages (lookups), then a real run with full pages, each counted alone.
      for (const pageSize of [2, undefined]) {
        emulator.reset({ contacts: structuredClone(contacts), groups: [group(1, 'Клиенты')], blacklist: [] });
        const { summary } = await importInto(emulator, { input, pageSize, createGroups: true, dryRun: pageSize === 2, report: `${input}.${pageSize}.csv` });
        expect(summary.outcomes.failed).toBe(0);
        expect(summary.accountRead?.method).toBe(pageSize === 2 ? 'lookup' : 'full');
        const stats = emulator.stats();
        // The group list read once: its one page and the empty page that ends it.
        expect(stats.calls.get_group).toBe(2);
        expect(stats.identicalRepeats).toBe(0);
      }
    } finally {
      await emulator.close();
    }
  });
});
