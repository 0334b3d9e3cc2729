import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { CHARSETS, PHONES_PATH } from '../../src/smsc/protocol.js';
import { DEMO_AUTH, encodeForm, smsc, smscJson, type Transport } from './helpers.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe('reply formats, byte for byte', () => {
  test.each([
    [0, 'ERROR = 3 (record not found)', 'text/plain'],
    [1, '0,-3', 'text/plain'],
    [2, '<result>\n<error>record not found</error>\n<error_code>3</error_code>\n</result>', 'text/xml'],
    [3, '{\n"error": "record not found",\n"error_code": 3\n}', 'application/json'],
  ])('error, fmt=%i', async (fmt, body, type) => {
    const reply = await smsc(emulator, { fmt, del: 1, phone: '79000000001' });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe(body);
    expect(reply.contentType).toBe(`${type}; charset=utf-8`);
  });

  test.each([
    [0, 'ID = 100001', 'ID = 5901', 'ID = 101'],
    [1, '100001', '5901', '101'],
    [2, '<phone>\n<id>100001</id>\n</phone>', '<group>\n<id>5901</id>\n</group>', '<phone>\n<id>101</id>\n</phone>'],
    [3, '{\n"id": 100001\n}', '{\n"id": 5901\n}', '{\n"id": 101\n}'],
  ])('create commands, fmt=%i', async (fmt, contact, group, black) => {
    expect((await smsc(emulator, { fmt, add: 1, phone: '79000000001' })).text).toBe(contact);
    expect((await smsc(emulator, { fmt, add_group: 1, name: 'g' })).text).toBe(group);
    expect((await smsc(emulator, { fmt, add_black: 1, phone: '79000000001' })).text).toBe(black);
  });

  test.each([
    [0, 'OK'],
    [1, 'OK'],
    [2, '<result>OK</result>'],
    [3, 'OK'],
  ])('modify and delete commands, fmt=%i', async (fmt, body) => {
    await smscJson(emulator, { add: 1, phone: '79000000001' });
    const { id } = await smscJson<{ id: number }>(emulator, { add_group: 1, name: 'g' });
    await smscJson(emulator, { add_black: 1, phone: '79000000009' });
    const calls: Record<string, string | number>[] = [
      { chg: 1, phone: '79000000001', name: 'x' },
      { chg_group: 1, grp: id, name: 'h' },
      { move_group: 2, grp: id, phone: '79000000001' },
      { del_group: 1, grp: id },
      { del: 1, phone: '79000000001' },
      { del_black: 1, phone: '79000000009' },
    ];
    for (const call of calls) expect((await smsc(emulator, { fmt, ...call })).text).toBe(body);
  });

  test('no fmt means fmt=0', async () => {
    expect((await smsc(emulator, { del: 1, phone: '79000000001' })).text).toBe('ERROR = 3 (record not found)');
  });

  test.each([
    [0, 'phone = 79000000001,79000000002, name = Ann, group = , first_name = , last_name = , middle_name = , birthday = , id = 7, comments = , tags = , phone_other = , mail = , int_id = 100001\nphone = 79000000003, name = Bob, group = , first_name = , last_name = , middle_name = , birthday = , id = , comments = , tags = , phone_other = , mail = , int_id = 100002'],
    [1, '79000000001,79000000002,Ann,,,,,,7,,,,,100001\n79000000003,Bob,,,,,,,,,,,100002'],
    [
      2,
      '<result>\n<contact>\n<phone>79000000001,79000000002</phone>\n<name>Ann</name>\n<group></group>\n<first_name></first_name>\n<last_name></last_name>\n<middle_name></middle_name>\n<birthday></birthday>\n<id>7</id>\n<comments></comments>\n<tags></tags>\n<phone_other></phone_other>\n<mail></mail>\n<int_id>100001</int_id>\n</contact>\n' +
        '<contact>\n<phone>79000000003</phone>\n<name>Bob</name>\n<group></group>\n<first_name></first_name>\n<last_name></last_name>\n<middle_name></middle_name>\n<birthday></birthday>\n<id></id>\n<comments></comments>\n<tags></tags>\n<phone_other></phone_other>\n<mail></mail>\n<int_id>100002</int_id>\n</contact>\n</result>',
    ],
    [
      3,
      '[{\n"phone": "79000000001,79000000002",\n"name": "Ann",\n"group": "",\n"first_name": "",\n"last_name": "",\n"middle_name": "",\n"birthday": "",\n"id": "7",\n"comments": "",\n"tags": "",\n"phone_other": "",\n"mail": "",\n"int_id": "100001"\n},\n' +
        '{\n"phone": "79000000003",\n"name": "Bob",\n"group": "",\n"first_name": "",\n"last_name": "",\n"middle_name": "",\n"birthday": "",\n"id": "",\n"comments": "",\n"tags": "",\n"phone_other": "",\n"mail": "",\n"int_id": "100002"\n}]',
    ],
  ])('get, fmt=%i', async (fmt, body) => {
    await smscJson(emulator, { add: 1, phone: '79000000001,79000000002', name: 'Ann', myid: 7 });
    await smscJson(emulator, { add: 1, phone: '79000000003', name: 'Bob' });
    expect((await smsc(emulator, { fmt, get: 1 })).text).toBe(body);
  });

  test('list replies in other formats when empty: fmt=0/1 empty, fmt=2 an empty <result>', async () => {
    expect((await smsc(emulator, { fmt: 0, get: 1 })).text).toBe('');
    expect((await smsc(emulator, { fmt: 1, get: 1 })).text).toBe('');
    expect((await smsc(emulator, { fmt: 2, get: 1 })).text).toBe('<result>\n</result>');
  });

  test('XML escapes special characters in values', async () => {
    await smscJson(emulator, { add_group: 1, name: 'A & <B>' });
    expect((await smsc(emulator, { fmt: 2, get_group: 1 })).text).toBe('<result>\n<group>\n<id>5901</id>\n<name>A &#38; &#60;B&#62;</name>\n<type>0</type>\n</group>\n</result>');
  });
});

