/**
 * The writer's pace: SMSC's shared error-9 gate (see smsc/retry.ts) plus an optional request rate.
 * It is handed to the client as its `throttle`, so every attempt — retries included — waits its turn,
 * and an error 9 on one row pauses all workers, not just that one.
 */
import { createThrottle, realSleep, VISIBLE_WAIT_MS, type Sleep, type Throttle, type Wait } from '../smsc/retry.js';

export interface PacedThrottleOptions {
  /** Requests per second; undefined = no limit beyond SMSC's own. */
  rate?: number;
  clock?: () => number;
  sleep?: Sleep;
  onSlowDown?: (info: Readonly<{ pauseMs: number }>) => void;
  /** Told before a wait for a `rate` slot of more than 2 s. */
  onWait?: (wait: Wait) => void;
}

export function createPacedThrottle(options: PacedThrottleOptions = {}): Throttle {
  const { rate, clock = Date.now, sleep = realSleep } = options;
  if (rate !== undefined && !(rate > 0)) throw new TypeError(`Expected \`rate\` to be a positive number, got ${rate}`);
  const gate = createThrottle({ clock, sleep, onSlowDown: options.onSlowDown });
  if (rate === undefined) return gate;
  const interval = 1000 / rate;
  let nextSlot = 0;
  return {
    slowDown: gate.slowDown,
    remainingMs: gate.remainingMs,
    async ready() {
      for (;;) {
        await gate.ready();
        const now = clock();
        if (nextSlot <= now) {
          nextSlot = Math.max(nextSlot, now) + interval;
          return;
        }
        if (nextSlot - now > VISIBLE_WAIT_MS) options.onWait?.({ reason: `--rate ${rate} allows a request every ${+(interval / 1000).toFixed(1)} s`, ms: nextSlot - now });
        await sleep(nextSlot - now);
      }
    },
  };
}
