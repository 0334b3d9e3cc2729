import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { singleByteDecoder } from '../../src/read/single-byte.js';
import { seededRandom } from '../helpers/random.js';

/** The single-byte encodings the worker threads decode (SPLITTABLE_ENCODING in src/threads/tasks.ts). */
const ENCODINGS = ['windows-1251', 'cp1251', 'windows-1252', 'koi8-r', 'koi8-u', 'ibm866', 'cp866', 'iso-8859-5', 'latin1', 'us-ascii', 'maccyrillic'];

describe('singleByteDecoder', () => {
  it.each(ENCODINGS)('decodes %s as iconv-lite does, bytes the platform reads otherwise included', (encoding) => {
    const decode = singleByteDecoder(encoding);
    const random = seededRandom(encoding.length);
    const texts = [Uint8Array.from({ length: 256 }, (_, byte) => byte), Buffer.from([0xef, 0xbb, 0xbf, 0x41]), new Uint8Array(0)];
    for (let i = 0; i < 300; i++) texts.push(Uint8Array.from({ length: 1 + Math.floor(random() * 64) }, () => (random() < 0.3 ? 0x80 + Math.floor(random() * 128) : Math.floor(random() * 256))));
    for (const bytes of texts) expect(decode(bytes), `${encoding} ${Buffer.from(bytes).toString('hex')}`).toBe(iconv.decode(Buffer.from(bytes), encoding));
  });

  it('leaves to iconv-lite a Windows-1251 text holding 0x98, which the platform reads as U+0098', () => {
    expect(new TextDecoder('windows-1251').decode(Uint8Array.of(0x98))).toBe('\u0098');
    expect(singleByteDecoder('windows-1251')(Uint8Array.of(0xc0, 0x98))).toBe('А\uFFFD');
  });
});
