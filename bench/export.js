// Export benchmark: an emulator account of N contacts (seeded directly with `reset`) exported to
// CSV and XLSX by `runExport` from dist/, each run in a fresh child process so its peak RSS
// (`maxRSS`) belongs to that export alone. The emulator lives in this (parent) process, so the
// child's memory is the exporter's only. Memory must stay flat: compare 10,000 with 100,000
// (peak RSS, and the heap left after a forced GC at the end, which shows any per-row build-up).
//
//   node bench/export.js                       → JSON report on stdout, progress on stderr
//   node bench/export.js --child <fmt> <rows> <url> <out>   (internal: one measured export)
//
// Env: BENCH_REPEATS (default 3, median), BENCH_EXPORT_ROWS (default "10000,100000"),
// BENCH_EXPORT_LATENCY_MS (default 20, added to every request), BENCH_DIST (default ../dist).
import { spawn } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const OUT = new URL('./out/', import.meta.url).pathname;
const SELF = new URL(import.meta.url).pathname;
const DIST = process.env.BENCH_DIST ?? new URL('../dist/', import.meta.url).pathname;
const fromDist = (path) => import(pathToFileURL(join(DIST, path)).href);
const DEMO = { login: 'demo', password: 'demo-password' };

const SURNAMES = ['Иванов', 'Петрова', 'Сидоров', 'Смирнова', 'Кузнецов', 'Попова', 'Соколов', 'Лебедева'];
const NAMES = ['Иван', 'Мария', 'Олег', 'Елена', 'Сергей', 'Ольга', 'Дмитрий', 'Татьяна', 'Пётр'];
const GROUPS = [
  { id: 1, name: 'Клиенты', type: 0 },
  { id: 2, name: 'VIP', num: 7, type: 0 },
  { id: 3, name: 'Рассылка', type: 0 },
];

/** A deterministic account: every field filled on most contacts, several groups, some injection payloads. */
export function benchmarkAccount(count) {
  const contacts = new Array(count);
  const pad = (n) => String(n).padStart(2, '0');
  for (let i = 0; i < count; i++) {
    const surname = SURNAMES[i % SURNAMES.length];
    const name = NAMES[(i * 7) % NAMES.length];
    contacts[i] = {
      int_id: i + 1,
      phones: [`79${String(100_000_000 + i * 7).padStart(9, '0')}`],
      mails: i % 3 === 0 ? [`user${i}@example.ru`] : [],
      name: `${surname} ${name}`,
      fnm: name,
      lnm: surname,
      mnm: i % 2 === 0 ? 'Иванович' : '',
      bd: i % 4 === 0 ? '' : `${pad((i % 28) + 1)}.${pad((i % 12) + 1)}.${1950 + (i % 60)}`,
      groups: i % 5 === 0 ? [1, 2] : [1 + (i % 3)],
      myid: `C-${i}`,
      cmt: i % 50 === 0 ? `=HYPERLINK("http://x/${i}")` : `клиент с ${2000 + (i % 25)} года`,
      tags: i % 2 === 0 ? ['розница', 'москва'] : [],
      pho: i % 10 === 0 ? [`+7495${String(1_000_000 + i).slice(-7)}`] : [],
    };
  }
  return { contacts, groups: GROUPS, blacklist: [] };
}

