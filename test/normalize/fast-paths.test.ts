import { describe, expect, it } from 'vitest';
import { domainToASCII } from 'node:url';
import { normalizeBirthday, normalizeBirthdayInGeneral } from '../../src/normalize/birthday.js';
import { normalizeOneEmail } from '../../src/normalize/email.js';
import { normalizePhones, normalizePhoneText } from '../../src/normalize/phone.js';
import { onlySystemGroups } from '../../src/normalize/groups.js';
import { splitList } from '../../src/normalize/split.js';
import { cleanText, isBlank, stripFormulaGuard } from '../../src/normalize/text.js';
import { seededRandom } from '../helpers/random.js';

/**
 * The shortcuts of the normalizers (a cell with nothing to split, nothing to clean, …) against the
 * general code they skip, on cells drawn from the characters that make that code do something.
 */

const PIECES = [
  ...[' ', '  ', '\t', '\n', '\r\n', '\u00A0', '\u200B', '\uFEFF', '\u2028', '\u3000'],
  ...["'", "'=", "'+", "'\t", '"', ':::', ' ::: ', ':', '::', ',', ';', ',,', '/', ' или ', 'ИЛИ', '*', '* ', '* myContacts'],
  ...['a', 'Иван', 'VIP', 'x', '@', '.', '-', 'mail.ru', '7', '916', '+7', '(', ')', '1990', '😀', '\u0301'],
];
const DRAWS = 100_000;

