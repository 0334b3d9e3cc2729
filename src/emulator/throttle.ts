/**
 * SMSC's request limits (smsc-api.md §3): identical requests per minute and concurrent requests
 * per login (both error 9), and auth failures per address (error 4). Windows run on a scaled
 * clock so tests can pass a minute in a second.
 */
import { LIMITS } from '../smsc/protocol.js';

/** Milliseconds on the emulator's (possibly accelerated) monotonic clock. */
export type Clock = () => number;

export function scaledClock(scale: number): Clock {
  return () => performance.now() * scale;
}

/** Timestamps per key within a sliding window; expired keys are swept now and then. */
class SlidingWindow {
  private readonly hits = new Map<string, number[]>();
  private sinceSweep = 0;

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
  ) {}

  count(key: string): number {
    return this.recent(key, this.clock()).length;
  }

  record(key: string): void {
    const now = this.clock();
    const recent = this.recent(key, now);
    recent.push(now);
    this.hits.set(key, recent);
    if (++this.sinceSweep >= 1_000) this.sweep(now);
  }

  private recent(key: string, now: number): number[] {
    return (this.hits.get(key) ?? []).filter((at) => now - at < this.windowMs);
  }

  private sweep(now: number): void {
    this.sinceSweep = 0;
    for (const [key, times] of this.hits) if (times.every((at) => now - at >= this.windowMs)) this.hits.delete(key);
  }
}

export class Throttle {
  private readonly identical: SlidingWindow;
  private readonly authFailures: SlidingWindow;
  private readonly inFlight = new Map<string, number>();
  private maxSeen = 0;

  constructor(clock: Clock) {
    this.identical = new SlidingWindow(clock, LIMITS.identicalWindowMs);
    this.authFailures = new SlidingWindow(clock, LIMITS.authWindowMs);
  }

  /** Blocked (error 4) while the address has had 5 auth failures within the last 30 minutes. */
  isBlocked(address: string): boolean {
    return this.authFailures.count(address) >= LIMITS.authFailuresBeforeBlock;
  }

  recordAuthFailure(address: string): void {
    this.authFailures.record(address);
  }

  /** Takes an in-flight slot for `login`, or refuses when this request would be the 15th at once. */
  enter(login: string): boolean {
    const current = this.inFlight.get(login) ?? 0;
    if (current + 1 >= LIMITS.maxInFlight) return false;
    this.inFlight.set(login, current + 1);
    this.maxSeen = Math.max(this.maxSeen, current + 1);
    return true;
  }

  leave(login: string): void {
    const current = this.inFlight.get(login) ?? 0;
    if (current <= 1) this.inFlight.delete(login);
    else this.inFlight.set(login, current - 1);
  }

  /**
   * Admits a request unless the same one was admitted 3 times within the last minute. Refused
   * requests are not remembered, so a client that waits out the window gets through.
   */
  admitIdentical(key: string): boolean {
    if (this.identical.count(key) >= LIMITS.identicalPerWindow) return false;
    this.identical.record(key);
    return true;
  }

  /** How many times this request was admitted within the last minute. */
  identicalCount(key: string): number {
    return this.identical.count(key);
  }

  /** The most requests ever in flight at once for one login. */
  get maxInFlight(): number {
    return this.maxSeen;
  }
}
