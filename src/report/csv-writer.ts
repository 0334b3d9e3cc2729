import { stringify, type Stringifier } from 'csv-stringify';
import { once } from 'node:events';
import { openAtomicFile, type AtomicFile } from './atomic-file.js';
import { neutralizeFormula } from './formula.js';

export interface CsvWriterOptions<Column extends string> {
  columns: readonly Column[];
  delimiter?: string;
  /** A UTF-8 BOM makes Excel read the file as UTF-8 instead of the system code page. */
  bom?: boolean;
  /** Columns written as they are (digits-only phone columns); every other column is formula-neutralized. */
  rawColumns?: ReadonlySet<Column>;
}

/** A streamed CSV file written atomically (see AtomicFile); `write` honours back-pressure. */
export interface CsvWriter<Column extends string> {
  readonly path: string;
  /** Returns a promise only when the file asks to wait (back-pressure); most rows cost no promise at all. */
  write(record: Partial<Record<Column, string | number | undefined>>): Promise<void> | undefined;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export function openCsvWriter<Column extends string>(path: string, options: CsvWriterOptions<Column>): CsvWriter<Column> {
  const file: AtomicFile = openAtomicFile(path);
  const stringifier: Stringifier = stringify({
    header: true,
    columns: [...options.columns],
    delimiter: options.delimiter ?? ',',
    bom: options.bom ?? false,
    record_delimiter: 'windows',
  });
  stringifier.pipe(file.stream, { end: path !== '-' });
  const columns = options.columns;
  const raw = columns.map((column) => options.rawColumns?.has(column) ?? false);
  let stringifierFailure: unknown;
  stringifier.on('error', (error) => (stringifierFailure ??= error));
  const check = () => {
    if (stringifierFailure !== undefined) throw stringifierFailure;
    file.check();
  };

  return {
    path,
    write(record) {
      check();
      const row: string[] = new Array<string>(columns.length);
      for (let index = 0; index < columns.length; index++) {
        const value = record[columns[index] as Column];
        const text = value === undefined ? '' : String(value);
        row[index] = raw[index] ? text : neutralizeFormula(text);
      }
      // A failed file never drains: wait for whichever comes first.
      return stringifier.write(row) ? undefined : file.guard(once(stringifier, 'drain').then(() => undefined));
    },
    async commit() {
      check();
      stringifier.end();
      await file.guard(once(stringifier, 'end'));
      await file.commit();
    },
    async abort() {
      stringifier.destroy();
      await file.abort();
    },
  };
}
