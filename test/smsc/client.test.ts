import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmscClient, type RequestContext, type RetryContext, type SmscClientOptions } from '../../src/smsc/client.js';
import { SmscAuthError, SmscTransportError, SmscUnknownOutcomeError } from '../../src/smsc/errors.js';
import { createThrottle } from '../../src/smsc/retry.js';
import { refusedUrl, startRawServer, type RawReply, type RawServer } from '../helpers/raw-server.js';

const PASSWORD = 'S3cret-Pa55';
const APIKEY = 'KEY-abcdef-123456';

let servers: RawServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function serve(replies: RawReply[] | ((index: number) => RawReply)): Promise<RawServer> {
  const server = await startRawServer(typeof replies === 'function' ? (_request, index) => replies(index) : replies);
  servers.push(server);
  return server;
}

/** Fake time: `sleep` advances the clock instantly and records the delays. */
function fakeTime() {
  const time = { now: 1_000_000, delays: [] as number[] };
  return {
    time,
    clock: () => time.now,
    sleep: async (ms: number) => {
      time.delays.push(ms);
      time.now += ms;
    },
  };
}

function clientFor(server: { url: string }, extra: Partial<SmscClientOptions> = {}) {
  const { clock, sleep } = fakeTime();
  return createSmscClient({ baseUrl: server.url, login: 'alex', password: PASSWORD, clock, sleep, random: () => 0, timeoutMs: 2_000, ...extra });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('request shape', () => {
  it('POSTs a urlencoded form to /sys/phones.php with fmt=3, charset=utf-8 and the credentials only in the body', async () => {
    const server = await serve([{ body: '{\n"id": 5113988\n}' }]);
    const client = clientFor(server);
    await expect(client.add({ phone: '79991234567', name: 'Иван Петров', grp: '5,7', fnm: 'Иван' })).resolves.toEqual({ id: 5113988 });

    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/sys/phones.php');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      add: '1',
      phone: '79991234567',
      name: 'Иван Петров',
      grp: '5,7',
      fnm: 'Иван',
      fmt: '3',
      charset: 'utf-8',
      login: 'alex',
      psw: PASSWORD,
    });
  });

  it('sends apikey instead of login/psw and keeps empty values (clear a field) but drops absent ones', async () => {
    const server = await serve([{ body: 'OK' }]);
    const client = createSmscClient({ baseUrl: server.url, apikey: APIKEY });
    await client.chg({ phone: '79991234567', new_phone: '79990000000', cmt: '' });
    const form = server.requests[0]?.form;
    expect(form?.get('apikey')).toBe(APIKEY);
    expect(form?.has('login')).toBe(false);
    expect(form?.has('psw')).toBe(false);
    expect(form?.get('chg')).toBe('1');
    expect(form?.get('new_phone')).toBe('79990000000');
    expect(form?.get('cmt')).toBe('');
    expect(form?.has('name')).toBe(false);
  });

  it('sends the move_group mode as the flag value and e-mail keys for e-mail contacts', async () => {
    const server = await serve([{ body: 'OK' }]);
    const client = clientFor(server);
    await client.moveGroup('remove', { grp: 12, mail: 'a@example.com' });
    await client.moveGroup(2, { grp: 12, phone: '79991234567' });
    expect(server.requests.map((request) => [request.form.get('move_group'), request.form.get('grp'), request.form.get('mail') ?? request.form.get('phone')])).toEqual([
      ['3', '12', 'a@example.com'],
      ['2', '12', '79991234567'],
    ]);
  });
});

