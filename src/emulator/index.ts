/**
 * SMSC emulator: a real HTTP server speaking `phones.php` like SMS Center, with state, throttling
 * and seeded fault injection. Used by the integration tests, the README demo and by users who
 * rehearse a migration. Behaviours SMSC does not document (smsc-api.md §8) are played as follows
 * [GUESS]; the switchable ones have an option:
 * - `get`: ascending `int_id`, `after_id` exclusive, `cnt` sets the page size (1–1000;
 *   without it `pageSize`, 100 by default; `ignoreCnt` plays a service that ignores it); `search` is a
 *   substring of a phone (digits), the name or an e-mail; `fio` words must all appear in
 *   lnm/fnm/mnm/name; `grp` filters by group. `get_group`/`get_black` page the same way by `id`.
 * - Phones: split on commas, semicolons and whitespace; `+ - ( ) .` dropped; letters → error 1.
 * - `chg`/`del` act on every contact holding one of the given phones (or, for `chg` without
 *   `phone`, e-mails); `chg` to a phone another contact has follows `duplicatePhoneOnAdd`; an empty
 *   `new_mail` clears the e-mails of a contact that keeps a phone. `move_group` takes exactly one
 *   phone or one e-mail (the parameter table), else error 1; `grp` may list several ids.
 * - Unknown group ids in `grp` → 3; bad `bd` (not dd.mm.yyyy) → 1; `del_group` un-groups members.
 * - `add_black` of a listed phone → 5; unknown `charset` → windows-1251; unknown `fmt` → 0.
 * - All accounts share one state. Identical-request throttling remembers admitted requests only.
 * - `/sys/mails.php` runs the same commands on the same account (no reply of the real script is
 *   known); there `add_group` defaults to type 1 (e-mails). `move_group` finds contacts by `phone`
 *   or, without it, `mail`. Stats count calls per script.
 */
import { EtlError } from '../errors.js';
import { EmulatorServer, type ServerSettings } from './server.js';
import { loadStateFile } from './state-file.js';
import { faultOptionsSchema, type Account, type EmulatorOptions, type RunningEmulator } from './types.js';

export type {
  Account,
  BlacklistEntry,
  Contact,
  DuplicatePhonePolicy,
  EmulatorOptions,
  EmulatorState,
  EmulatorStats,
  Error9Cause,
  FaultKind,
  FaultOptions,
  GetEndPolicy,
  Group,
  RunningEmulator,
} from './types.js';
export { emulatorStateSchema, FAULT_KINDS, faultOptionsSchema } from './types.js';

export const DEFAULT_ACCOUNT: Readonly<Account> = Object.freeze({ login: 'demo', password: 'demo-password', apikey: 'demo-apikey' });
export const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_HOST = '127.0.0.1';

function invalidOption(name: string, expected: string, got: unknown): EtlError {
  return new EtlError('EMULATOR_INVALID_OPTION', `Invalid emulator option \`${name}\`: expected ${expected}, got ${JSON.stringify(got)}`);
}

/** Checks options once and fills in defaults; throws `EMULATOR_INVALID_OPTION` naming the option. */
export function normalizeEmulatorOptions(options: EmulatorOptions = {}): ServerSettings & { port: number; host: string } {
  const { port = 0, host = DEFAULT_HOST, clockScale = 1, pageSize = DEFAULT_PAGE_SIZE } = options;
  const { duplicatePhoneOnAdd = 'error', getEnd = 'empty-array', accounts = [DEFAULT_ACCOUNT], ignoreCnt = false } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw invalidOption('port', 'an integer 0..65535', port);
  if (!(clockScale > 0) || !Number.isFinite(clockScale)) throw invalidOption('clockScale', 'a positive number', clockScale);
  if (!Number.isInteger(pageSize) || pageSize < 1) throw invalidOption('pageSize', 'a positive integer', pageSize);
  if (typeof ignoreCnt !== 'boolean') throw invalidOption('ignoreCnt', 'a boolean', ignoreCnt);
  if (duplicatePhoneOnAdd !== 'error' && duplicatePhoneOnAdd !== 'allow') throw invalidOption('duplicatePhoneOnAdd', "'error' or 'allow'", duplicatePhoneOnAdd);
  if (!['empty-array', 'error-3', 'empty-body'].includes(getEnd)) throw invalidOption('getEnd', "'empty-array', 'error-3' or 'empty-body'", getEnd);
  if (accounts.length === 0 || accounts.some((account) => account.login === '' || account.password === '')) {
    throw invalidOption('accounts', 'at least one account with a non-empty login and password', accounts.length);
  }
  const faults = faultOptionsSchema.safeParse(options.faults ?? {});
  if (!faults.success) throw invalidOption('faults', faults.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; '), options.faults);
  const settings = { port, host, clockScale, pageSize, ignoreCnt, duplicatePhoneOnAdd, getEnd, accounts: accounts.map((account) => ({ ...account })), faults: faults.data };
  return options.stateFile === undefined ? settings : { ...settings, stateFile: options.stateFile };
}

/** Starts an emulator (state loaded from `stateFile` when it exists) and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const settings = normalizeEmulatorOptions(options);
  const initialState = settings.stateFile === undefined ? undefined : await loadStateFile(settings.stateFile);
  const server = new EmulatorServer(settings, initialState);
  const port = await server.listen(settings.port, settings.host);
  const urlHost = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    state: () => server.state(),
    stats: () => server.stats(),
    setFaults: (faults) => server.setFaults(faults),
    reset: (state) => server.reset(state),
    close: () => server.close(),
  };
}
