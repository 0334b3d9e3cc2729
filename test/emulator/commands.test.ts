import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { smsc, smscJson, type ContactRow } from './helpers.js';
import { CAPTURED_GET_ROW_2013 } from '../fixtures/smsc-captures.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const errorOf = (code: number) => expect.objectContaining({ error_code: code });

async function addGroup(name: string, extra: Record<string, string | number> = {}): Promise<number> {
  const { id } = await smscJson<{ id: number }>(emulator, { add_group: 1, name, ...extra });
  expect(id).toEqual(expect.any(Number));
  return id;
}

async function contacts(params: Record<string, string | number> = {}): Promise<ContactRow[]> {
  return smscJson<ContactRow[]>(emulator, { get: 1, ...params });
}

describe('add', () => {
  test('creates contacts with increasing ids and stores every field the way get shows it', async () => {
    const group = await addGroup('Clients');
    const first = await smscJson<{ id: number }>(emulator, {
      add: 1,
      phone: '+79112223341,+79112223342',
      name: 'Anderson',
      grp: group,
      fnm: 'T',
      lnm: 'A',
      mnm: 'B',
      bd: '01.01.1960',
      myid: '4321',
      cmt: 'fake',
      tags: 'ups, vip',
      pho: '+79112223351,+79112223352',
      mail: 'a@example.com',
    });
    const second = await smscJson<{ id: number }>(emulator, { add: 1, phone: '79000000001' });
    expect(second.id).toBeGreaterThan(first.id);
    expect(await contacts()).toEqual([
      {
        phone: '79112223341,79112223342',
        name: 'Anderson',
        group: String(group),
        first_name: 'T',
        last_name: 'A',
        middle_name: 'B',
        birthday: '01.01.1960',
        id: '4321',
        comments: 'fake',
        tags: 'ups,vip',
        phone_other: '+79112223351,+79112223352',
        mail: 'a@example.com',
        int_id: String(first.id),
      },
      expect.objectContaining({ phone: '79000000001', name: '', group: '', int_id: String(second.id) }),
    ]);
  });

  test('accepts any separator between phones and an e-mail-only contact', async () => {
    await smscJson(emulator, { add: 1, phone: '79000000001; 79000000002 79000000003' });
    await smscJson(emulator, { add: 1, mail: 'only@example.com' });
    expect((await contacts()).map((row) => [row.phone, row.mail])).toEqual([
      ['79000000001,79000000002,79000000003', ''],
      ['', 'only@example.com'],
    ]);
  });

  test.each([
    ['no phone and no mail', { name: 'X' }, 1],
    ['a phone with letters', { phone: '7916abc' }, 1],
    ['a malformed e-mail', { phone: '79000000001', mail: 'not-a-mail' }, 1],
    ['a birthday not dd.mm.yyyy', { phone: '79000000001', bd: '1960-01-01' }, 1],
    ['a non-numeric group', { phone: '79000000001', grp: 'Clients' }, 1],
    ['an unknown group', { phone: '79000000001', grp: 99 }, 3],
  ])('refuses %s', async (_case, params, code) => {
    expect(await smscJson(emulator, { add: 1, ...params })).toEqual(errorOf(code));
    expect(emulator.state().contacts).toEqual([]);
  });

  test('a phone some contact already has is a save error by default', async () => {
    await smscJson(emulator, { add: 1, phone: '79000000001,79000000002' });
    expect(await smscJson(emulator, { add: 1, phone: '+79000000002', name: 'dup' })).toEqual({ error: 'save error', error_code: 5 });
    expect(emulator.state().contacts).toHaveLength(1);
  });

  test('duplicatePhoneOnAdd "allow" creates a second contact with the same phone', async () => {
    const lenient = await startEmulator({ duplicatePhoneOnAdd: 'allow' });
    try {
      const a = await smscJson<{ id: number }>(lenient, { add: 1, phone: '79000000001', name: 'a' });
      const b = await smscJson<{ id: number }>(lenient, { add: 1, phone: '79000000001', name: 'b' });
      expect(b.id).not.toBe(a.id);
      expect(lenient.state().contacts.map((contact) => contact.name)).toEqual(['a', 'b']);
      // chg and del by phone then reach both contacts
      expect((await smsc(lenient, { fmt: 3, chg: 1, phone: '79000000001', cmt: 'both' })).text).toBe('OK');
      expect(lenient.state().contacts.map((contact) => contact.cmt)).toEqual(['both', 'both']);
    } finally {
      await lenient.close();
    }
  });
});

