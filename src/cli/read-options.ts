import { InvalidArgumentError, type Command } from 'commander';
import type { ContactSourceOptions, SourceReadOptions } from '../pipeline.js';

/** The reader options `clean`, `import` and `inspect` share. */
export function addReadOptions(command: Command): Command {
  return command
    .option('--sheet <name|number>', 'XLSX sheet by name or 1-based number (default: the first whose header matches the mapping)')
    .option('--encoding <name>', 'CSV encoding (default: detected; utf-8, utf-16le, utf-16be, windows-1251, …)')
    .option('--delimiter <char>', 'CSV delimiter (default: sniffed among , ; TAB |); "\\t" or "tab" for TAB', parseDelimiter)
    .option('--header-row <n>', 'row number of the header (default: detected within the first 20 rows)', parsePositiveInteger);
}

/** `clean`'s and `import`'s reader options, and how many threads read and normalize. */
export function addSourceOptions(command: Command): Command {
  return addReadOptions(command).option(
    '--threads <n>',
    'worker threads to read and normalize on, 0 for none (default: 2 for a CSV from 4 MB, none for other files; the rows are the same either way)',
    parseThreads,
  );
}

export function sourceOptionsFrom(options: Record<string, unknown>): SourceReadOptions & Pick<ContactSourceOptions, 'threads'> {
  return { ...readOptionsFrom(options), threads: typeof options.threads === 'number' ? options.threads : undefined };
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

function parseThreads(value: string): number {
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 0 || threads > 16) throw new InvalidArgumentError('expected a whole number from 0 to 16');
  return threads;
}

export function parseDelimiter(value: string): string {
  if (value === '\\t' || value.toLowerCase() === 'tab') return '\t';
  if (value.length !== 1) throw new InvalidArgumentError(`expected one character, got "${value}"`);
  return value;
}
