import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import iconv from 'iconv-lite';
import { checkedEncoding, evidentEncoding, isUtf16 } from './encoding.js';
import { ReadError } from './errors.js';
import type { ReadOptions, SourceRow, Table } from './types.js';
import { FALLBACK_ENCODING } from './utf8-fallback.js';

/**
 * The columns a vCard becomes, in this order (documented in README): the name, the name's parts,
 * phones by type (`TEL` holds untyped and other ones), all e-mails, and the rest.
 */
export const VCARD_COLUMNS = [
  'FN',
  'N.family',
  'N.given',
  'N.additional',
  'N.prefix',
  'N.suffix',
  'NICKNAME',
  'ORG',
  'TITLE',
  'TEL;CELL',
  'TEL;WORK',
  'TEL;HOME',
  'TEL;FAX',
  'TEL',
  'EMAIL',
  'BDAY',
  'CATEGORIES',
  'NOTE',
  'UID',
] as const;
type Column = (typeof VCARD_COLUMNS)[number];
const N_PARTS = ['N.family', 'N.given', 'N.additional', 'N.prefix', 'N.suffix'] as const;

/** A physical line longer than this is data (a photo on one line), never a name or a phone. */
const MAX_LINE_BYTES = 1 << 20;
/** Of an over-long line only this much is kept: enough to see which property it is. */
const KEPT_OF_LONG_LINE = 256;
/** Binary properties: skipped line by line, never assembled. */
const BINARY = new Set(['PHOTO', 'LOGO', 'SOUND', 'KEY']);

interface PhysicalLine {
  number: number;
  bytes: Buffer;
  /** The line was longer than {@link MAX_LINE_BYTES}; `bytes` is its start only. */
  cut: boolean;
}

interface Property {
  line: number;
  group: string;
  name: string;
  params: Map<string, string[]>;
  /** Bare parameters (vCard 2.1 `TEL;CELL;VOICE:`), upper-cased. */
  bare: string[];
  value: string;
}

/** A property cut at {@link MAX_LINE_BYTES}: the card it is in is named when it is refused. */
interface TooLong {
  tooLong: true;
  line: number;
}

interface Card {
  number: number;
  line: number;
  properties: Property[];
}

/**
 * Reads a .vcf as a table: one card is one row (numbered by the card's position in the file)
 * whose columns are {@link VCARD_COLUMNS}. vCard 2.1 (Android, Outlook: QUOTED-PRINTABLE with
 * soft line breaks, `CHARSET=`, bare types), 3.0 (iPhone, Google: `item1.` groups with
 * `X-ABLabel`, Apple's year 1604 meaning "no year") and 4.0. Streams: only the current card is
 * held, and photos are skipped as they are read.
 */
export async function openVcard(file: string, sample: Buffer, options: ReadOptions): Promise<Table> {
  if (options.encoding !== undefined) checkedEncoding(file, options.encoding);
  // A UTF-16 file (Outlook's "Unicode" export, with a BOM or without) is read as the UTF-8 it is turned into, line by line as any other.
  const declared = options.encoding ?? evidentEncoding(sample)?.encoding;
  const utf16 = declared !== undefined && isUtf16(declared) ? declared : undefined;
  return {
    info: { file, format: 'vcard', ...(utf16 === undefined ? {} : { encoding: utf16 }), headerRow: 0, headers: [...VCARD_COLUMNS] },
    rows: cardRows(file, utf16 === undefined ? options : { ...options, encoding: 'utf-8' }, utf16),
  };
}

