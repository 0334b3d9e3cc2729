import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvParseOptions, lineBreaks } from '../../src/read/csv.js';
import { splitCsv, TooLongRecord } from '../../src/read/csv-split.js';
import { seededRandom } from '../helpers/random.js';
import { trickyCsv } from './tricky-csv.js';

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  // One reused buffer, as the threaded clean reads: the splitter must copy what it keeps.
  const reused = Buffer.alloc(size);
  for (let offset = 0; offset < bytes.length; offset += size) {
    const length = bytes.copy(reused, 0, offset, offset + size);
    yield reused.subarray(0, length);
  }
}

type Records = { line: number; cells: string[] }[];

/** The records one parser sees, with each record's line as the CSV reader numbers it. */
function parseWhole(text: string, delimiter: string, recordDelimiter?: string, firstLine = 1, bom = true): { records: Records; nextLine: number } {
  const cells = parse(text, { ...csvParseOptions(delimiter), bom, ...(recordDelimiter ? { record_delimiter: recordDelimiter } : {}) }) as string[][];
  let line = firstLine;
  const records = cells.map((record) => {
    const at = line;
    line += 1 + lineBreaks(record);
    return { line: at, cells: record };
  });
  return { records, nextLine: line };
}

describe('splitCsv', () => {
  it('cuts random tricky CSV into pieces whose records, parsed apart, are the records of the whole file, with their lines', async () => {
    const random = seededRandom(20261201);
    let pieces = 0;
    let unreadable = 0;
    for (let sample = 0; sample < 300; sample++) {
      const delimiter = [';', ',', '\t', '|'][sample % 4] as string;
      const text = trickyCsv(random, delimiter, 5 + Math.floor(random() * 60));
      const bytes = Buffer.from(text, 'utf8');
      const whole = attempt(() => parseWhole(text, delimiter));
      const split = splitCsv(chunksOf(bytes, 1 + Math.floor(random() * 40)), { delimiter, pieceBytes: 1 + Math.floor(random() * 30), maxPieceBytes: 1 << 20 });
      const records: Records = [];
      let line = 1;
      let first = true;
      let pieceFailed = false;
      for await (const piece of split.pieces) {
        expect(piece.firstLine, `sample ${sample}`).toBe(line);
        const parsed = attempt(() => parseWhole(Buffer.from(piece.bytes).toString('utf8'), delimiter, split.recordDelimiter(), piece.firstLine, first));
        if (parsed === undefined) {
          pieceFailed = true;
          break;
        }
        records.push(...parsed.records);
        expect(piece.nextLine, `sample ${sample}`).toBe(parsed.nextLine);
        line = piece.nextLine;
        first = false;
        pieces++;
      }
      // A file one parser cannot read (a quote that never closes) must fail in a piece too, never read otherwise.
      if (whole === undefined) {
        expect(pieceFailed, `sample ${sample}: ${JSON.stringify(text)}`).toBe(true);
        unreadable++;
        continue;
      }
      expect(pieceFailed).toBe(false);
      expect(records, `sample ${sample}: ${JSON.stringify(text)}`).toEqual(whole.records);
    }
    expect(pieces).toBeGreaterThan(2000);
    expect(unreadable).toBeGreaterThan(0);
    expect(unreadable).toBeLessThan(150);
  });

  it('gives every piece an ArrayBuffer of its own, and the whole input across the pieces', async () => {
    const text = 'a;b\r\n"x\r\ny";z\r\n'.repeat(100);
    const split = splitCsv(chunksOf(Buffer.from(text), 7), { delimiter: ';', pieceBytes: 20, maxPieceBytes: 1000 });
    const pieces = [];
    for await (const piece of split.pieces) pieces.push(piece);
    expect(pieces.every((piece) => piece.bytes.byteOffset === 0 && piece.bytes.byteLength === piece.bytes.buffer.byteLength)).toBe(true);
    expect(Buffer.concat(pieces.map((piece) => piece.bytes)).toString()).toBe(text);
    expect(split.recordDelimiter()).toBe('\r\n');
    expect(pieces.at(-1)?.nextLine).toBe(301);
  });

  it('gives up on a record longer than maxPieceBytes (a quote that never closes)', async () => {
    const text = `a;b\n"never closed;${'x'.repeat(5000)}\n`;
    const split = splitCsv(chunksOf(Buffer.from(text), 64), { delimiter: ';', pieceBytes: 10, maxPieceBytes: 1000 });
    await expect(async () => {
      for await (const _piece of split.pieces) void _piece;
    }).rejects.toBeInstanceOf(TooLongRecord);
  });

  it('refuses a delimiter it cannot scan for', () => {
    expect(() => splitCsv(chunksOf(Buffer.alloc(0), 1), { delimiter: '""', pieceBytes: 1, maxPieceBytes: 2 })).toThrow(TypeError);
    expect(() => splitCsv(chunksOf(Buffer.alloc(0), 1), { delimiter: '¦', pieceBytes: 1, maxPieceBytes: 2 })).toThrow(TypeError);
  });
});
