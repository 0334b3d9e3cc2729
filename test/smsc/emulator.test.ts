/** The client against the SMSC emulator: every command, paging with each end-of-list switch, faults. */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT, startEmulator, type EmulatorOptions, type GetEndPolicy, type RunningEmulator } from '../../src/emulator/index.js';
import { createSmscClient, type SmscClientOptions } from '../../src/smsc/client.js';
import { SmscAuthError, SmscUnknownOutcomeError } from '../../src/smsc/errors.js';
import { pageBlacklist, pageContacts, pageGroups } from '../../src/smsc/paging.js';
import { createThrottle } from '../../src/smsc/retry.js';

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setUp(options: EmulatorOptions = {}, client: Partial<SmscClientOptions> = {}) {
  emulator = await startEmulator(options);
  const smsc = createSmscClient({ baseUrl: emulator.url, login: DEFAULT_ACCOUNT.login, password: DEFAULT_ACCOUNT.password, sleep: async () => undefined, random: () => 0, ...client });
  return { emulator, smsc };
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

describe('commands', () => {
  it('round-trips a contact with a Cyrillic name through add, get, chg and del', async () => {
    const { smsc } = await setUp();
    const { id: groupId } = await smsc.addGroup({ name: 'Клиенты' });
    const { id } = await smsc.add({ phone: '79161234567', name: 'Пётр Ильич Чайковский', fnm: 'Пётр', lnm: 'Чайковский', bd: '07.05.1840', grp: String(groupId), tags: 'композитор,ёж', cmt: '«кавычки» & знаки=+%' });
    expect(id).toBeGreaterThan(0);

    const [found] = await smsc.get({ search: '79161234567' });
    expect(found?.intId).toBe(id);
    expect(found?.fields).toMatchObject({ phone: '79161234567', name: 'Пётр Ильич Чайковский', fnm: 'Пётр', lnm: 'Чайковский', bd: '07.05.1840', grp: String(groupId), tags: 'композитор,ёж', cmt: '«кавычки» & знаки=+%' });

    await smsc.chg({ phone: '79161234567', new_phone: '79161234568', name: 'Модест Мусоргский' });
    expect(await smsc.get({ search: '79161234567' })).toEqual([]);
    const [changed] = await smsc.get({ fio: 'Мусоргский' });
    expect(changed?.fields).toMatchObject({ phone: '79161234568', name: 'Модест Мусоргский', fnm: 'Пётр' });

    await smsc.del({ phone: '79161234568' });
    expect(await smsc.get()).toEqual([]);
  });

  it('manages groups and memberships', async () => {
    const { smsc } = await setUp();
    const { id: first } = await smsc.addGroup({ name: 'Первая', num: 12 });
    const { id: second } = await smsc.addGroup({ name: 'Почта', type: 1 });
    await smsc.chgGroup({ grp: first, name: 'Главная' });
    expect(await smsc.getGroup()).toEqual([
      expect.objectContaining({ id: first, name: 'Главная', num: 12 }),
      expect.objectContaining({ id: second, name: 'Почта' }),
    ]);
    await expect(smsc.addGroup({ name: 'Дубль', num: 12 })).rejects.toMatchObject({ code: 'ERR_SMSC_SAVE', apiCode: 5 });

    await smsc.add({ phone: '79160000001', name: 'A' });
    await smsc.moveGroup('add', { grp: first, phone: '79160000001' });
    await smsc.moveGroup(2, { grp: second, phone: '79160000001' });
    expect((await smsc.get({ search: '79160000001' }))[0]?.fields.grp).toBe(`${first},${second}`);
    await smsc.moveGroup('remove', { grp: first, phone: '79160000001' });
    await smsc.moveGroup('replace', { grp: first, phone: '79160000001' });
    expect((await smsc.get({ search: '79160000001' }))[0]?.fields.grp).toBe(String(first));

    await smsc.delGroup({ grp: second });
    await expect(smsc.delGroup({ grp: second })).rejects.toMatchObject({ code: 'ERR_SMSC_NOT_FOUND', apiCode: 3 });
  });

  it('manages the blacklist', async () => {
    const { smsc } = await setUp();
    const { id } = await smsc.addBlack({ phone: '79160000002', type: 2 });
    expect(await smsc.getBlack()).toEqual([{ id, phone: '79160000002', type: 2 }]);
    await smsc.delBlack({ phone: '79160000002' });
    expect(await smsc.getBlack()).toEqual([]);
  });

  it('manages e-mail contacts by mail', async () => {
    const { smsc } = await setUp();
    await smsc.add({ mail: 'ivan@example.com', name: 'Иван' });
    await smsc.chg({ mail: 'ivan@example.com', new_mail: 'ivan@example.org' });
    expect((await smsc.get({ search: 'ivan@example.org' }))[0]?.fields.mail).toBe('ivan@example.org');
    await smsc.del({ mail: 'ivan@example.org' });
    expect(await smsc.get()).toEqual([]);
  });

  it('throws errors 1, 3 and 5 as permanent row errors', async () => {
    const { smsc, emulator: running } = await setUp();
    await expect(smsc.add({ phone: '79160000003', bd: '1990-01-01' })).rejects.toMatchObject({ code: 'ERR_SMSC_PARAMETERS', apiCode: 1, retryable: false });
    await expect(smsc.del({ phone: '79160000004' })).rejects.toMatchObject({ code: 'ERR_SMSC_NOT_FOUND', apiCode: 3 });
    await smsc.add({ phone: '79160000005' });
    await expect(smsc.add({ phone: '79160000005' })).rejects.toMatchObject({ code: 'ERR_SMSC_SAVE', apiCode: 5 });
    expect(running.stats().errors).toEqual({ 1: 1, 3: 1, 5: 1 });
  });

  it('stops on error 2 with a fatal error after a single request', async () => {
    const { emulator: running } = await setUp();
    const smsc = createSmscClient({ baseUrl: running.url, login: DEFAULT_ACCOUNT.login, password: 'wrong-password' });
    const error = await smsc.get().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SmscAuthError);
    expect(error).toMatchObject({ fatal: true });
    expect(running.stats().requestsTotal).toBe(1);
  });

  it('authenticates with the API key', async () => {
    const { emulator: running } = await setUp();
    const smsc = createSmscClient({ baseUrl: running.url, apikey: DEFAULT_ACCOUNT.apikey });
    await expect(smsc.getGroup()).resolves.toEqual([]);
  });
});

