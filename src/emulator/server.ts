/**
 * The emulator's HTTP server: `/sys/phones.php` the way SMSC plays it (params, auth, throttling,
 * faults, commands, replies), `/sys/mails.php` over the same account with the same commands, and
 * the local-only `/__emulator/*` control endpoints.
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { COMMANDS, SCRIPTS, WRITE_COMMANDS, type ApiErrorCode, type Command, type Script } from '../smsc/protocol.js';
import { FaultInjector } from './faults.js';
import { decodeRequest, type Params } from './params.js';
import { formatReply, replyFormat, type Reply } from './replies.js';
import { Store, type CommandResult } from './state.js';
import { StateFileWriter } from './state-file.js';
import { scaledClock, Throttle } from './throttle.js';
import {
  emulatorStateSchema,
  FAULT_KINDS,
  faultOptionsSchema,
  type Account,
  type EmulatorState,
  type EmulatorStats,
  type Error9Cause,
  type FaultOptions,
  type GetEndPolicy,
  type DuplicatePhonePolicy,
} from './types.js';

export interface ServerSettings {
  accounts: readonly Account[];
  clockScale: number;
  duplicatePhoneOnAdd: DuplicatePhonePolicy;
  getEnd: GetEndPolicy;
  pageSize: number;
  ignoreCnt: boolean;
  faults: FaultOptions;
  stateFile?: string;
}

const CONTROL_PREFIX = '/__emulator/';
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function emptyStats(): EmulatorStats {
  return {
    requestsTotal: 0,
    calls: {},
    scripts: Object.fromEntries(Object.keys(SCRIPTS).map((script) => [script, {}])) as EmulatorStats['scripts'],
    errors: {},
    error9: { identical: 0, 'in-flight': 0, injected: 0 },
    faults: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as EmulatorStats['faults'],
    maxInFlight: 0,
    identicalRepeats: 0,
  };
}

/** Why a request is refused before its command runs. */
type Refusal = { code: Exclude<ApiErrorCode, 9> } | { code: 9; cause: Error9Cause };

export class EmulatorServer {
  private readonly store: Store;
  private readonly faults: FaultInjector;
  private readonly stateFile: StateFileWriter | undefined;
  private readonly http: Server;
  private readonly closing = new AbortController();
  private readonly accounts: ReadonlyArray<Account & { md5: string }>;
  private throttle: Throttle;
  private counters = emptyStats();

