/**
 * The retry policy of the SMSC client, as pure functions over (error, attempt, send history, now)
 * so every decision is testable with an injected clock and random source.
 *
 * - Transport failures the error marks `retryable`: capped exponential back-off with full jitter;
 *   a connection that never got through is tried 3 times only.
 * - Error 9: back off exponentially (no jitter: the service asks for a pause, not a spread), and
 *   never send the same request more than 3 times within a minute — the 4th send waits until 60 s
 *   after the first. The back-off part also pauses every request through a shared `Throttle`,
 *   because error 9 may mean "too many concurrent requests" from this login as a whole.
 * - Errors 1, 2, 3, 4, 5, unknown outcomes, protocol and config errors: never retried.
 */
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { SmscError, SmscTransportError } from './errors.js';
import { LIMITS } from './protocol.js';

export interface RetryOptions {
  /** Attempts per request, the first one included. */
  maxAttempts: number;
  /** Transport back-off ceiling before jitter: `min(maxDelayMs, baseDelayMs · 2^(attempt−1))`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Error-9 back-off: `min(throttleMaxMs, throttleBaseMs · 2^(attempt−1))`. */
  throttleBaseMs: number;
  throttleMaxMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  throttleBaseMs: 5_000,
  throttleMaxMs: LIMITS.identicalWindowMs,
});

/** Defaults filled in; throws a `TypeError` naming the bad option (`retry.<name>`). */
export function normalizeRetryOptions(partial: Partial<RetryOptions> = {}): RetryOptions {
  const options: RetryOptions = { ...DEFAULT_RETRY };
  for (const [name, value] of Object.entries(partial)) {
    if (!Object.hasOwn(DEFAULT_RETRY, name)) throw new TypeError(`Unknown option \`retry.${name}\`; allowed: ${Object.keys(DEFAULT_RETRY).join(', ')}`);
    if (value === undefined) continue;
    const least = name === 'maxAttempts' ? 1 : 0;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < least) {
      throw new TypeError(`Expected \`retry.${name}\` to be an integer ≥ ${least}, got ${JSON.stringify(value)}`);
    }
    options[name as keyof RetryOptions] = value;
  }
  return options;
}

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

export interface RetryInput {
  error: unknown;
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /** When this same request was sent before (ms, any order), the failed attempt included. */
  sentAt?: readonly number[];
  now?: number;
  options?: RetryOptions;
  /** Uniform in [0, 1); `Math.random` by default. */
  random?: () => number;
}

/**
 * Attempts of a request whose connection never got through (refused, unknown host): nobody
 * listens there, so a wrong SMSC_URL fails within seconds instead of backing off for long.
 */
export const UNSENT_MAX_ATTEMPTS = 3;

export function decideRetry({ error, attempt, sentAt = [], now = Date.now(), options = DEFAULT_RETRY, random = Math.random }: RetryInput): RetryDecision {
  if (!(error instanceof SmscError) || !error.retryable || error.fatal || attempt >= options.maxAttempts) return { retry: false };
  if (error instanceof SmscTransportError && !error.sent && attempt >= UNSENT_MAX_ATTEMPTS) return { retry: false };
  const backOff = error.code === 'ERR_SMSC_THROTTLED' ? throttleDelayMs(attempt, options) : transportDelayMs(attempt, options, random);
  return { retry: true, delayMs: Math.max(backOff, identicalWindowWaitMs(sentAt, now)) };
}

/** Full jitter: uniform in [0, min(maxDelayMs, baseDelayMs · 2^(attempt−1))). */
export function transportDelayMs(attempt: number, options: RetryOptions = DEFAULT_RETRY, random: () => number = Math.random): number {
  return Math.floor(random() * exponential(attempt, options.baseDelayMs, options.maxDelayMs));
}

/** How long error 9 pauses the request (and, through a `Throttle`, every request). */
export function throttleDelayMs(attempt: number, options: RetryOptions = DEFAULT_RETRY): number {
  return exponential(attempt, options.throttleBaseMs, options.throttleMaxMs);
}

function exponential(attempt: number, base: number, cap: number): number {
  return Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
}

/**
 * How long to wait so that sending now keeps the request within LIMITS.identicalPerWindow sends per
 * LIMITS.identicalWindowMs: with 3 sends in the window, wait until the oldest of them leaves it.
 */
export function identicalWindowWaitMs(sentAt: readonly number[], now: number): number {
  const inWindow = sentAt.filter((time) => now - time < LIMITS.identicalWindowMs).sort((a, b) => a - b);
  const blocking = inWindow[inWindow.length - LIMITS.identicalPerWindow];
  return blocking === undefined ? 0 : Math.max(0, blocking + LIMITS.identicalWindowMs - now);
}

/**
 * Send times per request within the last minute, keyed by a digest of the request (the caller
 * leaves the credentials out of it). Old entries are swept as it grows.
 */
export class RequestLog {
  readonly #sends = new Map<string, number[]>();
  readonly #sweepAt: number;

  constructor(sweepAt = 10_000) {
    this.#sweepAt = sweepAt;
  }

  static keyOf(request: string): string {
    return createHash('sha256').update(request).digest('base64');
  }

  sentAt(key: string, now: number): readonly number[] {
    return (this.#sends.get(key) ?? []).filter((time) => now - time < LIMITS.identicalWindowMs);
  }

  record(key: string, now: number): void {
    this.#sends.set(key, [...this.sentAt(key, now), now]);
    if (this.#sends.size > this.#sweepAt) {
      for (const [other, times] of this.#sends) {
        if (times.every((time) => now - time >= LIMITS.identicalWindowMs)) this.#sends.delete(other);
      }
    }
  }

  get size(): number {
    return this.#sends.size;
  }
}

/** A pause this long or longer is announced (`onWait`), so no run sits silent for long. */
export const VISIBLE_WAIT_MS = 2_000;

/** A pause about to start: why, and for how long. */
export interface Wait {
  readonly reason: string;
  readonly ms: number;
}

/** Resolves after `ms`; rejects with `signal.reason` when the signal aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
export const realSleep: Sleep = async (ms, signal) => {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  }
};

/**
 * A gate shared by every request of a run (one client, or several clients and the writer): on
 * error 9 it closes for a while and `ready()` holds new requests until it opens again.
 */
export interface Throttle {
  /** Close the gate for `ms` from now; never shortens a longer pause already in force. */
  slowDown(ms: number): void;
  /** Milliseconds until the gate opens; 0 when open. */
  remainingMs(): number;
  /** Resolves when the gate is open; rejects with `signal.reason` when the signal aborts first. */
  ready(signal?: AbortSignal): Promise<void>;
}

export interface ThrottleOptions {
  clock?: () => number;
  sleep?: Sleep;
  /** Told each time the gate closes or a pause grows (e.g. for a progress line). */
  onSlowDown?: (info: Readonly<{ pauseMs: number }>) => void;
}

export function createThrottle({ clock = Date.now, sleep = realSleep, onSlowDown }: ThrottleOptions = {}): Throttle {
  let openAt = 0;
  const remainingMs = () => Math.max(0, openAt - clock());
  return {
    slowDown(ms) {
      const until = clock() + ms;
      if (until <= openAt) return;
      openAt = until;
      onSlowDown?.(Object.freeze({ pauseMs: ms }));
    },
    remainingMs,
    async ready(signal) {
      for (let wait = remainingMs(); wait > 0; wait = remainingMs()) await sleep(wait, signal);
    },
  };
}
