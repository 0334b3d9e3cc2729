import { describe, expect, it } from 'vitest';
import { parseBlackRow, parseContactRow, parseGroupRow, parseReply } from '../../src/smsc/reply.js';
import type { Command } from '../../src/smsc/protocol.js';
import { CAPTURED_GET_ROW_2013 } from '../fixtures/smsc-captures.js';

function failure(command: Command, body: string): unknown {
  try {
    parseReply(command, body);
  } catch (error) {
    return error;
  }
  throw new Error('expected parseReply to throw');
}

describe('parseReply', () => {
  it('reads {"id": N} in the captured layout, and a digit-string id', () => {
    expect(parseReply('add', '{\n"id": 5113988\n}')).toEqual({ kind: 'id', id: 5113988 });
    expect(parseReply('add_black', '{"id": "42"}')).toEqual({ kind: 'id', id: 42 });
  });

  it('reads a JSON array for list commands', () => {
    expect(parseReply('get_group', '[{\n"id": 5924,\n"name": "My group"\n}]')).toEqual({ kind: 'rows', rows: [{ id: 5924, name: 'My group' }] });
  });

  it('reads a bare OK (with surrounding whitespace) for modify commands', () => {
    expect(parseReply('chg', 'OK')).toEqual({ kind: 'ok' });
    expect(parseReply('del_group', ' OK\r\n')).toEqual({ kind: 'ok' });
  });

  it('treats an empty body as done for modify commands and as no rows for list commands', () => {
    expect(parseReply('del', '')).toEqual({ kind: 'ok' });
    expect(parseReply('get', '  \n')).toEqual({ kind: 'rows', rows: [] });
    expect(parseReply('get_black', '')).toEqual({ kind: 'rows', rows: [] });
  });

  it('treats error 3 as no rows on list commands, but as not found on writes', () => {
    const notFound = '{\n"error": "record not found",\n"error_code": 3\n}';
    expect(parseReply('get', notFound)).toEqual({ kind: 'rows', rows: [] });
    expect(failure('del', notFound)).toMatchObject({ code: 'ERR_SMSC_NOT_FOUND', apiCode: 3, command: 'del' });
  });

  it.each([
    [1, 'ERR_SMSC_PARAMETERS', false, false],
    [2, 'ERR_SMSC_AUTH', true, false],
    [4, 'ERR_SMSC_IP_BLOCKED', true, false],
    [5, 'ERR_SMSC_SAVE', false, false],
    [9, 'ERR_SMSC_THROTTLED', false, true],
    [7, 'ERR_SMSC_API', false, false],
  ])('maps error %i to %s (fatal %s, retryable %s)', (apiCode, code, fatal, retryable) => {
    const error = failure('add', JSON.stringify({ error: 'server words', error_code: apiCode }));
    expect(error).toMatchObject({ code, apiCode, fatal, retryable, command: 'add' });
    expect((error as Error).message).toContain('server words');
  });

  it('accepts error_code as a digit string', () => {
    expect(failure('chg', '{"error": "save error", "error_code": "5"}')).toMatchObject({ code: 'ERR_SMSC_SAVE' });
  });

  it('takes a truncated or garbled body for a damaged reply (a sent transport error)', () => {
    for (const body of ['[{"int_id": 1, "phone": "7999', '{"id": 12', 'O', '<html>502 Bad Gateway</html>']) {
      expect(failure('get', body)).toMatchObject({ code: 'ERR_SMSC_TRANSPORT', sent: true, retryable: true });
    }
  });

  it('takes an empty reply to a create command for a lost reply', () => {
    expect(failure('add', '')).toMatchObject({ code: 'ERR_SMSC_TRANSPORT', sent: true });
  });

  it('rejects well-formed replies a command cannot give', () => {
    expect(failure('get', 'OK')).toMatchObject({ code: 'ERR_SMSC_PROTOCOL' });
    expect(failure('add', '[]')).toMatchObject({ code: 'ERR_SMSC_PROTOCOL' });
    expect(failure('chg', '{"foo": 1}')).toMatchObject({ code: 'ERR_SMSC_PROTOCOL' });
    expect(failure('chg', '{"error": "x"}')).toMatchObject({ code: 'ERR_SMSC_PROTOCOL' });
  });

  it('redacts server text with the given function', () => {
    const error = failure('get_group', '{"error": "hello secret", "error_code": 1}');
    expect((error as Error).message).toContain('secret');
    try {
      parseReply('get_group', '{"error": "hello secret", "error_code": 1}', { redact: (text) => text.replaceAll('secret', '***') });
    } catch (redacted) {
      expect((redacted as Error).message).toContain('hello ***');
      expect((redacted as Error).message).not.toContain('secret');
    }
  });
});

describe('row parsers', () => {
  it('maps the 2013 get keys plus int_id and mail to request field names', () => {
    const row = { int_id: '77', ...CAPTURED_GET_ROW_2013, mail: 'a@example.com', unknown_key: 'dropped' };
    expect(parseContactRow(row)).toEqual({
      intId: 77,
      fields: { phone: '79221113340', mail: 'a@example.com', name: 'Anderson', lnm: 'A', fnm: 'T', mnm: 'A', bd: '01.01.1960', grp: '5922', myid: '4321', cmt: 'fake', tags: 'ups', pho: '+79112223351,+79112223352' },
    });
  });

  it('turns numbers and arrays into the comma-joined wire strings and leaves null out', () => {
    expect(parseContactRow({ int_id: 5, phone: 79991234567, group: [1, 2], name: null })).toEqual({ intId: 5, fields: { phone: '79991234567', grp: '1,2' } });
  });

  it('refuses a contact row without int_id (paging would be impossible)', () => {
    expect(() => parseContactRow({ phone: '79991234567' })).toThrow(expect.objectContaining({ code: 'ERR_SMSC_PROTOCOL' }));
    expect(() => parseContactRow('79991234567')).toThrow(expect.objectContaining({ code: 'ERR_SMSC_PROTOCOL' }));
  });

  it('reads groups with `number` (2013) or `num`, and type', () => {
    expect(parseGroupRow({ id: 5921, name: 'New group', number: 1234 })).toEqual({ id: 5921, name: 'New group', num: 1234 });
    expect(parseGroupRow({ id: '7', name: 'Почта', num: '12', type: 1 })).toEqual({ id: 7, name: 'Почта', num: 12, type: 1 });
    expect(parseGroupRow({ id: 8, name: 'Plain' })).toEqual({ id: 8, name: 'Plain' });
    expect(() => parseGroupRow({ name: 'no id' })).toThrow(expect.objectContaining({ code: 'ERR_SMSC_PROTOCOL' }));
  });

  it('reads blacklist rows, type 0 when absent', () => {
    expect(parseBlackRow({ id: 3, phone: '79991234567', type: '2' })).toEqual({ id: 3, phone: '79991234567', type: 2 });
    expect(parseBlackRow({ id: 4, phone: 79991234568 })).toEqual({ id: 4, phone: '79991234568', type: 0 });
    expect(() => parseBlackRow({ id: 4 })).toThrow(expect.objectContaining({ code: 'ERR_SMSC_PROTOCOL' }));
  });
});
