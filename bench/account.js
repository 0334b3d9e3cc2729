// What a small import costs against a big account: 120 rows (100 new, 20 changed) imported into an
// emulator account of 100,000 contacts (a) and of 1,000,000 contacts loaded from a generated state
// file (b), the emulator answering each request after 20 ms. Requests are counted by the
// emulator's own stats; the import runs in a fresh child process so its peak RSS is its own.
//
//   node bench/account.js                          → JSON report on stdout, progress on stderr
//   node bench/account.js --child <url> <input>    (internal: one measured import)
//
// Env: BENCH_ACCOUNT_SIZES (default "100000,1000000"), BENCH_ACCOUNT_LATENCY_MS (default 20),
// BENCH_DIST (default ../dist: the build to measure, e.g. that of an older commit).
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchmarkAccount } from './export.js';

const SELF = new URL(import.meta.url).pathname;
const OUT = new URL('./out/', import.meta.url).pathname;
const DIST = process.env.BENCH_DIST ?? new URL('../dist/', import.meta.url).pathname;
const MAPPING = new URL('../mappings/samples-utf8.json', import.meta.url).pathname;
const DEMO = { login: 'demo', password: 'demo-password' };
const NEW_ROWS = 100;
const CHANGED_ROWS = 20;

/** 100 phones the account does not have, and 20 of its contacts spread over the account, renamed. */
async function writeSmallFile(path, accountSize) {
  const lines = ['name,phone,email,birthday,group,tags,customer_id'];
  for (let i = 0; i < NEW_ROWS; i++) lines.push(`Новый ${i},7926${String(i).padStart(7, '0')},,,,,`);
  for (let i = 0; i < CHANGED_ROWS; i++) {
    const index = Math.floor(((i + 0.5) * accountSize) / CHANGED_ROWS);
    lines.push(`Переименован ${i},79${String(100_000_000 + index * 7).padStart(9, '0')},,,,,`);
  }
  await writeFile(path, `${lines.join('\n')}\n`, 'utf8');
}

/** The state file of an N-contact account, generated once into bench/out/. */
async function stateFile(size) {
  const path = `${OUT}account-${size}.json`;
  if (!existsSync(path)) {
    process.stderr.write(`generating ${path}…\n`);
    await mkdir(OUT, { recursive: true });
    await writeFile(path, JSON.stringify(benchmarkAccount(size)));
  }
  return path;
}

function measureInChild(url, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SELF, '--child', url, input], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`import child exited ${code}`))));
  });
}

async function child([url, input]) {
  const { loadMapping } = await import(pathToFileURL(join(DIST, 'map/load.js')).href);
  const { createSmscClient } = await import(pathToFileURL(join(DIST, 'smsc/client.js')).href);
  const { createCallMeter, runImport } = await import(pathToFileURL(join(DIST, 'write/import.js')).href);
  const { createPacedThrottle } = await import(pathToFileURL(join(DIST, 'write/pace.js')).href);
  const meter = createCallMeter();
  const client = createSmscClient({ baseUrl: url, ...DEMO, ...meter.hooks, throttle: createPacedThrottle() });
  const summary = await runImport({ input, mapping: await loadMapping(MAPPING), client, meter, report: `${input}.report.csv` });
  const result = {
    ms: summary.durationMs,
    actions: summary.actions,
    outcomes: summary.outcomes,
    accountRead: summary.accountRead,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export async function runAccountBenchmarks({
  sizes = (process.env.BENCH_ACCOUNT_SIZES ?? '100000,1000000').split(',').map(Number),
  latencyMs = Number(process.env.BENCH_ACCOUNT_LATENCY_MS ?? 20),
} = {}) {
  const { startEmulator } = await import(pathToFileURL(join(DIST, 'emulator/index.js')).href);
  const { loadStateFile } = await import(pathToFileURL(join(DIST, 'emulator/state-file.js')).href);
  const dir = await mkdtemp(join(tmpdir(), 'smsc-etl-bench-account-'));
  const runs = [];
  try {
    for (const size of sizes) {
      // Loaded into the emulator rather than given as its `stateFile`, which it would rewrite
      // (a million contacts) after the import's writes, in the middle of the measurement.
      const emulator = await startEmulator({ port: 0, faults: { latencyMs } });
      try {
        emulator.reset(await loadStateFile(await stateFile(size)));
        const input = join(dir, `small-${size}.csv`);
        await writeSmallFile(input, size);
        process.stderr.write(`account: ${NEW_ROWS + CHANGED_ROWS} rows (${NEW_ROWS} new, ${CHANGED_ROWS} changed) into ${size} contacts, ${latencyMs} ms per request…\n`);
        const result = await measureInChild(emulator.url, input);
        const stats = emulator.stats();
        const run = { accountContacts: size, rows: NEW_ROWS + CHANGED_ROWS, latencyMs, requests: stats.requestsTotal, calls: stats.calls, seconds: +(result.ms / 1000).toFixed(1), peakRssMb: result.peakRssMb, actions: result.actions, accountRead: result.accountRead };
        runs.push(run);
        process.stderr.write(`  ${size} contacts: ${run.requests} requests ${JSON.stringify(run.calls)}, ${run.seconds} s, import peak RSS ${run.peakRssMb} MB\n`);
      } finally {
        await emulator.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { runs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--child') await child(process.argv.slice(3));
  else process.stdout.write(`${JSON.stringify(await runAccountBenchmarks(), null, 2)}\n`);
}
