import { afterEach, describe, expect, test } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { smscJson } from './helpers.js';

const running: RunningEmulator[] = [];
async function start(options: EmulatorOptions): Promise<RunningEmulator> {
  const emulator = await startEmulator(options);
  running.push(emulator);
  return emulator;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('identical requests', () => {
  test('the 4th identical request within a minute is error 9 and not applied; it passes once the minute is over', async () => {
    // 120× clock: the 60 s window lasts 500 ms (100 ms was too short on a busy machine).
    const emulator = await start({ clockScale: 120, duplicatePhoneOnAdd: 'allow' });
    const add = { add: 1, phone: '79000000001' };
    for (let i = 0; i < 3; i++) expect(await smscJson(emulator, add)).toEqual({ id: expect.any(Number) });
    expect(await smscJson(emulator, add)).toEqual({ error: 'duplicate request, wait a minute', error_code: 9 });
    expect(emulator.state().contacts).toHaveLength(3);
    expect(await smscJson(emulator, { ...add, name: 'differs' })).toEqual({ id: expect.any(Number) });
    await pause(600);
    expect(await smscJson(emulator, add)).toEqual({ id: expect.any(Number) });
    expect(emulator.stats().error9).toEqual({ identical: 1, 'in-flight': 0, injected: 0 });
  });

  test('parameter order does not make requests different', async () => {
    const emulator = await start({});
    for (let i = 0; i < 3; i++) await smscJson(emulator, { get: 1, search: 'a', fio: 'b' });
    expect(await smscJson(emulator, { fio: 'b', search: 'a', get: 1 })).toEqual(expect.objectContaining({ error_code: 9 }));
  });

  test('reset() forgets the window', async () => {
    const emulator = await start({});
    for (let i = 0; i < 3; i++) await smscJson(emulator, { get: 1 });
    emulator.reset();
    expect(await smscJson(emulator, { get: 1 })).toEqual([]);
  });
});

describe('requests in flight', () => {
  test('the 15th concurrent request of one login is error 9; another login is unaffected', async () => {
    const emulator = await start({
      faults: { latencyMs: 300 },
      accounts: [
        { login: 'demo', password: 'demo-password' },
        { login: 'other', password: 'secret' },
      ],
    });
    const burst = Array.from({ length: 16 }, (_, i) => smscJson<{ id?: number; error_code?: number }>(emulator, { add: 1, phone: `790000000${String(i).padStart(2, '0')}` }));
    const other = smscJson(emulator, { add: 1, phone: '79990000000' }, { auth: { login: 'other', psw: 'secret' } });
    const replies = await Promise.all(burst);
    expect(replies.filter((reply) => reply.id !== undefined)).toHaveLength(14);
    expect(replies.filter((reply) => reply.error_code === 9)).toHaveLength(2);
    expect(await other).toEqual({ id: expect.any(Number) });
    expect(emulator.state().contacts).toHaveLength(15);
    expect(emulator.stats()).toMatchObject({ maxInFlight: 14, error9: { identical: 0, 'in-flight': 2, injected: 0 } });
  });

  test('sequential requests never count as concurrent', async () => {
    const emulator = await start({});
    for (let i = 0; i < 20; i++) await smscJson(emulator, { add: 1, phone: `790000000${String(i).padStart(2, '0')}` });
    expect(emulator.stats().maxInFlight).toBe(1);
    expect(emulator.state().contacts).toHaveLength(20);
  });
});
