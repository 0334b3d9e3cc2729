/**
 * The messages that tell a new user what to do (built CLI): a refused login names SMSC's lockout
 * rule before the 5th try triggers it; an SMSC_URL with a path, or one that answers 404, asks for
 * the service address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { messageLines, runCli, smscEnv } from '../helpers/cli-run.js';
import { CONTACTS_MAPPING, makeTempDir, mobile, seed, startTestEmulator, writeInput } from '../helpers/import-run.js';
import { startRawServer, type RawServer } from '../helpers/raw-server.js';

let emulator: RunningEmulator;
let notSmsc: RawServer;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  [emulator, notSmsc, dir] = await Promise.all([startTestEmulator(), startRawServer([{ status: 404, body: '<h1>Not Found</h1>' }]), makeTempDir()]);
});
afterAll(async () => {
  await Promise.all([emulator?.close(), notSmsc?.close()]);
  await dir?.remove();
});

const oneLine = (stderr: string) => {
  const lines = messageLines(stderr);
  expect(lines, stderr).toHaveLength(1);
  return lines[0];
};

describe('a refused login', () => {
  it('says how many failed logins SMSC allows and that it then blocks the address for 30 minutes', async () => {
    seed(emulator, {});
    const input = await writeInput(dir.path, 'auth.csv', [{ name: 'Анна', phone: mobile(1) }]);
    for (const command of [['import', input, '-m', CONTACTS_MAPPING], ['export', '--out', 'x.csv']]) {
      const result = await runCli(command, { env: smscEnv(emulator, 'wrong-password'), cwd: dir.path });
      expect(result.code).toBe(3);
      expect(oneLine(result.stderr)).toMatch(/refused the credentials \(error 2\).*SMSC allows 5 failed logins within 30 minutes, then blocks this IP address for 30 minutes/);
      expect(result.stderr).not.toContain('wrong-password');
    }
  });
});

describe('SMSC_URL', () => {
  it('with a path: exit 2 before any request, asking for the service address', async () => {
    const env = { ...smscEnv(emulator), SMSC_URL: `${emulator.url}/sys/phones.php` };
    const before = emulator.stats().requestsTotal;
    const result = await runCli(['export', '--out', 'x.csv'], { env, cwd: dir.path });
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe('smsc-etl: SMSC_URL has a path (/sys/phones.php): give the service address, e.g. https://smsc.ru; smsc-etl adds /sys/phones.php itself');
    expect(emulator.stats().requestsTotal).toBe(before);
  });

  it('that answers 404: asks for the service address, after one request', async () => {
    const env = { ...smscEnv(emulator), SMSC_URL: notSmsc.url };
    const result = await runCli(['export', '--out', 'x.csv'], { env, cwd: dir.path });
    expect(result.code).toBe(3);
    expect(oneLine(result.stderr)).toMatch(/HTTP 404 from 127\.0\.0\.1:\d+: no SMSC API at that address; give the service address, e.g\. https:\/\/smsc\.ru/);
    expect(notSmsc.requests).toHaveLength(1);
  });
});
