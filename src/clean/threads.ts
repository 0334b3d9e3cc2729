/**
 * `clean` on worker threads (src/threads): the main thread only cuts the work into tasks, drops
 * in-file duplicates and writes; the workers read, map, normalize and format. Results are written
 * in input order. Where a piece cannot be done exactly as the one-thread reader does it (bytes
 * that are not UTF-8, a malformed record, a quote that never closes), the run says so and the
 * caller starts over on one thread.
 */
import { duplicateIssue, FirstOccurrenceFilter } from '../normalize/dedupe.js';
import type { TableInfo } from '../read/types.js';
import type { CsvWriter } from '../report/csv-writer.js';
import { OneThreadNeeded } from '../threads/one-thread.js';
import { startPool } from '../threads/pool.js';
import { CLEAN_END, INDEX_FIELDS, PHONES_END, REJECTS_END, type CleanResult } from '../threads/protocol.js';
import { openThreadTasks, type ThreadTasksOptions } from '../threads/tasks.js';
import { cleanRecords } from './records.js';

export interface ThreadedCleanOptions extends Omit<ThreadTasksOptions, 'output'> {
  /** Called before each task is sent; may throw to stop the run (an interrupt). */
  onTask?: () => void;
}

export interface CleanCounts {
  rowsRead: number;
  clean: number;
  rejected: number;
  duplicates: number;
  warnings: number;
}

export interface CleanSinks {
  clean: CsvWriter<string>;
  rejects: CsvWriter<string>;
  onProgress?: (rowsRead: number) => void;
}

export interface ThreadedClean {
  info: TableInfo;
  threads: number;
  /**
   * Cleans the file on worker threads into `sinks`. Returns the counts, or `undefined` when the
   * file has to be done on one thread after all (nothing written then is worth keeping), or is
   * not worth threads (`threads` 0).
   */
  run(sinks: CleanSinks): Promise<CleanCounts | undefined>;
}

/** Opens the file (every check of it and of the mapping happens here) for a clean on threads. */
export async function prepareThreadedClean({ onTask, ...options }: ThreadedCleanOptions, entry: URL): Promise<ThreadedClean> {
  const opened = await openThreadTasks({ ...options, output: 'clean' });
  return {
    info: opened.info,
    threads: opened.threads,
    async run(sinks) {
      const stream = await opened.start();
      if (stream === undefined) return undefined;
      const pool = startPool<CleanResult>({ entry, setup: opened.setup, threads: opened.threads, tasks: stream.tasks, onTask });
      // Written bytes go back to their worker to be filled again: dropped here, they would wait for a collection of this thread's heap (see readChunks in src/threads/tasks.ts).
      const write = resultWriter(sinks, pool.release, stream.forWholeFile);
      try {
        for await (const result of pool.results) await write(result);
        return write.counts;
      } catch (error) {
        if (error instanceof OneThreadNeeded) return undefined;
        throw error;
      }
    },
  };
}

const COMMA = 0x2c;

/** The phones a result's rows bring to the duplicates table: one per keyed row, one more per comma of a list. */
function phonesOf({ index, phones }: CleanResult): number {
  let count = 0;
  for (let at = 1; at < index.length; at += INDEX_FIELDS) if (index[at] !== 0) count++;
  for (const byte of phones) if (byte === COMMA) count++;
  return count;
}

/** Writes each result, in order, dropping the rows whose key an earlier row holds. */
function resultWriter(
  sinks: CleanSinks,
  release: (id: number, buffers: ArrayBuffer[]) => void,
  /** A count over the file estimated from the first task's. */
  forWholeFile: ((inFirstTask: number) => number) | undefined,
): ((result: CleanResult) => Promise<void>) & { counts: CleanCounts } {
  const counts: CleanCounts = { rowsRead: 0, clean: 0, rejected: 0, duplicates: 0, warnings: 0 };
  let filter: FirstOccurrenceFilter | undefined;
  const records = cleanRecords();
  const write = async (result: CleanResult): Promise<void> => {
    // Sized for the phones, not the rows: rejected rows bring none (a tenth of a typical file, ~2 MB of the table at 1M rows).
    filter ??= new FirstOccurrenceFilter(undefined, { expectedKeys: forWholeFile?.(phonesOf(result)) });
    const { index, clean } = result;
    const phones = Buffer.from(result.phones.buffer, result.phones.byteOffset, result.phones.length);
    const rows = index.length / INDEX_FIELDS;
    // The clean lines of the rows kept are moved up over the duplicates' (in place: these bytes are ours till released), and the rejects
    // lines are joined with the duplicates' own: two writes a task, not two per duplicate (each a request to the file system).
    let cleanLength = 0;
    let cleanFrom = 0;
    let rejectsFrom = 0;
    let duplicates = 0;
    const rejects: Uint8Array[] = [];
    for (let at = 0; at < index.length; at += INDEX_FIELDS) {
      const row = index[at] as number;
      const key = index[at + 1] as number;
      const keptRow = key === 0 ? undefined : filter.checkListed(row, key, phones, at === 0 ? 0 : (index[at - INDEX_FIELDS + PHONES_END] as number), index[at + PHONES_END] as number);
      if (keptRow === undefined) continue;
      // A duplicate: its clean line is left out, and its rejects lines get one more.
      const end = (field: number): number => index[at + field] as number;
      const start = (field: number): number => (at === 0 ? 0 : (index[at - INDEX_FIELDS + field] as number));
      clean.copyWithin(cleanLength, cleanFrom, start(CLEAN_END));
      cleanLength += start(CLEAN_END) - cleanFrom;
      cleanFrom = end(CLEAN_END);
      rejects.push(result.rejects.subarray(rejectsFrom, end(REJECTS_END)));
      rejects.push(Buffer.from(records.reject(duplicateIssue(row, phones.toString('latin1', start(PHONES_END), end(PHONES_END)), { action: 'duplicate', keptRow }))));
      rejectsFrom = end(REJECTS_END);
      duplicates++;
    }
    // All four go back in one message once both files are done with theirs (a message costs ~30 µs on each side).
    const done = [index.buffer as ArrayBuffer, phones.buffer as ArrayBuffer];
    let writing = 2;
    const written = (buffer?: ArrayBuffer) => () => {
      if (buffer !== undefined) done.push(buffer);
      if (--writing === 0) release(result.id, done);
    };
    clean.copyWithin(cleanLength, cleanFrom);
    cleanLength += clean.length - cleanFrom;
    await sinks.clean.writeFormatted(clean.subarray(0, cleanLength), written(clean.buffer as ArrayBuffer));
    if (duplicates === 0) await sinks.rejects.writeFormatted(result.rejects, written(result.rejects.buffer as ArrayBuffer));
    else {
      rejects.push(result.rejects.subarray(rejectsFrom));
      const joined = Buffer.concat(rejects);
      done.push(result.rejects.buffer as ArrayBuffer);
      await sinks.rejects.writeFormatted(joined, written());
    }
    counts.rowsRead += rows;
    counts.clean += rows - result.rejected - duplicates;
    counts.rejected += result.rejected + duplicates;
    counts.duplicates += duplicates;
    counts.warnings += result.warnings;
    sinks.onProgress?.(counts.rowsRead);
  };
  return Object.assign(write, { counts });
}

