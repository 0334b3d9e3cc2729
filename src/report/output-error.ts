import { EtlError, EXIT } from '../errors.js';

/** What the common file-system errors mean, for a one-line message. */
const CAUSES: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOENT: 'no such file or directory',
  EPIPE: 'the reading end of the pipe was closed',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

/** `no space left on device (ENOSPC)`; an error without a system code is described by its message. */
export function describeCause(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && CAUSES[code] !== undefined) return `${CAUSES[code]} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/** A failure of the file system (EACCES, ENOSPC, EISDIR…), as opposed to one of ours or the service's. */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/** An output (report, journal, clean file, export, stdout) could not be written while the run went on. */
export class OutputWriteError extends EtlError {
  declare readonly code: 'ERR_OUTPUT_WRITE';
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super('ERR_OUTPUT_WRITE', `cannot write ${path === '-' ? 'stdout' : JSON.stringify(path)}: ${describeCause(cause)}`, { exitCode: EXIT.aborted, cause });
    this.path = path;
  }
}

/** An output path that cannot work, found before the run read or sent anything. */
export class OutputPathError extends EtlError {
  declare readonly code: 'ERR_OUTPUT_PATH';
  readonly path: string;
  constructor(path: string, message: string) {
    super('ERR_OUTPUT_PATH', message, { exitCode: EXIT.badInput });
    this.path = path;
  }
}

/** The error as an OutputWriteError of `path` when it is a file-system failure; anything else as it is. */
export function asOutputError(path: string, error: unknown): unknown {
  return isSystemError(error) ? new OutputWriteError(path, error) : error;
}
