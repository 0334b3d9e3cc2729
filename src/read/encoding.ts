import iconv from 'iconv-lite';
import { ReadError } from './errors.js';
import { FALLBACK_ENCODING, looksLikeUtf8 } from './utf8-fallback.js';

export interface DetectedEncoding {
  /** An iconv-lite encoding name. */
  encoding: string;
  /** The file starts with a byte order mark (iconv-lite's decoder drops it). */
  bom: boolean;
  /** Chosen by content rather than forced: a later undecodable byte means the guess was wrong. */
  guessed: boolean;
}

const BOMS: ReadonlyArray<{ bytes: readonly number[]; encoding: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

/** The encoding a byte order mark at the start of `sample` names (every reader of text goes by it first). */
function byteOrderMark(sample: Buffer): string | undefined {
  return BOMS.find(({ bytes }) => bytes.every((byte, index) => sample[index] === byte))?.encoding;
}

/**
 * The encoding the bytes show by themselves, before any guess from their content: a BOM, else
 * UTF-16 without one (Outlook and other Windows tools write such vCard, HTML and text files).
 * The CSV, HTML and vCard readers and the format sniffer all decide UTF-16 here.
 */
export function evidentEncoding(sample: Buffer): { encoding: string; bom: boolean } | undefined {
  const bom = byteOrderMark(sample);
  if (bom !== undefined) return { encoding: bom, bom: true };
  const utf16 = bomlessUtf16(sample);
  return utf16 === undefined ? undefined : { encoding: utf16, bom: false };
}

/** UTF-16 (either byte order): text whose bytes are not its ASCII characters, so it is decoded before it is split or sniffed. */
export function isUtf16(encoding: string): boolean {
  return /^utf-?16(le|be)?$/i.test(encoding);
}

/** `encoding` (`--encoding`, or what the file names) when iconv-lite can decode it, else the reader's error. */
export function checkedEncoding(file: string, encoding: string, examples = 'utf-8 or windows-1251'): string {
  if (!iconv.encodingExists(encoding)) throw new ReadError('ERR_READ_BAD_ENCODING', file, `unknown encoding ${JSON.stringify(encoding)}: expected a name such as ${examples}`);
  return encoding;
}

/** More control characters than this share of a sample's bytes (or of UTF-16's ASCII units) means it is not text. */
const CONTROL_SHARE_LIMIT = 0.01;

/**
 * Decides how to decode a CSV from its first bytes: a forced encoding wins, then what the bytes
 * show ({@link evidentEncoding}); text that is mostly valid UTF-8 is UTF-8 (a few
 * stray bytes are decoded one by one, see `utf8-fallback.ts`) and anything else is Windows-1251
 * (what Russian Excel writes). Binary data is refused here, before parsing.
 */
export function detectEncoding(sample: Buffer, file: string, forced?: string): DetectedEncoding {
  const evident = evidentEncoding(sample);
  if (forced !== undefined) return { encoding: checkedEncoding(file, forced, 'utf-8, windows-1251 or utf-16le'), bom: evident?.bom === true, guessed: false };
  if (evident) return { encoding: evident.encoding, bom: evident.bom, guessed: !evident.bom };
  refuseBinary(sample, file);
  return { encoding: looksLikeUtf8(sample) ? 'utf-8' : FALLBACK_ENCODING, bom: false, guessed: true };
}

/** Text in any language has spaces, digits, punctuation and line ends: in UTF-16, code units with a NUL high byte. */
const UTF16_ASCII_SHARE = 0.1;

/**
 * UTF-16 without a BOM, in the byte order whose high bytes are NUL in at least a tenth of the
 * code units. Those ASCII units must be text as well: in binary data (16-bit numbers, a
 * workbook's records) the byte beside a NUL is a control character or another NUL about one time
 * in nine, so more than {@link CONTROL_SHARE_LIMIT} of them means not UTF-16. A character whose
 * low byte is NUL (一 U+4E00) is text, so the other byte of a pair is not required to be non-NUL.
 */
function bomlessUtf16(sample: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = Math.floor(sample.length / 2);
  const textual = (highByte: 0 | 1): boolean => {
    let ascii = 0;
    let controls = 0;
    for (let index = 0; index < pairs * 2; index += 2) {
      if (sample[index + highByte] !== 0) continue;
      ascii++;
      if (isControl(sample[index + 1 - highByte] ?? 0)) controls++;
    }
    return ascii >= Math.max(2, pairs * UTF16_ASCII_SHARE) && controls <= ascii * CONTROL_SHARE_LIMIT;
  };
  const le = textual(1);
  const be = textual(0);
  if (le !== be) return le ? 'utf-16le' : 'utf-16be';
  return undefined;
}

/** A byte that is not text in an ASCII-compatible file: TAB, LF, CR and the DOS end-of-file mark are. */
function isControl(byte: number): boolean {
  return byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x1a;
}

function refuseBinary(sample: Buffer, file: string): void {
  const nul = sample.indexOf(0);
  if (nul !== -1) {
    throw new ReadError('ERR_READ_UNREADABLE', file, `not a text file: binary data (a NUL byte at offset ${nul}); expected CSV text or an .xlsx workbook`);
  }
  let controls = 0;
  for (const byte of sample) if (isControl(byte)) controls++;
  if (controls > sample.length * CONTROL_SHARE_LIMIT) {
    throw new ReadError('ERR_READ_UNREADABLE', file, `not a text file: ${controls} control characters in the first ${sample.length} bytes; expected CSV text or an .xlsx workbook`);
  }
}