describe('charsets', () => {
  const NAME = 'Иван Ёлкин';
  const pairs = CHARSETS.flatMap((sent) => CHARSETS.map((read) => [sent, read] as const));

  test.each(pairs)('a Cyrillic name sent in %s reads back through get in %s', async (sent, read) => {
    await smsc(emulator, { fmt: 3, add: 1, phone: '79000000001', name: NAME }, { charset: sent });
    const reply = await smsc(emulator, { fmt: 3, get: 1 }, { charset: read });
    expect(reply.contentType).toBe(`application/json; charset=${read}`);
    expect(JSON.parse(reply.text)).toEqual([expect.objectContaining({ name: NAME })]);
    expect(reply.body.includes(iconv.encode(NAME, read))).toBe(true);
  });

  test('without a charset parameter the request and the reply are windows-1251', async () => {
    const url = `${emulator.url}${PHONES_PATH}`;
    const body = encodeForm({ ...DEMO_AUTH, fmt: 3, add: 1, phone: '79000000001', name: NAME }, 'windows-1251');
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const reply = await fetch(`${url}?${encodeForm({ ...DEMO_AUTH, fmt: 3, get: 1 }, 'utf-8')}`);
    expect(reply.headers.get('content-type')).toBe('application/json; charset=windows-1251');
    expect(JSON.parse(iconv.decode(Buffer.from(await reply.arrayBuffer()), 'windows-1251'))).toEqual([expect.objectContaining({ name: NAME })]);
  });

  test('multipart field values are decoded in the charset too', async () => {
    await smsc(emulator, { fmt: 3, add: 1, phone: '79000000001', name: NAME }, { charset: 'koi8-r', transport: 'multipart' });
    expect(emulator.state().contacts[0]!.name).toBe(NAME);
  });
});

