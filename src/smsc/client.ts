/**
 * Client of SMSC's `phones.php` (contacts, groups, blacklist), one typed function per command.
 * E-mail contacts (keyed by `mail`, no phone) and e-mail groups (type 1) go to `mails.php`, whose
 * requests have the same format (parameter table), unless `mailScript` points them at phones.php.
 *
 * Every call is a `POST application/x-www-form-urlencoded` to `<base>/sys/<script>` carrying
 * `fmt=3&charset=utf-8`; the credentials travel only in the body and live only in this module's
 * closure, so no URL, hook context, log line or error can show them (server text that would go
 * into an error is redacted too).
 *
 * Failures and retries (policy in retry.ts):
 * - Reads (`get`, `get_group`, `get_black`) retry transport failures with back-off, moving to the
 *   next mirror each time.
 * - Writes retry only when the service certainly did not apply them: the connection was refused
 *   (nothing was sent) or the server answered HTTP 5xx. A write that was sent and whose reply was
 *   lost — reset mid-reply, timeout, truncated or garbled body, 504 from a gateway — throws
 *   `SmscUnknownOutcomeError` at once: re-sending blindly could apply it twice, so the caller reads
 *   the record back and decides.
 * - Error 9 is retried after a pause that also holds every other request of the shared `Throttle`,
 *   and no request is ever sent more than 3 times within a minute.
 * - Errors 1, 2, 3, 4, 5 are thrown as they are; 2 and 4 are `fatal`.
 */
import iconv from 'iconv-lite';
import { CONTACT_FIELDS, type ContactFields } from '../contact.js';
import { SmscError, SmscTransportError, SmscUnknownOutcomeError } from './errors.js';
import { FMT, GROUP_TYPE, LIMITS, MOVE_GROUP, SCRIPTS, WRITE_COMMANDS, type Command, type Script } from './protocol.js';
import {
  parseBlackRow,
  parseContactRow,
  parseGroupRow,
  parseReply,
  replyId,
  replyRows,
  type BlackReply,
  type ContactReply,
  type GroupReply,
  type Reply,
} from './reply.js';
import {
  RequestLog,
  VISIBLE_WAIT_MS,
  createThrottle,
  decideRetry,
  identicalWindowWaitMs,
  normalizeRetryOptions,
  realSleep,
  throttleDelayMs,
  type RetryOptions,
  type Sleep,
  type Throttle,
  type Wait,
} from './retry.js';

export const DEFAULT_BASE_URL = 'https://smsc.ru';
export const DEFAULT_TIMEOUT_MS = 30_000;

/** What a hook is told about a request; frozen, without secrets. */
export interface RequestContext {
  readonly command: Command;
  /** The script the request goes to (`phones.php`, or `mails.php` for e-mail contacts and groups). */
  readonly script: Script;
  /** 1-based. */
  readonly attempt: number;
  /** The base URL (main or mirror) this attempt goes to. */
  readonly baseUrl: string;
}

export interface RetryContext extends RequestContext {
  readonly error: SmscError;
  readonly delayMs: number;
}

export interface SmscClientOptions {
  /** `https://smsc.ru` by default; smscentre.com, smsc.kz, smsc.ua or an emulator. */
  baseUrl?: string;
  login?: string;
  /** The password or its lower-case MD5 hex. */
  password?: string;
  /** Instead of `login` + `password`. */
  apikey?: string;
  /** Per attempt, connection to last body byte. */
  timeoutMs?: number;
  /** Base URLs tried in turn after a transport failure (e.g. `https://www2.smsc.ru`). */
  mirrors?: readonly string[];
  /** Where e-mail contacts and e-mail groups go: `mails.php` (default) or, as a fallback, `phones.php`. */
  mailScript?: Script;
  retry?: Partial<RetryOptions>;
  /** Share one between clients (and the writer) so error 9 slows all of them. */
  throttle?: Throttle;
  onRequest?: (context: RequestContext) => void;
  onRetry?: (context: RetryContext) => void;
  /** Told before every pause of more than 2 s (error-9 gate, identical-request window, back-off). */
  onWait?: (wait: Wait) => void;
  /** Aborts every pending and future call of this client (in flight, waiting or backing off) with `signal.reason`. */
  signal?: AbortSignal;
  clock?: () => number;
  sleep?: Sleep;
  random?: () => number;
}