/** `count` cells of one to eight pieces, as many of them empty or blank as not. */
function drawCells(count: number, seed: number): string[] {
  const random = seededRandom(seed);
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

describe('cleanText', () => {
  it('cleans drawn cells as the cleaning everywhere does (its shortcuts: cells left as they are, cells only trimmed)', () => {
    const clean = (text: string) => stripFormulaGuard(text).replace(/[\s\u200B\uFEFF]+/g, ' ').trim();
    // Whitespace beyond ASCII, and characters that look like it but are not JavaScript's \s.
    const wide = ['\u1680', '\u2005', '\u200A', '\u202F', '\u205F', '\u0085', '\u180E', '\u200C', '\v', '\f'];
    const random = seededRandom(19);
    const cells = drawCells(DRAWS, 20).map((cell) => (random() < 0.3 ? cell + (wide[Math.floor(random() * wide.length)] as string) + cell : cell));
    expect(cells.filter((cell) => cleanText(cell) !== clean(cell))).toEqual([]);
  });
});

describe('isBlank', () => {
  it('is cleanText(cell) === "" on drawn cells and date cells', () => {
    const cells = [...drawCells(DRAWS, 14), '', ' ', "'\t", "'", new Date(Date.UTC(2024, 1, 29))];
    expect(cells.filter((cell) => isBlank(cell) !== (cleanText(cell) === ''))).toEqual([]);
  });
});

describe('onlySystemGroups', () => {
  it('finds no system group in a cell without a star, and only then skips splitting it', () => {
    const cells = drawCells(DRAWS, 15);
    const systemOnly = (cell: string) => {
      const items = splitList(cell, /[,;\n\r]+/);
      return items.length > 0 && items.every((item) => /^\*\s/.test(item));
    };
    expect(cells.filter((cell) => onlySystemGroups(cell) !== systemOnly(cell))).toEqual([]);
    expect(cells.filter((cell) => onlySystemGroups(cell)).length).toBeGreaterThan(100);
  });
});

describe('normalizeOneEmail', () => {
  /**
   * Domains of ASCII letters, digits, hyphens and dots skip the IDNA mapping unless a label is
   * punycode: every address accepted must still have a domain the mapping takes.
   */
  it('accepts no drawn address whose domain the IDNA mapping rejects', () => {
    const random = seededRandom(16);
    const pieces = ['a', 'z', 'q', '0', '9', '-', '--', 'xn--', 'xn--p1ai', 'xn--zz', 'ru', 'com', 'ß', 'рф'];
    const label = () => {
      let text = '';
      for (let n = 1 + Math.floor(random() * (random() < 0.05 ? 40 : 4)); n > 0; n--) text += pieces[Math.floor(random() * pieces.length)];
      return text;
    };
    const domains = Array.from({ length: DRAWS }, () => Array.from({ length: 1 + Math.floor(random() * 4) }, label).join('.'));
    domains.push('256.1.1.1', '1.2.3.4', 'xn--a.ru', 'a.xn--zz', 'a--b.ru');
    const accepted = domains.filter((domain) => normalizeOneEmail(`user@${domain}`).ok);
    expect(accepted.filter((domain) => domainToASCII(domain) === '')).toEqual([]);
    expect(accepted.length).toBeGreaterThan(DRAWS / 50);
    expect(domains.filter((domain) => domainToASCII(domain) === '').length).toBeGreaterThan(1000);
  });
});

describe('normalizePhones', () => {
  /** Digits and what numbers are written with, among the pieces that send a cell down the general path. */
  const PHONE_PIECES = [...PIECES, '8', '9', '0', '00', '79161234567', '9161234567', '8 (916) 123-45-67', '+7 701 234 56 78', '8-800-', '12345', '(495)', 'доб. 12', 'x12', '#1', '.0', ',91612E+10', 'e+', '  '];

  it('answers drawn cells as its general path does (the plain-number shortcut changes nothing)', () => {
    const random = seededRandom(17);
    const cells: string[] = [];
    for (let i = 0; i < DRAWS; i++) {
      let cell = '';
      for (let n = 1 + Math.floor(random() * 5); n > 0; n--) cell += PHONE_PIECES[Math.floor(random() * PHONE_PIECES.length)];
      cells.push(cell);
    }
    const differing = cells.filter((cell) => JSON.stringify(normalizePhones(cell, 'RU')) !== JSON.stringify(normalizePhoneText(cell.trim(), 'RU')));
    expect(differing).toEqual([]);
    // The draws reach the shortcut often, and with valid numbers.
    const plain = cells.filter((cell) => /^\+?[\d ()-]+$/.test(cell.trim()));
    expect(plain.length).toBeGreaterThan(DRAWS / 20);
    expect(plain.filter((cell) => normalizePhones(cell, 'RU').ok).length).toBeGreaterThan(DRAWS / 100);
  });
});

describe('normalizeBirthday', () => {
  it('answers drawn dates as its general path does (the shortcut for d.m.yyyy and yyyy-m-d changes nothing)', () => {
    const random = seededRandom(18);
    const today = new Date(Date.UTC(2024, 1, 29, 15));
    const digit = () => String(Math.floor(random() * 10));
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const cells: string[] = [];
    for (let i = 0; i < DRAWS; i++) {
      // Days and months near their ends and of one digit, years around 1900 and today (of 2 or 3 digits now and then),
      // other separators and characters, and now and then a time after the date.
      const dayOrMonth = (ends: readonly string[]) => (random() < 0.5 ? pick(ends) : random() < 0.3 ? digit() : digit() + digit());
      const day = dayOrMonth(['00', '01', '28', '29', '30', '31', '32', '1', '9']);
      const month = dayOrMonth(['00', '01', '02', '04', '12', '13', '2']);
      const year = random() < 0.6 ? pick(['1899', '1900', '1999', '2000', '2023', '2024', '2025', '0099', '1800', '2100', '99', '024']) : digit() + digit() + digit() + digit();
      const separator = () => (random() < 0.6 ? '.' : pick(['/', '/', '-', '-', ',', ' ', '١']));
      // Two thirds day first (d.m.yyyy), a third year first (yyyy-m-d).
      const cell = random() < 0.33 ? `${year}${separator()}${month}${separator()}${day}` : `${day}${separator()}${month}${separator()}${year}`;
      const time = random() < 0.05 ? pick([' 10:30', 'T10:30:00', ' 1:05:07', 'T10:30:00.5Z']) : '';
      cells.push(random() < 0.1 ? ` ${cell}${time}\t` : random() < 0.05 ? cell.slice(1) : cell + time);
    }
    for (const options of [{ today }, { today, slashDates: 'month-day' as const }]) {
      const differing = cells.filter((cell) => JSON.stringify(normalizeBirthday(cell, options)) !== JSON.stringify(normalizeBirthdayInGeneral(cell, options)));
      expect(differing).toEqual([]);
      // The draws reach valid dates often, rewritten ones (yyyy-m-d, d/m/yyyy…) among them.
      const valid = cells.map((cell) => normalizeBirthday(cell, options)).filter((result) => result.ok);
      expect(valid.length).toBeGreaterThan(DRAWS / 50);
      expect(valid.filter((result) => result.changes.length > 0).length).toBeGreaterThan(DRAWS / 100);
    }
  });
});
