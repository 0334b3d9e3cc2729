/**
 * The normalized rows of a file, made on worker threads, for a consumer on the main thread
 * (`import`'s passes). A row arrives as the one-thread pass makes it; where the file cannot be
 * done on threads exactly (see one-thread.ts), the rest comes from the one-thread pass, which
 * starts over and skips the rows already given: rows before that point are the same either way.
 */
import type { NormalizedRow } from '../normalize/row.js';
import type { TableInfo } from '../read/types.js';
import { OneThreadNeeded } from './one-thread.js';
import { startPool, workerEntry } from './pool.js';
import type { RowsResult } from './protocol.js';
import { decodeRows } from './row-codec.js';
import { defaultThreads, openThreadTasks, type ThreadTasksOptions } from './tasks.js';

/** `threads` 0: none; undefined: as `clean` (see defaultThreads). */
export type ThreadedRowsOptions = Omit<ThreadTasksOptions, 'output'>;

export interface ThreadedRows {
  info: TableInfo;
  /** The workers the rows are read on; 0 once they are read on one thread. */
  readonly threads: number;
  /** Every data row, in input order, exactly once; `oneThread` reads the file if threads cannot. */
  rows(oneThread: () => Promise<AsyncIterable<NormalizedRow>>): AsyncGenerator<NormalizedRow>;
}

/** `undefined` when the file is not worth threads (or is read from the sources, as under vitest). */
export async function openThreadedRows({ threads: asked, ...options }: ThreadedRowsOptions): Promise<ThreadedRows | undefined> {
  const entry = workerEntry();
  const threads = asked ?? (await defaultThreads(options.input));
  if (entry === undefined || threads === 0) return undefined;
  const opened = await openThreadTasks({ ...options, output: 'rows', threads: threads === 'auto' ? undefined : threads });
  if (opened.threads === 0) return undefined;
  let workers = opened.threads;
  return {
    info: opened.info,
    get threads() {
      return workers;
    },
    async *rows(oneThread) {
      let last = 0;
      try {
        const stream = await opened.start();
        // A file without data rows: its read warnings, if any, have no row here to go with; the one-thread reading hands them on.
        if (stream === undefined) throw new OneThreadNeeded('no data rows');
        const pool = startPool<RowsResult>({ entry, setup: opened.setup, threads: opened.threads, tasks: stream.tasks });
        for await (const result of pool.results) {
          for (const row of decodeRows(result.rows)) {
            last = row.row;
            yield row;
          }
        }
        return;
      } catch (error) {
        if (!(error instanceof OneThreadNeeded)) throw error;
      }
      workers = 0;
      for await (const row of await oneThread()) if (row.row > last) yield row;
    },
  };
}