describe('transports', () => {
  test.each(['get', 'post', 'multipart'] satisfies Transport[])('%s carries parameters', async (transport) => {
    const reply = await smsc(emulator, { fmt: 3, add: 1, phone: '79000000001', name: 'Тест' }, { transport, charset: 'windows-1251' });
    expect(reply.text).toBe('{\n"id": 100001\n}');
    expect(emulator.state().contacts[0]).toMatchObject({ phones: ['79000000001'], name: 'Тест' });
  });

  test("Node's own FormData multipart (as the official Node library sends) works", async () => {
    const form = new FormData();
    for (const [key, value] of Object.entries({ ...DEMO_AUTH, charset: 'utf-8', fmt: '3', add: '1', phone: '79000000001', name: 'Форма' })) form.append(key, value);
    const reply = await fetch(`${emulator.url}${PHONES_PATH}`, { method: 'POST', body: form });
    expect(await reply.text()).toBe('{\n"id": 100001\n}');
    expect(emulator.state().contacts[0]!.name).toBe('Форма');
  });

  test('query and body parameters merge, the body winning', async () => {
    const url = `${emulator.url}${PHONES_PATH}?${encodeForm({ ...DEMO_AUTH, charset: 'utf-8', add: 1, name: 'from query' }, 'utf-8')}`;
    const reply = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'fmt=3&phone=79000000001&name=from+body' });
    expect(await reply.text()).toBe('{\n"id": 100001\n}');
    expect(emulator.state().contacts[0]!.name).toBe('from body');
  });

  test('any Host is served; other paths are 404 and other methods 405', async () => {
    const url = `${emulator.url}${PHONES_PATH}?${encodeForm({ ...DEMO_AUTH, fmt: 3, get: 1 }, 'utf-8')}`;
    expect(await (await fetch(url, { headers: { host: 'smsc.ru' } })).text()).toBe('[]');
    expect((await fetch(`${emulator.url}/sys/send.php`)).status).toBe(404);
    expect((await fetch(url, { method: 'PUT' })).status).toBe(405);
  });
});

describe('authentication', () => {
  const del = { fmt: 3, del: 1, phone: '79000000001' };

  test.each([
    ['plain password', { login: 'demo', psw: 'demo-password' }],
    ['lower-case md5 of the password', { login: 'demo', psw: md5('demo-password') }],
    ['apikey', { apikey: 'demo-apikey' }],
  ])('%s is accepted', async (_case, auth) => {
    expect(await smscJson(emulator, del, { auth })).toEqual({ error: 'record not found', error_code: 3 });
  });

  test.each([
    ['a wrong password', { login: 'demo', psw: 'wrong' }],
    ['an upper-case md5', { login: 'demo', psw: md5('demo-password').toUpperCase() }],
    ['an unknown login', { login: 'nobody', psw: 'demo-password' }],
    ['a wrong apikey', { apikey: 'nope' }],
    ['no credentials', {}],
  ])('%s is error 2', async (_case, auth) => {
    expect(await smscJson(emulator, del, { auth })).toEqual({ error: 'authorise error', error_code: 2 });
  });

  test('after 5 auth failures the address gets error 4, even with good credentials; other addresses do not', async () => {
    for (let i = 0; i < 5; i++) expect(await smscJson(emulator, { ...del, n: i }, { auth: { login: 'demo', psw: 'wrong' } })).toEqual(expect.objectContaining({ error_code: 2 }));
    expect(await smscJson(emulator, del)).toEqual({ error: 'ip is blocked', error_code: 4 });
    expect(await fromOtherAddress(emulator, encodeForm({ ...DEMO_AUTH, ...del }, 'utf-8'))).toBe('{\n"error": "record not found",\n"error_code": 3\n}');
    expect(emulator.stats().errors).toEqual({ 2: 5, 3: 1, 4: 1 });
  });

  test('the block ends when the 30-minute window passes (clock-scaled)', async () => {
    const fast = await startEmulator({ clockScale: 30 * 60 * 10 }); // 30 minutes pass in 100 ms
    try {
      for (let i = 0; i < 5; i++) await smsc(fast, { ...del, n: i }, { auth: { login: 'demo', psw: 'wrong' } });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await smscJson(fast, del)).toEqual(expect.objectContaining({ error_code: 3 }));
    } finally {
      await fast.close();
    }
  });

  test('several accounts can be configured', async () => {
    const multi = await startEmulator({ accounts: [{ login: 'a', password: 'pa' }, { login: 'b', password: 'pb', apikey: 'kb' }] });
    try {
      expect(await smscJson(multi, del, { auth: { login: 'a', psw: 'pa' } })).toEqual(expect.objectContaining({ error_code: 3 }));
      expect(await smscJson(multi, del, { auth: { apikey: 'kb' } })).toEqual(expect.objectContaining({ error_code: 3 }));
      expect(await smscJson(multi, del, { auth: { login: 'a', psw: 'pb' } })).toEqual(expect.objectContaining({ error_code: 2 }));
    } finally {
      await multi.close();
    }
  });
});

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** A POST from 127.0.0.2 (another loopback address) to the emulator. */
function fromOtherAddress(server: RunningEmulator, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${server.url}${PHONES_PATH}`,
      { method: 'POST', localAddress: '127.0.0.2', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
