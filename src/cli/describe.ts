import { basename, dirname, extname, join } from 'node:path';
import type { TableInfo } from '../read/types.js';

/** "Reading x.csv: CSV, windows-1251, delimiter ';', header row 1 (7 columns)" — what detection chose. */
export function describeTable(info: TableInfo): string {
  const facts = formatFacts(info);
  // A vCard has no header row: its columns are its properties.
  const header = info.format === 'vcard' ? `${info.headers.length} columns` : info.headerRow === 0 ? `no header row (${info.headers.length} columns)` : `header row ${info.headerRow} (${info.headers.length} columns)`;
  return `Reading ${info.file}: ${facts.join(', ')}, ${header}`;
}

function formatFacts(info: TableInfo): string[] {
  switch (info.format) {
    case 'csv':
      return [`CSV`, info.encoding ?? 'utf-8', `delimiter ${JSON.stringify(info.delimiter ?? ',')}`];
    case 'html':
      return [`HTML`, info.encoding ?? 'utf-8', info.sheet ?? 'table 1'];
    case 'vcard':
      return [`vCard`];
    default:
      return [info.format.toUpperCase(), `sheet ${JSON.stringify(info.sheet ?? '')}`];
  }
}

/** `dir/contacts.csv` + `clean.csv` → `dir/contacts.clean.csv`. */
export function siblingPath(input: string, suffix: string): string {
  return join(dirname(input), `${basename(input, extname(input))}.${suffix}`);
}
