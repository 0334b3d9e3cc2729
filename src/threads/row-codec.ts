/**
 * Normalized rows as they cross from a worker to the main thread: every field value of a task
 * in one string, where each ends in one Int32Array, and only the rare parts (issues, notes, a
 * block type) as JSON. Rebuilding the rows from this costs a third of parsing them as JSON, on
 * the thread that plans and writes (bench: 0.5 against 1.4 µs a row).
 */
import { CONTACT_FIELDS, type ContactFields, type RowIssue } from '../contact.js';
import type { BlacklistType } from '../normalize/blacklist-type.js';
import type { NormalizedRow } from '../normalize/row.js';

export interface EncodedRows {
  /** The field values of every row, in row order and CONTACT_FIELDS order, joined. */
  text: string;
  /** Per row: its number, a mask of the fields it has (bit i: CONTACT_FIELDS[i]; HAS_FIELDS: any), then where each value ends in `text`. */
  index: Int32Array;
  /** JSON of `[position, issues, notes, blacklistType?]` for the rows that have any of them. */
  extras: string;
}

type Extra = [position: number, issues: RowIssue[], notes: string[], blacklistType?: BlacklistType];

/** Set in a row's mask when it has `fields` (which may be empty): a row without them is rejected. */
const HAS_FIELDS = 1 << CONTACT_FIELDS.length;

/** Encodes rows one by one, so that each is garbage as soon as it is added. */
export class RowEncoder {
  readonly #values: string[] = [];
  #length = 0;
  readonly #index: number[] = [];
  readonly #extras: Extra[] = [];
  #rows = 0;

  add({ row, fields, issues, notes, blacklistType }: NormalizedRow): void {
    const index = this.#index;
    index.push(row);
    const maskAt = index.push(0) - 1;
    if (fields !== undefined) {
      let mask = HAS_FIELDS;
      for (let field = 0; field < CONTACT_FIELDS.length; field++) {
        const value = fields[CONTACT_FIELDS[field] as keyof ContactFields];
        if (value === undefined) continue;
        mask |= 1 << field;
        this.#values.push(value);
        this.#length += value.length;
        index.push(this.#length);
      }
      index[maskAt] = mask;
    }
    if (issues.length > 0 || notes.length > 0 || blacklistType !== undefined) {
      this.#extras.push(blacklistType === undefined ? [this.#rows, issues, notes] : [this.#rows, issues, notes, blacklistType]);
    }
    this.#rows++;
  }

  finish(): EncodedRows {
    return { text: this.#values.join(''), index: Int32Array.from(this.#index), extras: JSON.stringify(this.#extras) };
  }
}

export function decodeRows({ text, index, extras }: EncodedRows): NormalizedRow[] {
  const rare = JSON.parse(extras) as Extra[];
  let nextRare = 0;
  const rows: NormalizedRow[] = [];
  let at = 0;
  let from = 0;
  while (at < index.length) {
    const row = index[at++] as number;
    const mask = index[at++] as number;
    let fields: ContactFields | undefined;
    if ((mask & HAS_FIELDS) !== 0) {
      fields = {};
      for (let field = 0; field < CONTACT_FIELDS.length; field++) {
        if ((mask & (1 << field)) === 0) continue;
        const end = index[at++] as number;
        fields[CONTACT_FIELDS[field] as keyof ContactFields] = text.slice(from, end);
        from = end;
      }
    }
    const extra = rare[nextRare]?.[0] === rows.length ? rare[nextRare++] : undefined;
    const issues = extra?.[1] ?? [];
    const notes = extra?.[2] ?? [];
    const blacklistType = extra?.[3];
    // The shapes (and key orders) the row normalizer makes.
    rows.push(fields === undefined ? { row, issues, notes } : blacklistType === undefined ? { row, fields, issues, notes } : { row, fields, blacklistType, issues, notes });
  }
  return rows;
}
