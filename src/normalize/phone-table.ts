const EMPTY = 0;
/**
 * Linear probing stays short up to this load: ~13 slots looked at for a new phone at worst, ~3 for
 * one seen before (a table sized from an estimate with its margin ends nearer 0.7: ~6 and ~2).
 */
const MAX_LOAD = 0.8;
const TWO_32 = 4_294_967_296;

/** A well-mixed 32-bit hash of an integer up to 2^53 (murmur3 finalizer over both halves). */
function hash(phone: number): number {
  const low = phone % TWO_32 | 0;
  const high = Math.floor(phone / TWO_32) | 0;
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Phone number → first and last row it was seen on, in flat typed arrays (open addressing, linear
 * probing): about 40 bytes per phone at worst, against several hundred for a `Map<string, …>`, so a
 * million rows stay small. Phones are positive integers of at most 15 digits, exact in a float64;
 * 0 marks a free slot.
 */
export class PhoneTable {
  #phones: Float64Array;
  #firstRows: Uint32Array;
  /** Only the two-pass policies need the last row; without it a phone costs a third less. */
  #lastRows: Uint32Array | undefined;
  #size = 0;

  /** `expectedPhones`: sized for that many phones at once (it grows past them as needed). */
  constructor(expectedPhones = 512, { trackLastRow = true }: { trackLastRow?: boolean } = {}) {
    const capacity = Math.max(16, Math.ceil(expectedPhones / MAX_LOAD) + 1);
    this.#phones = new Float64Array(capacity);
    this.#firstRows = new Uint32Array(capacity);
    this.#lastRows = trackLastRow ? new Uint32Array(capacity) : undefined;
  }

  get size(): number {
    return this.#size;
  }

  #slot(phone: number): number {
    // Any capacity, not only powers of two: a table sized for its phones, not up to twice that.
    const capacity = this.#phones.length;
    let slot = (hash(phone) >>> 0) % capacity;
    while (this.#phones[slot] !== EMPTY && this.#phones[slot] !== phone) slot = slot + 1 === capacity ? 0 : slot + 1;
    return slot;
  }

  /**
   * Notes that `phone` is on `row` (rows come in increasing order). Returns the first row it was
   * seen on before, or `undefined` when this is its first row.
   */
  record(phone: number, row: number): number | undefined {
    if (!Number.isSafeInteger(phone) || phone <= 0) throw new RangeError(`PhoneTable: \`phone\` must be a positive integer, got ${phone}`);
    const slot = this.#slot(phone);
    if (this.#phones[slot] === phone) {
      if (this.#lastRows) this.#lastRows[slot] = row;
      return this.#firstRows[slot];
    }
    this.#phones[slot] = phone;
    this.#firstRows[slot] = row;
    if (this.#lastRows) this.#lastRows[slot] = row;
    this.#size++;
    if (this.#size > this.#phones.length * MAX_LOAD) this.#grow();
    return undefined;
  }

  /** The first row `phone` was seen on, without noting anything; `undefined` when it was not. */
  get(phone: number): number | undefined {
    const slot = this.#slot(phone);
    return this.#phones[slot] === phone ? this.#firstRows[slot] : undefined;
  }

  /** Calls `visit` for every phone seen on more than one row. */
  forEachRepeated(visit: (phone: number, firstRow: number, lastRow: number) => void): void {
    const lastRows = this.#lastRows;
    if (lastRows === undefined) throw new TypeError('PhoneTable: forEachRepeated needs `trackLastRow`');
    for (let slot = 0; slot < this.#phones.length; slot++) {
      const phone = this.#phones[slot] ?? EMPTY;
      const first = this.#firstRows[slot] ?? 0;
      const last = lastRows[slot] ?? 0;
      if (phone !== EMPTY && first !== last) visit(phone, first, last);
    }
  }

  #grow(): void {
    const phones = this.#phones;
    const firstRows = this.#firstRows;
    const lastRows = this.#lastRows;
    this.#phones = new Float64Array(phones.length * 2);
    this.#firstRows = new Uint32Array(phones.length * 2);
    this.#lastRows = lastRows && new Uint32Array(phones.length * 2);
    for (let old = 0; old < phones.length; old++) {
      const phone = phones[old] ?? EMPTY;
      if (phone === EMPTY) continue;
      const slot = this.#slot(phone);
      this.#phones[slot] = phone;
      this.#firstRows[slot] = firstRows[old] ?? 0;
      if (this.#lastRows && lastRows) this.#lastRows[slot] = lastRows[old] ?? 0;
    }
  }
}