describe('chg', () => {
  test('plays the 2013 capture: new_phone and grp replace, tags replaced, unsent fields kept', async () => {
    const g1 = await addGroup('g1');
    const g2 = await addGroup('g2');
    await smscJson(emulator, { add: 1, phone: '+79112223341,+79112223342', name: 'Fake', grp: `${g1},${g2}`, tags: 'a,b', pho: '+79112223351,+79112223352' });
    const reply = await smsc(emulator, {
      fmt: 3,
      chg: 1,
      phone: '79112223341, 79112223342',
      new_phone: '+79221113340',
      name: 'Anderson',
      grp: g2,
      fnm: 'T',
      mnm: 'A',
      lnm: 'A',
      bd: '01.01.1960',
      myid: '4321',
      cmt: 'fake',
      tags: 'ups',
    });
    expect(reply.text).toBe('OK');
    expect(reply.contentType).toBe('application/json; charset=utf-8');
    expect(await contacts()).toEqual([expect.objectContaining({ ...CAPTURED_GET_ROW_2013, group: String(g2) })]);
  });

  test('an empty value clears the field; finding by mail works without phone', async () => {
    await smscJson(emulator, { add: 1, phone: '79000000001', name: 'Name', cmt: 'note', mail: 'x@example.com' });
    expect((await smsc(emulator, { fmt: 3, chg: 1, phone: '79000000001', cmt: '' })).text).toBe('OK');
    expect((await smsc(emulator, { fmt: 3, chg: 1, mail: 'X@example.com', new_mail: 'y@example.com' })).text).toBe('OK');
    expect(await contacts()).toEqual([expect.objectContaining({ name: 'Name', comments: '', mail: 'y@example.com' })]);
  });

  test('an empty new_mail clears the e-mails of a contact that keeps its phone, not of an e-mail-only contact', async () => {
    await smscJson(emulator, { add: 1, phone: '79000000001', mail: 'x@example.com' });
    await smscJson(emulator, { add: 1, mail: 'only@example.com' });
    expect((await smsc(emulator, { fmt: 3, chg: 1, phone: '79000000001', new_mail: '' })).text).toBe('OK');
    expect(await smscJson(emulator, { chg: 1, mail: 'only@example.com', new_mail: '' })).toEqual(errorOf(1));
    expect(emulator.state().contacts.map((contact) => contact.mails)).toEqual([[], ['only@example.com']]);
  });

  test.each([
    ['an unknown phone', { phone: '79999999999', name: 'x' }, 3],
    ['neither phone nor mail', { name: 'x' }, 1],
    ['an empty new_phone', { phone: '79000000001', new_phone: '' }, 1],
    ['a new_phone another contact has', { phone: '79000000001', new_phone: '79000000002' }, 5],
  ])('refuses %s', async (_case, params, code) => {
    await smscJson(emulator, { add: 1, phone: '79000000001', name: 'one' });
    await smscJson(emulator, { add: 1, phone: '79000000002', name: 'two' });
    expect(await smscJson(emulator, { chg: 1, ...params })).toEqual(errorOf(code));
    expect(emulator.state().contacts.map((contact) => [contact.phones, contact.name])).toEqual([
      [['79000000001'], 'one'],
      [['79000000002'], 'two'],
    ]);
  });
});

describe('del', () => {
  test('deletes by phone; an unknown phone is record not found; no phone is a parameters error', async () => {
    await smscJson(emulator, { add: 1, phone: '79000000001' });
    await smscJson(emulator, { add: 1, phone: '79000000002' });
    expect((await smsc(emulator, { fmt: 3, del: 1, phone: '+79000000001' })).text).toBe('OK');
    expect(await smscJson(emulator, { del: 1, phone: '79000000001' })).toEqual({ error: 'record not found', error_code: 3 });
    expect(await smscJson(emulator, { del: 1 })).toEqual({ error: 'parameters error', error_code: 1 });
    expect(emulator.state().contacts.map((contact) => contact.phones)).toEqual([['79000000002']]);
  });
});

