import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startEmulator, type EmulatorState, type RunningEmulator } from '../../src/emulator/index.js';
import { smsc, smscJson } from './helpers.js';

let dir: string;
const running: RunningEmulator[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smsc-emulator-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
  await rm(dir, { recursive: true, force: true });
});

const SEEDED: EmulatorState = {
  contacts: [
    { int_id: 700, phones: ['79000000001'], mails: [], name: 'Seeded', fnm: '', lnm: '', mnm: '', bd: '', groups: [42], myid: '', cmt: '', tags: [], pho: [] },
  ],
  groups: [{ id: 42, name: 'Seeded group', type: 0 }],
  blacklist: [],
};

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read();
    if (done(value) || attempt > 100) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('state file', () => {
  test('is saved atomically after changes and on close, and loaded at the next start', async () => {
    const file = join(dir, 'state.json');
    const first = await startEmulator({ stateFile: file });
    const { id } = await smscJson<{ id: number }>(first, { add: 1, phone: '79000000001', name: 'Saved' });
    const saved = await waitFor(
      () => readFile(file, 'utf8').catch(() => ''),
      (text) => text.includes('Saved'),
    );
    expect(JSON.parse(saved)).toMatchObject({ contacts: [{ int_id: id, name: 'Saved' }] });
    expect((await smsc(first, { chg: 1, phone: '79000000001', name: 'Changed' })).text).toBe('OK');
    await first.close();
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ contacts: [{ name: 'Changed' }] });
    expect(await readdir(dir)).toEqual(['state.json']);

    const second = await startEmulator({ stateFile: file });
    running.push(second);
    expect(second.state().contacts.map((contact) => contact.name)).toEqual(['Changed']);
    const next = await smscJson<{ id: number }>(second, { add: 1, phone: '79000000002' });
    expect(next.id).toBeGreaterThan(id);
  });

  test('a missing file means an empty start; a broken one fails with a clear error', async () => {
    const missing = await startEmulator({ stateFile: join(dir, 'none.json') });
    running.push(missing);
    expect(missing.state()).toMatchObject({ contacts: [], groups: [], blacklist: [] });

    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"contacts": [{"int_id": "x"}]}');
    await expect(startEmulator({ stateFile: broken })).rejects.toMatchObject({ code: 'EMULATOR_STATE_INVALID', message: expect.stringContaining('broken.json') });
    await writeFile(broken, 'not json');
    await expect(startEmulator({ stateFile: broken })).rejects.toMatchObject({ code: 'EMULATOR_STATE_INVALID' });
  });
});

describe('reset and control endpoints', () => {
  test('reset(state) replaces the state, ids continue after the highest', async () => {
    const emulator = await startEmulator();
    running.push(emulator);
    emulator.reset(SEEDED);
    expect(await smscJson(emulator, { get: 1 })).toEqual([expect.objectContaining({ name: 'Seeded', group: '42', int_id: '700' })]);
    expect(await smscJson(emulator, { add: 1, phone: '79000000002' })).toEqual({ id: 701 });
    expect(await smscJson(emulator, { add_group: 1, name: 'g' })).toEqual({ id: 43 });
  });

  test('GET state/stats, POST reset/faults over HTTP; bad bodies are 400', async () => {
    const emulator = await startEmulator();
    running.push(emulator);
    const control = (path: string, body?: unknown) =>
      fetch(`${emulator.url}/__emulator/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

    expect((await control('reset', SEEDED)).status).toBe(204);
    expect(await (await control('state')).json()).toMatchObject({ contacts: [{ int_id: 700 }], groups: [{ id: 42 }] });
    await smscJson(emulator, { get: 1 });
    expect(await (await control('stats')).json()).toMatchObject({ requestsTotal: 1, calls: { get: 1 } });

    expect((await control('faults', { error9Rate: 1 })).status).toBe(204);
    expect(await smscJson(emulator, { get: 1 })).toEqual(expect.objectContaining({ error_code: 9 }));
    expect((await control('faults', { error9Rate: 2 })).status).toBe(400);
    expect((await control('faults', { unknownKnob: 1 })).status).toBe(400);
    expect((await control('reset', 'not json')).status).toBe(400);
    expect((await control('reset', { contacts: 'x' })).status).toBe(400);
    expect((await control('nothing')).status).toBe(404);

    expect((await control('reset', '')).status).toBe(204);
    expect(emulator.state().contacts).toEqual([]);
  });
});

const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address !== undefined && !address.internal && address.family === 'IPv4')?.address;

test.skipIf(externalAddress === undefined)('control endpoints refuse non-loopback callers; phones.php serves them', async () => {
  const emulator = await startEmulator({ host: externalAddress });
  running.push(emulator);
  expect((await fetch(`${emulator.url}/__emulator/state`)).status).toBe(403);
  expect((await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' })).status).toBe(403);
  expect(await smscJson(emulator, { get: 1 })).toEqual([]);
});

describe('options', () => {
  test.each([
    [{ port: -1 }, 'port'],
    [{ clockScale: 0 }, 'clockScale'],
    [{ pageSize: 0 }, 'pageSize'],
    [{ getEnd: 'never' }, 'getEnd'],
    [{ accounts: [] }, 'accounts'],
    [{ faults: { resetRate: 5 } }, 'faults'],
  ])('%j is refused naming the option', async (options, name) => {
    await expect(startEmulator(options as never)).rejects.toMatchObject({ code: 'EMULATOR_INVALID_OPTION', message: expect.stringContaining(`\`${name}\``) });
  });

  test('a taken port is an error', async () => {
    const first = await startEmulator();
    running.push(first);
    await expect(startEmulator({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