describe('script', () => {
  it('sends e-mail contacts and e-mail groups to /sys/mails.php with the same parameters, everything else to phones.php', async () => {
    const server = await serve((index) => ({ body: index === 9 ? '[]' : '{"id": 7}' }));
    const scripts: string[] = [];
    const client = clientFor(server, { onRequest: (context) => scripts.push(context.script) });
    await client.add({ mail: 'a@example.com', name: 'Анна' });
    await client.addGroup({ name: 'Рассылка', type: 1 });
    await client.chg({ mail: 'a@example.com', name: 'Анна К.' });
    await client.moveGroup('add', { grp: 7, mail: 'a@example.com' });
    await client.del({ mail: 'a@example.com' });
    await client.chgGroup({ grp: 7, name: 'Письма', num: 12, type: 1 });
    await client.delGroup({ grp: 7, type: 1 });
    await client.add({ phone: '79991234567', mail: 'b@example.com' });
    await client.chgGroup({ grp: 8, name: 'SMS' });
    await client.get({ search: 'a@example.com' });

    expect(server.requests.map((request) => request.url)).toEqual([...Array<string>(7).fill('/sys/mails.php'), ...Array<string>(3).fill('/sys/phones.php')]);
    expect(scripts).toEqual([...Array<string>(7).fill('mails.php'), ...Array<string>(3).fill('phones.php')]);
    expect(Object.fromEntries(server.requests[0]?.form ?? [])).toEqual({ add: '1', mail: 'a@example.com', name: 'Анна', fmt: '3', charset: 'utf-8', login: 'alex', psw: PASSWORD });
    expect(Object.fromEntries(server.requests[5]?.form ?? [])).toMatchObject({ chg_group: '1', grp: '7', name: 'Письма', num: '12' });
  });

  it('sends e-mail contacts to phones.php with mailScript phones.php (the fallback)', async () => {
    const server = await serve([{ body: '{"id": 7}' }]);
    await clientFor(server, { mailScript: 'phones.php' }).add({ mail: 'a@example.com' });
    expect(server.requests[0]?.url).toBe('/sys/phones.php');
  });
});

