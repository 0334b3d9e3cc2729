/**
 * Reply bodies per `fmt` (smsc-api.md §2). fmt=3 copies the byte layout captured from smsc.ru
 * (newline after `{`, one key per line, no indentation); modify/delete commands answer a bare `OK`
 * whatever the fmt. Layouts marked [GUESS] are ours: no source shows them.
 */
import iconv from 'iconv-lite';
import { API_ERRORS, FMT, type ApiErrorCode, type Charset, type Fmt } from '../smsc/protocol.js';
import type { GetEndPolicy } from './types.js';
import type { CommandResult, CreatedKind, ListKind, ReplyRow } from './state.js';

export interface Reply {
  body: Buffer;
  contentType: string;
}

/** `fmt` as PHP's intval would read it: anything unknown is the default 0. */
export function replyFormat(value: string | undefined): Fmt {
  const fmt = Number(value?.trim());
  return fmt === FMT.numbers || fmt === FMT.xml || fmt === FMT.json ? fmt : FMT.string;
}

export function formatReply(result: CommandResult, fmt: Fmt, charset: Charset, getEnd: GetEndPolicy): Reply {
  return {
    body: iconv.encode(replyText(result, fmt, getEnd), charset),
    contentType: `${CONTENT_TYPES[fmt]}; charset=${charset}`,
  };
}

const CONTENT_TYPES: Record<Fmt, string> = {
  [FMT.string]: 'text/plain',
  [FMT.numbers]: 'text/plain',
  [FMT.xml]: 'text/xml',
  [FMT.json]: 'application/json',
};

function replyText(result: CommandResult, fmt: Fmt, getEnd: GetEndPolicy): string {
  switch (result.kind) {
    case 'error':
      return errorText(result.code, fmt);
    case 'ok':
      return fmt === FMT.xml ? '<result>OK</result>' : 'OK';
    case 'created':
      return createdText(result.entity, result.id, fmt);
    case 'list':
      if (result.rows.length > 0) return listText(result.list, result.rows, fmt);
      if (getEnd === 'error-3') return errorText(3, fmt);
      if (getEnd === 'empty-body') return '';
      return listText(result.list, [], fmt);
  }
}

function errorText(code: ApiErrorCode, fmt: Fmt): string {
  const description = API_ERRORS[code];
  switch (fmt) {
    case FMT.string:
      return `ERROR = ${code} (${description})`;
    case FMT.numbers:
      return `0,-${code}`;
    case FMT.xml:
      return `<result>\n<error>${escapeXml(description)}</error>\n<error_code>${code}</error_code>\n</result>`;
    case FMT.json:
      return jsonObject([
        ['error', description],
        ['error_code', code],
      ]);
  }
}

/** fmt=2: `<phone>` for contacts and blacklist entries per §2.2; `<group>` for groups [GUESS]. */
function createdText(entity: CreatedKind, id: number, fmt: Fmt): string {
  switch (fmt) {
    case FMT.string:
      return `ID = ${id}`;
    case FMT.numbers:
      return String(id);
    case FMT.xml: {
      const element = entity === 'group' ? 'group' : 'phone';
      return `<${element}>\n<id>${id}</id>\n</${element}>`;
    }
    case FMT.json:
      return jsonObject([['id', id]]);
  }
}

const XML_ELEMENTS: Record<ListKind, string> = { contacts: 'contact', groups: 'group', blacklist: 'black' };

/**
 * List layouts. fmt=3: the captured JSON array (`[]` when empty). [GUESS] fmt=0: one line per row,
 * `key = value` pairs joined by `, `; fmt=1: one line per row, the values joined by `,`;
 * fmt=2: `<result>` holding one `<contact>`/`<group>`/`<black>` element per row, a child per key.
 */
function listText(list: ListKind, rows: readonly ReplyRow[], fmt: Fmt): string {
  switch (fmt) {
    case FMT.string:
      return rows.map((row) => row.map(([key, value]) => `${key} = ${value}`).join(', ')).join('\n');
    case FMT.numbers:
      return rows.map((row) => row.map(([, value]) => value).join(',')).join('\n');
    case FMT.xml: {
      const element = XML_ELEMENTS[list];
      const items = rows.map((row) => `<${element}>\n${row.map(([key, value]) => `<${key}>${escapeXml(String(value))}</${key}>\n`).join('')}</${element}>\n`);
      return `<result>\n${items.join('')}</result>`;
    }
    case FMT.json:
      return `[${rows.map(jsonObject).join(',\n')}]`;
  }
}

function jsonObject(row: ReplyRow): string {
  return `{\n${row.map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(',\n')}\n}`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