describe('get', () => {
  async function seed(count: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 1; i <= count; i++) ids.push((await smscJson<{ id: number }>(emulator, { add: 1, phone: `7900000${String(i).padStart(4, '0')}`, name: `Contact ${i}` })).id);
    return ids;
  }

  test('pages in ascending int_id with an exclusive after_id and the page size; cnt chooses the page, up to 1000', async () => {
    const small = await startEmulator({ pageSize: 3 });
    try {
      const ids: number[] = [];
      for (let i = 1; i <= 7; i++) ids.push((await smscJson<{ id: number }>(small, { add: 1, phone: `7900000000${i}` })).id);
      const page = async (params: Record<string, string | number>) => (await smscJson<ContactRow[]>(small, { get: 1, ...params })).map((row) => Number(row.int_id));
      expect(await page({})).toEqual(ids.slice(0, 3));
      expect(await page({ after_id: ids[2]! })).toEqual(ids.slice(3, 6));
      expect(await page({ after_id: ids[5]! })).toEqual(ids.slice(6));
      expect(await page({ after_id: ids[6]! })).toEqual([]);
      expect(await page({ cnt: 2 })).toEqual(ids.slice(0, 2));
      expect(await page({ cnt: 5, after_id: ids[0]! })).toEqual(ids.slice(1, 6));
      expect(await page({ cnt: 50 })).toEqual(ids);
    } finally {
      await small.close();
    }
  });

  test('cnt is capped at 1000; ignoreCnt plays a service that always pages by its own size', async () => {
    const state = { contacts: Array.from({ length: 1005 }, (_, i) => ({ int_id: i + 1, phones: [`7900${String(i).padStart(7, '0')}`], mails: [], name: '', fnm: '', lnm: '', mnm: '', bd: '', groups: [], myid: '', cmt: '', tags: [], pho: [] })), groups: [], blacklist: [] };
    const honouring = await startEmulator({ pageSize: 3 });
    const ignoring = await startEmulator({ pageSize: 3, ignoreCnt: true });
    try {
      honouring.reset(state);
      ignoring.reset(state);
      expect(await smscJson<ContactRow[]>(honouring, { get: 1, cnt: 5000 })).toHaveLength(1000);
      expect(await smscJson<ContactRow[]>(honouring, { get: 1 })).toHaveLength(3);
      expect(await smscJson<ContactRow[]>(ignoring, { get: 1, cnt: 1000 })).toHaveLength(3);
      expect(await smscJson<ContactRow[]>(ignoring, { get: 1, cnt: 1 })).toHaveLength(3);
    } finally {
      await Promise.all([honouring.close(), ignoring.close()]);
    }
  });

  test('after_id skips deleted contacts', async () => {
    const ids = await seed(4);
    await smsc(emulator, { del: 1, phone: '79000000002' });
    expect((await contacts({ after_id: ids[0]! })).map((row) => Number(row.int_id))).toEqual([ids[2], ids[3]]);
  });

  test('filters by search (phone digits or name), fio and grp', async () => {
    const group = await addGroup('vip');
    await smscJson(emulator, { add: 1, phone: '79161234567', name: 'Иван Петров', lnm: 'Петров', fnm: 'Иван', grp: group });
    await smscJson(emulator, { add: 1, phone: '79031112233', name: 'Мария', lnm: 'Сидорова', fnm: 'Мария' });
    const names = async (params: Record<string, string | number>) => (await contacts(params)).map((row) => row.name);
    expect(await names({ search: '+7916123' })).toEqual(['Иван Петров']);
    expect(await names({ search: '1112233' })).toEqual(['Мария']);
    expect(await names({ search: 'мари' })).toEqual(['Мария']);
    expect(await names({ fio: 'сидорова мария' })).toEqual(['Мария']);
    expect(await names({ grp: group })).toEqual(['Иван Петров']);
    expect(await names({ search: 'nobody' })).toEqual([]);
  });

  test('a non-numeric after_id is a parameters error', async () => {
    expect(await smscJson(emulator, { get: 1, after_id: 'x' })).toEqual(errorOf(1));
  });

  test.each([
    ['empty-array', '[]'],
    ['empty-body', ''],
    ['error-3', '{\n"error": "record not found",\n"error_code": 3\n}'],
  ] as const)('getEnd %s decides what get, get_group and get_black reply past the last row', async (getEnd, body) => {
    const server = await startEmulator({ getEnd });
    try {
      for (const command of ['get', 'get_group', 'get_black']) expect((await smsc(server, { fmt: 3, [command]: 1 })).text).toBe(body);
    } finally {
      await server.close();
    }
  });
});

