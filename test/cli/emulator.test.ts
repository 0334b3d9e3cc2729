import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smsc-etl-emulator-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function get(url: string, login: string, psw: string): Promise<string> {
  const response = await fetch(`${url}/sys/phones.php`, { method: 'POST', body: new URLSearchParams({ get: '1', fmt: '3', charset: 'utf-8', login, psw }) });
  return response.text();
}

describe('smsc-etl emulator', () => {
  it('takes its account from ./.env like import and export do, so one .env serves a rehearsal', async () => {
    await writeFile(join(dir, '.env'), 'SMSC_LOGIN=alice\nSMSC_PASSWORD="s3cret pw"\n');
    const child = spawn(process.execPath, [CLI, 'emulator', '--port', '0'], { cwd: dir, env: { PATH: process.env.PATH }, stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      let stderr = '';
      child.stderr.setEncoding('utf8');
      while (!/listening on (http:\/\/\S+)/.test(stderr)) stderr += String((await once(child.stderr, 'data'))[0]);
      const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1] as string;
      expect(stderr).not.toContain('s3cret');

      expect(await get(url, 'alice', 's3cret pw')).toBe('[]');
      expect(await get(url, 'demo', 'demo-password')).toContain('"error_code": 2');
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
