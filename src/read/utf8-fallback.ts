import { isAscii, isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';

/** What bytes that are not UTF-8 are taken for: what Russian Excel and 1C write. */
export const FALLBACK_ENCODING = 'windows-1251';
const FALLBACK_NAME = 'Windows-1251';
/** A sample is UTF-8 when its valid multi-byte sequences outnumber its invalid runs this much. */
const UTF8_MAJORITY = 4;
const BYTES_IN_NOTE = 12;

const INVALID = 0;
const INCOMPLETE = -1;

/**
 * A place where the bytes were not UTF-8. `line` is the file line (1-based) the bytes are on;
 * `switched`: the file looked like ASCII so far, and from here on is read as Windows-1251.
 */
export interface FallbackNote {
  line: number;
  bytes: Buffer;
  text: string;
  switched: boolean;
}

export interface Utf8FallbackDecoder {
  /** Bytes in, text out. */
  stream: Transform;
  /** Removes and returns the notes about lines before `line`. */
  takeNotesBefore(line: number): FallbackNote[];
}

/**
 * Decides whether a sample is UTF-8: a stray Windows-1251 byte in a UTF-8 file must not turn the
 * whole file into mojibake, while Windows-1251 text only rarely forms a valid UTF-8 sequence
 * (`ПЁ` does) — so the valid sequences have to be the clear majority.
 */
export function looksLikeUtf8(sample: Buffer): boolean {
  if (isUtf8(sample)) return true;
  let valid = 0;
  let invalidRuns = 0;
  let inInvalidRun = false;
  for (let index = 0; index < sample.length; ) {
    const length = sequenceAt(sample, index);
    if (length === INCOMPLETE) break;
    if (length === INVALID) {
      if (!inInvalidRun) invalidRuns++;
      inInvalidRun = true;
      index++;
      continue;
    }
    inInvalidRun = false;
    if (length > 1) valid++;
    index += length;
  }
  return valid > 0 && valid >= invalidRuns * UTF8_MAJORITY;
}

/**
 * A streaming UTF-8 decoder that takes each run of bytes that are not UTF-8 for Windows-1251 and
 * notes its line, instead of turning it into U+FFFD. With `undecided` (everything so far was
 * ASCII), the first non-ASCII bytes decide: valid UTF-8 keeps it UTF-8; otherwise the rest of the
 * file is read as Windows-1251, with one note.
 * Lines are counted as the CSV reader counts them: LF, CRLF and a lone CR each end one.
 */
export function createUtf8FallbackDecoder(options: { undecided: boolean }): Utf8FallbackDecoder {
  let mode: 'undecided' | 'utf-8' | 'fallback' = options.undecided ? 'undecided' : 'utf-8';
  let carry = Buffer.alloc(0);
  let line = 1;
  let afterCr = false;
  let started = false;
  let invalidAtEnd = false;
  const notes: FallbackNote[] = [];
  const textDecoder = new TextDecoder('utf-8');

  const countBreaks = (bytes: Buffer, from: number, to: number): void => {
    for (let index = from; index < to; index++) {
      const byte = bytes[index];
      if (byte === 0x0d) line++;
      else if (byte === 0x0a && !afterCr) line++;
      afterCr = byte === 0x0d;
    }
  };

  /** Decodes `bytes`, which end on a sequence boundary (or the end of the file). */
  const decode = (bytes: Buffer): string => {
    if (mode === 'fallback') return iconv.decode(bytes, FALLBACK_ENCODING);
    const continuesRun = invalidAtEnd;
    invalidAtEnd = false;
    if (isUtf8(bytes)) {
      if (mode === 'undecided' && !isAscii(bytes)) mode = 'utf-8';
      countBreaksFast(bytes);
      return textDecoder.decode(bytes);
    }
    let text = '';
    let validFrom = 0;
    for (let index = 0; index < bytes.length; ) {
      const length = sequenceAt(bytes, index);
      if (length > 0) {
        if (length > 1 && mode === 'undecided') mode = 'utf-8';
        index += length;
        continue;
      }
      text += bytes.toString('utf8', validFrom, index);
      countBreaks(bytes, validFrom, index);
      if (mode === 'undecided') {
        mode = 'fallback';
        const rest = iconv.decode(bytes.subarray(index), FALLBACK_ENCODING);
        notes.push({ line, bytes: Buffer.from(bytes.subarray(index, index + BYTES_IN_NOTE)), text: rest.slice(0, BYTES_IN_NOTE), switched: true });
        return text + rest;
      }
      let end = index + 1;
      while (end < bytes.length && sequenceAt(bytes, end) <= 0) end++;
      const taken = iconv.decode(bytes.subarray(index, end), FALLBACK_ENCODING);
      // Invalid bytes are ≥ 0x80: they never end a line.
      const last = notes.at(-1);
      if (index === 0 && continuesRun && last) {
        // The run began in the previous chunk.
        last.text += taken;
        last.bytes = Buffer.concat([last.bytes, bytes.subarray(0, end)]).subarray(0, BYTES_IN_NOTE);
      } else {
        notes.push({ line, bytes: Buffer.from(bytes.subarray(index, Math.min(end, index + BYTES_IN_NOTE))), text: taken, switched: false });
      }
      invalidAtEnd = end === bytes.length;
      text += taken;
      validFrom = index = end;
    }
    countBreaks(bytes, validFrom, bytes.length);
    return text + bytes.toString('utf8', validFrom);
  };

  /** The common case (valid UTF-8): native searches instead of a loop over every byte. */
  const countBreaksFast = (bytes: Buffer): void => {
    if (bytes.length === 0) return;
    for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) {
      if (at === 0 ? !afterCr : bytes[at - 1] !== 0x0d) line++;
    }
    for (let at = bytes.indexOf(0x0d); at !== -1; at = bytes.indexOf(0x0d, at + 1)) line++;
    afterCr = bytes[bytes.length - 1] === 0x0d;
  };

  const emit = (stream: Transform, text: string): void => {
    // The BOM is not text (iconv-lite drops it the same way).
    const body = started ? text : text.replace(/^\uFEFF/, '');
    if (body.length > 0) started = true;
    if (body.length > 0) stream.push(body);
  };

  const stream = new Transform({
    // Text stays text on the way out (without it every string would be encoded back to bytes).
    encoding: 'utf8',
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const bytes = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
      const end = mode === 'fallback' ? bytes.length : completeEnd(bytes);
      carry = Buffer.from(bytes.subarray(end));
      if (end > 0) emit(this, decode(bytes.subarray(0, end)));
      callback();
    },
    flush(callback: TransformCallback) {
      // A sequence cut by the end of the file is not UTF-8 either.
      if (carry.length > 0) emit(this, decode(carry));
      callback();
    },
  });

  return {
    stream,
    takeNotesBefore(before) {
      let count = 0;
      while (count < notes.length && (notes[count]?.line ?? Infinity) < before) count++;
      return notes.splice(0, count);
    },
  };
}

