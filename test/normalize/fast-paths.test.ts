import { describe, expect, it } from 'vitest';
import { splitList } from '../../src/normalize/split.js';

/**
 * The shortcuts of the normalizers (a cell with nothing to split, nothing to clean, …) against the
 * general code they skip, on cells drawn from the characters that make that code do something.
 */

/** Seeded, so a failure names a draw that fails again. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  ...[' ', '  ', '\t', '\n', '\r\n', '\u00A0', '\u200B', '\uFEFF', '\u2028', '\u3000'],
  ...["'", "'=", "'+", "'\t", '"', ':::', ' ::: ', ':', '::', ',', ';', ',,', '/', ' или ', 'ИЛИ', '*', '* ', '* myContacts'],
  ...['a', 'Иван', 'VIP', 'x', '@', '.', '-', 'mail.ru', '7', '916', '+7', '(', ')', '1990', '😀', '\u0301'],
];
const DRAWS = 100_000;

/** `count` cells of one to eight pieces, as many of them empty or blank as not. */
function drawCells(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const cells: string[] = [];
  for (let i = 0; i < count; i++) {
    let cell = '';
    for (let n = 1 + Math.floor(random() * 8); n > 0; n--) cell += PIECES[Math.floor(random() * PIECES.length)];
    cells.push(cell);
  }
  return cells;
}

describe('splitList', () => {
  /** What splitList did before its shortcut for a cell with one value. */
  const splitEverywhere = (text: string, separators: RegExp): string[] =>
    text
      .split(/\s*:::\s*/)
      .flatMap((chunk) => chunk.split(separators))
      .map((part) => part.trim())
      .filter((part) => part !== '');

  it.each([
    ['e-mail', /[,;]+/],
    ['groups', /[,;\n\r]+/],
    ['phones', /[,;/\n\r]+|\s+или\s+/i],
  ])(`splits drawn cells like splitting everywhere does, with the separators of %s`, (_, separators) => {
    const differing = drawCells(DRAWS, 13).filter((cell) => JSON.stringify(splitList(cell, separators)) !== JSON.stringify(splitEverywhere(cell, separators)));
    expect(differing).toEqual([]);
  });
});
