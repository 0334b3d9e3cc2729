/**
 * The SMSC error family: one class per way a `phones.php` call can fail, each with a literal
 * `code` so `switch (err.code)` narrows, the service's numeric `apiCode` where there is one, and
 * the `command` that failed. Two flags drive the callers:
 *
 * - `fatal`: stop the whole run now (auth and IP-block errors; retrying them gets the account's
 *   address blocked for 30 minutes — smsc-api.md §3).
 * - `retryable`: sending the same request again may succeed (transport failures, error 9).
 *
 * Messages and fields never carry the password or API key: the client keeps them in a closure and
 * redacts them from any text the server sends back before it reaches an error.
 */
import { EXIT, EtlError } from '../errors.js';
import type { ApiErrorCode, Command } from './protocol.js';

export type SmscErrorCode =
  | 'ERR_SMSC_AUTH'
  | 'ERR_SMSC_IP_BLOCKED'
  | 'ERR_SMSC_PARAMETERS'
  | 'ERR_SMSC_NOT_FOUND'
  | 'ERR_SMSC_SAVE'
  | 'ERR_SMSC_THROTTLED'
  | 'ERR_SMSC_API'
  | 'ERR_SMSC_TRANSPORT'
  | 'ERR_SMSC_PROTOCOL'
  | 'ERR_SMSC_UNKNOWN_OUTCOME'
  | 'ERR_SMSC_CONFIG';

export interface SmscErrorOptions {
  command?: Command;
  cause?: unknown;
}

export abstract class SmscError extends EtlError {
  declare readonly code: SmscErrorCode;
  /** The service's `error_code`, when the failure is an API error. */
  readonly apiCode: number | undefined;
  readonly command: Command | undefined;

  protected constructor(code: SmscErrorCode, message: string, options: SmscErrorOptions & { apiCode?: number; exitCode: number }) {
    super(code, options.command === undefined ? message : `${options.command}: ${message}`, { exitCode: options.exitCode, cause: options.cause });
    this.apiCode = options.apiCode;
    this.command = options.command;
  }

  /** The run must stop at once; no further request may be sent with these credentials. */
  get fatal(): boolean {
    return this.code === 'ERR_SMSC_AUTH' || this.code === 'ERR_SMSC_IP_BLOCKED';
  }

  /** The same request may succeed when sent again. */
  get retryable(): boolean {
    return false;
  }
}

export interface ApiErrorOptions extends SmscErrorOptions {
  /** The reply's `error` text, already redacted. */
  serverText?: string;
}

/** What each known `error_code` means for us — smsc-api.md §2.1 and §3. */
const API_FAILURES = {
  1: { code: 'ERR_SMSC_PARAMETERS', message: 'SMSC rejected the parameters (error 1)', exitCode: EXIT.someRowsFailed },
  2: {
    code: 'ERR_SMSC_AUTH',
    message:
      "SMSC refused the credentials (error 2); check SMSC_LOGIN/SMSC_PASSWORD or SMSC_APIKEY and the account's allowed IP list before trying again: SMSC allows 5 failed logins within 30 minutes, then blocks this IP address for 30 minutes (error 4)",
    exitCode: EXIT.aborted,
  },
  3: { code: 'ERR_SMSC_NOT_FOUND', message: 'SMSC found no such record (error 3)', exitCode: EXIT.someRowsFailed },
  4: { code: 'ERR_SMSC_IP_BLOCKED', message: 'SMSC has temporarily blocked this IP address (error 4); wait 30 minutes before trying again', exitCode: EXIT.aborted },
  5: { code: 'ERR_SMSC_SAVE', message: 'SMSC could not save the change (error 5)', exitCode: EXIT.someRowsFailed },
  9: { code: 'ERR_SMSC_THROTTLED', message: 'SMSC asks to slow down (error 9)', exitCode: EXIT.someRowsFailed },
} as const satisfies Record<ApiErrorCode, { code: SmscErrorCode; message: string; exitCode: number }>;

abstract class SmscApiFailure extends SmscError {
  protected constructor(apiCode: ApiErrorCode, options: ApiErrorOptions) {
    const { code, message, exitCode } = API_FAILURES[apiCode];
    super(code, withServerText(message, options.serverText), { ...options, apiCode, exitCode });
  }
}

/** Error 2: wrong login/password/API key, or this address is not in the account's allow-list. Fatal. */
export class SmscAuthError extends SmscApiFailure {
  declare readonly code: 'ERR_SMSC_AUTH';
  constructor(options: ApiErrorOptions = {}) {
    super(2, options);
  }
}

/** Error 4: this address is temporarily blocked (10–30 minutes). Fatal. */
export class SmscIpBlockedError extends SmscApiFailure {
  declare readonly code: 'ERR_SMSC_IP_BLOCKED';
  constructor(options: ApiErrorOptions = {}) {
    super(4, options);
  }
}

/** Error 1: the request's parameters were rejected; permanent for this request. */
export class SmscParametersError extends SmscApiFailure {
  declare readonly code: 'ERR_SMSC_PARAMETERS';
  constructor(options: ApiErrorOptions = {}) {
    super(1, options);
  }
}