describe('replies', () => {
  it('parses get rows (string or number values) into ContactReply with request field names', async () => {
    const server = await serve([{ body: JSON.stringify([{ int_id: 17, phone: '79221113340', name: 'Анна', group: '5922', first_name: 'T', birthday: '01.01.1960', id: 4321, phone_other: '+79112223351' }]) }]);
    const rows = await clientFor(server).get({ search: '7922', afterId: 10 });
    expect(rows).toEqual([{ intId: 17, fields: { phone: '79221113340', name: 'Анна', grp: '5922', fnm: 'T', bd: '01.01.1960', myid: '4321', pho: '+79112223351' } }]);
    expect(server.requests[0]?.form.get('after_id')).toBe('10');
    expect(server.requests[0]?.form.get('search')).toBe('7922');
  });

  it('takes an empty body, [] and error 3 on a list command as no rows, and an empty body on a modify command as done', async () => {
    const server = await serve([{ body: '' }, { body: '[]' }, { body: '{"error": "record not found", "error_code": 3}' }, { body: '' }]);
    const client = clientFor(server);
    await expect(client.get()).resolves.toEqual([]);
    await expect(client.getGroup()).resolves.toEqual([]);
    await expect(client.getBlack()).resolves.toEqual([]);
    await expect(client.delBlack({ phone: '79991234567' })).resolves.toBeUndefined();
  });

  it('throws the API error of an HTTP 200 error reply without retrying it', async () => {
    const server = await serve([{ body: '{"error": "authorise error", "error_code": 2}' }]);
    const error = await caught(clientFor(server).get());
    expect(error).toBeInstanceOf(SmscAuthError);
    expect(error).toMatchObject({ code: 'ERR_SMSC_AUTH', apiCode: 2, command: 'get', fatal: true, retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [1, 'ERR_SMSC_PARAMETERS'],
    [3, 'ERR_SMSC_NOT_FOUND'],
    [4, 'ERR_SMSC_IP_BLOCKED'],
    [5, 'ERR_SMSC_SAVE'],
  ])('error %i on a write is %s and sent once', async (apiCode, code) => {
    const server = await serve([{ body: JSON.stringify({ error: 'x', error_code: apiCode }) }]);
    await expect(clientFor(server).del({ phone: '79991234567' })).rejects.toMatchObject({ code, apiCode });
    expect(server.requests).toHaveLength(1);
  });

  it('decodes a reply in the charset the server declares', async () => {
    const { default: iconv } = await import('iconv-lite');
    const body = iconv.encode(JSON.stringify([{ int_id: 1, name: 'Мария' }]), 'windows-1251');
    const server = await serve([{ body, headers: { 'content-type': 'application/json; charset=windows-1251' } }]);
    await expect(clientFor(server).get()).resolves.toEqual([{ intId: 1, fields: { name: 'Мария' } }]);
  });
});

describe('transport failures', () => {
  it('retries a read after reset, HTTP 500, a truncated body and garbled JSON', async () => {
    const server = await serve([{ kind: 'reset' }, { status: 500, body: 'oops' }, { kind: 'truncate', body: '[{"int_id": 1', declaredLength: 100 }, { body: '[{"int_id": 1,' }, { body: '[{"int_id": 2}]' }]);
    const retries: RetryContext[] = [];
    const rows = await clientFor(server, { onRetry: (context) => retries.push(context) }).get();
    expect(rows).toEqual([{ intId: 2, fields: {} }]);
    expect(server.requests).toHaveLength(5);
    expect(retries.map((context) => [context.attempt, context.error.code])).toEqual([
      [1, 'ERR_SMSC_TRANSPORT'],
      [2, 'ERR_SMSC_TRANSPORT'],
      [3, 'ERR_SMSC_TRANSPORT'],
      [4, 'ERR_SMSC_TRANSPORT'],
    ]);
  });

  it('gives up after maxAttempts with the transport error', async () => {
    const server = await serve([{ status: 503 }]);
    const error = await caught(clientFor(server, { retry: { maxAttempts: 3 } }).getGroup());
    expect(error).toBeInstanceOf(SmscTransportError);
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect(server.requests).toHaveLength(3);
  });

  it('retries a read that times out', async () => {
    const server = await serve([{ kind: 'hang' }, { body: '[]' }]);
    await expect(clientFor(server, { timeoutMs: 150 }).get()).resolves.toEqual([]);
    expect(server.requests).toHaveLength(2);
  });

  it.each<[string, RawReply]>([
    ['reset after the request was read', { kind: 'reset' }],
    ['a truncated body', { kind: 'truncate', body: '{"id": 12', declaredLength: 50 }],
    ['garbled JSON', { body: '{"id": 12' }],
    ['an empty reply to a create command', { body: '' }],
    ['a timeout', { kind: 'hang' }],
  ])('does not re-send a write after %s: unknown outcome', async (_name, reply) => {
    const server = await serve([reply, { body: '{"id": 13}' }]);
    const error = await caught(clientFor(server, { timeoutMs: 150 }).add({ phone: '79991234567' }));
    expect(error).toBeInstanceOf(SmscUnknownOutcomeError);
    expect(error).toMatchObject({ code: 'ERR_SMSC_UNKNOWN_OUTCOME', command: 'add', retryable: false });
    expect((error as Error).cause).toBeInstanceOf(SmscTransportError);
    expect(server.requests).toHaveLength(1);
  });

  it('re-sends a write the server answered with HTTP 500', async () => {
    const server = await serve([{ status: 500 }, { body: '{"id": 13}' }]);
    await expect(clientFor(server).addGroup({ name: 'Клиенты' })).resolves.toEqual({ id: 13 });
    expect(server.requests).toHaveLength(2);
  });

  it('moves to the next mirror when a connection is refused, for writes too', async () => {
    const server = await serve([{ body: '{"id": 7}' }]);
    const requests: RequestContext[] = [];
    const dead = await refusedUrl();
    const client = clientFor({ url: dead }, { mirrors: [server.url], onRequest: (context) => requests.push(context) });
    await expect(client.addBlack({ phone: '79991234567', type: 1 })).resolves.toEqual({ id: 7 });
    expect(requests.map((context) => [context.attempt, context.baseUrl])).toEqual([
      [1, dead],
      [2, server.url],
    ]);
    expect(server.requests[0]?.form.get('type')).toBe('1');
    expect(Object.isFrozen(requests[0])).toBe(true);
  });

  it('does not follow a redirect (the body holds the credentials)', async () => {
    const target = await serve([{ body: '[]' }]);
    const server = await serve([{ status: 307, headers: { location: `${target.url}/sys/phones.php` } }]);
    const error = await caught(clientFor(server).get());
    expect(error).toMatchObject({ code: 'ERR_SMSC_TRANSPORT', status: 307, retryable: false });
    expect(target.requests).toHaveLength(0);
  });
});

describe('error 9', () => {
  it('waits so the same request is sent at most 3 times a minute, and slows the shared throttle', async () => {
    const server = await serve((index) => (index < 4 ? { body: '{"error": "duplicate request, wait a minute", "error_code": 9}' } : { body: '[]' }));
    const { time, clock, sleep } = fakeTime();
    const throttle = createThrottle({ clock, sleep });
    const sentAt: number[] = [];
    const client = createSmscClient({ baseUrl: server.url, login: 'alex', password: PASSWORD, clock, sleep, throttle, onRequest: () => sentAt.push(time.now) });
    await expect(client.get({ search: 'x' })).resolves.toEqual([]);
    expect(sentAt).toHaveLength(5);
    for (let index = 3; index < sentAt.length; index++) {
      expect((sentAt[index] ?? 0) - (sentAt[index - 3] ?? 0)).toBeGreaterThanOrEqual(60_000);
    }
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(5_000);
  });

  it('holds other requests through a shared throttle', async () => {
    const server = await serve([{ body: '{"error": "duplicate request, wait a minute", "error_code": 9}' }, { body: '[]' }]);
    const { time, clock, sleep } = fakeTime();
    const throttle = createThrottle({ clock, sleep });
    const client = createSmscClient({ baseUrl: server.url, login: 'alex', password: PASSWORD, clock, sleep, throttle, retry: { maxAttempts: 1 } });
    await expect(client.get()).rejects.toMatchObject({ code: 'ERR_SMSC_THROTTLED', retryAfterMs: 60_000 });
    expect(throttle.remainingMs()).toBe(5_000);
    const before = time.now;
    await client.getGroup();
    expect(time.now - before).toBe(5_000);
  });
});

describe('abort', () => {
  it('rejects with the signal reason while a request is in flight', async () => {
    const server = await serve([{ kind: 'hang' }]);
    const controller = new AbortController();
    const call = clientFor(server, { signal: controller.signal, timeoutMs: 20_000 }).get();
    setTimeout(() => controller.abort(new Error('run stopped')), 30);
    await expect(call).rejects.toThrow('run stopped');
  });

  it('rejects with the signal reason while backing off, without sending again', async () => {
    const server = await serve([{ status: 500 }]);
    const controller = new AbortController();
    const client = createSmscClient({
      baseUrl: server.url,
      login: 'alex',
      password: PASSWORD,
      signal: controller.signal,
      random: () => 1,
      retry: { baseDelayMs: 20_000 },
      onRetry: () => setTimeout(() => controller.abort(new Error('run stopped')), 10),
    });
    await expect(client.chgGroup({ grp: 1, name: 'x' })).rejects.toThrow('run stopped');
    expect(server.requests).toHaveLength(1);
  });
});

describe('secrets', () => {
  it('never shows the password or API key in errors, hook contexts or server text', async () => {
    const seen: unknown[] = [];
    const logins = [
      { secret: PASSWORD, credentials: { login: 'alex', password: PASSWORD } },
      { secret: APIKEY, credentials: { login: undefined, password: undefined, apikey: APIKEY } },
    ];
    for (const { secret, credentials } of logins) {
      const server = await serve([{ status: 500 }, { body: `{"error": "bad credentials ${secret}", "error_code": 2}` }]);
      const client = clientFor(server, { ...credentials, onRequest: (context) => seen.push(context), onRetry: (context) => seen.push(context) });
      const error = await caught(client.get());
      expect(error).toBeInstanceOf(SmscAuthError);
      expect((error as Error).message).toContain('bad credentials [redacted]');
      seen.push(error);
      expect(server.requests.every((request) => !request.url.includes(secret))).toBe(true);
      const broken = await serve([{ kind: 'reset' }]);
      seen.push(await caught(clientFor(broken, credentials).add({ phone: '79991234567' })));
    }
    expect(seen.length).toBeGreaterThanOrEqual(8);
    for (const value of seen) {
      const text = `${JSON.stringify(value)} ${inspect(value, { depth: 5, showHidden: true })} ${String(value)}`;
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(APIKEY);
    }
  });
});

describe('options', () => {
  it.each<[Partial<SmscClientOptions>, RegExp]>([
    [{ login: 'a' }, /`login` and `password`, or `apikey`/],
    [{ login: 'a', password: 'b', apikey: 'c' }, /either `apikey`/],
    [{ login: 'a', password: '' }, /`password`/],
    [{ apikey: 'k', baseUrl: 'ftp://smsc.ru' }, /`baseUrl`/],
    [{ apikey: 'k', baseUrl: `https://alex:${PASSWORD}@smsc.ru` }, /`baseUrl`.*without user:password/],
    [{ apikey: 'k', mirrors: ['nope'] }, /`mirrors\[0\]`/],
    [{ apikey: 'k', timeoutMs: 0 }, /`timeoutMs`/],
    [{ apikey: 'k', retry: { maxAttempts: 0 } }, /`retry.maxAttempts`/],
    [{ apikey: 'k', onRetry: 'x' as unknown as () => void }, /`onRetry`/],
    [{ apikey: 'k', signal: {} as AbortSignal }, /`signal`/],
    [{ apikey: 'k', mailScript: 'mail.php' as 'mails.php' }, /`mailScript` to be one of phones.php, mails.php/],
  ])('rejects %o', (options, message) => {
    const attempt = () => createSmscClient(options);
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect(String(error)).not.toContain(PASSWORD);
    }
  });
});
