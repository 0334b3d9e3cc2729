// Per-step cost of `clean` in CPU µs per row, on the generated CSV (default 100,000 rows), each
// step timed alone in this process over rows collected in memory (so this is a profiling aid, not
// a memory benchmark): bare csv-parse, the pieces of a clean worker (decode + fast parse), the
// one-thread reader, mapping, phones alone, the whole normalizer (phones included), dedupe and CSV
// writing. CPU time (user + system) rather than wall time: on a
// shared machine it is what a step costs, not how long it waited. Medians of BENCH_REPEATS (3).
// `node bench/steps.js [file]` after a build.
import { createReadStream } from 'node:fs';
import { devNull } from 'node:os';
import { parse } from 'csv-parse';
import { writeCsv } from './generate.js';

const file = process.argv[2] ?? new URL('./out/contacts-100000.csv', import.meta.url).pathname;
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const { existsSync } = await import('node:fs');
if (!existsSync(file)) await writeCsv(file, 100_000);

const { openTable } = await import('../dist/read/index.js');
const { compileMapping, referencedHeaders } = await import('../dist/map/compile.js');
const { loadMapping } = await import('../dist/map/load.js');
const { createRowNormalizer } = await import('../dist/normalize/row.js');
const { normalizePhones } = await import('../dist/normalize/phone.js');
const { FirstOccurrenceFilter } = await import('../dist/normalize/dedupe.js');
const { openCsvWriter } = await import('../dist/report/csv-writer.js');
const { CLEAN_COLUMNS } = await import('../dist/clean/index.js');

const mapping = await loadMapping(new URL('../mappings/samples-excel-ru.json', import.meta.url).pathname);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function time(step) {
  const runs = [];
  let rows = 0;
  for (let i = 0; i < repeats; i++) {
    const started = process.cpuUsage();
    rows = await step();
    const used = process.cpuUsage(started);
    runs.push((used.user + used.system) / 1000);
  }
  return { ms: median(runs), rows };
}

const steps = {};
const record = (name, { ms, rows }) => {
  steps[name] = +((ms * 1000) / rows).toFixed(2);
  process.stderr.write(`  ${name.padEnd(22)} ${steps[name].toFixed(2).padStart(7)} µs/row\n`);
};

record('csv-parse (bare)', await time(async () => {
  let rows = 0;
  for await (const _ of createReadStream(file).pipe(parse({ delimiter: ';' }))) rows++;
  return rows;
}));

// What a clean worker does instead of the streaming reader: decode 64 KB pieces cut at record
// ends and parse them with the fast path (csv-parse where it does not answer).
const { splitCsv } = await import('../dist/read/csv-split.js');
const { eachCsvRecordFast } = await import('../dist/read/csv-fast.js');
const { default: iconv } = await import('iconv-lite');
record('pieces: decode + parse', await time(async () => {
  let rows = 0;
  const split = splitCsv(createReadStream(file, { highWaterMark: 64 * 1024 }), { delimiter: ';', pieceBytes: 64 * 1024, maxPieceBytes: 8 << 20 });
  let first = true;
  for await (const piece of split.pieces) {
    eachCsvRecordFast(iconv.decode(Buffer.from(piece.bytes.buffer), 'windows-1251'), { delimiter: ';', recordDelimiter: split.recordDelimiter(), bom: first, maxRecordChars: 1_000_000 }, () => rows++);
    first = false;
  }
  return rows;
}));

const sourceRows = [];
record('read', await time(async () => {
  sourceRows.length = 0;
  const table = await openTable(file, { expectedHeaders: referencedHeaders(mapping), onWarning: () => {} });
  for await (const row of table.rows) sourceRows.push(row);
  return sourceRows.length;
}));
const table = await openTable(file, { expectedHeaders: referencedHeaders(mapping) });
const mapRow = compileMapping(mapping, table.info);
let mapped = [];
record('map', await time(async () => {
  mapped = sourceRows.map(mapRow);
  return mapped.length;
}));
record('phone', await time(async () => {
  for (const row of mapped) normalizePhones(row.values.phone ?? '', 'RU');
  return mapped.length;
}));
const normalize = createRowNormalizer(mapping, { strict: false });
let normalized = [];
record('normalize (all)', await time(async () => {
  normalized = mapped.map(normalize);
  return normalized.length;
}));
record('dedupe', await time(async () => {
  const filter = new FirstOccurrenceFilter();
  for (const row of normalized) if (row.fields) filter.check(row.row, row.fields);
  return normalized.length;
}));
record('write clean', await time(async () => {
  const writer = openCsvWriter(devNull, { columns: CLEAN_COLUMNS, rawColumns: new Set(['row', 'phone', 'pho']) });
  for (const row of normalized) {
    if (!row.fields) continue;
    const wait = writer.write({ row: row.row, ...row.fields, notes: row.notes.join('; ') });
    if (wait) await wait;
  }
  await writer.commit();
  return normalized.length;
}));
process.stdout.write(`${JSON.stringify({ file, rows: normalized.length, usPerRow: steps })}\n`);