/** Runs one export in a fresh Node process; resolves with what that child measured. */
function measureInChild(format, rows, url) {
  const out = `${OUT}export-${rows}.${format}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', SELF, '--child', format, String(rows), url, out], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`export child (${format}, ${rows}) exited ${code}`))));
  });
}

async function child([format, rows, url, out]) {
  const { runExport } = await fromDist('export/index.js');
  const { createSmscClient } = await fromDist('smsc/client.js');
  const client = createSmscClient({ baseUrl: url, ...DEMO });
  const started = performance.now();
  // The CLI passes a Ctrl-C signal; measure that path.
  const summary = await runExport({ client, out, format, signal: new AbortController().signal });
  const ms = performance.now() - started;
  // What the export still holds once garbage is gone: flat if nothing accumulates per row. Peak
  // RSS also includes the headroom V8 lets the heap grow to between collections.
  globalThis.gc?.();
  const result = {
    format,
    rows: summary.rows.contacts,
    expectedRows: Number(rows),
    ms: Math.round(ms),
    pages: summary.pages,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    retainedHeapMb: +(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(1),
    fileMb: +(statSync(out).size / 1024 / 1024).toFixed(1),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Measures CSV and XLSX exports of each account size. `pages.contacts` must equal
 * ⌈N / 1000⌉ + 1: every full or partial page of the `cnt=1000` the exporter asks for, plus the
 * end-of-list call that returns `[]`. Requests are counted by the emulator.
 */
export async function runExportBenchmarks({ sizes, formats = ['csv', 'xlsx'], repeats = Number(process.env.BENCH_REPEATS ?? 3), latencyMs = Number(process.env.BENCH_EXPORT_LATENCY_MS ?? 20) } = {}) {
  sizes ??= (process.env.BENCH_EXPORT_ROWS ?? '10000,100000').split(',').map(Number);
  mkdirSync(OUT, { recursive: true });
  const { startEmulator } = await fromDist('emulator/index.js');
  const pageSize = 1000;
  const emulator = await startEmulator({ port: 0, faults: { latencyMs } });
  const report = { pageSize, latencyMs, repeats, runs: [] };
  try {
    for (const rows of sizes) {
      emulator.reset(benchmarkAccount(rows));
      for (const format of formats) {
        const runs = [];
        const before = emulator.stats().requestsTotal;
        for (let i = 0; i < repeats; i++) runs.push(await measureInChild(format, rows, emulator.url));
        const requests = (emulator.stats().requestsTotal - before) / repeats;
        const first = runs[0];
        const expectedPages = Math.ceil(rows / pageSize) + 1;
        const run = {
          format,
          rows: first.rows,
          ms: median(runs.map((r) => r.ms)),
          rowsPerS: Math.round((first.rows / median(runs.map((r) => r.ms))) * 1000),
          contactPages: first.pages.contacts,
          expectedContactPages: expectedPages,
          pagesMatch: first.pages.contacts === expectedPages && first.rows === rows,
          groupPages: first.pages.groups,
          requests,
          peakRssMb: median(runs.map((r) => r.peakRssMb)),
          retainedHeapMb: median(runs.map((r) => r.retainedHeapMb)),
          fileMb: first.fileMb,
        };
        report.runs.push(run);
        process.stderr.write(
          `  export ${format.padEnd(4)} ${String(rows).padStart(7)} rows  ${String(run.ms).padStart(6)} ms  ${run.rowsPerS.toLocaleString('en').padStart(8)} rows/s  pages ${run.contactPages} (expected ${expectedPages}), ${requests} requests  peak RSS ${run.peakRssMb} MB  heap after GC ${run.retainedHeapMb} MB  file ${run.fileMb} MB\n`,
        );
      }
    }
  } finally {
    await emulator.close();
  }
  const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
  report.memoryGrowth = Object.fromEntries(
    formats.map((format) => {
      const run = (rows) => report.runs.find((candidate) => candidate.format === format && candidate.rows === rows);
      const ratio = (key) => +(run(large)[key] / run(small)[key]).toFixed(2);
      return [format, { peakRssMb: { [small]: run(small).peakRssMb, [large]: run(large).peakRssMb, ratio: ratio('peakRssMb') }, retainedHeapMb: { [small]: run(small).retainedHeapMb, [large]: run(large).retainedHeapMb, ratio: ratio('retainedHeapMb') } }];
    }),
  );
  return report;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--child') await child(process.argv.slice(3));
  else {
    process.stderr.write('export benchmark (emulator in this process, each export in a fresh child)\n');
    process.stdout.write(`${JSON.stringify(await runExportBenchmarks(), null, 2)}\n`);
  }
}