const NOTES_IN_MESSAGE = 3;

/** `row 7: not UTF-8, read as Windows-1251: "Ёлкин" (bytes A8 EB EA E8 ED)`: one message per row. */
export function describeFallback(notes: readonly FallbackNote[], row: number): string {
  const hex = (bytes: Buffer) => [...bytes].map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(' ');
  const switched = notes.find((note) => note.switched);
  if (switched) {
    return `row ${row}: the file was plain ASCII up to here and is not UTF-8 from here on (bytes ${hex(switched.bytes)} …): read the rest as ${FALLBACK_NAME} ("${switched.text}…")`;
  }
  const shown = notes.slice(0, NOTES_IN_MESSAGE).map((note) => `"${note.text}" (bytes ${hex(note.bytes)}${note.bytes.length === BYTES_IN_NOTE ? ' …' : ''})`);
  const more = notes.length > NOTES_IN_MESSAGE ? ` and ${notes.length - NOTES_IN_MESSAGE} more` : '';
  return `row ${row}: not UTF-8, read as ${FALLBACK_NAME}: ${shown.join(', ')}${more}`;
}

/** Where the last complete sequence ends; a valid start of a sequence cut by the chunk waits. */
function completeEnd(bytes: Buffer): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const index = bytes.length - back;
    const byte = bytes[index] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    return sequenceAt(bytes, index) === INCOMPLETE ? index : bytes.length;
  }
  return bytes.length;
}

/**
 * The length of the well-formed UTF-8 sequence at `index` (Unicode table 3-7: no overlong forms,
 * no surrogates, nothing above U+10FFFF), {@link INVALID}, or {@link INCOMPLETE} when the buffer
 * ends inside a sequence that is valid so far.
 */
function sequenceAt(bytes: Buffer, index: number): number {
  const lead = bytes[index] ?? 0;
  if (lead < 0x80) return 1;
  let need: number;
  let min = 0x80;
  let max = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) need = 1;
  else if (lead >= 0xe0 && lead <= 0xef) {
    need = 2;
    if (lead === 0xe0) min = 0xa0;
    if (lead === 0xed) max = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    need = 3;
    if (lead === 0xf0) min = 0x90;
    if (lead === 0xf4) max = 0x8f;
  } else return INVALID;
  for (let offset = 1; offset <= need; offset++) {
    if (index + offset >= bytes.length) return INCOMPLETE;
    const byte = bytes[index + offset] ?? 0;
    if (offset === 1 ? byte < min || byte > max : (byte & 0xc0) !== 0x80) return INVALID;
  }
  return need + 1;
}