  constructor(
    private readonly settings: ServerSettings,
    initialState: EmulatorState | undefined,
  ) {
    this.store = new Store({ duplicatePhoneOnAdd: settings.duplicatePhoneOnAdd, pageSize: settings.pageSize, ignoreCnt: settings.ignoreCnt });
    if (initialState !== undefined) this.store.load(initialState);
    this.throttle = new Throttle(scaledClock(settings.clockScale));
    this.faults = new FaultInjector(settings.faults);
    this.accounts = settings.accounts.map((account) => ({ ...account, md5: createHash('md5').update(account.password).digest('hex') }));
    this.stateFile = settings.stateFile === undefined ? undefined : new StateFileWriter(settings.stateFile, () => this.store.toJson());
    // Every delayed request listens for close; there may be thousands at once.
    setMaxListeners(0, this.closing.signal);
    this.http = createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', `emulator failure: ${(error as Error).message}`);
        else response.destroy();
      });
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve((this.http.address() as AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    this.closing.abort();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    await closed;
    await this.stateFile?.flush();
  }

  state(): EmulatorState {
    return this.store.snapshot();
  }

  stats(): EmulatorStats {
    return structuredClone({ ...this.counters, maxInFlight: this.throttle.maxInFlight });
  }

  setFaults(faults: FaultOptions): void {
    this.faults.configure(faultOptionsSchema.parse(faults));
  }

  reset(state: EmulatorState = { contacts: [], groups: [], blacklist: [] }): void {
    this.store.load(emulatorStateSchema.parse(state));
    this.throttle = new Throttle(scaledClock(this.settings.clockScale));
    this.counters = emptyStats();
    this.stateFile?.changed();
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = request.url ?? '/';
    const queryStart = target.indexOf('?');
    const path = queryStart === -1 ? target : target.slice(0, queryStart);
    if (path.startsWith(CONTROL_PREFIX)) return this.control(path.slice(CONTROL_PREFIX.length), request, response);
    const script = scriptAt(path);
    if (script === undefined) return send(response, 404, 'text/plain; charset=utf-8', 'Not Found');
    if (request.method !== 'GET' && request.method !== 'POST') return send(response, 405, 'text/plain; charset=utf-8', 'Method Not Allowed');
    const body = await readBody(request);
    if (body === undefined) return send(response, 413, 'text/plain; charset=utf-8', 'Payload Too Large');
    // Node keeps the request target's bytes as latin1 characters: get the bytes back.
    const rawQuery = Buffer.from(queryStart === -1 ? '' : target.slice(queryStart + 1), 'latin1');
    await this.phones(script, request, response, rawQuery, body);
  }

  /** One `phones.php` (or `mails.php`) request: admission at arrival (so concurrent requests see each other), then delay, faults, command. */
  private async phones(script: Script, request: IncomingMessage, response: ServerResponse, rawQuery: Buffer, body: Buffer): Promise<void> {
    const { params, charset } = decodeRequest(rawQuery, body, request.headers['content-type']);
    const fmt = replyFormat(params.get('fmt'));
    const command = findCommand(params);
    this.counters.requestsTotal++;
    if (command !== undefined) {
      this.counters.calls[command] = (this.counters.calls[command] ?? 0) + 1;
      const perScript = this.counters.scripts[script];
      perScript[command] = (perScript[command] ?? 0) + 1;
    }
    const isWrite = command !== undefined && WRITE_COMMANDS.has(command);
    const plan = this.faults.plan(isWrite);
    const throttle = this.throttle;
    const { login, refusal } = this.admit(request.socket.remoteAddress ?? '', params, throttle);
    try {
      if (plan.slow) this.countFault('slow');
      if (plan.delayMs > 0) await sleep(plan.delayMs, undefined, { signal: this.closing.signal });
      if (plan.outcome === 'reset') {
        this.countFault('reset');
        request.socket.resetAndDestroy();
        return;
      }
      if (plan.outcome === 'http500') {
        this.countFault('http500');
        return send(response, 500, 'text/html; charset=utf-8', '<html><body><h1>500 Internal Server Error</h1></body></html>');
      }
      let result: CommandResult;
      const identity = `${script}?${identityOf(params)}`;
      if (refusal !== undefined) {
        result = this.refuse(refusal);
      } else if (plan.outcome === 'error9') {
        this.countFault('error9');
        result = this.refuse({ code: 9, cause: 'injected' });
      } else if (command === undefined) {
        result = { kind: 'error', code: 1 };
      } else if (!throttle.admitIdentical(identity)) {
        result = this.refuse({ code: 9, cause: 'identical' });
      } else {
        if (throttle.identicalCount(identity) > 1) this.counters.identicalRepeats++;
        result = this.run(command, params, script);
      }
      if (result.kind === 'error') this.counters.errors[result.code] = (this.counters.errors[result.code] ?? 0) + 1;
      const reply = formatReply(result, fmt, charset, this.settings.getEnd);
      this.deliver(response, reply, plan.outcome);
    } catch (error) {
      if (!this.closing.signal.aborted) throw error;
      response.destroy();
    } finally {
      if (login !== undefined) throttle.leave(login);
    }
  }

  /** Address block (4), credentials (2), concurrency (9); the login holds an in-flight slot when admitted. */
  private admit(address: string, params: Params, throttle: Throttle): { login?: string; refusal?: Refusal } {
    if (throttle.isBlocked(address)) return { refusal: { code: 4 } };
    const login = this.authenticate(params);
    if (login === undefined) {
      throttle.recordAuthFailure(address);
      return { refusal: { code: 2 } };
    }
    if (!throttle.enter(login)) return { refusal: { code: 9, cause: 'in-flight' } };
    return { login };
  }

  /** `apikey`, or `login` + `psw` where psw is the password or its lower-case MD5 hex. */
  private authenticate(params: Params): string | undefined {
    const apikey = params.get('apikey');
    const byKey = apikey === undefined || apikey === '' ? undefined : this.accounts.find((account) => account.apikey === apikey);
    if (byKey !== undefined) return byKey.login;
    const psw = params.get('psw');
    const account = this.accounts.find((candidate) => candidate.login === params.get('login'));
    return account !== undefined && (psw === account.password || psw === account.md5) ? account.login : undefined;
  }

  private refuse(refusal: Refusal): CommandResult {
    if (refusal.code === 9) this.counters.error9[refusal.cause]++;
    return { kind: 'error', code: refusal.code };
  }

  private run(command: Command, params: Params, script: Script): CommandResult {
    const result = this.store.execute(command, params, script);
    if (result.kind !== 'error' && WRITE_COMMANDS.has(command)) this.stateFile?.changed();
    if (result.kind === 'list' && result.rows.length === 0 && this.settings.getEnd === 'error-3') return { kind: 'error', code: 3 };
    return result;
  }

  private deliver(response: ServerResponse, reply: Reply, outcome: string | undefined): void {
    if (outcome === 'lostReply') {
      this.countFault('lostReply');
      response.socket?.destroy();
      return;
    }
    if (outcome === 'truncate') {
      this.countFault('truncate');
      return send(response, 200, reply.contentType, reply.body.subarray(0, Math.floor(reply.body.length / 2)));
    }
    send(response, 200, reply.contentType, reply.body);
  }

  private countFault(kind: keyof EmulatorStats['faults']): void {
    this.counters.faults[kind]++;
  }

  private async control(action: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!isLoopback(request.socket.remoteAddress)) return send(response, 403, 'text/plain; charset=utf-8', 'control endpoints are local only');
    const route = `${request.method ?? ''} ${action}`;
    if (route === 'GET state') return sendJson(response, 200, this.state());
    if (route === 'GET stats') return sendJson(response, 200, this.stats());
    if (route !== 'POST reset' && route !== 'POST faults') return send(response, 404, 'text/plain; charset=utf-8', 'Not Found');
    const body = await readBody(request);
    if (body === undefined) return send(response, 413, 'text/plain; charset=utf-8', 'Payload Too Large');
    let json: unknown;
    try {
      json = body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(response, 400, { error: 'body is not JSON' });
    }
    const parsed = route === 'POST reset' ? emulatorStateSchema.optional().safeParse(json) : faultOptionsSchema.safeParse(json ?? {});
    if (!parsed.success) {
      return sendJson(response, 400, { error: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') });
    }
    if (route === 'POST reset') this.reset(parsed.data as EmulatorState | undefined);
    else this.setFaults(parsed.data as FaultOptions);
    send(response, 204, 'text/plain; charset=utf-8', '');
  }
}

function scriptAt(path: string): Script | undefined {
  return (Object.keys(SCRIPTS) as Script[]).find((script) => SCRIPTS[script] === path);
}

/** The first command flag set to something other than empty or `0`. */
function findCommand(params: Params): Command | undefined {
  return COMMANDS.find((command) => {
    const flag = params.get(command)?.trim();
    return flag !== undefined && flag !== '' && flag !== '0';
  });
}

/** Two requests are identical when all their parameters are (in any order). */
function identityOf(params: Params): string {
  return JSON.stringify([...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

/** The whole body, or undefined when it exceeds the limit. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, contentType: string, body: Buffer | string): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': bytes.length });
  response.end(bytes);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));
}
