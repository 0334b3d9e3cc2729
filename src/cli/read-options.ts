import { InvalidArgumentError, type Command } from 'commander';
import type { SourceReadOptions } from '../pipeline.js';

/** The reader options `clean` and `import` share. */
export function addReadOptions(command: Command): Command {
  return command
    .option('--sheet <name|number>', 'XLSX sheet by name or 1-based number (default: the first whose header matches the mapping)')
    .option('--encoding <name>', 'CSV encoding (default: detected; utf-8, utf-16le, utf-16be, windows-1251, …)')
    .option('--delimiter <char>', 'CSV delimiter (default: sniffed among , ; TAB |); "\\t" or "tab" for TAB', parseDelimiter)
    .option('--header-row <n>', 'row number of the header (default: detected within the first 20 rows)', parsePositiveInteger);
}

export function readOptionsFrom(options: Record<string, unknown>): SourceReadOptions {
  return {
    sheet: typeof options.sheet === 'string' ? options.sheet : undefined,
    encoding: typeof options.encoding === 'string' ? options.encoding : undefined,
    delimiter: typeof options.delimiter === 'string' ? options.delimiter : undefined,
    headerRow: typeof options.headerRow === 'number' ? options.headerRow : undefined,
  };
}

export function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${value}"`);
  return number;
}

export function parseDelimiter(value: string): string {
  if (value === '\\t' || value.toLowerCase() === 'tab') return '\t';
  if (value.length !== 1) throw new InvalidArgumentError(`expected one character, got "${value}"`);
  return value;
}
