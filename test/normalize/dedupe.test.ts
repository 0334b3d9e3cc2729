import { describe, expect, it } from 'vitest';
import type { ContactFields } from '../../src/contact.js';
import { DuplicateIndex, FirstOccurrenceFilter, duplicateIssue, mergeFields, phoneKey, type DuplicateDecision, type DuplicatePolicy } from '../../src/normalize/dedupe.js';
import { PhoneTable } from '../../src/normalize/phone-table.js';
import { seededRandom } from '../helpers/random.js';

const ROWS: [number, ContactFields][] = [
  [2, { phone: '79161234567', name: 'Иван', grp: 'A', tags: 'x' }],
  [3, { phone: '79037654321', name: 'Пётр' }],
  [4, { phone: '79161234567,79990000000', name: '', mail: 'ivan@mail.ru', grp: 'B' }],
  [5, { phone: '79161234567', name: 'Иван Иванов', grp: 'A', cmt: '' }],
];

function twoPasses(policy: DuplicatePolicy): [number, DuplicateDecision][] {
  const index = new DuplicateIndex(policy);
  for (const [row, fields] of ROWS) index.add(row, fields);
  return ROWS.map(([row, fields]) => [row, index.decide(row, fields)]);
}

describe('phoneKey', () => {
  it('is the first phone of the list as a number', () => {
    expect(phoneKey('79161234567,79990000000')).toBe(79161234567);
    expect(phoneKey('999999999999999')).toBe(999999999999999);
    expect(phoneKey(undefined)).toBeUndefined();
    expect(phoneKey('')).toBeUndefined();
  });

  it('has no key for a first item that is not 1–15 digits or is zero', () => {
    for (const phones of ['0', '000', ',79161234567', '1234567890123456', '+79161234567', '7916 1234567', '79161234567x', '٧٩١٦']) expect(phoneKey(phones), phones).toBeUndefined();
    expect(phoneKey('007,1')).toBe(7);
    expect(phoneKey('1234567890123456,1'.slice(1))).toBe(234567890123456);
  });

  it('agrees with its definition (the first comma-separated item, /^\\d{1,15}$/, above 0) on 100,000 drawn lists', () => {
    const random = seededRandom(7);
    const alphabet = '0123456789,0123456789+ a';
    const byDefinition = (phones: string): number | undefined => {
      const first = phones.split(',', 1)[0] ?? '';
      return /^\d{1,15}$/.test(first) && Number(first) > 0 ? Number(first) : undefined;
    };
    for (let draw = 0; draw < 100_000; draw++) {
      let phones = '';
      for (let length = Math.floor(random() * 20); length > 0; length--) phones += alphabet[Math.floor(random() * alphabet.length)];
      expect(phoneKey(phones), phones).toBe(byDefinition(phones));
    }
  });
});

describe('PhoneTable', () => {
  it('remembers the first row of 200,000 phones through many resizes', () => {
    const table = new PhoneTable(16);
    const base = 79_000_000_000;
    const firstSeen = Array.from({ length: 200_000 }, (_, i) => table.record(base + i * 7919, i + 2));
    expect(firstSeen.every((row) => row === undefined)).toBe(true);
    expect(table.size).toBe(200_000);
    expect(table.record(base + 123 * 7919, 999_999)).toBe(125);
    expect(table.record(999_999_999_999_999, 1_000_000)).toBeUndefined();
    const repeated: number[][] = [];
    table.forEachRepeated((phone, first, last) => repeated.push([phone, first, last]));
    expect(repeated).toEqual([[base + 123 * 7919, 125, 999_999]]);
  });

  it('rejects a key that is not a positive safe integer', () => {
    expect(() => new PhoneTable().record(0, 1)).toThrow(RangeError);
    expect(() => new PhoneTable().record(1e17, 1)).toThrow(RangeError);
  });
});

describe('FirstOccurrenceFilter (first, one pass)', () => {
  it('lets the first row of a phone through and names it for later rows', () => {
    const filter = new FirstOccurrenceFilter();
    expect(ROWS.map(([row, fields]) => filter.check(row, fields))).toEqual([undefined, undefined, 2, 2]);
    expect(filter.duplicates).toBe(2);
  });

  it('never treats rows without a phone as duplicates', () => {
    const filter = new FirstOccurrenceFilter();
    expect([filter.check(2, {}), filter.check(3, {})]).toEqual([undefined, undefined]);
  });
});

describe('DuplicateIndex (two passes)', () => {
  it('first: keeps the first row', () => {
    expect(twoPasses('first').map(([, decision]) => decision.action === 'duplicate' ? decision.keptRow : decision.action)).toEqual(['emit', 'emit', 2, 2]);
  });

  it('last: keeps the last row, earlier ones are duplicates of it', () => {
    const decisions = twoPasses('last');
    expect(decisions.map(([, decision]) => (decision.action === 'duplicate' ? decision.keptRow : decision.action))).toEqual([5, 'emit', 5, 'emit']);
    expect(decisions[3]?.[1]).toEqual({ action: 'emit', fields: ROWS[3]?.[1] });
  });

  it('merge: holds rows until the last one, then emits the merged contact there', () => {
    const index = new DuplicateIndex('merge');
    for (const [row, fields] of ROWS) index.add(row, fields);
    const decisions = ROWS.map(([row, fields]) => index.decide(row, fields));
    expect(decisions.slice(0, 3)).toEqual([{ action: 'held', intoRow: 5 }, { action: 'emit', fields: ROWS[1]?.[1] }, { action: 'held', intoRow: 5 }]);
    expect(decisions[3]).toEqual({
      action: 'emit',
      fields: { phone: '79161234567,79990000000', name: 'Иван Иванов', grp: 'A,B', tags: 'x', mail: 'ivan@mail.ru', cmt: '' },
    });
    expect(index.merged).toBe(2);
    expect(index.pending).toBe(0);
  });

  it('counts duplicates and refuses pass-1 input after pass 2 began', () => {
    const index = new DuplicateIndex('last');
    index.add(2, { phone: '79161234567' });
    index.add(3, { phone: '79161234567' });
    index.decide(2, { phone: '79161234567' });
    expect(index.duplicates).toBe(1);
    expect(() => index.add(4, { phone: '79161234567' })).toThrow(/pass 1 is over/);
  });
});

describe('mergeFields', () => {
  it('lets later non-empty values win and unions lists', () => {
    expect(mergeFields({ name: 'A', tags: 'x,y', bd: '01.01.1990', cmt: '' }, { name: 'B', tags: 'y,z', bd: '', cmt: 'c', myid: '' })).toEqual({
      name: 'B',
      tags: 'x,y,z',
      bd: '01.01.1990',
      cmt: 'c',
      myid: '',
    });
  });
});

describe('duplicateIssue', () => {
  it('reports a duplicate as an error naming the kept row, a merged row as a warning', () => {
    expect(duplicateIssue(5, '79161234567', { action: 'duplicate', keptRow: 2 })).toEqual({
      row: 5,
      field: 'phone',
      value: '79161234567',
      code: 'DUPLICATE',
      reason: 'duplicate of row 2, which is kept',
      severity: 'error',
    });
    expect(duplicateIssue(2, '79161234567', { action: 'held', intoRow: 5 })).toMatchObject({ code: 'MERGED', reason: 'phone repeated: merged into row 5', severity: 'warning' });
  });
});
