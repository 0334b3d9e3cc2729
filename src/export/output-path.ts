/**
 * Where an export goes: the format (from `--format` or the file extension), the date template of
 * cron-friendly names (`contacts-{date}.xlsx`) and the per-kind names of a multi-kind CSV export.
 */
import { extname } from 'node:path';
import type { ExportKind } from './columns.js';
import { ExportOptionError } from './errors.js';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const STDOUT = '-';

const EXTENSIONS: Readonly<Record<string, ExportFormat>> = { '.csv': 'csv', '.xlsx': 'xlsx', '.json': 'json', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };

/** The format asked for, else the one the extension names; stdout defaults to CSV. */
export function resolveFormat(out: string, format: ExportFormat | undefined): ExportFormat {
  if (format !== undefined) return format;
  if (out === STDOUT) return 'csv';
  const byExtension = EXTENSIONS[extname(out).toLowerCase()];
  if (byExtension === undefined) {
    throw new ExportOptionError(`cannot tell the format of --out ${JSON.stringify(out)}: expected a name ending in .csv, .xlsx, .json or .jsonl, or --format`);
  }
  return byExtension;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * `{date}` → `2026-11-25`, `{datetime}` → `2026-11-25T1730`, in local time (what a cron user
 * reads on the clock). Any other `{…}` is a mistake worth stopping for.
 */
export function expandDateTemplate(path: string, now: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const values: Readonly<Record<string, string>> = { date, datetime: `${date}T${pad(now.getHours())}${pad(now.getMinutes())}` };
  return path.replace(PLACEHOLDER, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new ExportOptionError(`unknown placeholder ${placeholder} in --out ${JSON.stringify(path)}: expected {date} or {datetime}`);
    return value;
  });
}

/** `out.csv` → `out-contacts.csv`: the file of one kind when a CSV export holds several. */
export function kindPath(path: string, kind: ExportKind): string {
  const extension = extname(path);
  return `${path.slice(0, path.length - extension.length)}-${kind}${extension}`;
}