/** A contact is found by its phone, or by its e-mail for e-mail contacts. */
export type ContactKey = { phone: string; mail?: never } | { mail: string; phone?: never };

/** `chg`: the key (`phone` or `mail`) plus the new values; `new_phone`/`new_mail` replace the key. */
export type ContactChange = ContactFields & ({ phone: string } | { mail: string }) & { new_phone?: string; new_mail?: string };

export interface ContactQuery {
  /** Name or phone to search for. */
  search?: string;
  /** Last, first and/or middle name. */
  fio?: string;
  /** Group id filter [unconfirmed on the real service]. */
  grp?: number | string;
  /** Return contacts after this `int_id`. */
  afterId?: number;
  /** Records per reply, at most 1000 (parameter table); not sent unless given. */
  cnt?: number;
}

export interface NewGroup {
  name: string;
  /** Group number for mailings; unique per account. */
  num?: number;
  /** 0 phones (default), 1 e-mails. */
  type?: 0 | 1;
}

export type MoveGroupMode = (typeof MOVE_GROUP)[keyof typeof MOVE_GROUP] | keyof typeof MOVE_GROUP;
export type Membership = { grp: number } & ContactKey;

export interface SmscClient {
  add(contact: ContactFields): Promise<{ id: number }>;
  chg(change: ContactChange): Promise<void>;
  del(key: ContactKey): Promise<void>;
  /** `[]` when nothing matches or the list is exhausted (empty body, `[]` or error 3). */
  get(query?: ContactQuery): Promise<ContactReply[]>;
  addGroup(group: NewGroup): Promise<{ id: number }>;
  /** `num` changes the group's number; `type` 1 (an e-mail group) sends the call to the mail script. */
  chgGroup(change: { grp: number; name: string; num?: number; type?: number }): Promise<void>;
  delGroup(group: { grp: number; type?: number }): Promise<void>;
  getGroup(query?: { afterId?: number }): Promise<GroupReply[]>;
  /** `replace` (1) the contact's groups, `add` (2) a group, `remove` (3) it from a group. */
  moveGroup(mode: MoveGroupMode, membership: Membership): Promise<void>;
  addBlack(entry: { phone: string; type?: 0 | 1 | 2 }): Promise<{ id: number }>;
  getBlack(query?: { afterId?: number; cnt?: number }): Promise<BlackReply[]>;
  delBlack(entry: { phone: string }): Promise<void>;
  /** The shared gate this client waits on (the one passed in, or its own). */
  readonly throttle: Throttle;
}

type Params = Record<string, string | number | undefined>;

/**
 * Validates `options` up front (a `TypeError` names the bad one) and returns the client.
 *
 * @example
 * const smsc = createSmscClient({ ...loadCredentials(), throttle: sharedThrottle });
 * const { id } = await smsc.add({ phone: '79161234567', name: 'Анна' });
 * for await (const contact of pageContacts(smsc)) console.log(contact.intId, contact.fields.phone);
 */
