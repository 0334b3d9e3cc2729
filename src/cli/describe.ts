import { basename, dirname, extname, join } from 'node:path';
import type { TableInfo } from '../read/types.js';

/** "Reading x.csv: CSV, windows-1251, delimiter ';', header row 1 (7 columns)" — what detection chose. */
export function describeTable(info: TableInfo): string {
  const facts =
    info.format === 'csv'
      ? [`CSV`, info.encoding ?? 'utf-8', `delimiter ${JSON.stringify(info.delimiter ?? ',')}`]
      : [`XLSX`, `sheet ${JSON.stringify(info.sheet ?? '')}`];
  const header = info.headerRow === 0 ? 'no header row' : `header row ${info.headerRow}`;
  return `Reading ${info.file}: ${facts.join(', ')}, ${header} (${info.headers.length} columns)`;
}

/** `dir/contacts.csv` + `clean.csv` → `dir/contacts.clean.csv`. */
export function siblingPath(input: string, suffix: string): string {
  return join(dirname(input), `${basename(input, extname(input))}.${suffix}`);
}
