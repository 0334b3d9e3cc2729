// One measurement in a fresh process, so peak RSS (maxRSS) belongs to that job alone.
// Usage: node bench/measure.js <job> <file>   → prints {"job","rows","ms","cpuMs","peakRssMb"} on stdout.
// `clean` runs as the CLI does (worker threads for a large file: BENCH_THREADS overrides how many);
// `clean-1thread` does everything on the main thread. Both write the clean and rejects files to
// bench/out/ and add their SHA-256 (computed after the timing). `source` and `source-1thread` read
// the file as `import`'s passes do and add a SHA-256 of every 16th row.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

const [job, file] = process.argv.slice(2);
const started = performance.now();
let rows = 0;
let cleanFile;
let rejectsFile;
let threads;
let rowsDigest;

if (job === 'csv-parse') {
  // The floor: csv-parse alone on the raw bytes, no decoding, no work per row.
  for await (const _record of createReadStream(file).pipe(parse({ delimiter: ';' }))) rows++;
  rows--;
} else if (job === 'exceljs') {
  // The floor for XLSX: exceljs' streaming reader visiting every cell value. (Imported here only:
  // exceljs costs ~25 MB of RSS, which the CSV jobs must not carry.)
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit' });
  for await (const sheet of reader) for await (const row of sheet) if (row.values.length > 0) rows++;
  rows--;
} else if (job === 'read-xlsx') {
  // Our XLSX reader alone (dist/read), every data row of the first sheet.
  const { openTable } = await import('../dist/read/index.js');
  const table = await openTable(file);
  for await (const _row of table.rows) rows++;
} else if (job === 'clean' || job === 'clean-1thread') {
  const { runClean } = await import('../dist/clean/index.js');
  const { loadMapping } = await import('../dist/map/load.js');
  const mapping = await loadMapping(new URL('../mappings/samples-excel-ru.json', import.meta.url).pathname);
  cleanFile = new URL(`./out/${job}.clean.csv`, import.meta.url).pathname;
  rejectsFile = new URL(`./out/${job}.rejects.csv`, import.meta.url).pathname;
  const threadsOption = job === 'clean-1thread' ? 0 : process.env.BENCH_THREADS === undefined ? undefined : Number(process.env.BENCH_THREADS);
  const summary = await runClean({ input: file, mapping, out: cleanFile, rejects: rejectsFile, threads: threadsOption, today: new Date('2026-06-01T00:00:00Z') });
  rows = summary.rowsRead;
  threads = summary.threads;
} else if (job === 'source' || job === 'source-1thread') {
  // `import`'s reading of its file: every normalized row (duplicates folded) to this thread.
  const { openContactSource } = await import('../dist/pipeline.js');
  const { loadMapping } = await import('../dist/map/load.js');
  const mapping = await loadMapping(new URL('../mappings/samples-excel-ru.json', import.meta.url).pathname);
  const source = await openContactSource(file, mapping, { threads: job === 'source-1thread' ? 0 : undefined, today: new Date('2026-06-01T00:00:00Z') });
  const hash = createHash('sha256');
  for await (const row of source.rows) {
    rows++;
    // Threads and one thread compared on a sample: every row would add ~10 % to both timings.
    if (rows % 16 === 0) hash.update(JSON.stringify(row));
  }
  threads = source.threads;
  rowsDigest = hash.digest('hex');
} else {
  throw new Error(`unknown job ${job}`);
}

const ms = performance.now() - started;
const usage = process.resourceUsage();
const peakRssMb = usage.maxRSS / 1024;
// CPU of every thread: less swayed than the wall-clock time by what else the machine runs (the process start is in both).
const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
const sha256 = cleanFile === undefined ? rowsDigest : `${await fileHash(cleanFile)} ${await fileHash(rejectsFile)}`;
process.stdout.write(`${JSON.stringify({ job, file, rows, ms: Math.round(ms), cpuMs: Math.round(cpuMs), peakRssMb: Math.round(peakRssMb), threads, sha256 })}\n`);

function fileHash(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .once('error', reject)
      .once('end', () => resolve(hash.digest('hex')));
  });
}
