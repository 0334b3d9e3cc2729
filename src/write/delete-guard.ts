/**
 * Every command that deletes records from the account goes through one guard, before its first
 * request: it prints what will be deleted, refuses more than `maxDeletes`, and needs a yes — typed
 * on a terminal (the count shown), or `--yes` in a run without one (cron, CI).
 */
import { EtlError, EXIT } from '../errors.js';

export const DEFAULT_MAX_DELETES = 100;
/** Lines of the list printed before asking; the report has all of them. */
const SHOWN = 20;

export interface DeleteCandidate {
  /** What the user recognizes: the phone or the e-mail. */
  label: string;
  smscId?: number;
}

export interface DeleteGuardOptions {
  /** Largest number of records one run may delete. */
  maxDeletes?: number;
  /** Confirmed in advance (`--yes`). */
  yes?: boolean;
  /** Asks a yes/no question on a terminal; absent when there is none. */
  ask?: (question: string) => Promise<boolean>;
  /** Where the list of deletions is printed. */
  print: (line: string) => void;
}

/** Resolves when the deletions may go ahead; throws a DeleteRefusedError (exit 2) otherwise. */
export type DeleteGuard = (what: string, candidates: readonly DeleteCandidate[]) => Promise<void>;

export class DeleteRefusedError extends EtlError {
  declare readonly code: 'ERR_DELETE_LIMIT' | 'ERR_DELETE_UNCONFIRMED' | 'ERR_DELETE_DECLINED';
  constructor(code: 'ERR_DELETE_LIMIT' | 'ERR_DELETE_UNCONFIRMED' | 'ERR_DELETE_DECLINED', message: string) {
    super(code, `${message}; nothing was written to SMSC`, { exitCode: EXIT.badInput });
  }
}

/** The guard of a run given none (a library caller): up to DEFAULT_MAX_DELETES, no question. */
export const unaskedDeleteGuard = (): DeleteGuard => createDeleteGuard({ yes: true, maxDeletes: DEFAULT_MAX_DELETES, print: () => {} });

export function createDeleteGuard(options: DeleteGuardOptions): DeleteGuard {
  const maxDeletes = options.maxDeletes ?? DEFAULT_MAX_DELETES;
  return async (what, candidates) => {
    const count = candidates.length;
    if (count === 0) return;
    options.print(`will delete ${count} ${what}:`);
    for (const candidate of candidates.slice(0, SHOWN)) options.print(`  ${candidate.label}${candidate.smscId === undefined ? '' : ` (id ${candidate.smscId})`}`);
    if (count > SHOWN) options.print(`  … and ${count - SHOWN} more (run with --dry-run to list them all in the report)`);
    if (count > maxDeletes) {
      throw new DeleteRefusedError('ERR_DELETE_LIMIT', `refusing to delete ${count} ${what}: more than --max-deletes ${maxDeletes}; check that the file is complete, or raise --max-deletes`);
    }
    if (options.yes === true) return;
    if (options.ask === undefined) {
      throw new DeleteRefusedError('ERR_DELETE_UNCONFIRMED', `${count} ${what} would be deleted and there is no terminal to confirm it: add --yes (review them first with --dry-run)`);
    }
    if (!(await options.ask(`Delete these ${count} ${what} from the account? [y/N] `))) {
      throw new DeleteRefusedError('ERR_DELETE_DECLINED', `deleting ${count} ${what} was not confirmed`);
    }
  };
}
