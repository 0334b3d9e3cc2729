/**
 * Sending planned writes the way `import` does: under the run's concurrency limit, each settled at
 * most once (apply.ts), counted per line by the call meter, a fatal SMSC error (or too many failures
 * in a row) stops what is not sent yet, an interrupt lets what is in flight settle.
 */
import { EtlError, EXIT } from '../errors.js';
import { isSmscError, type SmscError } from '../smsc/errors.js';
import { type Applied } from './apply.js';
import type { CallMeter } from './import.js';
import { ABANDONED, errorCode, errorText, INTERRUPTED } from './outcome.js';
import type { ReportLine } from './report.js';

/** Rows in a row whose write failed for a reason other than the row itself: the account or the network is broken. */
const MAX_CONSECUTIVE_FAILURES = 20;

export type LineBase = Omit<ReportLine, 'outcome' | 'attempts'>;

export interface SendHooks {
  /** Just before the write is sent (the journal's intent); a throw stops the run instead of failing the line. */
  beforeSend?: () => void;
  /** When the write took effect (the journal's done entry). */
  onApplied?: (applied: Applied) => void;
  /** When the write failed with `error` (not when a second interrupt abandoned it: that one may have been applied). */
  onFailed?: (error: unknown) => void;
}

export interface Executor {
  /** Sends `write` for `base` unless the run has stopped. */
  run(base: LineBase, write: () => Promise<Applied>, hooks?: SendHooks): Promise<ReportLine>;
  /** The line of work not attempted because the run stopped (interrupt or abort), else undefined. */
  stopped(base: LineBase): ReportLine | undefined;
  /** Stops what is not sent yet (the first reason wins). */
  abort(reason: EtlError): void;
  readonly aborted: EtlError | undefined;
  readonly readBacks: number;
}

export function createExecutor(options: { meter: CallMeter; limit: <T>(work: () => Promise<T>) => Promise<T>; signal?: AbortSignal }): Executor {
  const { meter, limit } = options;
  const interrupted = () => options.signal?.aborted === true;
  let aborted: EtlError | undefined;
  let consecutiveFailures = 0;
  let readBacks = 0;
  const stopped = (base: LineBase): ReportLine | undefined => {
    if (aborted) return { ...base, outcome: 'skipped', errorCode: aborted.code, error: `not attempted: ${aborted.message}`, attempts: 0 };
    if (interrupted()) return { ...base, outcome: 'skipped', errorCode: INTERRUPTED, error: 'interrupted', attempts: 0 };
    return undefined;
  };
  return {
    stopped,
    abort: (reason) => {
      aborted ??= reason;
    },
    get aborted() {
      return aborted;
    },
    get readBacks() {
      return readBacks;
    },
    run: (base, write, hooks = {}) =>
      limit(async () => {
        const notRun = stopped(base);
        if (notRun) return notRun;
        hooks.beforeSend?.();
        const result = await meter.attempts(write);
        if ('value' in result) {
          consecutiveFailures = 0;
          readBacks += result.value.readBacks;
          hooks.onApplied?.(result.value);
          return { ...base, outcome: 'done', smscId: result.value.smscId ?? base.smscId, attempts: result.attempts };
        }
        const { error } = result;
        if (interrupted() && error instanceof Error && error.name === 'AbortError') {
          return { ...base, outcome: 'failed', errorCode: INTERRUPTED, error: ABANDONED, attempts: result.attempts };
        }
        hooks.onFailed?.(error);
        const smsc = smscErrorOf(error);
        if (smsc?.fatal) aborted ??= smsc;
        else if (smsc === undefined || smsc.retryable || smsc.code === 'ERR_SMSC_UNKNOWN_OUTCOME') {
          if (++consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
            aborted ??= new EtlError('ERR_IMPORT_TOO_MANY_FAILURES', `${MAX_CONSECUTIVE_FAILURES} writes in a row failed; the last: ${errorText(error)}`, { exitCode: EXIT.aborted });
          }
        }
        return { ...base, outcome: 'failed', errorCode: errorCode(error), error: errorText(error), attempts: result.attempts };
      }),
  };
}

/**
 * The SMSC error a write failed with, also as the cause of ours (a retype that left numbers off the
 * blacklist): whether it stops the run, or is the row's own and does not count toward the abort.
 */
function smscErrorOf(error: unknown): SmscError | undefined {
  if (isSmscError(error)) return error;
  const cause = error instanceof EtlError ? error.cause : undefined;
  return isSmscError(cause) ? cause : undefined;
}

/**
 * A report line waiting its turn in the window: its failure (e.g. the journal's disk filling up) is
 * raised when the line is awaited in input order, not as an unhandled rejection before that.
 */
export function queued<T>(line: T | Promise<T>): Promise<T> {
  const promise = Promise.resolve(line);
  promise.catch(() => undefined);
  return promise;
}