export function createSmscClient(options: SmscClientOptions): SmscClient {
  const settings = normalizeOptions(options);
  const { credentials, timeoutMs, retry, clock, sleep, random, onRequest, onRetry, onWait, signal, mailScript } = settings;
  const bases = [settings.baseUrl, ...settings.mirrors];
  const throttle = settings.throttle ?? createThrottle({ clock, sleep });
  const log = new RequestLog();
  const redact = redactor('apikey' in credentials ? [credentials.apikey] : [credentials.psw]);
  let baseIndex = 0;
  const windowWaitMs = (key: string) => identicalWindowWaitMs(log.sentAt(key, clock()), clock());
  const announce = (reason: string, ms: number) => {
    if (ms > VISIBLE_WAIT_MS) onWait?.(Object.freeze({ reason, ms }));
  };

  async function call(command: Command, params: Params, { flag = 1, script = 'phones.php' }: { flag?: number; script?: Script } = {}): Promise<Reply> {
    const request = new URLSearchParams({ [command]: String(flag) });
    for (const [name, value] of Object.entries(params)) if (value !== undefined) request.append(name, String(value));
    request.append('fmt', String(FMT.json));
    request.append('charset', 'utf-8');
    const key = RequestLog.keyOf(`${script}?${request.toString()}`);
    for (const [name, value] of Object.entries(credentials)) request.append(name, value);
    const body = request.toString();

    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      announce('SMSC asked to slow down (error 9): every request waits', throttle.remainingMs());
      await throttle.ready(signal);
      announce(`SMSC allows ${LIMITS.identicalPerWindow} identical requests a minute`, windowWaitMs(key));
      // Timers may fire a little early: check again after each wait.
      for (let wait = windowWaitMs(key); wait > 0; wait = windowWaitMs(key)) await sleep(wait, signal);
      const baseUrl = bases[baseIndex % bases.length] as string;
      onRequest?.(Object.freeze({ command, script, attempt, baseUrl }));
      try {
        // Logged when the exchange ends: the service saw the request no later than that, so the
        // identical-request window is never underestimated. A request that never left (refused
        // connection) does not count, or a wrong SMSC_URL would wait out the window before failing.
        const text = await exchange(command, baseUrl, SCRIPTS[script], body).then(
          (reply) => (log.record(key, clock()), reply),
          (failure: unknown) => {
            if (!(failure instanceof SmscTransportError && !failure.sent)) log.record(key, clock());
            throw failure;
          },
        );
        return parseReply(command, text, { redact });
      } catch (caught) {
        if (!(caught instanceof SmscError)) throw caught;
        const error = settle(command, caught);
        if (error.code === 'ERR_SMSC_THROTTLED') throttle.slowDown(throttleDelayMs(attempt, retry));
        const decision = decideRetry({ error, attempt, sentAt: log.sentAt(key, clock()), now: clock(), options: retry, random });
        if (!decision.retry) throw error;
        if (error instanceof SmscTransportError) baseIndex++;
        onRetry?.(Object.freeze({ command, script, attempt, baseUrl, error, delayMs: decision.delayMs }));
        announce(error instanceof SmscTransportError ? `${error.message}; retrying` : error.message, decision.delayMs);
        await sleep(decision.delayMs, signal);
      }
    }
  }

  async function exchange(command: Command, baseUrl: string, path: string, body: string): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        // A redirect must not carry the credentials to another host.
        redirect: 'manual',
        signal: signal === undefined ? AbortSignal.timeout(timeoutMs) : AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
    } catch (error) {
      signal?.throwIfAborted();
      throw transportFailure(command, baseUrl, error, timeoutMs);
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      const where =
        response.status >= 300 && response.status < 400
          ? ` to ${response.headers.get('location') ?? '?'}; set SMSC_URL to the final address`
          : response.status === 404
            ? `: no SMSC API at that address; give the service address, e.g. ${DEFAULT_BASE_URL}`
            : '';
      throw new SmscTransportError(`HTTP ${response.status} from ${hostOf(baseUrl)}${where}`, { command, status: response.status, sent: true });
    }
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      signal?.throwIfAborted();
      throw transportFailure(command, baseUrl, error, timeoutMs);
    }
    return decodeBody(command, bytes, response.headers.get('content-type'));
  }

  const contactParams = (fields: ContactFields): Params => Object.fromEntries(CONTACT_FIELDS.map((field) => [field, fields[field]]));
  const keyParams = (key: ContactKey): Params => ({ phone: key.phone, mail: key.mail });
  // A contact without a phone is an e-mail contact; its key (or its only address) is an e-mail.
  const contactScript = (phone: string | undefined, mail: string | undefined): Script => ((phone ?? '') === '' && (mail ?? '') !== '' ? mailScript : 'phones.php');
  const groupScript = (type: number | undefined): Script => (type === GROUP_TYPE.mails ? mailScript : 'phones.php');

  return {
    throttle,
    async add(contact) {
      return { id: replyId('add', await call('add', contactParams(contact), { script: contactScript(contact.phone, contact.mail) })) };
    },
    async chg(change) {
      await call('chg', { ...contactParams(change), new_phone: change.new_phone, new_mail: change.new_mail }, { script: contactScript(change.phone, change.mail) });
    },
    async del(key) {
      await call('del', keyParams(key), { script: contactScript(key.phone, key.mail) });
    },
    async get(query = {}) {
      const reply = await call('get', { search: query.search, fio: query.fio, grp: query.grp, after_id: query.afterId, cnt: query.cnt });
      return replyRows('get', reply).map(parseContactRow);
    },
    async addGroup(group) {
      return { id: replyId('add_group', await call('add_group', { name: group.name, num: group.num, type: group.type }, { script: groupScript(group.type) })) };
    },
    async chgGroup(change) {
      await call('chg_group', { grp: change.grp, name: change.name, num: change.num }, { script: groupScript(change.type) });
    },
    async delGroup(group) {
      await call('del_group', { grp: group.grp }, { script: groupScript(group.type) });
    },
    async getGroup(query = {}) {
      return replyRows('get_group', await call('get_group', { after_id: query.afterId })).map(parseGroupRow);
    },
    async moveGroup(mode, membership) {
      const flag = typeof mode === 'number' ? mode : MOVE_GROUP[mode];
      await call('move_group', { grp: membership.grp, ...keyParams(membership) }, { flag, script: contactScript(membership.phone, membership.mail) });
    },
    async addBlack(entry) {
      return { id: replyId('add_black', await call('add_black', { phone: entry.phone, type: entry.type })) };
    },
    async getBlack(query = {}) {
      return replyRows('get_black', await call('get_black', { after_id: query.afterId, cnt: query.cnt })).map(parseBlackRow);
    },
    async delBlack(entry) {
      await call('del_black', { phone: entry.phone });
    },
  };
}

