import type { ContactField, ContactFields, RowIssue } from '../contact.js';
import { PhoneTable } from './phone-table.js';

export type DuplicatePolicy = 'first' | 'last' | 'merge';

/** What to do with a row whose phone may repeat within the file. */
export type DuplicateDecision =
  /** Write `fields` (for `merge`, the values of every earlier row of the phone merged in). */
  | { action: 'emit'; fields: ContactFields }
  /** Drop the row: row `keptRow` holds this phone. */
  | { action: 'duplicate'; keptRow: number }
  /** `merge`: the row's values are held and written with row `intoRow`, the phone's last row. */
  | { action: 'held'; intoRow: number };

/** The dedupe key of a normalized `phone` list: its first number (≤ 15 digits, exact as a number). */
export function phoneKey(phones: string | undefined): number | undefined {
  if (phones === undefined) return undefined;
  // Digit by digit: a split and a regex test cost ~0.6 µs a row, on every row of a clean or an import.
  let key = 0;
  let digits = 0;
  for (; digits < phones.length; digits++) {
    const code = phones.charCodeAt(digits);
    if (code === 0x2c) break;
    if (code < 0x30 || code > 0x39 || digits === 15) return undefined;
    key = key * 10 + (code - 0x30);
  }
  return key > 0 ? key : undefined;
}

/**
 * The dedupe keys of a normalized `phone` list: its first number's key alone (most rows), or, for a
 * list of several, every number's (from the first, which must be a key, as for {@link phoneKey}).
 */
export function phoneKeys(phones: string | undefined): number | number[] | undefined {
  const first = phoneKey(phones);
  if (first === undefined || phones === undefined || !phones.includes(',')) return first;
  // Digit by digit, as phoneKey: a list on every row of a file costs no split and no arrays of strings.
  const keys = [first];
  let key = 0;
  let digits = 0;
  for (let at = phones.indexOf(',') + 1; at <= phones.length; at++) {
    const code = at === phones.length ? 0x2c : phones.charCodeAt(at);
    if (code === 0x2c) {
      if (digits > 0 && key > 0 && !keys.includes(key)) keys.push(key);
      key = 0;
      digits = 0;
    } else if (digits >= 0 && code >= 0x30 && code <= 0x39 && digits < 15) {
      key = key * 10 + (code - 0x30);
      digits++;
    } else {
      // Not a key: skipped up to the next comma.
      digits = -1;
    }
  }
  return keys.length === 1 ? first : keys;
}

/** 10^n: a number of n + 1 digits is at least POWERS_OF_TEN[n]. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, n) => 10 ** n);

const LIST_FIELDS: ReadonlySet<ContactField> = new Set(['phone', 'mail', 'grp', 'tags', 'pho']);

function unionList(earlier: string, later: string): string {
  const items = [...earlier.split(','), ...later.split(',')].filter((item) => item !== '');
  return [...new Set(items)].join(',');
}

/** Merge rule: later non-empty values win; lists are unioned (earlier items first); `''` only where nothing else is. */
export function mergeFields(earlier: ContactFields, later: ContactFields): ContactFields {
  const merged: ContactFields = { ...earlier };
  for (const [name, value] of Object.entries(later) as [ContactField, string][]) {
    const before = merged[name];
    if (before === undefined || before === '') merged[name] = value;
    else if (value !== '') merged[name] = LIST_FIELDS.has(name) ? unionList(before, value) : value;
  }
  return merged;
}

/** The report line of a row that is not written on its own. */
export function duplicateIssue(row: number, phone: string, decision: Exclude<DuplicateDecision, { action: 'emit' }>): RowIssue {
  if (decision.action === 'held') {
    return { row, field: 'phone', value: phone, code: 'MERGED', reason: `phone repeated: merged into row ${decision.intoRow}`, severity: 'warning' };
  }
  return { row, field: 'phone', value: phone, code: 'DUPLICATE', reason: `duplicate of row ${decision.keptRow}, which is kept`, severity: 'error' };
}

/**
 * What rows are duplicates by: a positive integer, or several (the phones of a row that has more than
 * one). Rows sharing a key are one contact; a row with several keys joins the contact of the first
 * of them an earlier row has, and brings its other keys to it, so that a later row with only one of
 * those is that contact too.
 */
export type DuplicateKey = (fields: ContactFields) => number | readonly number[] | undefined;

const byPhones: DuplicateKey = (fields) => phoneKeys(fields.phone);

/**
 * The single-pass `first` policy: the first row of each contact (rows sharing a phone, or another
 * key) is written, later ones are duplicates of it.
 */
export class FirstOccurrenceFilter {
  /** Every key of a written row, and the keys later rows brought to it → that row. */
  #seen: PhoneTable;
  #duplicates = 0;
  readonly #keyOf: DuplicateKey;

  /**
   * `expectedKeys`: how many keys the input probably holds, so that the table starts at its size
   * instead of doubling its way there (each doubling holds the old and the new table at once).
   */
  constructor(keyOf: DuplicateKey = byPhones, { expectedKeys }: { expectedKeys?: number } = {}) {
    this.#keyOf = keyOf;
    this.#seen = new PhoneTable(expectedKeys, { trackLastRow: false });
  }

  /** Rows dropped as duplicates so far. */
  get duplicates(): number {
    return this.#duplicates;
  }

  /** `undefined` for a contact's first row (write it), else the row that holds it. */
  check(row: number, fields: ContactFields): number | undefined {
    const key = this.#keyOf(fields);
    return key === undefined ? undefined : this.#checkKeys(row, key);
  }

  /** `check` of a row with one key already taken from it (on another thread, say). */
  checkKey(row: number, key: number): number | undefined {
    const first = this.#seen.record(key, row);
    if (first !== undefined) this.#duplicates++;
    return first;
  }

