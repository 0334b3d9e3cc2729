/**
 * No silent waits: every pause over 2 s is announced with its reason (a countdown on a terminal,
 * one stderr line otherwise), and a wrong SMSC_URL that refuses connections fails within seconds.
 */
import { access } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWaitNotice } from '../../src/cli/progress.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { createSmscClient } from '../../src/smsc/client.js';
import type { Wait } from '../../src/smsc/retry.js';
import { CLI } from '../helpers/cli.js';
import { runCli, smscEnv } from '../helpers/cli-run.js';
import { CONTACTS_MAPPING, DEMO, makeTempDir, mobile, startTestEmulator, writeInput } from '../helpers/import-run.js';
import { refusedUrl } from '../helpers/raw-server.js';

let emulator: RunningEmulator;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  await access(CLI); // built by test/global-setup.ts
  [emulator, dir] = await Promise.all([startTestEmulator({ clockScale: 10_000 }), makeTempDir()]);
});

afterAll(async () => {
  await emulator?.close();
  await dir?.remove();
});

/** A clock that only the fake sleep moves, so minute-long waits take no time. */
function fakeTime() {
  let now = 1_000_000;
  return { clock: () => now, sleep: async (ms: number) => void (now += ms) };
}

describe('long waits are announced', () => {
  it('the client tells why it pauses: error 9 from the service, and its own identical-request window', async () => {
    const waits: Wait[] = [];
    const time = fakeTime();
    const client = createSmscClient({ baseUrl: emulator.url, ...DEMO, ...time, onWait: (wait) => waits.push(wait), retry: { maxAttempts: 2 } });
    emulator.setFaults({ error9Rate: 1 });
    await expect(client.get()).rejects.toMatchObject({ code: 'ERR_SMSC_THROTTLED' });
    emulator.setFaults({});
    expect(waits[0]).toMatchObject({ ms: 5_000 });
    expect(waits[0]?.reason).toMatch(/error 9/);

    // Another client (the first one's error-9 gate is still closed): the 4th identical request waits.
    waits.length = 0;
    const second = createSmscClient({ baseUrl: emulator.url, ...DEMO, ...fakeTime(), onWait: (wait) => waits.push(wait) });
    for (let sent = 0; sent < 4; sent++) await second.getGroup();
    // The shared error-9 gate may still announce its own pause first, depending on how long the above took.
    const window = waits.filter((wait) => wait.reason === 'SMSC allows 3 identical requests a minute');
    expect(window).toHaveLength(1);
    expect(window[0]?.ms).toBeGreaterThan(50_000);
    expect(waits.every((wait) => wait === window[0] || /error 9/.test(wait.reason))).toBe(true);
  });

  it('on a terminal: one line with the reason and a countdown, shown once for many workers, cleared at the end', () => {
    const stream = new PassThrough();
    let written = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => (written += chunk));
    let now = 0;
    const notice = createWaitNotice(true, stream, () => now);
    notice.show({ reason: 'SMSC allows 3 identical requests a minute', ms: 41_000 });
    notice.show({ reason: 'SMSC allows 3 identical requests a minute', ms: 40_900 });
    now = 500;
    notice.show({ reason: 'SMSC asked to slow down (error 9): every request waits', ms: 3_000 });
    notice.stop();
    expect(written).toBe('\rSMSC allows 3 identical requests a minute: waiting 41 s\x1b[K\r\x1b[K');
  });

  it('without a terminal: one line on stderr per wait (the CLI with --rate)', async () => {
    const input = await writeInput(dir.path, 'rate.csv', [{ phone: mobile(1) }, { phone: mobile(2) }]);
    const result = await runCli(['import', input, '--mapping', CONTACTS_MAPPING, '--rate', '0.4', '--report', `${input}.report.csv`], { env: smscEnv(emulator), cwd: dir.path });
    expect(result.code).toBe(0);
    const lines = result.stderr.split('\n').filter((line) => line.includes('--rate'));
    // get, add, add: the 2nd and 3rd request each wait 2.5 s for a slot.
    expect(lines).toEqual(['--rate 0.4 allows a request every 2.5 s: waiting 3 s', '--rate 0.4 allows a request every 2.5 s: waiting 3 s']);
    expect(result.stderr).not.toContain('\r');
    expect(result.stderr).toContain('account read: whole account, 1 page');
  });
});

describe('a wrong SMSC_URL', () => {
  it('that refuses connections fails within 10 s, naming the host', async () => {
    const url = await refusedUrl();
    const input = await writeInput(dir.path, 'refused.csv', [{ phone: mobile(3) }]);
    const started = performance.now();
    const result = await runCli(['import', input, '--mapping', CONTACTS_MAPPING], { env: { ...smscEnv(emulator), SMSC_URL: url }, cwd: dir.path });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`connection to ${new URL(url).host} failed (ECONNREFUSED) — is SMSC_URL right?`);
  });
});