/** A write whose reply was lost becomes an unknown outcome; a 5xx other than 504 means "not done". */
function settle(command: Command, error: SmscError): SmscError {
  const lostReply = error instanceof SmscTransportError && error.sent && (error.status === undefined || error.status === 504);
  return lostReply && WRITE_COMMANDS.has(command) ? new SmscUnknownOutcomeError({ command, cause: error }) : error;
}

/** Failures that happen before a single byte of the request can have reached the service. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** The host named in transport errors, so a wrong SMSC_URL is obvious (checkBaseUrl refuses credentials in it). */
function hostOf(baseUrl: string): string {
  return new URL(baseUrl).host;
}

function transportFailure(command: Command, baseUrl: string, error: unknown, timeoutMs: number): SmscTransportError {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new SmscTransportError(`no complete reply from ${hostOf(baseUrl)} within ${timeoutMs} ms`, { command, sent: true, cause: error });
  }
  const code = systemCode(error);
  const sent = code === undefined || !NOT_SENT_CODES.has(code);
  const hint = sent ? '' : ' — is SMSC_URL right?';
  return new SmscTransportError(`connection to ${hostOf(baseUrl)} failed (${code ?? describeError(error)})${hint}`, { command, sent, cause: error });
}

/** The system error code under fetch's `TypeError('fetch failed')` (possibly an AggregateError). */
function systemCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const first = current instanceof AggregateError ? (current.errors[0] as unknown) : undefined;
    current = first ?? current.cause;
  }
  return undefined;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** We ask for UTF-8, but honour a different charset the server declares. */
function decodeBody(command: Command, bytes: Buffer, contentType: string | null): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
  if (charset !== 'utf-8' && charset !== 'utf8' && iconv.encodingExists(charset)) return iconv.decode(bytes, charset);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new SmscTransportError('damaged reply (invalid UTF-8)', { command, sent: true, cause: error });
  }
}

