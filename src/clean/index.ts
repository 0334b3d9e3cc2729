/**
 * `smsc-etl clean`: read → map → normalize with no API at all. Every data row lands in exactly one
 * of two files: the clean file (normalized contact + notes) or the rejects file (one line per
 * reason). Warnings about clean rows go to the rejects file too, with severity `warning`.
 */
import { CONTACT_FIELDS } from '../contact.js';
import type { Mapping } from '../map/schema.js';
import { DUPLICATE_CODES } from '../normalize/dedupe-stage.js';
import { openContactSource, type ContactSourceOptions } from '../pipeline.js';
import { openCsvWriter } from '../report/csv-writer.js';
import { checkOutputPaths } from '../report/preflight.js';
import type { TableInfo } from '../read/types.js';

export const CLEAN_COLUMNS = ['row', ...CONTACT_FIELDS, 'notes'] as const;
export const REJECT_COLUMNS = ['row', 'field', 'value', 'reason', 'severity'] as const;

export interface CleanOptions extends ContactSourceOptions {
  input: string;
  mapping: Mapping;
  out: string;
  rejects: string;
  bom?: boolean;
}

export interface CleanSummary {
  input: string;
  out: string;
  rejects: string;
  format: TableInfo['format'];
  encoding: string | undefined;
  delimiter: string | undefined;
  sheet: string | undefined;
  headerRow: number;
  rowsRead: number;
  clean: number;
  rejected: number;
  duplicates: number;
  warnings: number;
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
  const source = await openContactSource(options.input, options.mapping, options);
  hooks.onOpened?.(source.info);

  const cleanFile = openCsvWriter(options.out, { columns: CLEAN_COLUMNS, bom: options.bom, rawColumns: new Set(['row', 'phone', 'pho']) });
  const rejectsFile = openCsvWriter(options.rejects, { columns: REJECT_COLUMNS, bom: options.bom, rawColumns: new Set(['row']) });
  const counts = { rowsRead: 0, clean: 0, rejected: 0, duplicates: 0, warnings: 0 };

  try {
    for await (const result of source.rows) {
      counts.rowsRead++;
      for (const issue of result.issues) {
        if (issue.severity === 'warning') counts.warnings++;
        if (DUPLICATE_CODES.has(issue.code)) counts.duplicates++;
        const wait = rejectsFile.write({ row: issue.row, field: issue.field, value: issue.value, reason: issue.reason, severity: issue.severity });
        if (wait) await wait;
      }
      if (result.fields === undefined) {
        counts.rejected++;
      } else {
        counts.clean++;
        const wait = cleanFile.write({ row: result.row, ...result.fields, notes: result.notes.join('; ') });
        if (wait) await wait;
      }
      if ((counts.rowsRead & 0x3ff) === 0) hooks.onProgress?.(counts.rowsRead);
    }
    await cleanFile.commit();
    await rejectsFile.commit();
  } catch (error) {
    await Promise.all([cleanFile.abort(), rejectsFile.abort()]);
    throw error;
  }

  const { info } = source;
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
    durationMs: Math.round(performance.now() - started),
  };
}