describe('groups', () => {
  test('add_group, get_group (number only when set), chg_group, del_group', async () => {
    const plain = await addGroup('New group');
    const numbered = await addGroup('Numbered', { num: 1234, type: 1 });
    expect((await smsc(emulator, { fmt: 3, get_group: 1 })).text).toBe(
      `[{\n"id": ${plain},\n"name": "New group",\n"type": 0\n},\n{\n"id": ${numbered},\n"name": "Numbered",\n"number": 1234,\n"type": 1\n}]`,
    );
    expect((await smsc(emulator, { fmt: 3, chg_group: 1, grp: plain, name: 'My group new name' })).text).toBe('OK');
    expect((await smsc(emulator, { fmt: 3, del_group: 1, grp: numbered })).text).toBe('OK');
    expect(emulator.state().groups).toEqual([{ id: plain, name: 'My group new name', type: 0 }]);
  });

  test('get_group pages by after_id = id', async () => {
    const ids = [await addGroup('a'), await addGroup('b'), await addGroup('c')];
    const page = await smscJson<{ id: number }[]>(emulator, { get_group: 1, after_id: ids[0]! });
    expect(page.map((group) => group.id)).toEqual(ids.slice(1));
  });

  test.each([
    ['add_group without name', { add_group: 1 }, 1],
    ['add_group with a blank name', { add_group: 1, name: ' ' }, 5],
    ['add_group with a taken num', { add_group: 1, name: 'other', num: 77 }, 5],
    ['add_group with type 2', { add_group: 1, name: 'other', type: 2 }, 1],
    ['chg_group on an unknown id', { chg_group: 1, grp: 1, name: 'x' }, 3],
    ['chg_group without name', { chg_group: 1, grp: 'GROUP' }, 1],
    ['chg_group with an empty name', { chg_group: 1, grp: 'GROUP', name: '' }, 1],
    ['chg_group with a blank name', { chg_group: 1, grp: 'GROUP', name: ' ' }, 5],
    ['chg_group without grp', { chg_group: 1, name: 'x' }, 1],
    ['del_group on an unknown id', { del_group: 1, grp: 1 }, 3],
    ['del_group without grp', { del_group: 1 }, 1],
    ['del_group with grp=WRONG123', { del_group: 1, grp: 'WRONG123' }, 1],
  ])('%s → error %i', async (_case, params, code) => {
    const existing = await addGroup('existing', { num: 77 });
    const withId = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, value === 'GROUP' ? existing : value]));
    expect(await smscJson(emulator, withId)).toEqual(errorOf(code));
    expect(emulator.state().groups).toEqual([{ id: existing, name: 'existing', num: 77, type: 0 }]);
  });

  test('del_group removes the group from its contacts and keeps the contacts', async () => {
    const keep = await addGroup('keep');
    const drop = await addGroup('drop');
    await smscJson(emulator, { add: 1, phone: '79000000001', grp: `${keep},${drop}` });
    await smsc(emulator, { del_group: 1, grp: drop });
    expect(emulator.state().contacts.map((contact) => contact.groups)).toEqual([[keep]]);
  });

  test('move_group 1 replaces, 2 adds, 3 removes membership', async () => {
    const [a, b, c] = [await addGroup('a'), await addGroup('b'), await addGroup('c')];
    await smscJson(emulator, { add: 1, phone: '79000000001', grp: a });
    const groupsAfter = async (mode: number, grp: number) => {
      expect((await smsc(emulator, { fmt: 3, move_group: mode, grp, phone: '79000000001' })).text).toBe('OK');
      return emulator.state().contacts[0]!.groups;
    };
    expect(await groupsAfter(2, b)).toEqual([a, b]);
    expect(await groupsAfter(1, c)).toEqual([c]);
    expect(await groupsAfter(2, a)).toEqual([c, a]);
    expect(await groupsAfter(3, c)).toEqual([a]);
    expect((await smsc(emulator, { fmt: 3, move_group: 2, grp: `${b},${c}`, phone: '79000000001' })).text).toBe('OK');
    expect(emulator.state().contacts[0]!.groups).toEqual([a, b, c]);
  });

  test('move_group finds an e-mail contact by one address', async () => {
    const group = await addGroup('mail group');
    await smscJson(emulator, { add: 1, mail: 'anna@example.ru' });
    expect((await smsc(emulator, { fmt: 3, move_group: 2, grp: group, mail: 'anna@example.ru' })).text).toBe('OK');
    expect(emulator.state().contacts[0]!.groups).toEqual([group]);
  });

  test.each([
    ['an unknown group', { move_group: 1, grp: 1, phone: '79000000001' }, 3],
    ['an unknown phone', { move_group: 1, grp: 'GROUP', phone: '79999999999' }, 3],
    ['mode 4', { move_group: 4, grp: 'GROUP', phone: '79000000001' }, 1],
    ['no phone', { move_group: 1, grp: 'GROUP' }, 1],
    ['two phones (the parameter table allows one)', { move_group: 2, grp: 'GROUP', phone: '79000000001,79000000002' }, 1],
    ['two e-mails', { move_group: 2, grp: 'GROUP', mail: 'a@example.ru; b@example.ru' }, 1],
  ])('move_group with %s → error %i', async (_case, params, code) => {
    const group = await addGroup('g');
    await smscJson(emulator, { add: 1, phone: '79000000001' });
    const withId = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, value === 'GROUP' ? group : value]));
    expect(await smscJson(emulator, withId)).toEqual(errorOf(code));
    expect(emulator.state().contacts[0]!.groups).toEqual([]);
  });
});

