/** What every import target reports about a failed write, and its counters. */
import { EtlError } from '../errors.js';
import { isSmscError } from '../smsc/errors.js';

export function zeroes<Key extends string>(keys: readonly Key[]): Record<Key, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<Key, number>;
}

/** The report's `error_code`: SMSC's numeric code, else ours. */
export function errorCode(error: unknown): string {
  if (isSmscError(error)) return error.apiCode === undefined ? error.code : String(error.apiCode);
  return error instanceof EtlError ? error.code : 'ERR_INTERNAL';
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The errorCode of report lines an interrupt stopped: not run (`skipped`), or abandoned in flight (`failed`). */
export const INTERRUPTED = 'INTERRUPTED';
export const ABANDONED = 'abandoned by a second interrupt: SMSC may or may not have applied it (--resume reads the account again)';