async function* cardRows(file: string, options: ReadOptions, utf16: string | undefined): AsyncGenerator<SourceRow> {
  let card: Card | undefined;
  let cards = 0;
  const finish = (open: Card): SourceRow => ({ row: open.number, cells: cardCells(open.properties) });
  const unterminated = (open: Card, what: string) =>
    options.onWarning?.({ code: 'VCARD_UNTERMINATED', row: open.number, message: `card ${open.number} (line ${open.line}) has no END:VCARD before ${what}; read up to there` });

  for await (const property of properties(file, options.encoding, utf16)) {
    if ('tooLong' in property) {
      throw new ReadError('ERR_READ_CORRUPT', file, `a property longer than ${MAX_LINE_BYTES} bytes on line ${property.line}: not a vCard line`, { row: card?.number });
    }
    if (property.name === 'BEGIN' && property.value.trim().toUpperCase() === 'VCARD') {
      if (card) {
        unterminated(card, `the next card on line ${property.line}`);
        yield finish(card);
      }
      card = { number: ++cards, line: property.line, properties: [] };
    } else if (property.name === 'END' && property.value.trim().toUpperCase() === 'VCARD') {
      if (card) yield finish(card);
      card = undefined;
    } else {
      card?.properties.push(property);
    }
  }
  if (card) {
    unterminated(card, 'the end of the file');
    yield finish(card);
  }
  if (cards === 0) throw new ReadError('ERR_READ_EMPTY', file, 'no vCard (BEGIN:VCARD … END:VCARD) in the file');
}

/** Logical properties: folded lines unfolded, QUOTED-PRINTABLE soft breaks joined, values decoded. */
async function* properties(file: string, forcedCharset: string | undefined, utf16: string | undefined): AsyncGenerator<Property | TooLong> {
  let current: { line: number; parts: Buffer[]; quotedPrintable: boolean; skip: boolean; cut: boolean } | undefined;
  const complete = (): Property | TooLong | undefined => {
    if (!current || current.skip) return undefined;
    if (current.cut) return { tooLong: true, line: current.line };
    return parseProperty(Buffer.concat(current.parts), current.line, forcedCharset);
  };

  for await (const physical of physicalLines(file, utf16)) {
    const { bytes } = physical;
    const last = current?.parts.at(-1);
    if (current && current.quotedPrintable && last !== undefined && last.at(-1) === 0x3d) {
      // A QP soft line break: the `=` goes, the next line goes on as it is (a UTF-8 sequence may be cut here).
      current.parts[current.parts.length - 1] = last.subarray(0, -1);
      current.parts.push(bytes);
      current.cut ||= physical.cut;
    } else if (current && (bytes[0] === 0x20 || bytes[0] === 0x09)) {
      if (!current.skip) current.parts.push(bytes.subarray(1));
      current.cut ||= physical.cut && !current.skip;
    } else {
      const property = complete();
      if (property) yield property;
      current = undefined;
      if (bytes.length === 0) continue;
      const head = headOf(bytes);
      const skip = BINARY.has(head.name);
      current = { line: physical.number, parts: skip ? [] : [bytes], quotedPrintable: head.quotedPrintable, skip, cut: physical.cut && !skip };
    }
  }
  const property = complete();
  if (property) yield property;
}

/** Lines split on LF (a CR before it dropped), each at most {@link MAX_LINE_BYTES} held; a UTF-16 file's as UTF-8. */
async function* physicalLines(file: string, utf16: string | undefined): AsyncGenerator<PhysicalLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let cut = false;
  let number = 0;
  const line = (tail: Buffer): PhysicalLine => {
    let bytes = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    if (bytes.at(-1) === 0x0d) bytes = bytes.subarray(0, -1);
    const result = { number: ++number, bytes, cut };
    pending = [];
    pendingBytes = 0;
    cut = false;
    return result;
  };
  const keep = (part: Buffer) => {
    if (cut) return;
    if (pendingBytes + part.length > MAX_LINE_BYTES) {
      pending = [Buffer.concat([...pending, part]).subarray(0, KEPT_OF_LONG_LINE)];
      pendingBytes = KEPT_OF_LONG_LINE;
      cut = true;
      return;
    }
    pending.push(Buffer.from(part));
    pendingBytes += part.length;
  };
  const bytes = utf16 === undefined ? createReadStream(file) : pipeline(createReadStream(file), iconv.decodeStream(utf16), iconv.encodeStream('utf-8'), () => undefined);
  for await (const chunk of bytes as AsyncIterable<Buffer>) {
    let from = 0;
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, from)) {
      const part = chunk.subarray(from, at);
      if (cut) yield line(Buffer.alloc(0));
      else if (pendingBytes + part.length > MAX_LINE_BYTES) {
        keep(part);
        yield line(Buffer.alloc(0));
      } else yield line(part);
      from = at + 1;
    }
    keep(chunk.subarray(from));
  }
  if (pendingBytes > 0 || cut) yield line(Buffer.alloc(0));
}

