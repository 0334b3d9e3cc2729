import { describe, expect, it } from 'vitest';
import { SmscAuthError, SmscIpBlockedError, SmscNotFoundError, SmscParametersError, SmscSaveError, SmscThrottledError, SmscTransportError, SmscUnknownOutcomeError } from '../../src/smsc/errors.js';
import { DEFAULT_RETRY, RequestLog, createThrottle, decideRetry, identicalWindowWaitMs, normalizeRetryOptions, transportDelayMs } from '../../src/smsc/retry.js';

const transport = (status?: number) => new SmscTransportError('boom', { command: 'get', sent: true, status });

describe('decideRetry', () => {
  it('backs off transport errors exponentially with full jitter, capped', () => {
    const options = normalizeRetryOptions({ baseDelayMs: 100, maxDelayMs: 1_000, maxAttempts: 10 });
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => decideRetry({ error: transport(), attempt, options, random: () => 0.5 }));
    expect(delays).toEqual([50, 100, 200, 400, 500, 500].map((delayMs) => ({ retry: true, delayMs })));
    expect(decideRetry({ error: transport(), attempt: 3, options, random: () => 0 })).toEqual({ retry: true, delayMs: 0 });
    expect(transportDelayMs(3, options, () => 0.999)).toBe(399);
  });

  it('stops after maxAttempts (5 by default)', () => {
    expect(decideRetry({ error: transport(), attempt: 4, random: () => 0 })).toEqual({ retry: true, delayMs: 0 });
    expect(decideRetry({ error: transport(), attempt: 5 })).toEqual({ retry: false });
    expect(decideRetry({ error: transport(), attempt: 2, options: normalizeRetryOptions({ maxAttempts: 2 }) })).toEqual({ retry: false });
  });

  it('retries HTTP 5xx and 429 but not other statuses', () => {
    expect(decideRetry({ error: transport(500), attempt: 1 }).retry).toBe(true);
    expect(decideRetry({ error: transport(429), attempt: 1 }).retry).toBe(true);
    expect(decideRetry({ error: transport(404), attempt: 1 }).retry).toBe(false);
    expect(decideRetry({ error: transport(302), attempt: 1 }).retry).toBe(false);
  });

  it('never retries errors 1, 2, 3, 4, 5, an unknown outcome, or a foreign error', () => {
    const errors = [new SmscParametersError(), new SmscAuthError(), new SmscNotFoundError(), new SmscIpBlockedError(), new SmscSaveError(), new SmscUnknownOutcomeError({ command: 'add', cause: transport() }), new Error('bug')];
    for (const error of errors) expect(decideRetry({ error, attempt: 1 })).toEqual({ retry: false });
  });

  it('backs off error 9 exponentially from 5 s, up to a minute', () => {
    const delays = [1, 2, 3, 4].map((attempt) => decideRetry({ error: new SmscThrottledError(), attempt, options: normalizeRetryOptions({ maxAttempts: 9 }) }));
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000].map((delayMs) => ({ retry: true, delayMs })));
    expect(decideRetry({ error: new SmscThrottledError(), attempt: 6, options: normalizeRetryOptions({ maxAttempts: 9 }) })).toEqual({ retry: true, delayMs: 60_000 });
  });

  it('makes the 4th send of the same request wait until 60 s after the first', () => {
    const sentAt = [0, 5_000, 15_000];
    expect(decideRetry({ error: new SmscThrottledError(), attempt: 3, sentAt, now: 16_000 })).toEqual({ retry: true, delayMs: 44_000 });
    // A transport retry obeys the same window.
    expect(decideRetry({ error: transport(), attempt: 3, sentAt, now: 16_000, random: () => 0 })).toEqual({ retry: true, delayMs: 44_000 });
  });
});

describe('identicalWindowWaitMs', () => {
  it('counts only sends within the last minute, in any order', () => {
    expect(identicalWindowWaitMs([], 0)).toBe(0);
    expect(identicalWindowWaitMs([10, 20], 30)).toBe(0);
    expect(identicalWindowWaitMs([20, 10, 30], 40)).toBe(59_970);
    expect(identicalWindowWaitMs([0, 10, 20, 30], 60_005)).toBe(5);
    expect(identicalWindowWaitMs([0, 10, 20], 60_020)).toBe(0);
  });
});

describe('RequestLog', () => {
  it('keeps send times per key within the window and sweeps stale keys', () => {
    const log = new RequestLog(2);
    const key = RequestLog.keyOf('get=1&search=a');
    expect(key).not.toContain('search');
    log.record(key, 0);
    log.record(key, 30_000);
    expect(log.sentAt(key, 70_000)).toEqual([30_000]);
    log.record(RequestLog.keyOf('b'), 100_000);
    log.record(RequestLog.keyOf('c'), 100_000);
    expect(log.size).toBe(2);
  });
});

describe('Throttle', () => {
  it('closes for the longest pause asked and holds ready() until it opens', async () => {
    let now = 0;
    const slept: number[] = [];
    const pauses: number[] = [];
    const throttle = createThrottle({
      clock: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
      onSlowDown: ({ pauseMs }) => pauses.push(pauseMs),
    });
    await throttle.ready();
    expect(slept).toEqual([]);
    throttle.slowDown(10_000);
    throttle.slowDown(3_000);
    expect(throttle.remainingMs()).toBe(10_000);
    now = 4_000;
    await throttle.ready();
    expect(slept).toEqual([6_000]);
    expect(throttle.remainingMs()).toBe(0);
    expect(pauses).toEqual([10_000]);
  });
});

describe('normalizeRetryOptions', () => {
  it('fills defaults and names a bad or unknown option', () => {
    expect(normalizeRetryOptions()).toEqual(DEFAULT_RETRY);
    expect(normalizeRetryOptions({ maxAttempts: undefined, baseDelayMs: 1 })).toEqual({ ...DEFAULT_RETRY, baseDelayMs: 1 });
    expect(() => normalizeRetryOptions({ maxDelayMs: -1 })).toThrow('`retry.maxDelayMs`');
    expect(() => normalizeRetryOptions({ maxAttempts: 1.5 })).toThrow('`retry.maxAttempts`');
    expect(() => normalizeRetryOptions({ retries: 3 } as never)).toThrow('Unknown option `retry.retries`');
  });
});
