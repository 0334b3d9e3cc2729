/**
 * Request parameters the way PHP's `$_REQUEST` sees them: the query string and the body
 * (urlencoded or multipart) merged, the body winning. Values stay raw bytes until the request's
 * `charset` (itself a parameter) is known, because SMSC decodes percent-escapes as bytes of that
 * charset (windows-1251 by default).
 */
import iconv from 'iconv-lite';
import { CHARSETS, DEFAULT_CHARSET, type Charset } from '../smsc/protocol.js';

type RawParams = Map<string, Buffer>;
export type Params = ReadonlyMap<string, string>;

export interface DecodedRequest {
  params: Params;
  charset: Charset;
}

/** Parses `a=1&b=%C8%E2` into raw byte values; later duplicates win, as in PHP. */
function parseUrlencoded(bytes: Buffer, into: RawParams = new Map()): RawParams {
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x26 /* & */, start);
    if (end === -1) end = bytes.length;
    const pair = bytes.subarray(start, end);
    start = end + 1;
    if (pair.length === 0) continue;
    const eq = pair.indexOf(0x3d /* = */);
    const key = percentDecode(eq === -1 ? pair : pair.subarray(0, eq)).toString('latin1');
    const value = eq === -1 ? Buffer.alloc(0) : percentDecode(pair.subarray(eq + 1));
    if (key !== '') into.set(key, value);
  }
  return into;
}

function percentDecode(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0x2b /* + */) {
      out[length++] = 0x20;
    } else if (byte === 0x25 /* % */ && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[length++] = Number.parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16);
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  return out.subarray(0, length);
}

function isHex(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));
}

/**
 * Parses a `multipart/form-data` body. Only form fields matter to phones.php; file parts are kept
 * as fields too (their content is never used). Malformed bodies yield the parts found so far.
 */
function parseMultipart(body: Buffer, boundary: string, into: RawParams = new Map()): RawParams {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  let cursor = body.indexOf(delimiter);
  while (cursor !== -1) {
    const partStart = cursor + delimiter.length;
    if (body[partStart] === 0x2d && body[partStart + 1] === 0x2d) break; // closing `--boundary--`
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    addPart(body.subarray(partStart, next), into);
    cursor = next;
  }
  return into;
}

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');

function addPart(part: Buffer, into: RawParams): void {
  const headerEnd = part.indexOf(HEADER_END);
  if (headerEnd === -1) return;
  const headers = part.subarray(0, headerEnd).toString('latin1');
  const name = /content-disposition:[^\r\n]*?\bname="([^"]*)"/i.exec(headers)?.[1];
  if (name === undefined || name === '') return;
  let value = part.subarray(headerEnd + HEADER_END.length);
  // The CRLF before the next delimiter belongs to the delimiter.
  if (value.length >= 2 && value[value.length - 2] === 0x0d && value[value.length - 1] === 0x0a) value = value.subarray(0, -2);
  into.set(name, value);
}

/** Reads the boundary of a `multipart/form-data` Content-Type, or undefined for any other type. */
function multipartBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^\s*multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = /\bboundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** The charset a request asked for; unknown names fall back to the service default, as PHP would. */
function requestCharset(raw: RawParams): Charset {
  const asked = raw.get('charset')?.toString('latin1').trim().toLowerCase();
  return (CHARSETS as readonly string[]).includes(asked ?? '') ? (asked as Charset) : DEFAULT_CHARSET;
}

/**
 * Merges query-string and body parameters (body wins) and decodes them in the request's charset.
 * `rawQuery` is the part of the request target after `?`, as bytes.
 */
export function decodeRequest(rawQuery: Buffer, body: Buffer, contentType: string | undefined): DecodedRequest {
  const raw = parseUrlencoded(rawQuery);
  if (body.length > 0) {
    const boundary = multipartBoundary(contentType);
    if (boundary !== undefined) parseMultipart(body, boundary, raw);
    else parseUrlencoded(body, raw);
  }
  const charset = requestCharset(raw);
  const params = new Map<string, string>();
  for (const [key, value] of raw) params.set(key, iconv.decode(value, charset));
  return { params, charset };
}
