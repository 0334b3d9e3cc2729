import { afterEach, describe, expect, test } from 'vitest';
import { startEmulator, type EmulatorOptions, type FaultOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { smsc, smscJson } from './helpers.js';

const running: RunningEmulator[] = [];
async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator(options);
  running.push(emulator);
  return emulator;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

const add = { fmt: 3, add: 1, phone: '79000000001' };

/** What the client observes: a transport failure, an HTTP status, or the body. */
async function outcome(emulator: RunningEmulator, params: Record<string, string | number>): Promise<string> {
  try {
    const reply = await smsc(emulator, params);
    return reply.status === 200 ? reply.text : `HTTP ${reply.status}`;
  } catch (error) {
    return `transport: ${((error as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? (error as Error).message}`;
  }
}

describe('each fault kind', () => {
  test('http500: HTTP 500 and nothing applied', async () => {
    const emulator = await start({ faults: { http500Rate: 1 } });
    expect(await outcome(emulator, add)).toBe('HTTP 500');
    expect(emulator.state().contacts).toEqual([]);
    expect(emulator.stats().faults.http500).toBe(1);
  });

  test('reset: the connection is reset before anything is applied', async () => {
    const emulator = await start({ faults: { resetRate: 1 } });
    expect(await outcome(emulator, add)).toMatch(/^transport: /);
    expect(emulator.state().contacts).toEqual([]);
    expect(emulator.stats().faults.reset).toBe(1);
  });

  test('lostReply: a write is applied, then the connection drops without a reply', async () => {
    const emulator = await start({ faults: { lostReplyRate: 1 } });
    expect(await outcome(emulator, add)).toMatch(/^transport: /);
    expect(emulator.state().contacts.map((contact) => contact.phones)).toEqual([['79000000001']]);
    expect(emulator.stats().faults.lostReply).toBe(1);
  });

  test('lostReply never hits reads, so a client can read back what happened', async () => {
    const emulator = await start({ faults: { lostReplyRate: 1 } });
    await outcome(emulator, add);
    expect(await smscJson(emulator, { get: 1, search: '79000000001' })).toEqual([expect.objectContaining({ phone: '79000000001' })]);
  });

  test('error9: error 9 without applying, counted as injected', async () => {
    const emulator = await start({ faults: { error9Rate: 1 } });
    expect(await smscJson(emulator, add)).toEqual({ error: 'duplicate request, wait a minute', error_code: 9 });
    expect(emulator.state().contacts).toEqual([]);
    expect(emulator.stats()).toMatchObject({ error9: { injected: 1 }, faults: { error9: 1 }, errors: { 9: 1 } });
  });

  test('truncate: the change is applied and only the first half of the body arrives', async () => {
    const emulator = await start({ faults: { truncateRate: 1 } });
    expect(await outcome(emulator, add)).toBe('{\n"id": ');
    expect(emulator.state().contacts).toHaveLength(1);
    expect(emulator.stats().faults.truncate).toBe(1);
  });

  test('slow and latency delay the reply by at least their sum', async () => {
    const emulator = await start({ faults: { latencyMs: 20, slowRate: 1, slowMs: 80 } });
    const started = performance.now();
    expect(await smscJson(emulator, add)).toEqual({ id: expect.any(Number) });
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(emulator.stats().faults.slow).toBe(1);
  });
});

describe('determinism and control', () => {
  const mixed: FaultOptions = { seed: 42, http500Rate: 0.15, resetRate: 0.15, lostReplyRate: 0.15, error9Rate: 0.15, truncateRate: 0.15 };

  async function sequence(emulator: RunningEmulator): Promise<string[]> {
    const outcomes: string[] = [];
    for (let i = 0; i < 30; i++) outcomes.push(await outcome(emulator, { fmt: 3, add: 1, phone: `790000000${String(i).padStart(2, '0')}` }));
    return outcomes;
  }

  test('the same seed and request sequence give the same faults; another seed gives others', async () => {
    const first = await sequence(await start({ faults: mixed }));
    const second = await sequence(await start({ faults: mixed }));
    const reseeded = await sequence(await start({ faults: { ...mixed, seed: 7 } }));
    expect(second).toEqual(first);
    expect(reseeded).not.toEqual(first);
    expect(new Set(first.map((result) => result.replace(/\d+/g, 'N'))).size).toBeGreaterThanOrEqual(4);
  });

  test('setFaults replaces the faults and restarts the sequence from the seed', async () => {
    const emulator = await start({ faults: mixed });
    const first = await sequence(emulator);
    emulator.reset();
    emulator.setFaults(mixed);
    expect(await sequence(emulator)).toEqual(first);
    emulator.setFaults({});
    expect(await outcome(emulator, { ...add, phone: '79990000000' })).toMatch(/^\{\n"id": \d+\n\}$/);
  });

  test('faults never touch the /__emulator/ endpoints', async () => {
    const emulator = await start({ faults: { resetRate: 1, http500Rate: 1, latencyMs: 10_000 } });
    const stats = await fetch(`${emulator.url}/__emulator/stats`);
    expect(stats.status).toBe(200);
  });
});