/** Replaces the secret in server-sent text; one shorter than 4 characters is not searched for. */
function redactor(secrets: readonly string[]): (text: string) => string {
  const searched = secrets.filter((secret) => secret.length >= 4);
  return (text) => searched.reduce((result, secret) => result.split(secret).join('[redacted]'), text);
}

interface Settings {
  baseUrl: string;
  mirrors: string[];
  credentials: Readonly<Record<'login' | 'psw', string>> | Readonly<Record<'apikey', string>>;
  mailScript: Script;
  timeoutMs: number;
  retry: RetryOptions;
  throttle: Throttle | undefined;
  onRequest: SmscClientOptions['onRequest'];
  onRetry: SmscClientOptions['onRetry'];
  onWait: SmscClientOptions['onWait'];
  signal: AbortSignal | undefined;
  clock: () => number;
  sleep: Sleep;
  random: () => number;
}

function normalizeOptions(options: SmscClientOptions): Settings {
  if (typeof options !== 'object' || options === null) throw new TypeError('Expected `options` to be an object');
  const { login, password, apikey } = options;
  for (const [name, value] of Object.entries({ login, password, apikey })) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw new TypeError(`Expected \`${name}\` to be a non-empty string`);
  }
  let credentials: Settings['credentials'];
  if (apikey !== undefined) {
    if (login !== undefined || password !== undefined) throw new TypeError('Expected either `apikey` or `login` + `password`, not both');
    credentials = { apikey };
  } else {
    if (login === undefined || password === undefined) throw new TypeError('Expected `login` and `password`, or `apikey`');
    credentials = { login, psw: password };
  }
  if (options.timeoutMs !== undefined && (!Number.isSafeInteger(options.timeoutMs) || options.timeoutMs <= 0)) {
    throw new TypeError(`Expected \`timeoutMs\` to be a positive integer, got ${JSON.stringify(options.timeoutMs)}`);
  }
  if (options.mirrors !== undefined && !Array.isArray(options.mirrors)) throw new TypeError('Expected `mirrors` to be an array of base URLs');
  if (options.mailScript !== undefined && !Object.hasOwn(SCRIPTS, options.mailScript)) {
    throw new TypeError(`Expected \`mailScript\` to be one of ${Object.keys(SCRIPTS).join(', ')}, got ${JSON.stringify(options.mailScript)}`);
  }
  for (const name of ['onRequest', 'onRetry', 'onWait', 'clock', 'sleep', 'random'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new TypeError(`Expected \`${name}\` to be a function`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new TypeError('Expected `signal` to be an AbortSignal');
  return {
    baseUrl: checkBaseUrl('baseUrl', options.baseUrl ?? DEFAULT_BASE_URL),
    mirrors: (options.mirrors ?? []).map((mirror, index) => checkBaseUrl(`mirrors[${index}]`, mirror)),
    credentials,
    mailScript: options.mailScript ?? 'mails.php',
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: normalizeRetryOptions(options.retry),
    throttle: options.throttle,
    onRequest: options.onRequest,
    onRetry: options.onRetry,
    onWait: options.onWait,
    signal: options.signal,
    clock: options.clock ?? Date.now,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
  };
}

/**
 * An http(s) base URL without credentials, query or fragment; returned without a trailing slash.
 * The value is never echoed: a mistyped URL may carry a password.
 */
export function checkBaseUrl(name: string, value: unknown): string {
  const expected = `Expected \`${name}\` to be an http(s) base URL such as ${DEFAULT_BASE_URL}`;
  if (typeof value !== 'string' || !URL.canParse(value)) throw new TypeError(expected);
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(expected);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new TypeError(`${expected}, without user:password, query or fragment; credentials go in SMSC_LOGIN/SMSC_PASSWORD or SMSC_APIKEY`);
  }
  return url.href.replace(/\/+$/, '');
}
