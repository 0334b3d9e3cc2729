/**
 * Workers that run read → map → normalize (worker.ts) over a file's tasks, with the results
 * given back in task order. At most two tasks per worker are in flight and the next is sent only
 * when the consumer takes a result, so a slow consumer stops the reading and memory stays flat.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { TooLongRecord } from '../read/csv-split.js';
import { OneThreadNeeded } from './one-thread.js';
import type { CleanResult, ReleaseMessage, RowsResult, TaskBody, TaskResult, ThreadOutput, ThreadSetup, WorkerTask } from './protocol.js';

/**
 * Small heaps: V8 sizes a worker's heap for throughput, ~60 MB each here, while what a task
 * needs is a few MB. Writing `clean`'s lines, the speed is the same with a 4 MB young generation
 * as with 16 (bench: 1M rows) for ~20 MB less. Sending rows (their objects, their values joined
 * and indexed) needs more room: with 4 MB, a third of a worker's time went to collecting (bench, 1M rows:
 * 12.6 s against 10.0 s with 16). A worker that runs out anyway (a monster record) makes the
 * file go to one thread.
 */
const WORKER_HEAP: Readonly<Record<ThreadOutput, ResourceLimits>> = {
  clean: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 },
  rows: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 32 },
};
const IN_FLIGHT_PER_WORKER = 2;

const ENTRY = new URL('./worker.js', import.meta.url);

/** The worker script, when this module runs from the build (not under vitest, which runs the sources). */
export function workerEntry(): URL | undefined {
  return ENTRY.protocol === 'file:' && existsSync(fileURLToPath(ENTRY)) ? ENTRY : undefined;
}

export interface PoolRun {
  entry: URL;
  setup: ThreadSetup;
  threads: number;
  tasks: AsyncIterable<TaskBody>;
  /** Called before each task is sent; may throw to stop the run (an interrupt). */
  onTask?: () => void;
}

export interface WorkerPool<Result extends CleanResult | RowsResult> {
  /**
   * Every task's result, in task order. Throws `OneThreadNeeded` where the file cannot be done on
   * threads exactly as on one thread. The workers start with the first result asked for and
   * stop when the results end or are left.
   */
  results: AsyncGenerator<Result>;
  /** Gives a result's buffers back to the worker that filled them, to be filled again (one message for them all). */
  release(id: number, buffers: ArrayBuffer[]): void;
}

function isOutOfMemory(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
}

export function startPool<Result extends CleanResult | RowsResult>({ entry, setup, threads, tasks, onTask }: PoolRun): WorkerPool<Result> {
  let workers: Worker[] = [];

  async function* results(): AsyncGenerator<Result> {
    workers = Array.from({ length: threads }, () => new Worker(entry, { workerData: setup, resourceLimits: WORKER_HEAP[setup.output] }));
    const waiting = new Map<number, { resolve: (result: TaskResult<Result>) => void; reject: (error: unknown) => void }>();
    let failure: unknown;
    const fail = (error: unknown): void => {
      failure ??= isOutOfMemory(error) ? new OneThreadNeeded('a worker ran out of memory') : error;
      for (const { reject } of waiting.values()) reject(failure);
      waiting.clear();
    };
    for (const worker of workers) {
      worker.on('message', (result: TaskResult<Result>) => {
        const pending = waiting.get(result.id);
        waiting.delete(result.id);
        pending?.resolve(result);
      });
      worker.on('error', fail);
      worker.on('exit', (code) => code !== 0 && fail(new Error(`worker exited with code ${code}`)));
    }

    let nextId = 0;
    const send = (body: TaskBody): Promise<TaskResult<Result>> => {
      const task = { ...body, id: nextId++ } as WorkerTask;
      const answer = new Promise<TaskResult<Result>>((resolve, reject) => {
        if (failure !== undefined) reject(failure);
        else waiting.set(task.id, { resolve, reject });
      });
      // Round robin keeps the order simple: task n goes to worker n mod threads.
      workers[task.id % workers.length]?.postMessage(task, task.kind === 'csv' ? [task.bytes.buffer as ArrayBuffer] : []);
      return answer;
    };
    const next = async (inFlight: Promise<TaskResult<Result>>[]): Promise<Result> => {
      const result = await (inFlight.shift() as Promise<TaskResult<Result>>);
      if ('oneThread' in result) throw new OneThreadNeeded(result.oneThread);
      return result;
    };

    const inFlight: Promise<TaskResult<Result>>[] = [];
    const limit = workers.length * IN_FLIGHT_PER_WORKER;
    try {
      for await (const body of tasks) {
        onTask?.();
        inFlight.push(send(body));
        if (inFlight.length >= limit) yield await next(inFlight);
      }
      while (inFlight.length > 0) yield await next(inFlight);
    } catch (error) {
      // The splitter's way of saying a quote never closes: the one-thread reader says where.
      throw error instanceof TooLongRecord ? new OneThreadNeeded('a record longer than a piece may be') : error;
    } finally {
      // Rejections of tasks nobody awaits any more (an early stop, a failure) are not news.
      for (const pending of inFlight) pending.catch(() => undefined);
      await Promise.all(workers.map((worker) => worker.terminate()));
    }
  }

  return {
    results: results(),
    release: (id, buffers) => workers[id % workers.length]?.postMessage({ kind: 'release', buffers } satisfies ReleaseMessage, buffers),
  };
}