/** Name and encoding of a property from the start of its first line. */
function headOf(bytes: Buffer): { name: string; quotedPrintable: boolean } {
  const text = bytes.subarray(0, KEPT_OF_LONG_LINE).toString('latin1');
  const colon = text.indexOf(':');
  const head = colon === -1 ? text : text.slice(0, colon);
  const [nameWithGroup = ''] = head.split(';', 1);
  return { name: nameWithGroup.slice(nameWithGroup.lastIndexOf('.') + 1).toUpperCase(), quotedPrintable: /;\s*(?:ENCODING\s*=\s*)?QUOTED-PRINTABLE\s*(?:[;:]|$)/i.test(head + ':') };
}

function parseProperty(bytes: Buffer, line: number, forcedCharset: string | undefined): Property | undefined {
  // The head is ASCII by every version of the format; the value's bytes are decoded by its charset.
  const colon = headEnd(bytes);
  if (colon === -1) return undefined;
  const [nameWithGroup = '', ...rawParams] = splitOutsideQuotes(bytes.subarray(0, colon).toString('latin1'), ';');
  const dot = nameWithGroup.lastIndexOf('.');
  const params = new Map<string, string[]>();
  const bare: string[] = [];
  for (const raw of rawParams) {
    const equals = raw.indexOf('=');
    if (equals === -1) {
      bare.push(raw.trim().toUpperCase());
      continue;
    }
    const key = raw.slice(0, equals).trim().toUpperCase();
    let values = splitOutsideQuotes(raw.slice(equals + 1), ',').map((value) => value.trim().replace(/^"|"$/g, ''));
    // vCard 4.0 quotes the whole list: TYPE="cell,voice".
    if (key === 'TYPE') values = values.flatMap((value) => value.split(','));
    params.set(key, [...(params.get(key) ?? []), ...values]);
  }
  let value = bytes.subarray(colon + 1);
  const encoding = (params.get('ENCODING')?.[0] ?? bare.find((param) => param === 'QUOTED-PRINTABLE' || param === 'BASE64' || param === 'B') ?? '').toUpperCase();
  if (encoding === 'QUOTED-PRINTABLE') value = decodeQuotedPrintable(value);
  else if (encoding === 'BASE64' || encoding === 'B') value = Buffer.from(value.toString('latin1'), 'base64');
  return {
    line,
    group: dot === -1 ? '' : nameWithGroup.slice(0, dot).toLowerCase(),
    name: nameWithGroup.slice(dot + 1).toUpperCase(),
    params,
    bare,
    value: decodeText(value, forcedCharset ?? params.get('CHARSET')?.[0]),
  };
}

/** Where the head ends: the first `:` outside double quotes (a parameter value may hold one). */
function headEnd(bytes: Buffer): number {
  let quoted = false;
  for (let index = 0; index < bytes.length; index++) {
    if (bytes[index] === 0x22) quoted = !quoted;
    else if (bytes[index] === 0x3a && !quoted) return index;
  }
  return -1;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '"') quoted = !quoted;
    else if (text[index] === separator && !quoted) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function decodeQuotedPrintable(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  let length = 0;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index] ?? 0;
    if (byte === 0x3d && index + 2 < bytes.length && isHex(bytes[index + 1]) && isHex(bytes[index + 2])) {
      out[length++] = Number.parseInt(bytes.subarray(index + 1, index + 3).toString('latin1'), 16);
      index += 2;
    } else out[length++] = byte;
  }
  return out.subarray(0, length);
}

function isHex(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));
}

/** The declared charset; undeclared, UTF-8 when the bytes are, else Outlook's ANSI (Windows-1251). */
function decodeText(bytes: Buffer, charset: string | undefined): string {
  if (charset !== undefined && iconv.encodingExists(charset)) return iconv.decode(bytes, charset);
  return isUtf8(bytes) ? bytes.toString('utf8') : iconv.decode(bytes, FALLBACK_ENCODING);
}

