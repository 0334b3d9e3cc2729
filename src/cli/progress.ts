/**
 * A one-line progress bar on a terminal (rows done/total, rows/s, ETA, retries); nothing at all
 * when stderr is not a terminal (cron), where only the summary is printed.
 */
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
