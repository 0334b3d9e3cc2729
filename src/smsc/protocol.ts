/**
 * SMSC `phones.php` protocol constants, shared by the client and the emulator (the emulator must
 * never copy them). Sources: ../shared/smsc-api.md (section numbers in comments).
 */
import type { ContactField } from '../contact.js';

export const PHONES_PATH = '/sys/phones.php';

/**
 * E-mail contacts and e-mail groups: "used by the `mails.php` script, whose requests have the same
 * format as `phones.php`" (parameter table). No reply of the real script has been captured, so the
 * client can be pointed back at phones.php (`SMSC_MAIL_SCRIPT=phones.php`).
 */
export const MAILS_PATH = '/sys/mails.php';

/** The scripts that serve the contacts API, by file name (the value of `SMSC_MAIL_SCRIPT`). */
export const SCRIPTS = { 'phones.php': PHONES_PATH, 'mails.php': MAILS_PATH } as const;
export type Script = keyof typeof SCRIPTS;

/** Commands are flag parameters set to 1 (`move_group` takes 1, 2 or 3) — §1.2. */
export const COMMANDS = [
  'add',
  'chg',
  'del',
  'get',
  'add_group',
  'chg_group',
  'del_group',
  'get_group',
  'move_group',
  'add_black',
  'get_black',
  'del_black',
] as const;
export type Command = (typeof COMMANDS)[number];

/** Commands that change state: a lost reply leaves their outcome unknown. */
export const WRITE_COMMANDS: ReadonlySet<Command> = new Set(['add', 'chg', 'del', 'add_group', 'chg_group', 'del_group', 'move_group', 'add_black', 'del_black']);

/** `move_group` modes — §4.9. */
export const MOVE_GROUP = { replace: 1, add: 2, remove: 3 } as const;

/** `fmt` — §1.4. We always send 3. */
export const FMT = { string: 0, numbers: 1, xml: 2, json: 3 } as const;
export type Fmt = (typeof FMT)[keyof typeof FMT];

/** `charset` — §1.4; windows-1251 is the server's default. */
export const CHARSETS = ['windows-1251', 'utf-8', 'koi8-r'] as const;
export type Charset = (typeof CHARSETS)[number];
export const DEFAULT_CHARSET: Charset = 'windows-1251';

/** API error codes of phones.php and the `error` strings the service sends — §2.1. */
export const API_ERRORS = {
  1: 'parameters error',
  2: 'authorise error',
  3: 'record not found',
  4: 'ip is blocked',
  5: 'save error',
  9: 'duplicate request, wait a minute',
} as const;
export type ApiErrorCode = keyof typeof API_ERRORS;

export function isApiErrorCode(value: number): value is ApiErrorCode {
  return Object.hasOwn(API_ERRORS, value);
}

/** Throttling rules — §3. */
export const LIMITS = {
  /** The same request may be sent at most this many times within `identicalWindowMs`. */
  identicalPerWindow: 3,
  identicalWindowMs: 60_000,
  /** The most records one list reply returns (`cnt`, parameter table). */
  maxPageSize: 1000,
  /** This many requests in flight for one login is refused with error 9. */
  maxInFlight: 15,
  /** Auth failures from one address within `authWindowMs` before it is blocked (error 4). */
  authFailuresBeforeBlock: 5,
  authWindowMs: 30 * 60_000,
} as const;

/** Request parameter → key in the `get` JSON reply (§4 mapping table, plus `mail` and `int_id` [GUESS]). */
export const CONTACT_REPLY_KEYS: Readonly<Record<ContactField, string>> = {
  phone: 'phone',
  mail: 'mail',
  name: 'name',
  lnm: 'last_name',
  fnm: 'first_name',
  mnm: 'middle_name',
  bd: 'birthday',
  grp: 'group',
  myid: 'id',
  cmt: 'comments',
  tags: 'tags',
  pho: 'phone_other',
};

/** The server's own contact id in `get` replies, used as `after_id` when paging — §5. */
export const INT_ID_KEY = 'int_id';

/** Group types of `add_group` — §4.5. */
export const GROUP_TYPE = { phones: 0, mails: 1 } as const;

/** Blacklist block types of `add_black` — §4.10. */
export const BLACK_TYPE = { all: 0, mass: 1, single: 2 } as const;
