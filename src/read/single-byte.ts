/**
 * Single-byte text (Windows-1251, KOI8-R…) decoded by the platform's TextDecoder (ICU: native, ~2×
 * iconv-lite's speed here) wherever it gives iconv-lite's characters. Such a decoding maps each
 * byte alone, so comparing the two over the 256 bytes once tells them apart exactly; a text
 * holding a byte they read differently (Windows-1251's 0x98: U+FFFD for iconv-lite, U+0098 for
 * ICU) is iconv-lite's, so what the one-thread reader (iconv-lite) gives is what this gives.
 */
import { TextDecoder } from 'node:util';
import iconv from 'iconv-lite';

/** More bytes than this read differently, and the encoding is not worth checking each text for them. */
const MAX_DIFFERING_BYTES = 4;

export function singleByteDecoder(encoding: string): (bytes: Uint8Array) => string {
  const withIconv = (bytes: Uint8Array): string => iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
  const every = Uint8Array.from({ length: 256 }, (_, byte) => byte);
  const expected = withIconv(every);
  let native: TextDecoder;
  try {
    native = new TextDecoder(encoding);
  } catch {
    return withIconv;
  }
  const actual = native.decode(every);
  if (expected.length !== 256 || actual.length !== 256) return withIconv;
  const differing = [...every].filter((byte) => expected[byte] !== actual[byte]);
  if (differing.length > MAX_DIFFERING_BYTES) return withIconv;
  return (bytes) => (differing.some((byte) => bytes.includes(byte)) ? withIconv(bytes) : native.decode(bytes));
}
