/** How many writes a run keeps in flight (`--concurrency` of `import` and `undo`). */
import { EtlError } from '../errors.js';

/** SMSC refuses 15 requests in flight per login; we stay clearly below. */
export const MAX_CONCURRENCY = 14;

/** The run's concurrency (default 4), checked before anything is read or sent. */
export function checkedConcurrency(concurrency = 4): number {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new EtlError('ERR_IMPORT_CONCURRENCY', `--concurrency must be 1–${MAX_CONCURRENCY} (SMSC refuses 15 requests in flight per login), got ${concurrency}`);
  }
  return concurrency;
}