describe('blacklist', () => {
  test('add_black, get_black paged by id, del_black', async () => {
    const first = await smscJson<{ id: number }>(emulator, { add_black: 1, phone: '+79161234567' });
    const second = await smscJson<{ id: number }>(emulator, { add_black: 1, phone: '79031112233', type: 2 });
    expect((await smsc(emulator, { fmt: 3, get_black: 1 })).text).toBe(
      `[{\n"id": ${first.id},\n"phone": "79161234567",\n"type": "0"\n},\n{\n"id": ${second.id},\n"phone": "79031112233",\n"type": "2"\n}]`,
    );
    expect(await smscJson(emulator, { get_black: 1, after_id: first.id })).toEqual([{ id: second.id, phone: '79031112233', type: '2' }]);
    expect((await smsc(emulator, { fmt: 3, del_black: 1, phone: '79161234567' })).text).toBe('OK');
    expect(emulator.state().blacklist).toEqual([{ id: second.id, phone: '79031112233', type: 2 }]);
  });

  test.each([
    ['add_black without phone', { add_black: 1 }, 1],
    ['add_black with type 3', { add_black: 1, phone: '79000000009', type: 3 }, 1],
    ['add_black of a listed phone', { add_black: 1, phone: '79000000001' }, 5],
    ['del_black of an unlisted phone', { del_black: 1, phone: '79000000009' }, 3],
    ['del_black without phone', { del_black: 1 }, 1],
  ])('%s → error %i', async (_case, params, code) => {
    await smscJson(emulator, { add_black: 1, phone: '79000000001' });
    expect(await smscJson(emulator, params)).toEqual(errorOf(code));
    expect(emulator.state().blacklist.map((entry) => entry.phone)).toEqual(['79000000001']);
  });
});

test('a request naming no command is a parameters error', async () => {
  expect(await smscJson(emulator, { add: 0, name: 'x' })).toEqual({ error: 'parameters error', error_code: 1 });
});

describe('mails.php', () => {
  const mails = { script: 'mails.php' } as const;

  test('runs the same commands on the same account, e-mail groups by default, and counts calls per script', async () => {
    const { id: groupId } = await smscJson<{ id: number }>(emulator, { add_group: 1, name: 'Письма' }, mails);
    const { id } = await smscJson<{ id: number }>(emulator, { add: 1, mail: 'anna@example.com', name: 'Анна', grp: groupId }, mails);
    expect((await smsc(emulator, { chg: 1, mail: 'anna@example.com', name: 'Анна К.' }, mails)).text).toBe('OK');
    expect((await smsc(emulator, { move_group: 3, mail: 'anna@example.com', grp: groupId }, mails)).text).toBe('OK');

    expect(emulator.state().groups).toEqual([{ id: groupId, name: 'Письма', type: 1 }]);
    expect(await contacts()).toEqual([expect.objectContaining({ int_id: String(id), mail: 'anna@example.com', name: 'Анна К.', group: '' })]);
    expect(await smscJson(emulator, { get: 1 }, mails)).toEqual(await contacts());
    expect((await smsc(emulator, { del: 1, mail: 'anna@example.com' }, mails)).text).toBe('OK');
    expect(emulator.state().contacts).toEqual([]);

    const { calls, scripts } = emulator.stats();
    expect(scripts['mails.php']).toEqual({ add_group: 1, add: 1, chg: 1, move_group: 1, get: 1, del: 1 });
    expect(scripts['phones.php']).toEqual({ get: 2 });
    expect(calls).toEqual({ add_group: 1, add: 1, chg: 1, move_group: 1, get: 3, del: 1 });
  });

  test('answers 404 for other scripts', async () => {
    expect((await fetch(`${emulator.url}/sys/mail.php`, { method: 'POST' })).status).toBe(404);
  });
});