/** Error 3: no such contact, group or blacklist entry (on a list command: no more rows). */
export class SmscNotFoundError extends SmscApiFailure {
  declare readonly code: 'ERR_SMSC_NOT_FOUND';
  constructor(options: ApiErrorOptions = {}) {
    super(3, options);
  }
}

/** Error 5: the service could not save (e.g. a duplicate group number); permanent for this request. */
export class SmscSaveError extends SmscApiFailure {
  declare readonly code: 'ERR_SMSC_SAVE';
  constructor(options: ApiErrorOptions = {}) {
    super(5, options);
  }
}

/** The service's own advice on error 9: "duplicate request, wait a minute". */
export const THROTTLE_RETRY_AFTER_MS = 60_000;

/** Error 9: the same request more than 3 times a minute, or too many concurrent requests. */
export class SmscThrottledError extends SmscApiFailure {
  declare readonly code: 'ERR_SMSC_THROTTLED';
  /** How long the service asks callers to wait before sending this request again. */
  readonly retryAfterMs: number;
  constructor(options: ApiErrorOptions & { retryAfterMs?: number } = {}) {
    super(9, options);
    this.retryAfterMs = options.retryAfterMs ?? THROTTLE_RETRY_AFTER_MS;
  }
  override get retryable(): boolean {
    return true;
  }
}

/** An `error_code` this client does not know; treated as permanent for this request. */
export class SmscApiError extends SmscError {
  declare readonly code: 'ERR_SMSC_API';
  constructor(apiCode: number, options: ApiErrorOptions = {}) {
    super('ERR_SMSC_API', withServerText(`SMSC error ${apiCode}`, options.serverText), { ...options, apiCode, exitCode: EXIT.someRowsFailed });
  }
}

/**
 * The exchange itself failed: connection refused or reset, timeout, HTTP status other than 200,
 * a truncated or garbled body. `sent` is false only when the request certainly never reached the
 * service (connection refused, DNS failure); `status` is the HTTP status when one arrived.
 */
export class SmscTransportError extends SmscError {
  declare readonly code: 'ERR_SMSC_TRANSPORT';
  readonly status: number | undefined;
  readonly sent: boolean;
  constructor(message: string, options: SmscErrorOptions & { status?: number; sent: boolean }) {
    super('ERR_SMSC_TRANSPORT', message, { ...options, exitCode: EXIT.aborted });
    this.status = options.status;
    this.sent = options.sent;
  }
  /** Retrying helps unless the server answered with a definite refusal (3xx/4xx other than 429). */
  override get retryable(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

/** A well-formed reply of a shape the protocol does not allow (e.g. a `get` row without `int_id`). */
export class SmscProtocolError extends SmscError {
  declare readonly code: 'ERR_SMSC_PROTOCOL';
  constructor(message: string, options: SmscErrorOptions = {}) {
    super('ERR_SMSC_PROTOCOL', message, { ...options, exitCode: EXIT.aborted });
  }
}

/**
 * A write was sent but its reply was lost (reset mid-reply, timeout, truncated body): the change
 * may or may not have been applied. Not retried by the client; the caller reads back and decides.
 * `cause` is the transport error.
 */
export class SmscUnknownOutcomeError extends SmscError {
  declare readonly code: 'ERR_SMSC_UNKNOWN_OUTCOME';
  constructor(options: SmscErrorOptions & { cause: SmscTransportError }) {
    super('ERR_SMSC_UNKNOWN_OUTCOME', `the reply was lost, the change may or may not have been applied (${options.cause.message})`, { ...options, exitCode: EXIT.someRowsFailed });
  }
}

/** Missing or unusable settings (credentials, base URL); nothing was sent. */
export class SmscConfigError extends SmscError {
  declare readonly code: 'ERR_SMSC_CONFIG';
  constructor(message: string) {
    super('ERR_SMSC_CONFIG', message, { exitCode: EXIT.badInput });
  }
}

/** Every concrete SMSC error; `switch (error.code)` on it narrows to the class. */
export type AnySmscError =
  | SmscAuthError
  | SmscIpBlockedError
  | SmscParametersError
  | SmscNotFoundError
  | SmscSaveError
  | SmscThrottledError
  | SmscApiError
  | SmscTransportError
  | SmscProtocolError
  | SmscUnknownOutcomeError
  | SmscConfigError;

/** The error for an `{"error", "error_code"}` reply. `serverText` must already be redacted. */
export function apiError(apiCode: number, options: ApiErrorOptions = {}): SmscError {
  switch (apiCode) {
    case 1:
      return new SmscParametersError(options);
    case 2:
      return new SmscAuthError(options);
    case 3:
      return new SmscNotFoundError(options);
    case 4:
      return new SmscIpBlockedError(options);
    case 5:
      return new SmscSaveError(options);
    case 9:
      return new SmscThrottledError(options);
    default:
      return new SmscApiError(apiCode, options);
  }
}

export function isSmscError(value: unknown): value is AnySmscError {
  return value instanceof SmscError;
}

const MAX_SERVER_TEXT = 200;

function withServerText(message: string, serverText: string | undefined): string {
  if (serverText === undefined || serverText === '') return message;
  const text = serverText.length > MAX_SERVER_TEXT ? `${serverText.slice(0, MAX_SERVER_TEXT)}…` : serverText;
  return `${message}: "${text}"`;
}
