// `npm run bench`: generates the benchmark inputs once (bench/out/), then measures each job in a
// fresh process, several times, and prints medians, rows/s, ratios against the bare-parser floor
// measured in the same run, and peak RSS. Speed claims come from here, never from timed tests.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { writeCsv, writeXlsx } from './generate.js';

const out = new URL('./out/', import.meta.url).pathname;
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const sizes = { small: 100_000, large: Number(process.env.BENCH_ROWS ?? 1_000_000) };
const only = process.env.BENCH_ONLY?.split(',');
mkdirSync(out, { recursive: true });

async function input(kind, rows) {
  const path = `${out}contacts-${rows}.${kind}`;
  if (!existsSync(path)) {
    process.stderr.write(`generating ${path}…\n`);
    await (kind === 'csv' ? writeCsv(path, rows) : writeXlsx(path, rows));
  }
  return path;
}

function runOnce(job, file) {
  return JSON.parse(execFileSync(process.execPath, [new URL('./measure.js', import.meta.url).pathname, job, file], { encoding: 'utf8', maxBuffer: 1 << 20 }));
}

/**
 * Each job `repeats` times, interleaved (job 1, job 2, …, job 1, …) so that a burst of load on
 * the shared machine spreads over all jobs instead of skewing one; medians per job.
 */
function measure(jobs) {
  const runs = jobs.map(() => []);
  for (let i = 0; i < repeats; i++) jobs.forEach(([job, file], index) => runs[index].push(runOnce(job, file)));
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return jobs.map(([job], index) => {
    const first = runs[index][0];
    const result = { job, rows: first.rows, ms: median(runs[index].map((run) => run.ms)), cpuMs: median(runs[index].map((run) => run.cpuMs)), peakRssMb: median(runs[index].map((run) => run.peakRssMb)), threads: first.threads, sha256: first.sha256 };
    const threads = result.threads === undefined ? '' : `  threads ${result.threads}`;
    process.stderr.write(`  ${job.padEnd(14)} ${String(result.rows).padStart(8)} rows  ${String(result.ms).padStart(7)} ms  ${Math.round((result.rows / result.ms) * 1000).toLocaleString('en').padStart(9)} rows/s  CPU ${String(result.cpuMs).padStart(7)} ms  peak RSS ${result.peakRssMb} MB${threads}\n`);
    return result;
  });
}

/** A job on threads and its one-thread twin against the floor; what both put out must be the same. */
function againstOneThread(floor, clean, oneThread) {
  return {
    threads: clean.threads,
    ratio: +(clean.ms / floor.ms).toFixed(2),
    // CPU time of all threads against the floor's: what the work costs, whatever the wall-clock noise.
    cpuRatio: +(clean.cpuMs / floor.cpuMs).toFixed(2),
    oneThread: { ratio: +(oneThread.ms / floor.ms).toFixed(2), peakRssMb: oneThread.peakRssMb },
    // clean: SHA-256 of both files; source: of a sample of the rows (measure.js).
    sameOutputAsOneThread: clean.sha256 === oneThread.sha256,
  };
}

const report = {};
/**
 * `job` on the large CSV against the floor and against its one-thread run, and on the small CSV
 * (memory growth): the same threads-versus-one-thread comparison for `clean` and `source`.
 */
async function csvAgainstOneThread(job) {
  const small = await input('csv', sizes.small);
  const large = await input('csv', sizes.large);
  const [floor, threaded, oneThread, smallRun] = measure([
    ['csv-parse', large],
    [job, large],
    [`${job}-1thread`, large],
    [job, small],
  ]);
  return {
    floorRowsPerS: Math.round((floor.rows / floor.ms) * 1000),
    rowsPerS: Math.round((threaded.rows / threaded.ms) * 1000),
    ...againstOneThread(floor, threaded, oneThread),
    speedup: +(oneThread.ms / threaded.ms).toFixed(2),
    peakRssMb: { [sizes.small]: smallRun.peakRssMb, [sizes.large]: threaded.peakRssMb },
    rssGrowth: +(threaded.peakRssMb / smallRun.peakRssMb).toFixed(2),
  };
}

if (!only || only.includes('clean')) {
  process.stderr.write(`clean (CSV), median of ${repeats}, interleaved\n`);
  report.cleanCsv = await csvAgainstOneThread('clean');
}
if (!only || only.includes('source')) {
  // What `import` pays for each pass over its file (validation, the write pass): every row read,
  // normalized and brought to the main thread, without the account or the report.
  process.stderr.write(`source (import's passes over the CSV), median of ${repeats}, interleaved\n`);
  report.importSource = await csvAgainstOneThread('source');
}
if (!only || only.includes('xlsx')) {
  const rows = Number(process.env.BENCH_XLSX_ROWS ?? sizes.small);
  process.stderr.write(`clean (XLSX), median of ${repeats}\n`);
  const file = await input('xlsx', rows);
  const [floor, clean, oneThread] = measure([
    ['exceljs', file],
    ['clean', file],
    ['clean-1thread', file],
  ]);
  report.cleanXlsx = {
    rows,
    floorRowsPerS: Math.round((floor.rows / floor.ms) * 1000),
    cleanRowsPerS: Math.round((clean.rows / clean.ms) * 1000),
    ...againstOneThread(floor, clean, oneThread),
    peakRssMb: clean.peakRssMb,
  };
}
if (!only || only.includes('read-xlsx')) {
  // The XLSX reader against exceljs' streaming reader on the same workbook; RSS at two sizes shows it stays flat.
  const rows = Number(process.env.BENCH_READ_XLSX_ROWS ?? sizes.large);
  process.stderr.write(`read (XLSX), median of ${repeats}, interleaved\n`);
  const small = await input('xlsx', sizes.small);
  const large = await input('xlsx', rows);
  const [floor, read, readSmall] = measure([
    ['exceljs', large],
    ['read-xlsx', large],
    ['read-xlsx', small],
  ]);
  report.readXlsx = {
    rows,
    exceljsRowsPerS: Math.round((floor.rows / floor.ms) * 1000),
    readRowsPerS: Math.round((read.rows / read.ms) * 1000),
    ratio: +(read.ms / floor.ms).toFixed(2),
    peakRssMb: { exceljs: floor.peakRssMb, [sizes.small]: readSmall.peakRssMb, [rows]: read.peakRssMb },
    rssGrowth: +(read.peakRssMb / readSmall.peakRssMb).toFixed(2),
  };
}
if (!only || only.includes('import')) {
  const { runImportBenchmarks } = await import('./import.js');
  report.import = await runImportBenchmarks();
}
if (!only || only.includes('account')) {
  const { runAccountBenchmarks } = await import('./account.js');
  report.account = await runAccountBenchmarks();
}
if (!only || only.includes('export')) {
  const { runExportBenchmarks } = await import('./export.js');
  report.export = await runExportBenchmarks();
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
