/**
 * A one-line progress bar on a terminal (rows done/total, rows/s, ETA, retries); nothing at all
 * when stderr is not a terminal (cron), where only the summary is printed.
 */
import type { Wait } from '../smsc/retry.js';

export interface ProgressBar {
  update(done: number, total: number, retries: number): void;
  stop(): void;
}

const WIDTH = 24;

export function createProgressBar(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!enabled) return { update() {}, stop() {} };
  const started = performance.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total, retries) {
      const now = performance.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      const share = total > 0 ? Math.min(1, done / total) : 1;
      const rate = done / Math.max(0.001, (now - started) / 1000);
      const eta = rate > 0 ? (total - done) / rate : 0;
      const bar = '█'.repeat(Math.round(share * WIDTH)).padEnd(WIDTH, '░');
      stream.write(`\r${bar} ${done}/${total} rows  ${rate.toFixed(0)} rows/s  ETA ${formatSeconds(eta)}  retries ${retries}\x1b[K`);
      drawn = true;
    },
    stop() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

function formatSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  return whole >= 60 ? `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}

/**
 * Shows every long pause (the client's and the pace's `onWait`): on a terminal one line with the
 * reason and a countdown, cleared when the pause is over; otherwise one line on stderr per pause.
 * Workers waiting on the same pause report it each; it is shown once, until the latest end.
 */
export interface WaitNotice {
  show(wait: Wait): void;
  stop(): void;
}

export function createWaitNotice(isTerminal: boolean, stream: NodeJS.WritableStream = process.stderr, clock: () => number = Date.now): WaitNotice {
  let current: { reason: string; endsAt: number } | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const line = (reason: string, endsAt: number) => `${reason}: waiting ${Math.max(0, Math.ceil((endsAt - clock()) / 1000))} s`;
  const stop = () => {
    if (ticker !== undefined) {
      clearInterval(ticker);
      ticker = undefined;
      stream.write('\r\x1b[K');
    }
    current = undefined;
  };
  return {
    show({ reason, ms }) {
      const endsAt = clock() + ms;
      // The same pause seen by another worker (timers are a little early or late).
      if (current !== undefined && current.reason === reason && endsAt <= current.endsAt + 1_000) return;
      if (current !== undefined && current.endsAt > clock() && endsAt < current.endsAt) return;
      current = { reason, endsAt };
      if (!isTerminal) {
        stream.write(`${line(reason, endsAt)}\n`);
        return;
      }
      const draw = () => {
        if (current === undefined || clock() >= current.endsAt) return stop();
        stream.write(`\r${line(current.reason, current.endsAt)}\x1b[K`);
      };
      draw();
      ticker ??= setInterval(draw, 1_000).unref();
    },
    stop,
  };
}
