// Import throughput against the emulator with a realistic round trip: 10,000 new contacts at
// concurrency 4 with 50 ms added per request. A writer that keeps 4 requests in flight all the
// time cannot beat concurrency ÷ latency rows/s; we report how close it gets, how many write calls
// each new row costs, and the write calls of an immediate re-import (which must be none).
//
// Build first (`npm run build`); run alone with `node bench/import.js`, or through bench/run.js.
// BENCH_IMPORT_ROWS, BENCH_IMPORT_LATENCY_MS and BENCH_IMPORT_CONCURRENCY override the defaults.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../dist/emulator/index.js';
import { loadMapping } from '../dist/map/load.js';
import { createSmscClient } from '../dist/smsc/client.js';
import { createCallMeter, runImport } from '../dist/write/import.js';
import { createPacedThrottle } from '../dist/write/pace.js';
import { countWriteCalls } from '../dist/write/write-calls.js';

const MAPPING = new URL('../mappings/samples-utf8.json', import.meta.url).pathname;
const DEMO = { login: 'demo', password: 'demo-password' };

const writeCalls = (stats) => countWriteCalls(stats.calls);

async function writeContacts(path, rows) {
  const lines = ['name,phone,email,birthday,group,tags,customer_id'];
  for (let i = 0; i < rows; i++) lines.push(`Контакт ${i},7916${String(i).padStart(7, '0')},c${i}@example.ru,,,,B${i}`);
  await writeFile(path, `${lines.join('\n')}\n`, 'utf8');
}

/** One import the way the CLI runs it; returns the summary and how long the write phase took. */
async function importOnce(emulator, mapping, input, concurrency) {
  const meter = createCallMeter();
  const client = createSmscClient({ baseUrl: emulator.url, ...DEMO, ...meter.hooks, throttle: createPacedThrottle() });
  let writeStarted = performance.now();
  const summary = await runImport(
    { input, mapping, client, meter, report: `${input}.report.csv`, concurrency },
    { onPhase: (phase) => phase === 'write' && (writeStarted = performance.now()) },
  );
  return { summary, writeMs: performance.now() - writeStarted };
}

export async function runImportBenchmarks({
  rows = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000),
  latencyMs = Number(process.env.BENCH_IMPORT_LATENCY_MS ?? 50),
  concurrency = Number(process.env.BENCH_IMPORT_CONCURRENCY ?? 4),
} = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'smsc-etl-bench-import-'));
  const emulator = await startEmulator({ port: 0, faults: { latencyMs } });
  try {
    const input = join(dir, 'contacts.csv');
    await writeContacts(input, rows);
    const mapping = await loadMapping(MAPPING);
    process.stderr.write(`import: ${rows} new contacts, concurrency ${concurrency}, ${latencyMs} ms per request…\n`);

    const first = await importOnce(emulator, mapping, input, concurrency);
    const afterFirst = emulator.stats();
    const limitRowsPerS = concurrency / (latencyMs / 1000);
    const rowsPerS = (rows / first.summary.durationMs) * 1000;
    const writeRowsPerS = (rows / first.writeMs) * 1000;

    process.stderr.write('import: re-importing the same file…\n');
    const again = await importOnce(emulator, mapping, input, concurrency);
    const afterSecond = emulator.stats();

    const result = {
      import: {
        rows,
        concurrency,
        latencyMs,
        done: first.summary.outcomes.done,
        seconds: +(first.summary.durationMs / 1000).toFixed(1),
        rowsPerS: Math.round(rowsPerS),
        writePhaseRowsPerS: Math.round(writeRowsPerS),
        limitRowsPerS: Math.round(limitRowsPerS),
        shareOfLimit: +(rowsPerS / limitRowsPerS).toFixed(3),
        writePhaseShareOfLimit: +(writeRowsPerS / limitRowsPerS).toFixed(3),
        writeCallsPerRow: +(writeCalls(afterFirst) / rows).toFixed(3),
        maxInFlight: afterFirst.maxInFlight,
        error9: afterFirst.error9,
        reimportWriteCalls: writeCalls(afterSecond) - writeCalls(afterFirst),
        reimportUnchanged: again.summary.actions.unchanged,
        reimportSeconds: +(again.summary.durationMs / 1000).toFixed(1),
      },
    };
    const r = result.import;
    process.stderr.write(
      `  ${r.rowsPerS} rows/s (${(r.shareOfLimit * 100).toFixed(1)}% of the ${r.limitRowsPerS} rows/s limit; write phase ${(r.writePhaseShareOfLimit * 100).toFixed(1)}%), ` +
        `${r.writeCallsPerRow} write calls per row, re-import ${r.reimportWriteCalls} write calls\n`,
    );
    return result;
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await runImportBenchmarks(), null, 2)}\n`);
}
