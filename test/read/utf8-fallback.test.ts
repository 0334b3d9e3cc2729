import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createUtf8FallbackDecoder, looksLikeUtf8 } from '../../src/read/utf8-fallback.js';

async function decodeInChunks(bytes: Buffer, size: number, undecided = false) {
  const decoder = createUtf8FallbackDecoder({ undecided });
  const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, index) => bytes.subarray(index * size, (index + 1) * size));
  let text = '';
  for await (const part of Readable.from(chunks).pipe(decoder.stream)) text += String(part);
  return { text, notes: decoder.takeNotesBefore(Infinity) };
}

describe('UTF-8 with a Windows-1251 fallback', () => {
  // Multi-byte characters (2, 3 and 4 bytes), stray Windows-1251 bytes, CR, LF and CRLF.
  const mixed = Buffer.concat([
    Buffer.from('\uFEFFимя;€;😀\r\nстрока ', 'utf8'),
    iconv.encode('Ёлка', 'windows-1251'),
    Buffer.from('\rтри\nчетыре ', 'utf8'),
    Buffer.from([0xe2, 0x82]),
    Buffer.from('\n', 'utf8'),
  ]);

  it('decodes the same, and notes the same lines, whatever the chunk boundaries', async () => {
    const whole = await decodeInChunks(mixed, mixed.length);
    expect(whole.text).toBe('имя;€;😀\r\nстрока Ёлка\rтри\nчетыре в‚\n');
    expect(whole.notes.map(({ line, text }) => ({ line, text }))).toEqual([
      { line: 2, text: 'Ёлка' },
      { line: 4, text: 'в‚' },
    ]);
    for (const size of [1, 2, 3, 5, 7]) {
      const chunked = await decodeInChunks(mixed, size);
      expect(chunked.text).toBe(whole.text);
      expect(chunked.notes.map((note) => note.line)).toEqual([2, 4]);
    }
  });

  it('keeps UTF-8 when the first non-ASCII bytes of an undecided file are UTF-8', async () => {
    const { text, notes } = await decodeInChunks(Buffer.from('a;b\nИван;1\n', 'utf8'), 4, true);
    expect(text).toBe('a;b\nИван;1\n');
    expect(notes).toEqual([]);
  });

  it('tells UTF-8 with a stray byte from Windows-1251 text that happens to hold a valid sequence', () => {
    expect(looksLikeUtf8(Buffer.concat([Buffer.from('Фамилия;Имя\nИванов;', 'utf8'), iconv.encode('Ёлкин', 'windows-1251')]))).toBe(true);
    // `ПЁ` is CF A8 in Windows-1251: a valid UTF-8 sequence among many invalid bytes.
    expect(looksLikeUtf8(iconv.encode('ПЁТР ПЕТРОВ;Москва', 'windows-1251'))).toBe(false);
    expect(looksLikeUtf8(Buffer.from('plain ascii', 'utf8'))).toBe(true);
  });
});
