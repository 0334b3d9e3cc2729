import { InvalidArgumentError } from 'commander';
import { LIMITS } from '../smsc/protocol.js';

/** `--page-size`: the `cnt` of list pages, which SMSC caps at 1000 (also the default). */
export const PAGE_SIZE_HELP = `records per get/get_black page, sent as cnt: 1–${LIMITS.maxPageSize} (default ${LIMITS.maxPageSize}, the most SMSC returns)`;

export function parsePageSize(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > LIMITS.maxPageSize) throw new InvalidArgumentError(`expected 1–${LIMITS.maxPageSize} (SMSC returns at most ${LIMITS.maxPageSize} records a page), got "${value}"`);
  return number;
}
