import { EtlError, EXIT } from '../errors.js';
import { describeCause } from '../report/output-error.js';

/** Options that cannot work (unknown format, bad template, unknown group); nothing was written. */
export class ExportOptionError extends EtlError {
  declare readonly code: 'ERR_EXPORT_OPTION';
  constructor(message: string) {
    super('ERR_EXPORT_OPTION', message, { exitCode: EXIT.badInput });
  }
}

/**
 * The account could not be read completely (the service stopped paging); the export is not
 * committed, so the previous one stays in place.
 */
export class ExportIncompleteError extends EtlError {
  declare readonly code: 'ERR_EXPORT_INCOMPLETE';
  constructor(message: string) {
    super('ERR_EXPORT_INCOMPLETE', message, { exitCode: EXIT.someRowsFailed });
  }
}

/** The run was interrupted (Ctrl-C); the temporary files were removed, nothing was replaced. */
export class ExportInterruptedError extends EtlError {
  declare readonly code: 'ERR_EXPORT_INTERRUPTED';
  constructor() {
    super('ERR_EXPORT_INTERRUPTED', 'export interrupted; no file was written or replaced', { exitCode: EXIT.aborted });
  }
}

/** The output could not be written (permissions, disk full, a directory in the way). */
export class ExportWriteError extends EtlError {
  declare readonly code: 'ERR_EXPORT_WRITE';
  constructor(path: string, cause: unknown) {
    super('ERR_EXPORT_WRITE', `cannot write ${path === '-' ? 'stdout' : JSON.stringify(path)}: ${describeCause(cause)}; no file was replaced`, { exitCode: EXIT.aborted, cause });
  }
}