  /** `check` of a row normalized on another thread: `key` of its first phone, its phone list `lists.toString('latin1', from, to)`. */
  checkListed(row: number, key: number, lists: Buffer, from: number, to: number): number | undefined {
    // Only a list is longer than its first number's digits: the other numbers are read only then.
    const length = to - from;
    if (length <= 15 && key >= (POWERS_OF_TEN[length - 1] ?? 0)) return this.checkKey(row, key);
    return this.#checkKeys(row, phoneKeys(lists.toString('latin1', from, to)) ?? key);
  }

  #checkKeys(row: number, keys: number | readonly number[]): number | undefined {
    if (typeof keys === 'number') return this.checkKey(row, keys);
    let keptRow: number | undefined;
    for (const key of keys) if ((keptRow = this.#seen.get(key)) !== undefined) break;
    // Keys already held stay with their row (one held by another contact too: a row joins one contact).
    for (const key of keys) this.#seen.record(key, keptRow ?? row);
    if (keptRow !== undefined) this.#duplicates++;
    return keptRow;
  }
}

interface Repeat {
  firstRow: number;
  lastRow: number;
}

/**
 * The two-pass policies (`last`, `merge`; `first` works too). Pass 1: `add(row, fields)` for every
 * row that normalized, in file order. Pass 2: `decide(row, fields)` for the same rows in the same
 * order. A contact (rows sharing a key, directly or through other rows) is named by its first row. Only
 * the keys of contacts with several rows are kept after pass 1 (in a Map); `merge` holds the values
 * of a contact's rows only until its last row.
 */
export class DuplicateIndex {
  readonly policy: DuplicatePolicy;
  /** Key → the first row of its contact, and the last row the key is on. */
  #table: PhoneTable | undefined = new PhoneTable();
  /** Pass 1: contact → the earlier contact it became part of (a row had keys of both). */
  #joined = new Map<number, number>();
  #repeats = new Map<number, Repeat>();
  #held = new Map<number, ContactFields>();
  #duplicates = 0;
  #merged = 0;
  readonly #keyOf: DuplicateKey;

  constructor(policy: DuplicatePolicy, keyOf: DuplicateKey = byPhones) {
    this.policy = policy;
    this.#keyOf = keyOf;
  }

  /** Rows dropped as duplicates so far (pass 2). */
  get duplicates(): number {
    return this.#duplicates;
  }

  /** Rows whose values were merged into a later row so far (pass 2). */
  get merged(): number {
    return this.#merged;
  }

  /** Contacts held for merging whose last row has not come yet; 0 after a complete pass 2. */
  get pending(): number {
    return this.#held.size;
  }

  /** Pass 1: the row's normalized fields. */
  add(row: number, fields: ContactFields): void {
    const table = this.#table;
    if (table === undefined) throw new Error('DuplicateIndex: add() after decide() — pass 1 is over');
    const keys = this.#keyOf(fields);
    if (keys === undefined) return;
    if (typeof keys === 'number') {
      table.record(keys, row);
      return;
    }
    // The contacts earlier rows gave these keys become one, named by the earliest; the new keys join it.
    let contact = row;
    for (const key of keys) {
      const first = table.get(key);
      if (first !== undefined) contact = Math.min(contact, this.#contactOf(first));
    }
    for (const key of keys) {
      const first = table.get(key);
      if (first === undefined && contact !== row) table.record(key, contact);
      else if (first !== undefined && this.#contactOf(first) !== contact) this.#joined.set(this.#contactOf(first), contact);
      table.record(key, row);
    }
  }

  /** The contact (its first row) that a key first seen on row `first` belongs to now. */
  #contactOf(first: number): number {
    let contact = first;
    for (let into = this.#joined.get(contact); into !== undefined; into = this.#joined.get(contact)) contact = into;
    return contact;
  }

  #seal(table: PhoneTable): void {
    const contacts = new Map<number, Repeat>();
    table.forEachRepeated((_key, first, lastRow) => {
      const firstRow = this.#contactOf(first);
      const repeat = contacts.get(firstRow);
      if (repeat === undefined) contacts.set(firstRow, { firstRow, lastRow });
      else repeat.lastRow = Math.max(repeat.lastRow, lastRow);
    });
    table.forEachRepeated((key, first) => this.#repeats.set(key, contacts.get(this.#contactOf(first)) as Repeat));
    this.#table = undefined;
    this.#joined.clear();
  }

  /** Pass 2: what to do with the row. */
  decide(row: number, fields: ContactFields): DuplicateDecision {
    if (this.#table !== undefined) this.#seal(this.#table);
    const repeat = this.#repeatOf(this.#keyOf(fields));
    if (repeat === undefined) return { action: 'emit', fields };
    if (this.policy !== 'merge') {
      const keptRow = this.policy === 'first' ? repeat.firstRow : repeat.lastRow;
      if (row === keptRow) return { action: 'emit', fields };
      this.#duplicates++;
      return { action: 'duplicate', keptRow };
    }
    const merged = mergeFields(this.#held.get(repeat.firstRow) ?? {}, fields);
    if (row !== repeat.lastRow) {
      this.#held.set(repeat.firstRow, merged);
      this.#merged++;
      return { action: 'held', intoRow: repeat.lastRow };
    }
    this.#held.delete(repeat.firstRow);
    return { action: 'emit', fields: merged };
  }

  /** The row's contact, if it has several rows: every key of a row kept after pass 1 names it. */
  #repeatOf(keys: number | readonly number[] | undefined): Repeat | undefined {
    if (keys === undefined) return undefined;
    if (typeof keys === 'number') return this.#repeats.get(keys);
    for (const key of keys) {
      const repeat = this.#repeats.get(key);
      if (repeat) return repeat;
    }
    return undefined;
  }
}
