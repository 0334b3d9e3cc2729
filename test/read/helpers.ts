import { fileURLToPath } from 'node:url';
import { openTable, type ReadOptions, type ReadWarning, type SourceRow, type Table } from '../../src/read/index.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/read/${name}`, import.meta.url));
export const sample = (name: string): string => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

export interface ReadResult {
  table: Table;
  rows: SourceRow[];
  warnings: ReadWarning[];
}

/** Opens a file and reads every row, collecting warnings. */
export async function readAll(file: string, options: ReadOptions = {}): Promise<ReadResult> {
  const warnings: ReadWarning[] = [];
  const table = await openTable(file, { ...options, onWarning: (warning) => warnings.push(warning) });
  const rows: SourceRow[] = [];
  for await (const row of table.rows) rows.push(row);
  return { table, rows, warnings };
}

/** The rejection of a read, for asserting its code and message. */
export async function readFailure(file: string, options: ReadOptions = {}): Promise<unknown> {
  try {
    await readAll(file, options);
  } catch (error) {
    return error;
  }
  throw new Error(`reading ${file} did not fail`);
}
