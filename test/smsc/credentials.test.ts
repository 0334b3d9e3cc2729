import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCredentials, parseDotEnv } from '../../src/smsc/credentials.js';
import { SmscConfigError } from '../../src/smsc/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smsc-cred-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function failure(run: () => unknown): SmscConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof SmscConfigError) return error;
    throw error;
  }
  throw new Error('expected a SmscConfigError');
}

describe('loadCredentials', () => {
  it('reads login and password from the environment with the default URL', () => {
    const credentials = loadCredentials({ env: { SMSC_LOGIN: 'alex', SMSC_PASSWORD: 'Pa55-word' }, cwd: dir });
    expect({ ...credentials }).toEqual({ baseUrl: 'https://smsc.ru', mirrors: [], mailScript: 'mails.php', login: 'alex', password: 'Pa55-word' });
  });

  it('reads a .env file, the environment winning per variable', () => {
    writeFileSync(join(dir, '.env'), '# settings\nexport SMSC_URL=http://127.0.0.1:9999/\nSMSC_APIKEY="key from file"\nSMSC_MIRRORS=https://www2.smsc.ru, https://www3.smsc.ru\n');
    expect({ ...loadCredentials({ env: {}, cwd: dir }) }).toEqual({
      baseUrl: 'http://127.0.0.1:9999',
      mirrors: ['https://www2.smsc.ru', 'https://www3.smsc.ru'],
      mailScript: 'mails.php',
      apikey: 'key from file',
    });
    expect(loadCredentials({ env: { SMSC_APIKEY: 'key from env' }, cwd: dir }).apikey).toBe('key from env');
  });

  it('reads SMSC_MAIL_SCRIPT (the phones.php fallback for e-mail contacts) and refuses other values', () => {
    writeFileSync(join(dir, '.env'), 'SMSC_APIKEY=k\nSMSC_MAIL_SCRIPT=phones.php\n');
    expect(loadCredentials({ env: {}, cwd: dir }).mailScript).toBe('phones.php');
    expect(loadCredentials({ env: { SMSC_MAIL_SCRIPT: 'mails.php' }, cwd: dir }).mailScript).toBe('mails.php');
    const error = failure(() => loadCredentials({ env: { SMSC_MAIL_SCRIPT: 'mail.php' }, cwd: dir }));
    expect(error.message).toBe('SMSC_MAIL_SCRIPT must be one of phones.php, mails.php, got "mail.php"');
  });

  it('says which variables to set when credentials are missing or half-set', () => {
    expect(failure(() => loadCredentials({ env: {}, cwd: dir })).message).toMatch(/SMSC_LOGIN and SMSC_PASSWORD, or SMSC_APIKEY/);
    expect(failure(() => loadCredentials({ env: { SMSC_LOGIN: 'alex' }, cwd: dir })).message).toMatch(/SMSC_PASSWORD is not/);
    expect(failure(() => loadCredentials({ env: { SMSC_PASSWORD: 'x', SMSC_LOGIN: ' ' }, cwd: dir })).message).toMatch(/SMSC_LOGIN is not/);
    expect(failure(() => loadCredentials({ env: { SMSC_APIKEY: 'k', SMSC_LOGIN: 'alex' }, cwd: dir })).message).toMatch(/both set/);
    expect(failure(() => loadCredentials({ env: {}, cwd: dir })).code).toBe('ERR_SMSC_CONFIG');
  });

  it('refuses a URL carrying credentials without echoing it', () => {
    const error = failure(() => loadCredentials({ env: { SMSC_URL: 'https://alex:Pa55-word@smsc.ru', SMSC_APIKEY: 'k' }, cwd: dir }));
    expect(error.message).toMatch(/SMSC_URL/);
    expect(error.message).not.toContain('Pa55-word');
  });

  it('shows the result with the secrets redacted when logged', () => {
    for (const env of [{ SMSC_LOGIN: 'alex', SMSC_PASSWORD: 'Pa55-word' }, { SMSC_APIKEY: 'Pa55-word' }]) {
      const credentials = loadCredentials({ env, cwd: dir });
      for (const text of [JSON.stringify(credentials), inspect(credentials), inspect({ credentials })]) {
        expect(text).not.toContain('Pa55-word');
        expect(text).toContain('[redacted]');
      }
    }
  });
});

describe('parseDotEnv', () => {
  it('handles comments, export, quotes, escapes, CRLF and a BOM', () => {
    const text = '\uFEFFA=1\r\n# comment\n  export B = two words # note\nC="quoted # kept \\" \\n x"\nD=\'single $x\'\nnot a line\nE=\n';
    expect(parseDotEnv(text)).toEqual({ A: '1', B: 'two words', C: 'quoted # kept " \n x', D: 'single $x', E: '' });
  });
});
