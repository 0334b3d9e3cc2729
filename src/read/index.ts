import { open } from 'node:fs/promises';
import { openCsv, type CsvHead } from './csv.js';
import { normalizeDelimiter } from './delimiter.js';
import { ReadError } from './errors.js';
import { isHtml, isOds, isVcard } from './sniff.js';
import type { ReadOptions, Table } from './types.js';

export type { Cell, ReadOptions, ReadWarning, SourceRow, Table, TableInfo } from './types.js';
export { ReadError, type ReadErrorCode } from './errors.js';

/** Encoding and delimiter are guessed from this many first bytes. */
const SAMPLE_BYTES = 64 * 1024;
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const EMPTY_ZIP_MAGIC = Buffer.from('PK\x05\x06', 'latin1');
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/**
 * Opens a CSV, XLSX, ODS, legacy XLS, HTML-table or vCard file — told apart by content, not by
 * extension — finds its header row and returns the header with a one-pass stream of the data
 * rows below it. Blank rows are skipped.
 * @throws {ReadError} when the file cannot be used at all (nothing has been yielded then).
 */
export async function openTable(file: string, options: ReadOptions = {}): Promise<Table> {
  const normalized = normalizeOptions(file, options);
  const head = await readHead(file);
  if (head.sample.length === 0) throw new ReadError('ERR_READ_EMPTY', file, 'the file is empty');
  // Readers are loaded on demand: exceljs alone costs ~25 MB once loaded.
  if (startsWith(head.sample, ZIP_MAGIC)) {
    if (isOds(head.sample)) return (await import('./ods.js')).openOds(file, normalized);
    const { openXlsx } = await import('./xlsx.js');
    return openXlsx(file, normalized);
  }
  if (startsWith(head.sample, EMPTY_ZIP_MAGIC)) throw new ReadError('ERR_READ_NOT_XLSX', file, 'an empty ZIP archive, not an .xlsx workbook');
  if (startsWith(head.sample, OLE2_MAGIC)) {
    // An OLE file is a BIFF .xls or a password-protected OOXML workbook: legacy.ts reads the
    // container's stream names first (an encrypted package → its own message), then converts.
    return (await import('./legacy.js')).openLegacyWorkbook(file, normalized);
  }
  if (isVcard(head.sample)) return (await import('./vcard.js')).openVcard(file, head.sample, normalized);
  if (isHtml(head.sample)) return (await import('./html.js')).openHtml(file, head.sample, normalized);
  return openCsv(file, head, normalized);
}

function normalizeOptions(file: string, options: ReadOptions): ReadOptions {
  const { headerRow, delimiter } = options;
  if (headerRow !== undefined && (!Number.isInteger(headerRow) || headerRow < 1)) {
    throw new ReadError('ERR_READ_INVALID_OPTION', file, `invalid header row: expected a whole number from 1, got ${JSON.stringify(headerRow)}`);
  }
  if (delimiter === '') throw new ReadError('ERR_READ_INVALID_OPTION', file, 'invalid delimiter: expected one or more characters, got ""');
  return { ...options, delimiter: delimiter === undefined ? undefined : normalizeDelimiter(delimiter) };
}

async function readHead(file: string): Promise<CsvHead> {
  let handle;
  try {
    handle = await open(file, 'r');
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    const { size } = await handle.stat();
    return { sample: buffer.subarray(0, bytesRead), complete: bytesRead >= size };
  } catch (error) {
    throw new ReadError('ERR_READ_UNREADABLE', file, `cannot open the file: ${systemReason(error)}`, { cause: error });
  } finally {
    await handle?.close();
  }
}

function systemReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

function startsWith(buffer: Buffer, magic: Buffer): boolean {
  return buffer.length >= magic.length && buffer.subarray(0, magic.length).equals(magic);
}