/** A value with vCard 3.0/4.0 escapes (`\n`, `\,`, `\;`, `\\`) undone, split at unescaped `separator`s. */
function components(value: string, separator?: ';' | ','): string[] {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    if (char === '\\' && index + 1 < value.length) {
      const next = value[++index] ?? '';
      current += next === 'n' || next === 'N' ? '\n' : next;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

const text = (value: string): string => components(value).join('').trim();

function cardCells(properties: readonly Property[]): string[] {
  const values = new Map<Column, string[]>();
  const add = (column: Column, value: string, first = false) => {
    if (value === '') return;
    const list = values.get(column) ?? [];
    if (first) list.unshift(value);
    else list.push(value);
    values.set(column, list);
  };
  const labels = new Map<string, string>();
  for (const property of properties) if (property.name === 'X-ABLABEL' && property.group !== '') labels.set(property.group, text(property.value));

  for (const property of properties) {
    const types = typesOf(property);
    const preferred = types.has('PREF') || property.params.has('PREF');
    switch (property.name) {
      case 'FN':
      case 'NICKNAME':
      case 'TITLE':
      case 'UID':
        add(property.name, text(property.value));
        break;
      case 'N':
        components(property.value, ';').forEach((part, index) => {
          const column = N_PARTS[index];
          if (column) add(column, part.trim());
        });
        break;
      case 'ORG':
        add('ORG', components(property.value, ';').map((part) => part.trim()).filter((part) => part !== '').join(', '));
        break;
      case 'TEL':
        add(phoneColumn(types, labels.get(property.group)), text(property.value).replace(/^tel:/i, ''), preferred);
        break;
      case 'EMAIL':
        add('EMAIL', text(property.value).replace(/^mailto:/i, ''), preferred);
        break;
      case 'BDAY':
        add('BDAY', birthday(text(property.value)));
        break;
      case 'CATEGORIES':
        for (const category of components(property.value, ',')) add('CATEGORIES', category.trim());
        break;
      case 'NOTE':
        add('NOTE', text(property.value));
        break;
    }
  }
  return VCARD_COLUMNS.map((column) => {
    const list = values.get(column) ?? [];
    if (column === 'NOTE') return list.join('\n');
    // One value for single-valued properties; lists are what the normalizer splits (`, `).
    return column === 'FN' || column === 'UID' || column === 'BDAY' || column.startsWith('N.') ? (list[0] ?? '') : list.join(', ');
  });
}

function typesOf(property: Property): Set<string> {
  const types = new Set(property.bare);
  for (const type of property.params.get('TYPE') ?? []) types.add(type.toUpperCase());
  return types;
}

/** Apple's `_$!<Mobile>!$_`, iPhone, custom labels in English or Russian; else the TYPE. */
function phoneColumn(types: ReadonlySet<string>, label: string | undefined): Column {
  const name = (label ?? '').replace(/^_\$!<(.*)>!\$_$/, '$1').toLowerCase();
  if (types.has('FAX') || /fax|факс/.test(name)) return 'TEL;FAX';
  if (types.has('CELL') || types.has('MOBILE') || types.has('IPHONE') || /mobile|iphone|cell|моб|сот/.test(name)) return 'TEL;CELL';
  if (types.has('WORK') || /work|раб/.test(name)) return 'TEL;WORK';
  if (types.has('HOME') || /home|дом/.test(name)) return 'TEL;HOME';
  return 'TEL';
}

/**
 * `YYYY-MM-DD`, or `--MM-DD` without a year: from `19850507`, `1985-05-07`, date-times
 * (`19850507T000000Z`), `--0507`, `--05-07` and Apple's 1604 (its "no year").
 */
export function birthday(value: string): string {
  const match = /^(\d{4}|--)-?(\d{2})-?(\d{2})(?:T.*)?$/.exec(value);
  if (!match) return value;
  const [, year, month, day] = match;
  return year === '--' || year === '1604' ? `--${month}-${day}` : `${year}-${month}-${day}`;
}
