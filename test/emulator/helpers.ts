/** HTTP-level helpers for the emulator tests: real requests to a started emulator. */
import iconv from 'iconv-lite';
import { SCRIPTS, type Charset, type Script } from '../../src/smsc/protocol.js';
import type { RunningEmulator } from '../../src/emulator/index.js';

export const DEMO_AUTH = { login: 'demo', psw: 'demo-password' } as const;

export type Transport = 'get' | 'post' | 'multipart';

export interface SmscReply {
  status: number;
  contentType: string | null;
  body: Buffer;
  /** The body decoded in the charset the request asked for. */
  text: string;
}

/** Percent-encodes every byte of the value as encoded in `charset`, the way SMSC clients do. */
export function encodeForm(params: Record<string, string | number>, charset: Charset): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${[...iconv.encode(String(value), charset)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')}`)
    .join('&');
}

/** A multipart body whose field values are the bytes of `charset`. */
export function encodeMultipart(params: Record<string, string | number>, charset: Charset, boundary: string): Buffer {
  const parts = Object.entries(params).map(([key, value]) =>
    Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n`, 'latin1'), iconv.encode(String(value), charset), Buffer.from('\r\n', 'latin1')]),
  );
  return Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`, 'latin1')]);
}

/**
 * Calls phones.php (or `script`) with `params` (plus demo credentials unless `auth` is given) over the chosen
 * transport. `charset` is sent as a parameter unless it is the service default and `sendCharset` is false.
 */
export async function smsc(
  emulator: RunningEmulator,
  params: Record<string, string | number>,
  options: { transport?: Transport; charset?: Charset; auth?: Record<string, string>; script?: Script } = {},
): Promise<SmscReply> {
  const { transport = 'post', charset = 'utf-8', auth = DEMO_AUTH, script = 'phones.php' } = options;
  const all = { ...auth, charset, ...params };
  const url = `${emulator.url}${SCRIPTS[script]}`;
  let response: Response;
  if (transport === 'get') {
    response = await fetch(`${url}?${encodeForm(all, charset)}`);
  } else if (transport === 'post') {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: encodeForm(all, charset) });
  } else {
    const boundary = '----smsc-etl-test-boundary';
    response = await fetch(url, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: encodeMultipart(all, charset, boundary) });
  }
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, contentType: response.headers.get('content-type'), body, text: iconv.decode(body, charset) };
}

/** fmt=3 JSON reply parsed; fails the test on anything else. */
export async function smscJson<T = unknown>(emulator: RunningEmulator, params: Record<string, string | number>, options?: Parameters<typeof smsc>[2]): Promise<T> {
  const reply = await smsc(emulator, { fmt: 3, ...params }, options);
  return JSON.parse(reply.text) as T;
}

export type ContactRow = Record<string, string>;
