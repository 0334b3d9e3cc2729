/**
 * `smsc-etl clean`: read → map → normalize with no API at all. Every data row lands in exactly one
 * of two files: the clean file (normalized contact + notes) or the rejects file (one line per
 * reason). Warnings about clean rows go to the rejects file too, with severity `warning`.
 */
import { EtlError, EXIT } from '../errors.js';
import type { Mapping } from '../map/schema.js';
import { DUPLICATE_CODES } from '../normalize/dedupe-stage.js';
import { openContactSource, type ContactSource, type ContactSourceOptions } from '../pipeline.js';
import { openCsvWriter, type CsvWriter } from '../report/csv-writer.js';
import { tellWarning, type WarningsTold } from '../report/issues.js';
import { checkOutputPaths } from '../report/preflight.js';
import type { TableInfo } from '../read/types.js';
import { CLEAN_FORMAT, cleanRecords, REJECTS_FORMAT } from './records.js';
import { workerEntry } from '../threads/pool.js';
import { defaultThreads } from '../threads/tasks.js';
import { prepareThreadedClean, type CleanCounts, type CleanSinks } from './threads.js';

export { CLEAN_COLUMNS, REJECT_COLUMNS } from './records.js';

export interface CleanOptions extends ContactSourceOptions {
  input: string;
  mapping: Mapping;
  out: string;
  rejects: string;
  bom?: boolean;
  /** Aborted (Ctrl-C): the run stops and neither file is written. */
  signal?: AbortSignal;
}

/** A clean stopped by its signal: nothing is written or replaced (both files are atomic), as with `export`. */
export class CleanInterrupted extends EtlError {
  constructor() {
    super('ERR_CLEAN_INTERRUPTED', 'clean interrupted; no file was written or replaced', { exitCode: EXIT.aborted });
  }
}

export interface CleanSummary extends CleanCounts {
  input: string;
  out: string;
  rejects: string;
  format: TableInfo['format'];
  encoding: string | undefined;
  delimiter: string | undefined;
  sheet: string | undefined;
  headerRow: number;
  /** Worker threads the rows were normalized on (0: this thread). */
  threads: number;
  /** Read warnings of a file without data rows (in the rejects file too, and counted in `warnings`), the first few told; absent when none. */
  unattached?: WarningsTold;
  durationMs: number;
}

export interface CleanHooks {
  /** Called with the file facts as soon as the header is found (the CLI prints them). */
  onOpened?: (info: TableInfo) => void;
  onProgress?: (rowsRead: number) => void;
}

export async function runClean(options: CleanOptions, hooks: CleanHooks = {}): Promise<CleanSummary> {
  const started = performance.now();
  await checkOutputPaths([
    { label: 'clean file', path: options.out },
    { label: 'rejects file', path: options.rejects },
  ]);
  const today = options.today ?? new Date();
  const entry = workerEntry();
  const threads = entry === undefined || (options.mapping.duplicates ?? 'first') !== 'first' ? 0 : (options.threads ?? (await defaultThreads(options.input)));
  let opened: TableInfo | undefined;
  let done: { info: TableInfo; counts: CleanCounts; threads: number; unattached?: WarningsTold } | undefined;
  if (threads !== 0 && entry !== undefined) {
    // Every check of the file and the mapping comes before anything is written.
    const threaded = await prepareThreadedClean({ ...options, strict: options.strict ?? false, today, threads: threads === 'auto' ? undefined : threads, onTask: () => stopIfAborted(options.signal) }, entry);
    opened = threaded.info;
    hooks.onOpened?.(opened);
    const counts = threaded.threads === 0 ? undefined : await writeOutputs(options, hooks, threaded.run);
    if (counts !== undefined) done = { info: opened, counts, threads: threaded.threads };
  }
  if (done === undefined) {
    const source = await openContactSource(options.input, options.mapping, { ...options, today, threads: 0 });
    if (opened === undefined) hooks.onOpened?.(source.info);
    const unattached: WarningsTold = { count: 0, first: [] };
    done = { info: source.info, counts: await writeOutputs(options, hooks, (sinks) => cleanInThread(source, sinks, unattached, options.signal)), threads: 0 };
    if (unattached.count > 0) done.unattached = unattached;
  }

  const { info, counts } = done;
  return {
    input: options.input,
    out: options.out,
    rejects: options.rejects,
    format: info.format,
    encoding: info.encoding,
    delimiter: info.delimiter,
    sheet: info.sheet,
    headerRow: info.headerRow,
    ...counts,
    threads: done.threads,
    ...(done.unattached ? { unattached: done.unattached } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}

/** Opens both files, runs `fill`, commits both — or aborts both when `fill` fails or gives up (`undefined`). */
async function writeOutputs<Counts extends CleanCounts | undefined>(options: CleanOptions, hooks: CleanHooks, fill: (sinks: CleanSinks) => Promise<Counts>): Promise<Counts> {
  const clean: CsvWriter<string> = openCsvWriter(options.out, { ...CLEAN_FORMAT, bom: options.bom });
  const rejects: CsvWriter<string> = openCsvWriter(options.rejects, { ...REJECTS_FORMAT, bom: options.bom });
  try {
    const counts = await fill({ clean, rejects, onProgress: hooks.onProgress });
    if (counts === undefined) {
      await Promise.all([clean.abort(), rejects.abort()]);
      return counts;
    }
    await clean.commit();
    await rejects.commit();
    return counts;
  } catch (error) {
    await Promise.all([clean.abort(), rejects.abort()]);
    throw error;
  }
}

function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new CleanInterrupted();
}

async function cleanInThread(source: ContactSource, sinks: CleanSinks, unattached: WarningsTold, signal: AbortSignal | undefined): Promise<CleanCounts> {
  const records = cleanRecords();
  const counts: CleanCounts = { rowsRead: 0, clean: 0, rejected: 0, duplicates: 0, warnings: 0 };
  for await (const result of source.rows) {
    stopIfAborted(signal);
    counts.rowsRead++;
    for (const issue of result.issues) {
      if (issue.severity === 'warning') counts.warnings++;
      if (DUPLICATE_CODES.has(issue.code)) counts.duplicates++;
      const wait = sinks.rejects.writeFormatted(records.reject(issue));
      if (wait) await wait;
    }
    if (result.fields === undefined) {
      counts.rejected++;
    } else {
      counts.clean++;
      const wait = sinks.clean.writeFormatted(records.clean(result, result.fields));
      if (wait) await wait;
    }
    if ((counts.rowsRead & 0x3ff) === 0) sinks.onProgress?.(counts.rowsRead);
  }
  // Listed like the warnings a row carries, by the row they are about (threads leave a file without data rows to this thread).
  for (const issue of source.unattached) {
    counts.warnings++;
    tellWarning(unattached, issue);
    const wait = sinks.rejects.writeFormatted(records.reject(issue));
    if (wait) await wait;
  }
  return counts;
}
