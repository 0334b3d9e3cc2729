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

/** What rows are duplicates by: a positive integer (by default the first phone of the row). */
export type DuplicateKey = (fields: ContactFields) => number | undefined;

const byFirstPhone: DuplicateKey = (fields) => phoneKey(fields.phone);

/**
 * The single-pass `first` policy: the first row of each phone (or other key) is written, later ones
 * are duplicates of it.
 */
export class FirstOccurrenceFilter {
  #seen: PhoneTable;
  #duplicates = 0;
  readonly #keyOf: DuplicateKey;

  /**
   * `expectedKeys`: how many keys the input probably holds, so that the table starts at its size
   * instead of doubling its way there (each doubling holds the old and the new table at once).
   */
  constructor(keyOf: DuplicateKey = byFirstPhone, { expectedKeys }: { expectedKeys?: number } = {}) {
    this.#keyOf = keyOf;
    this.#seen = new PhoneTable(expectedKeys, { trackLastRow: false });
  }

  /** Rows dropped as duplicates so far. */
  get duplicates(): number {
    return this.#duplicates;
  }

  /** `undefined` for a key's first row (write it), else the row that holds the key. */
  check(row: number, fields: ContactFields): number | undefined {
    const key = this.#keyOf(fields);
    return key === undefined ? undefined : this.checkKey(row, key);
  }

  /** `check` of a key already taken from the row (on another thread, say). */
  checkKey(row: number, key: number): number | undefined {
    const first = this.#seen.record(key, row);
    if (first !== undefined) this.#duplicates++;
    return first;
  }
}

interface Repeat {
  firstRow: number;
  lastRow: number;
}

/**
 * The two-pass policies (`last`, `merge`; `first` works too). Pass 1: `add(row, fields)` for every
 * row that normalized, in file order. Pass 2: `decide(row, fields)` for the same rows in the same
 * order. Only phones seen more than once are kept after pass 1 (in a Map); `merge` holds the values
 * of a phone's rows only until its last row.
 */
export class DuplicateIndex {
  readonly policy: DuplicatePolicy;
  #table: PhoneTable | undefined = new PhoneTable();
  #repeats = new Map<number, Repeat>();
  #held = new Map<number, ContactFields>();
  #duplicates = 0;
  #merged = 0;
  readonly #keyOf: DuplicateKey;

  constructor(policy: DuplicatePolicy, keyOf: DuplicateKey = byFirstPhone) {
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

  /** Phones held for merging whose last row has not come yet; 0 after a complete pass 2. */
  get pending(): number {
    return this.#held.size;
  }

  /** Pass 1: the row's normalized fields. */
  add(row: number, fields: ContactFields): void {
    if (this.#table === undefined) throw new Error('DuplicateIndex: add() after decide() — pass 1 is over');
    const key = this.#keyOf(fields);
    if (key !== undefined) this.#table.record(key, row);
  }

  #seal(table: PhoneTable): void {
    table.forEachRepeated((phone, firstRow, lastRow) => this.#repeats.set(phone, { firstRow, lastRow }));
    this.#table = undefined;
  }

  /** Pass 2: what to do with the row. */
  decide(row: number, fields: ContactFields): DuplicateDecision {
    if (this.#table !== undefined) this.#seal(this.#table);
    const key = this.#keyOf(fields);
    const repeat = key === undefined ? undefined : this.#repeats.get(key);
    if (key === undefined || repeat === undefined) return { action: 'emit', fields };
    if (this.policy !== 'merge') {
      const keptRow = this.policy === 'first' ? repeat.firstRow : repeat.lastRow;
      if (row === keptRow) return { action: 'emit', fields };
      this.#duplicates++;
      return { action: 'duplicate', keptRow };
    }
    const merged = mergeFields(this.#held.get(key) ?? {}, fields);
    if (row !== repeat.lastRow) {
      this.#held.set(key, merged);
      this.#merged++;
      return { action: 'held', intoRow: repeat.lastRow };
    }
    this.#held.delete(key);
    return { action: 'emit', fields: merged };
  }
}
