/**
 * Seeded fault injection. Every SMSC request draws the same number of random values in the same
 * order whatever the rates, so a seed and a request sequence always give the same faults.
 */
import type { FaultKind, FaultOptions } from './types.js';

/** What goes wrong with one request (at most one outcome; `slow` adds to the delay). */
export interface FaultPlan {
  delayMs: number;
  slow: boolean;
  /** `reset`, `http500`, `error9` fire before the command is applied; `lostReply`, `truncate` after. */
  outcome?: Exclude<FaultKind, 'slow'>;
}

const DEFAULT_SEED = 1;

/** Outcome faults in the order they are tried. */
const OUTCOMES = [
  ['reset', 'resetRate'],
  ['http500', 'http500Rate'],
  ['error9', 'error9Rate'],
  ['lostReply', 'lostReplyRate'],
  ['truncate', 'truncateRate'],
] as const satisfies ReadonlyArray<readonly [FaultKind, keyof FaultOptions]>;

export class FaultInjector {
  private options: FaultOptions = {};
  private random: () => number = mulberry32(DEFAULT_SEED);

  constructor(options: FaultOptions = {}) {
    this.configure(options);
  }

  /** Replaces the fault settings and restarts the random sequence from the seed. */
  configure(options: FaultOptions): void {
    this.options = { ...options };
    this.random = mulberry32(options.seed ?? DEFAULT_SEED);
  }

  /** `isWrite`: only writes can lose their reply (a lost read is just a reset). */
  plan(isWrite: boolean): FaultPlan {
    const draws = OUTCOMES.map(([kind, rateKey]) => [kind, this.random() < (this.options[rateKey] ?? 0)] as const);
    const slow = this.random() < (this.options.slowRate ?? 0);
    const outcome = draws.find(([kind, hit]) => hit && (kind !== 'lostReply' || isWrite))?.[0];
    const delayMs = (this.options.latencyMs ?? 0) + (slow ? (this.options.slowMs ?? 0) : 0);
    return outcome === undefined ? { delayMs, slow } : { delayMs, slow, outcome };
  }
}

/** Small, fast, well-known 32-bit PRNG (Tommy Ettinger's mulberry32); returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
