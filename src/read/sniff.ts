/** Formats told apart by their first bytes, whatever the file is called. */
import iconv from 'iconv-lite';
import { evidentEncoding, isUtf16 } from './encoding.js';

const HTML_START = /^(?:\s|<!--[\s\S]*?-->)*<(?:!doctype\s+html|html|head|meta|body|table|style|title)[\s>/]/i;
const VCARD_START = /^\s*BEGIN:VCARD\s*$/im;
const UTF8_BOM = /^\xEF\xBB\xBF/;

/** The first kilobyte as Latin-1 without a UTF-8 BOM, or the first 2 KB of UTF-16 (with a BOM or without) decoded: enough for markup and keywords. */
function start(sample: Buffer): string {
  const evident = evidentEncoding(sample);
  // iconv-lite drops a BOM as it decodes.
  if (evident && isUtf16(evident.encoding)) return iconv.decode(sample.subarray(0, 2048), evident.encoding);
  return sample.subarray(0, 1024).toString('latin1').replace(UTF8_BOM, '');
}

/**
 * Bitrix24's "Excel" export and Excel's "Web page" are HTML named `.xls`: recognised by their
 * first tag (after a BOM, whitespace and comments).
 */
export function isHtml(sample: Buffer): boolean {
  return HTML_START.test(start(sample));
}

/** A vCard file starts with `BEGIN:VCARD` (on its first non-blank line). */
export function isVcard(sample: Buffer): boolean {
  const text = start(sample);
  const match = VCARD_START.exec(text);
  return match !== null && text.slice(0, match.index).trim() === '';
}

/** An OpenDocument package starts with its stored `mimetype` entry (ODF 1.2, part 3, §3.3). */
export function isOds(sample: Buffer): boolean {
  return sample.subarray(30, 30 + 8 + 64).includes('application/vnd.oasis.opendocument.spreadsheet');
}
