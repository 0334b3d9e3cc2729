import { describe, expect, test } from 'vitest';
import { decodeRequest } from '../../src/emulator/params.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const decode = (query: string, body = '', contentType?: string) => decodeRequest(bytes(query), bytes(body), contentType);

describe('decodeRequest', () => {
  test('percent-escapes are bytes of the request charset (windows-1251 by default)', () => {
    expect(decode('name=%C8%E2%E0%ED').params.get('name')).toBe('Иван');
    expect(decode('name=%E9%D7%C1%CE&charset=koi8-r').params.get('name')).toBe('Иван');
    expect(decode('name=%D0%98%D0%B2%D0%B0%D0%BD&charset=UTF-8')).toEqual({ params: new Map([['name', 'Иван'], ['charset', 'UTF-8']]), charset: 'utf-8' });
  });

  test('an unknown charset falls back to windows-1251', () => {
    expect(decode('charset=latin9&name=%C8').charset).toBe('windows-1251');
  });

  test('+ is a space, broken escapes stay literal, a key without = is empty, the last duplicate wins', () => {
    const { params } = decode('name=a+b&cmt=100%zz%4&get&phone=1&phone=2&=orphan&&charset=utf-8');
    expect(Object.fromEntries(params)).toEqual({ name: 'a b', cmt: '100%zz%4', get: '', phone: '2', charset: 'utf-8' });
  });

  test('the body wins over the query; a body without a content type is read as urlencoded', () => {
    expect(decode('name=query&fmt=3', 'name=body').params).toEqual(new Map([['name', 'body'], ['fmt', '3']]));
  });

  test('multipart: quoted boundary, file parts read as fields, CRLF inside values kept', () => {
    const body = ['--b-x', 'Content-Disposition: form-data; name="cmt"', '', 'line1\r\nline2', '--b-x', 'Content-Disposition: form-data; name="file"; filename="a.txt"', 'Content-Type: text/plain', '', 'content', '--b-x--', ''].join('\r\n');
    const { params } = decodeRequest(Buffer.alloc(0), bytes(body), 'multipart/form-data; boundary="b-x"');
    expect(Object.fromEntries(params)).toEqual({ cmt: 'line1\r\nline2', file: 'content' });
  });
});
