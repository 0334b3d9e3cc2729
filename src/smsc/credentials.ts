/**
 * SMSC settings from the environment, never from command-line flags (they would show in `ps` and
 * shell history). Variables: SMSC_URL (default https://smsc.ru), SMSC_MIRRORS (comma-separated
 * base URLs), SMSC_MAIL_SCRIPT (`mails.php`, the default, or `phones.php`: where e-mail contacts
 * and groups go), and SMSC_LOGIN + SMSC_PASSWORD or SMSC_APIKEY. A `.env` file in the working
 * directory is read too; a variable set in the environment wins over the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { DEFAULT_BASE_URL, checkBaseUrl } from './client.js';
import { PHONES_PATH } from './protocol.js';
import { SmscConfigError } from './errors.js';
import { SCRIPTS, type Script } from './protocol.js';

export type SmscCredentials = { baseUrl: string; mirrors: string[]; mailScript: Script } & ({ login: string; password: string; apikey?: undefined } | { apikey: string; login?: undefined; password?: undefined });

export interface LoadCredentialsOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Where `.env` is looked for; the working directory by default. */
  cwd?: string;
}

const HOW_TO = 'set SMSC_LOGIN and SMSC_PASSWORD, or SMSC_APIKEY, in the environment or in a .env file in the working directory';

/** Throws `SmscConfigError` when the settings are missing or unusable. The result redacts its secrets when logged. */
export function loadCredentials(options: LoadCredentialsOptions = {}): SmscCredentials {
  const read = settingsReader(options);
  const baseUrl = urlSetting('SMSC_URL', read('SMSC_URL') ?? DEFAULT_BASE_URL);
  const mirrors = (read('SMSC_MIRRORS') ?? '').split(',').map((mirror) => mirror.trim()).filter((mirror) => mirror !== '').map((mirror) => urlSetting('SMSC_MIRRORS', mirror));
  const login = read('SMSC_LOGIN');
  const password = read('SMSC_PASSWORD');
  const apikey = read('SMSC_APIKEY');
  const mailScript = scriptSetting('SMSC_MAIL_SCRIPT', read('SMSC_MAIL_SCRIPT') ?? 'mails.php');

  if (apikey !== undefined) {
    if (login !== undefined || password !== undefined) throw new SmscConfigError(`SMSC_APIKEY and SMSC_LOGIN/SMSC_PASSWORD are both set; keep one of them (${HOW_TO})`);
    return hideSecrets({ baseUrl, mirrors, mailScript, apikey });
  }
  if (login === undefined && password === undefined) throw new SmscConfigError(`no SMSC credentials: ${HOW_TO}`);
  if (login === undefined) throw new SmscConfigError(`SMSC_PASSWORD is set but SMSC_LOGIN is not: ${HOW_TO}`);
  if (password === undefined) throw new SmscConfigError(`SMSC_LOGIN is set but SMSC_PASSWORD is not: ${HOW_TO}`);
  return hideSecrets({ baseUrl, mirrors, mailScript, login, password });
}

function scriptSetting(variable: string, value: string): Script {
  if (Object.hasOwn(SCRIPTS, value)) return value as Script;
  throw new SmscConfigError(`${variable} must be one of ${Object.keys(SCRIPTS).join(', ')}, got ${JSON.stringify(value)}`);
}

/** A variable from the environment, else from `./.env`; blank counts as unset. */
export function settingsReader({ env = process.env, cwd = process.cwd() }: LoadCredentialsOptions = {}): (name: string) => string | undefined {
  const file = readDotEnv(join(cwd, '.env'));
  return (name) => {
    const value = (env[name] ?? file[name])?.trim();
    return value === '' ? undefined : value;
  };
}

function urlSetting(variable: string, value: string): string {
  let url: string;
  try {
    url = checkBaseUrl(variable, value);
  } catch {
    throw new SmscConfigError(`${variable} must be an http(s) base URL such as ${DEFAULT_BASE_URL}, without user:password or query`);
  }
  // `https://smsc.ru/sys/phones.php` answers 404 once the client adds its own path.
  const { pathname } = new URL(url);
  if (pathname !== '/') throw new SmscConfigError(`${variable} has a path (${pathname}): give the service address, e.g. ${DEFAULT_BASE_URL}; smsc-etl adds ${PHONES_PATH} itself`);
  return url;
}

/**
 * `JSON.stringify` and `util.inspect` show the result with `[redacted]` secrets. The secrets stay
 * enumerable so `{ ...credentials }` can be passed to `createSmscClient`.
 */
function hideSecrets(credentials: SmscCredentials): SmscCredentials {
  const visible = () => ({ ...credentials, ...(credentials.password === undefined ? {} : { password: '[redacted]' }), ...(credentials.apikey === undefined ? {} : { apikey: '[redacted]' }) });
  return Object.defineProperties(credentials, {
    toJSON: { value: visible, enumerable: false },
    [inspect.custom]: { value: visible, enumerable: false },
  });
}

function readDotEnv(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new SmscConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return parseDotEnv(text);
}

/**
 * The `KEY=value` lines of a `.env` text: `#` comments, optional `export `, single or double
 * quotes (double quotes understand `\n`), ` #` comments after unquoted values.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match === null) continue;
    const [, name, raw] = match as unknown as [string, string, string];
    values[name] = unquote(raw);
  }
  return values;
}

function unquote(raw: string): string {
  const double = /^"((?:[^"\\]|\\.)*)"/.exec(raw);
  if (double !== null) return (double[1] ?? '').replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
  const single = /^'([^']*)'/.exec(raw);
  if (single !== null) return single[1] ?? '';
  return raw.replace(/\s+#.*$/, '');
}
