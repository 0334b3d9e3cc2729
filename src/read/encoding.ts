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

/** The encoding a byte order mark at the start of `sample` names (every reader of text goes by it first), and the mark's length. */
export function byteOrderMark(sample: Buffer): { encoding: string; length: number } | undefined {
  const match = BOMS.find(({ bytes }) => bytes.every((byte, index) => sample[index] === byte));
  return match && { encoding: match.encoding, length: match.bytes.length };
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

/** More control characters than this share of the sample means the file is not text. */
const CONTROL_SHARE_LIMIT = 0.01;

/**
 * Decides how to decode a CSV from its first bytes: a forced encoding wins, then a BOM, then
 * BOM-less UTF-16 recognised by its NUL pattern; text that is mostly valid UTF-8 is UTF-8 (a few
 * stray bytes are decoded one by one, see `utf8-fallback.ts`) and anything else is Windows-1251
 * (what Russian Excel writes). Binary data is refused here, before parsing.
 */
export function detectEncoding(sample: Buffer, file: string, forced?: string): DetectedEncoding {
  const bomMatch = byteOrderMark(sample);
  if (forced !== undefined) return { encoding: checkedEncoding(file, forced, 'utf-8, windows-1251 or utf-16le'), bom: bomMatch !== undefined, guessed: false };
  if (bomMatch) return { encoding: bomMatch.encoding, bom: true, guessed: false };

  const utf16 = bomlessUtf16(sample);
  if (utf16) return { encoding: utf16, bom: false, guessed: true };
  refuseBinary(sample, file);
  return { encoding: looksLikeUtf8(sample) ? 'utf-8' : FALLBACK_ENCODING, bom: false, guessed: true };
}

/** UTF-16 text without a BOM has NULs in the high byte of every ASCII character and nowhere else. */
function bomlessUtf16(sample: Buffer): string | undefined {
  const pairs = Math.floor(sample.length / 2);
  let evenNuls = 0;
  let oddNuls = 0;
  for (let index = 0; index < pairs * 2; index += 2) {
    if (sample[index] === 0) evenNuls++;
    if (sample[index + 1] === 0) oddNuls++;
  }
  const enough = Math.max(2, pairs / 10);
  if (evenNuls === 0 && oddNuls >= enough) return 'utf-16le';
  if (oddNuls === 0 && evenNuls >= enough) return 'utf-16be';
  return undefined;
}

function refuseBinary(sample: Buffer, file: string): void {
  const nul = sample.indexOf(0);
  if (nul !== -1) {
    throw new ReadError('ERR_READ_UNREADABLE', file, `not a text file: binary data (a NUL byte at offset ${nul}); expected CSV text or an .xlsx workbook`);
  }
  let controls = 0;
  for (const byte of sample) {
    // TAB, LF, CR and the DOS end-of-file mark are normal in text.
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x1a) controls++;
  }
  if (controls > sample.length * CONTROL_SHARE_LIMIT) {
    throw new ReadError('ERR_READ_UNREADABLE', file, `not a text file: ${controls} control characters in the first ${sample.length} bytes; expected CSV text or an .xlsx workbook`);
  }
}
