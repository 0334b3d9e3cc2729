import { EtlError } from '../errors.js';

export type ReadErrorCode =
  | 'ERR_READ_UNREADABLE'
  | 'ERR_READ_EMPTY'
  | 'ERR_READ_NO_HEADER'
  | 'ERR_READ_UNTERMINATED_QUOTE'
  | 'ERR_READ_BAD_ENCODING'
  | 'ERR_READ_NOT_XLSX'
  | 'ERR_READ_ENCRYPTED'
  | 'ERR_READ_SHEET_NOT_FOUND'
  | 'ERR_READ_CORRUPT'
  | 'ERR_READ_INVALID_OPTION';

/** Unusable input: the run stops before any row is processed or written (exit 2). */
export class ReadError extends EtlError {
  declare readonly code: ReadErrorCode;
  readonly file: string;
  readonly row: number | undefined;

  constructor(code: ReadErrorCode, file: string, message: string, options: { row?: number; cause?: unknown } = {}) {
    super(code, `${file}${options.row === undefined ? '' : `, row ${options.row}`}: ${message}`, { exitCode: 2, cause: options.cause });
    this.file = file;
    this.row = options.row;
  }
}
