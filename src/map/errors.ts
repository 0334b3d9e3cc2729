import { EtlError } from '../errors.js';

export type MappingErrorCode = 'ERR_MAPPING_UNREADABLE' | 'ERR_MAPPING_INVALID' | 'ERR_MAPPING_COLUMN';

/**
 * The mapping cannot be used: the file is unreadable or invalid, or it names a column the source
 * does not have. Raised before any row is processed (exit 2). `problems` holds one line per issue.
 */
export class MappingError extends EtlError {
  declare readonly code: MappingErrorCode;
  readonly problems: readonly string[];

  constructor(code: MappingErrorCode, problems: readonly string[], options: { cause?: unknown } = {}) {
    super(code, problems.join('\n'), { exitCode: 2, cause: options.cause });
    this.problems = problems;
  }
}
