import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { SaxesParser } from 'saxes';

/** What a part parser sees: element names without their namespace prefix (`x:row` → `row`). */
export interface XmlHandlers {
  open(name: string, attributes: Record<string, string>): void;
  /** Also after a self-closing element. */
  close(name: string): void;
  /** Character data, CDATA included, with entities and character references resolved. */
  text(text: string): void;
}

/** A streaming parser; `write` pushes one decoded chunk through it. */
export interface XmlStream {
  write(text: string): void;
  end(): void;
}

export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/**
 * Namespaces are not resolved (saxes is faster without): SpreadsheetML readers match local names,
 * so any prefix works, and Strict OOXML's other namespace URIs need nothing special.
 */
export function xmlStream(handlers: XmlHandlers): XmlStream {
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  parser.on('opentag', (tag) => handlers.open(localName(tag.name), tag.attributes));
  parser.on('closetag', (tag) => handlers.close(localName(tag.name)));
  parser.on('text', handlers.text);
  parser.on('cdata', handlers.text);
  return { write: (text) => void parser.write(text), end: () => void parser.close() };
}

/**
 * The text of an XML part, chunk by chunk. Parts are UTF-8 unless they start with a UTF-16 byte
 * order mark or, without one, with `<` as UTF-16 (XML 1.0 appendix F).
 */
export async function* xmlText(bytes: Readable): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  for await (const chunk of bytes as AsyncIterable<Buffer>) {
    decoder ??= new TextDecoder(sniffEncoding(chunk), { fatal: true });
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder?.decode() ?? '';
  if (rest !== '') yield rest;
}

function sniffEncoding(start: Buffer): string {
  const [first, second] = start;
  if ((first === 0xff && second === 0xfe) || (first === 0x3c && second === 0x00)) return 'utf-16le';
  if ((first === 0xfe && second === 0xff) || (first === 0x00 && second === 0x3c)) return 'utf-16be';
  return 'utf-8';
}

/** Parses a whole part (a small one: relationships, workbook, styles, shared strings). */
export async function parseXml(bytes: Readable, handlers: XmlHandlers): Promise<void> {
  const stream = xmlStream(handlers);
  for await (const text of xmlText(bytes)) stream.write(text);
  stream.end();
}
