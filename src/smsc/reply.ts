/**
 * Parsing of `phones.php` replies (fmt=3), pure. The service answers HTTP 200 with one of:
 * `{"id": N}`, a JSON array, `{"error": "...", "error_code": N}`, a bare `OK` (modify commands,
 * even with fmt=3), or an empty body — smsc-api.md §2. A body that is none of these is taken for a
 * damaged reply (truncated, garbled): a transport error, which the client turns into "unknown
 * outcome" for writes.
 */
import type { ContactFields } from '../contact.js';
import { CONTACT_FIELDS } from '../contact.js';
import { SmscProtocolError, SmscTransportError, apiError } from './errors.js';
import { CONTACT_REPLY_KEYS, INT_ID_KEY, type Command } from './protocol.js';

export type Reply = { kind: 'id'; id: number } | { kind: 'rows'; rows: readonly unknown[] } | { kind: 'ok' };

/** A contact as `get` returns it: the server's id plus the fields, in request-parameter names. */
export interface ContactReply {
  intId: number;
  fields: ContactFields;
}

export interface GroupReply {
  id: number;
  name: string;
  /** The group's number for mailings, when one is set. */
  num?: number;
  /** 0 phones, 1 e-mails, when the service says. */
  type?: number;
}

export interface BlackReply {
  id: number;
  phone: string;
  /** Block type: 0 all messages, 1 mass mailings, 2 single messages (0 when the reply omits it). */
  type: number;
}

const LIST_COMMANDS: ReadonlySet<Command> = new Set(['get', 'get_group', 'get_black']);
const CREATE_COMMANDS: ReadonlySet<Command> = new Set(['add', 'add_group', 'add_black']);

export interface ParseOptions {
  /** Applied to any text taken from the body before it goes into an error message. */
  redact?: (text: string) => string;
}

/**
 * The reply to `command`, checked against what that command may answer. Throws the API error for
 * an error reply (except error 3 on a list command, which is an empty list), a transport error for
 * a damaged body, a protocol error for a well-formed reply the command cannot give.
 */
export function parseReply(command: Command, body: string, options: ParseOptions = {}): Reply {
  const redact = options.redact ?? ((text: string) => text);
  const text = body.trim();
  if (text === '') return emptyReply(command);
  if (text === 'OK') return expectKind(command, { kind: 'ok' });

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SmscTransportError(`damaged reply (not JSON): ${JSON.stringify(redact(text.slice(0, 80)))}`, { command, sent: true, cause: error });
  }
  if (Array.isArray(value)) return expectKind(command, { kind: 'rows', rows: value });
  if (isRecord(value)) {
    if ('error_code' in value || 'error' in value) {
      const apiCode = toInteger(value.error_code);
      const serverText = typeof value.error === 'string' ? redact(value.error) : undefined;
      if (apiCode === undefined) throw new SmscProtocolError(`error reply without a numeric error_code: ${JSON.stringify(serverText)}`, { command });
      if (apiCode === 3 && LIST_COMMANDS.has(command)) return { kind: 'rows', rows: [] };
      throw apiError(apiCode, { command, serverText });
    }
    const id = toInteger(value.id);
    if (id !== undefined) return expectKind(command, { kind: 'id', id });
  }
  throw new SmscProtocolError(`unexpected reply: ${JSON.stringify(redact(text.slice(0, 80)))}`, { command });
}

/** An empty body: "no rows" for a list, done for a modify command, a lost reply for a create. */
function emptyReply(command: Command): Reply {
  if (LIST_COMMANDS.has(command)) return { kind: 'rows', rows: [] };
  if (CREATE_COMMANDS.has(command)) throw new SmscTransportError('empty reply where an id was expected', { command, sent: true });
  return { kind: 'ok' };
}

function expectKind(command: Command, reply: Reply): Reply {
  const expected: Reply['kind'] = LIST_COMMANDS.has(command) ? 'rows' : CREATE_COMMANDS.has(command) ? 'id' : 'ok';
  // A modify command answering with an id still says it succeeded.
  if (reply.kind === expected || (expected === 'ok' && reply.kind === 'id')) return reply;
  throw new SmscProtocolError(`expected ${KIND_LABEL[expected]}, got ${KIND_LABEL[reply.kind]}`, { command });
}

const KIND_LABEL: Readonly<Record<Reply['kind'], string>> = { id: '{"id": N}', rows: 'a JSON array', ok: 'OK' };

/** The id of a create command's reply (`parseReply` has checked the kind). */
export function replyId(command: Command, reply: Reply): number {
  if (reply.kind !== 'id') throw new SmscProtocolError('expected {"id": N}', { command });
  return reply.id;
}

/** The rows of a list command's reply (`parseReply` has checked the kind). */
export function replyRows(command: Command, reply: Reply): readonly unknown[] {
  if (reply.kind !== 'rows') throw new SmscProtocolError('expected a JSON array', { command });
  return reply.rows;
}

/** A `get` row → `ContactReply`. Reply keys are mapped back to request names (`first_name` → `fnm`). */
export function parseContactRow(row: unknown): ContactReply {
  const record = rowRecord('get', row);
  const intId = toInteger(record[INT_ID_KEY]);
  if (intId === undefined) throw new SmscProtocolError(`contact row without a numeric ${INT_ID_KEY}: ${describe(row)}`, { command: 'get' });
  const fields: ContactFields = {};
  for (const field of CONTACT_FIELDS) {
    const value = toText(record[CONTACT_REPLY_KEYS[field]]);
    if (value !== undefined) fields[field] = value;
  }
  return { intId, fields };
}

/** A `get_group` row → `GroupReply`; the group number arrives as `number` (2013) or `num`. */
export function parseGroupRow(row: unknown): GroupReply {
  const record = rowRecord('get_group', row);
  const id = toInteger(record.id);
  if (id === undefined) throw new SmscProtocolError(`group row without a numeric id: ${describe(row)}`, { command: 'get_group' });
  const group: GroupReply = { id, name: toText(record.name) ?? '' };
  const num = toInteger(record.number ?? record.num);
  if (num !== undefined) group.num = num;
  const type = toInteger(record.type);
  if (type !== undefined) group.type = type;
  return group;
}

/** A `get_black` row → `BlackReply`. */
export function parseBlackRow(row: unknown): BlackReply {
  const record = rowRecord('get_black', row);
  const id = toInteger(record.id);
  const phone = toText(record.phone);
  if (id === undefined || phone === undefined) throw new SmscProtocolError(`blacklist row without a numeric id and a phone: ${describe(row)}`, { command: 'get_black' });
  return { id, phone, type: toInteger(record.type) ?? 0 };
}

function rowRecord(command: Command, row: unknown): Record<string, unknown> {
  if (!isRecord(row)) throw new SmscProtocolError(`expected an object per row, got ${describe(row)}`, { command });
  return row;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Numbers arrive as JSON numbers or as digit strings. */
function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** Field values arrive as strings or numbers; lists may arrive as arrays. */
function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) return value.join(',');
  return undefined;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
