/**
 * map → normalize on worker threads while the main thread reads (and its consumer writes): rows
 * go out in batches of hundreds per message, come back in input order, and at most two batches
 * per worker are in flight, so a slow consumer stops the reading and memory stays flat.
 *
 * Workers run the built code (dist/normalize/worker.js). Where there is none — the TypeScript
 * sources under vitest — `workerEntry()` is undefined and callers normalize in-thread.
 *
 * Not used by the CLI yet: the rows' trip back costs the main thread as much as the work moved
 * off it (structured clone of the NormalizedRow objects, ~6 µs per row), so the main thread
 * stays at ~17 of the 22 µs per row it spends alone, for +30 MB of RSS per worker. It pays once
 * workers send back what the consumer writes (CSV lines) instead of objects.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Mapping } from '../map/schema.js';
import type { SourceRow, TableInfo } from '../read/types.js';
import type { NormalizedRow } from './row.js';

export interface PoolSetup {
  mapping: Mapping;
  info: TableInfo;
  strict: boolean;
  /** "Today" for birthday checks, in ms since the epoch. */
  today: number;
}

export interface PoolBatch {
  id: number;
  rows: SourceRow[];
}

export interface PoolResult {
  id: number;
  rows: NormalizedRow[];
}

/**
 * Rows per message: enough that a message's cost is small against the work it carries, few
 * enough that a batch dies young. Rows alive across a scavenge are promoted to the old
 * generation, which then grows between full collections: 2000-row batches cost ~60 MB of RSS
 * more than 250-row ones at 100,000 rows, for no measurable speed.
 */
const BATCH_ROWS = 250;
/** Batches in flight per worker: one being worked on, one waiting, so no worker idles. */
const IN_FLIGHT_PER_WORKER = 2;

const ENTRY = new URL('./worker.js', import.meta.url);

/** The worker script, when this module runs from the build. */
export function workerEntry(): URL | undefined {
  return ENTRY.protocol === 'file:' && existsSync(fileURLToPath(ENTRY)) ? ENTRY : undefined;
}

/** Normalizes `rows` on `workers` threads; yields the results in input order. */
export async function* normalizeInPool(rows: AsyncIterable<SourceRow>, setup: PoolSetup, workers: number, entry: URL): AsyncGenerator<NormalizedRow> {
  const threads = Array.from({ length: Math.max(1, workers) }, () => new Worker(entry, { workerData: setup }));
  const waiting = new Map<number, { resolve: (rows: NormalizedRow[]) => void; reject: (error: unknown) => void }>();
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
    for (const { reject } of waiting.values()) reject(failure);
    waiting.clear();
  };
  for (const thread of threads) {
    thread.on('message', (result: PoolResult) => {
      const pending = waiting.get(result.id);
      waiting.delete(result.id);
      pending?.resolve(result.rows);
    });
    thread.on('error', fail);
    thread.on('exit', (code) => code !== 0 && fail(new Error(`normalizing worker exited with code ${code}`)));
  }

  let nextId = 0;
  const send = (batch: SourceRow[]): Promise<NormalizedRow[]> => {
    const id = nextId++;
    const answer = new Promise<NormalizedRow[]>((resolve, reject) => {
      if (failure !== undefined) reject(failure);
      else waiting.set(id, { resolve, reject });
    });
    // Round robin keeps the order simple: batch n goes to worker n mod workers.
    threads[id % threads.length]?.postMessage({ id, rows: batch } satisfies PoolBatch);
    return answer;
  };

  const inFlight: Promise<NormalizedRow[]>[] = [];
  const limit = threads.length * IN_FLIGHT_PER_WORKER;
  try {
    let batch: SourceRow[] = [];
    for await (const row of rows) {
      batch.push(row);
      if (batch.length < BATCH_ROWS) continue;
      inFlight.push(send(batch));
      batch = [];
      if (inFlight.length >= limit) yield* (await inFlight.shift()) ?? [];
    }
    if (batch.length > 0) inFlight.push(send(batch));
    while (inFlight.length > 0) yield* (await inFlight.shift()) ?? [];
  } finally {
    // Rejections of batches nobody awaits any more (an early stop, a failure) are not news.
    for (const pending of inFlight) pending.catch(() => undefined);
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}
