import { describe, expect, it } from 'vitest';
import type { ContactFields } from '../../src/contact.js';
import { DuplicateIndex, FirstOccurrenceFilter, duplicateIssue, mergeFields, phoneKey, phoneKeys, type DuplicateDecision, type DuplicatePolicy } from '../../src/normalize/dedupe.js';
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

/** 100,000 strings of up to `maxLength` characters drawn from `alphabet`. */
function* drawnLists(seed: number, alphabet: string, maxLength: number): Generator<string> {
  const random = seededRandom(seed);
  for (let draw = 0; draw < 100_000; draw++) {
    let phones = '';
    for (let length = Math.floor(random() * maxLength); length > 0; length--) phones += alphabet[Math.floor(random() * alphabet.length)];
    yield phones;
  }
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
    const byDefinition = (phones: string): number | undefined => {
      const first = phones.split(',', 1)[0] ?? '';
      return /^\d{1,15}$/.test(first) && Number(first) > 0 ? Number(first) : undefined;
    };
    for (const phones of drawnLists(7, '0123456789,0123456789+ a', 20)) expect(phoneKey(phones), phones).toBe(byDefinition(phones));
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

/** Rows sharing a phone that is not the first of each: 2–5 are one contact (5 through the number row 4 brought), 6 is another. */
const SHARED: [number, ContactFields][] = [
  [2, { phone: '79161111111,79162222222', name: 'Анна', tags: 'a' }],
  [3, { phone: '79162222222', name: 'Анна Б.' }],
  [4, { phone: '79163333333,79161111111', tags: 'b' }],
  [5, { phone: '79163333333', name: 'Анна В.' }],
  [6, { phone: '79164444444', name: 'Дина' }],
];

describe('phoneKeys', () => {
  it('is the first key alone for one number, every key (once) for a list whose first item is a key', () => {
    expect(phoneKeys('79161111111')).toBe(79161111111);
    expect(phoneKeys('79161111111,79162222222,79161111111')).toEqual([79161111111, 79162222222]);
    expect(phoneKeys('79161111111,x')).toBe(79161111111);
    expect(phoneKeys('x,79161111111')).toBeUndefined();
  });

  it('agrees with its definition (phoneKey of each comma-separated item, from a first that has one) on 100,000 drawn lists', () => {
    const byDefinition = (phones: string): number | number[] | undefined => {
      const keys = phones.split(',').map((item) => phoneKey(item));
      if (keys[0] === undefined) return undefined;
      const unique = [...new Set(keys.filter((key) => key !== undefined))];
      return unique.length === 1 ? unique[0] : unique;
    };
    for (const phones of drawnLists(11, '0123456789,0123456789,+ a', 40)) expect(phoneKeys(phones), phones).toEqual(byDefinition(phones));
  });
});

describe('rows that share a phone other than their first', () => {
  it('first, one pass: a later row with any phone of a written row is its duplicate, also through the phones a duplicate brought', () => {
    const filter = new FirstOccurrenceFilter();
    expect(SHARED.map(([row, fields]) => filter.check(row, fields))).toEqual([undefined, 2, 2, 2, undefined]);
    expect(filter.duplicates).toBe(3);
  });

  it('first, on threads: the first key and the phone list give the same answer', () => {
    const filter = new FirstOccurrenceFilter();
    const text = Buffer.from(SHARED.map(([, fields]) => fields.phone ?? '').join(''), 'latin1');
    let from = 0;
    const answers = SHARED.map(([row, fields]) => {
      const to = from + (fields.phone ?? '').length;
      const answer = filter.checkListed(row, phoneKey(fields.phone) ?? 0, text, from, to);
      from = to;
      return answer;
    });
    expect(answers).toEqual([undefined, 2, 2, 2, undefined]);
  });

  it('last and merge, two passes: the contact is kept at its last row, or its rows merged there', () => {
    const decide = (policy: DuplicatePolicy) => {
      const index = new DuplicateIndex(policy);
      for (const [row, fields] of SHARED) index.add(row, fields);
      return SHARED.map(([row, fields]) => index.decide(row, fields));
    };
    expect(decide('first').map((decision) => (decision.action === 'duplicate' ? decision.keptRow : decision.action))).toEqual(['emit', 2, 2, 2, 'emit']);
    expect(decide('last').map((decision) => (decision.action === 'duplicate' ? decision.keptRow : decision.action))).toEqual([5, 5, 5, 'emit', 'emit']);
    const merged = decide('merge');
    expect(merged.slice(0, 3)).toEqual(Array(3).fill({ action: 'held', intoRow: 5 }));
    expect(merged[3]).toEqual({ action: 'emit', fields: { phone: '79161111111,79162222222,79163333333', name: 'Анна В.', tags: 'a,b' } });
  });

  it('two passes: a row with phones of two earlier contacts makes them one (no number left on two)', () => {
    const rows: [number, ContactFields][] = [
      [2, { phone: '79161111111' }],
      [3, { phone: '79162222222' }],
      [4, { phone: '79162222222,79161111111' }],
      [5, { phone: '79161111111' }],
      [6, { phone: '79162222222' }],
    ];
    const index = new DuplicateIndex('last');
    for (const [row, fields] of rows) index.add(row, fields);
    expect(rows.map(([row, fields]) => index.decide(row, fields))).toEqual([...Array(4).fill({ action: 'duplicate', keptRow: 6 }), { action: 'emit', fields: rows[4]?.[1] }]);
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
