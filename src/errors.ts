/**
 * Base of every error smsc-etl raises on purpose. `code` is stable (tests and scripts switch on it);
 * `exitCode` is what the CLI exits with when the error reaches it. Messages never carry secrets.
 */
export class EtlError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? 2;
  }
}

/** Process exit codes shared by every command (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  someRowsFailed: 1,
  badInput: 2,
  aborted: 3,
  /** Stopped by SIGINT/SIGTERM (128 + 2, what shells report for Ctrl-C). */
  interrupted: 130,
} as const;
