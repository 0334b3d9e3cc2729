/**
 * A normalizing worker of the pool in ./pool.ts: map → normalize of source rows, a batch per
 * message, in the order received. Pure work, so the main thread's answer and this one's are the same.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileMapping } from '../map/compile.js';
import { createRowNormalizer } from './row.js';
import type { PoolBatch, PoolResult, PoolSetup } from './pool.js';

const setup = workerData as PoolSetup;
const mapRow = compileMapping(setup.mapping, setup.info);
const normalize = createRowNormalizer(setup.mapping, { strict: setup.strict, today: new Date(setup.today) });

parentPort?.on('message', (batch: PoolBatch) => {
  const result: PoolResult = { id: batch.id, rows: batch.rows.map((row) => normalize(mapRow(row))) };
  parentPort?.postMessage(result);
});
