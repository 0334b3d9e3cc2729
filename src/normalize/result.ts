/** Something a normalizer noticed about a value it still accepted (an item or a part was dropped). */
export interface Problem {
  code: string;
  reason: string;
}

/**
 * Outcome of normalizing one value, shaped like zod's `safeParse`: bad data is a result, never a
 * throw. `changes` says, for people, what was changed and why; `warnings` are dropped parts.
 */
export type Normalized<T = string> = { ok: true; value: T; changes: readonly string[]; warnings: readonly Problem[] } | { ok: false; code: string; reason: string };

/** Most values pass unchanged and clean: they all share this one frozen empty list. */
const NONE: readonly never[] = Object.freeze([]);

export function accepted<T>(value: T, changes: readonly string[] = NONE, warnings: readonly Problem[] = NONE): Normalized<T> {
  return { ok: true, value, changes, warnings };
}

export function rejected<T = string>(code: string, reason: string): Normalized<T> {
  return { ok: false, code, reason };
}

/**
 * Normalizes each item of a list cell: failed items are dropped with a warning; the list fails
 * only when no item is left. Equal results are kept once.
 */
export function normalizeList(items: readonly string[], normalizeItem: (item: string) => Normalized): Normalized {
  // Most cells hold one item, and the merging below would only copy its result.
  const [only] = items;
  if (items.length === 1 && only !== undefined) return normalizeItem(only);
  const values: string[] = [];
  const changes: string[] = [];
  const warnings: Problem[] = [];
  let firstFailure: { code: string; reason: string } | undefined;
  for (const item of items) {
    const result = normalizeItem(item);
    if (!result.ok) {
      firstFailure ??= result;
      warnings.push({ code: result.code, reason: result.reason });
      continue;
    }
    changes.push(...result.changes);
    warnings.push(...result.warnings);
    if (values.includes(result.value)) changes.push(`«${result.value}» repeated: kept once`);
    else values.push(result.value);
  }
  if (values.length === 0) return firstFailure === undefined ? rejected('EMPTY', 'no value') : rejected(firstFailure.code, firstFailure.reason);
  return accepted(values.join(','), changes, warnings);
}
