import { EtlError, EXIT } from '../errors.js';

/** Where a command speaks: humans read stderr; `--json` results go to stdout. */
export interface Output {
  info(line: string): void;
  json(value: unknown): void;
  readonly isTerminal: boolean;
}

export const consoleOutput: Output = {
  info: (line) => process.stderr.write(`${line}\n`),
  json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  isTerminal: process.stderr.isTTY === true,
};

export const EXIT_INTERNAL = 70;

/**
 * The one place that turns an error into what the user sees: a single line, no stack trace
 * (unless SMSC_ETL_DEBUG is set), and the exit code documented in the README.
 */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof EtlError) return { message: error.message, exitCode: error.exitCode };
  // commander has already printed its usage message; a usage error is bad input.
  if (isCommanderExit(error)) return { message: '', exitCode: error.exitCode === 0 ? 0 : EXIT.badInput };
  const text = error instanceof Error ? error.message : String(error);
  return { message: `internal error: ${text} (please report it; SMSC_ETL_DEBUG=1 shows details)`, exitCode: EXIT_INTERNAL };
}

function isCommanderExit(error: unknown): error is { exitCode: number } {
  return typeof error === 'object' && error !== null && 'code' in error && String(error.code).startsWith('commander.') && 'exitCode' in error && typeof error.exitCode === 'number';
}

export function failAndExit(error: unknown): never {
  const { message, exitCode } = describeFailure(error);
  if (message) process.stderr.write(`smsc-etl: ${message}\n`);
  if (process.env.SMSC_ETL_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(exitCode);
}
