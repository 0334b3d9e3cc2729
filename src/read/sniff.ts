/** Formats told apart by their first bytes, whatever the file is called. */
import iconv from 'iconv-lite';
import { byteOrderMark, isUtf16 } from './encoding.js';

const HTML_START = /^(?:\s|<!--[\s\S]*?-->)*<(?:!doctype\s+html|html|head|meta|body|table|style|title)[\s>/]/i;
const VCARD_START = /^\s*BEGIN:VCARD\s*$/im;
const UTF8_BOM = /^\xEF\xBB\xBF/;

/** The first kilobyte as Latin-1 without a UTF-8 BOM, or its first 1,024 characters after a UTF-16 BOM: enough for markup and keywords. */
function start(sample: Buffer): string {
  const bom = byteOrderMark(sample);
  if (bom && isUtf16(bom.encoding)) return iconv.decode(sample.subarray(bom.length, bom.length + 2048), bom.encoding);
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