describe('paging', () => {
  it.each<GetEndPolicy>(['empty-array', 'error-3', 'empty-body'])('pages contacts, groups and blacklist with getEnd=%s', async (getEnd) => {
    // A service that ignores `cnt` and pages by 3: every short page is followed up to the empty one.
    const { smsc, emulator: running } = await setUp({ pageSize: 3, ignoreCnt: true, getEnd });
    for (let index = 0; index < 8; index++) {
      await smsc.add({ phone: `7916100000${index}`, name: `Контакт ${index}` });
      await smsc.addBlack({ phone: `7916200000${index}` });
    }
    for (let index = 0; index < 4; index++) await smsc.addGroup({ name: `Группа ${index}` });

    const pages: number[] = [];
    const contacts = await collect(pageContacts(smsc, {}, { onPage: (info) => pages.push(info.page) }));
    expect(contacts.map((contact) => contact.fields.name)).toEqual(Array.from({ length: 8 }, (_, index) => `Контакт ${index}`));
    expect(pages).toEqual([1, 2, 3, 4]);
    expect(await collect(pageBlacklist(smsc))).toHaveLength(8);
    expect((await collect(pageGroups(smsc))).map((group) => group.name)).toEqual(['Группа 0', 'Группа 1', 'Группа 2', 'Группа 3']);

    const filtered = await collect(pageContacts(smsc, { search: '79161000007', pageHint: 1 }));
    expect(filtered.map((contact) => contact.fields.phone)).toEqual(['79161000007']);
    expect(running.stats().errors[9] ?? 0).toBe(0);
  });
});

describe('faults', () => {
  it('reports a write whose reply was lost as an unknown outcome (the change was applied)', async () => {
    const { smsc, emulator: running } = await setUp({ faults: { lostReplyRate: 1 } });
    const error = await smsc.add({ phone: '79160000010', name: 'Потерянный' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SmscUnknownOutcomeError);
    expect(running.stats().calls.add).toBe(1);
    expect(running.state().contacts.map((contact) => contact.name)).toEqual(['Потерянный']);
  });

  it('reports a truncated reply to a write as an unknown outcome and re-reads a truncated list', async () => {
    const { smsc, emulator: running } = await setUp({ faults: { truncateRate: 1 } }, { onRetry: () => emulator?.setFaults({}) });
    await expect(smsc.addGroup({ name: 'Обрезанная' })).rejects.toBeInstanceOf(SmscUnknownOutcomeError);
    running.setFaults({ truncateRate: 1 });
    expect((await smsc.getGroup()).map((group) => group.name)).toEqual(['Обрезанная']);
    expect(running.stats().calls.get_group).toBe(2);
  });

  it('retries a write the server failed with HTTP 500, and succeeds', async () => {
    const { smsc, emulator: running } = await setUp({ faults: { http500Rate: 1 } }, { onRetry: () => emulator?.setFaults({}) });
    await expect(smsc.add({ phone: '79160000011', name: 'Повтор' })).resolves.toEqual({ id: expect.any(Number) });
    expect(running.stats().faults.http500).toBe(1);
    expect(running.state().contacts).toHaveLength(1);
  });

  it('gives up after maxAttempts when HTTP 500 persists', async () => {
    const { smsc, emulator: running } = await setUp({ faults: { http500Rate: 1 } }, { retry: { maxAttempts: 3 } });
    await expect(smsc.get()).rejects.toMatchObject({ code: 'ERR_SMSC_TRANSPORT', status: 500 });
    expect(running.stats().faults.http500).toBe(3);
  });

  it('retries a read after a connection reset', async () => {
    const { smsc, emulator: running } = await setUp({ faults: { resetRate: 1 } }, { onRetry: () => emulator?.setFaults({}) });
    await expect(smsc.getBlack()).resolves.toEqual([]);
    expect(running.stats().faults.reset).toBe(1);
  });

  it('backs off on error 9 and slows the shared throttle', async () => {
    let now = 0;
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
      now += ms;
    };
    const throttle = createThrottle({ clock: () => now, sleep });
    const { smsc, emulator: running } = await setUp({ faults: { error9Rate: 1 } }, { clock: () => now, sleep, throttle, onRetry: () => emulator?.setFaults({}) });
    await expect(smsc.get()).resolves.toEqual([]);
    expect(running.stats().error9.injected).toBe(1);
    expect(slept).toEqual([5_000]);
    expect(now).toBe(5_000);
  });

  it('never sends the same request a 4th time within the (scaled) minute', async () => {
    const scale = 600;
    // The emulator's windows run on performance.now() × scale; the client gets the same clock.
    const { smsc, emulator: running } = await setUp({ clockScale: scale }, { clock: () => performance.now() * scale, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / scale)) });
    for (let index = 0; index < 5; index++) await smsc.get({ search: 'same' });
    expect(running.stats().error9.identical).toBe(0);
    expect(running.stats().calls.get).toBe(5);
  });
});
