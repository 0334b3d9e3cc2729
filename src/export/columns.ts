/**
 * What an export holds: one table per kind of SMSC record, with the headers that
 * `mappings/smsc-export.json` reads back (so export → import changes nothing), and the record
 * builders that turn `get`/`get_group`/`get_black` rows into those tables' rows.
 */
import type { BlackReply, ContactReply, GroupReply } from '../smsc/reply.js';

export const EXPORT_KINDS = ['contacts', 'groups', 'blacklist'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/**
 * How a column is written where formats differ: `text` is formula-neutralized in CSV and XLSX;
 * `phone` holds digits only and is written as it is (an XLSX text cell, never a number); `date`
 * (`dd.mm.yyyy`) becomes an XLSX date cell; `integer` becomes a number in XLSX and JSON.
 */
export type ColumnType = 'text' | 'phone' | 'date' | 'integer';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  /** XLSX column width, in characters. */
  readonly width: number;
}

export interface TableSpec {
  readonly kind: ExportKind;
  /** XLSX sheet name. */
  readonly sheet: string;
  readonly columns: readonly ColumnSpec[];
}

/** One exported row: every value is the text SMSC stores (`''` when it has none), keyed by column name. */
export type ExportRecord = Readonly<Record<string, string>>;

const column = (name: string, type: ColumnType, width: number): ColumnSpec => Object.freeze({ name, type, width });

export const TABLES: Readonly<Record<ExportKind, TableSpec>> = Object.freeze({
  contacts: Object.freeze({
    kind: 'contacts',
    sheet: 'Contacts',
    columns: Object.freeze([
      column('phone', 'phone', 16),
      column('mail', 'text', 28),
      column('name', 'text', 28),
      column('last_name', 'text', 18),
      column('first_name', 'text', 16),
      column('middle_name', 'text', 18),
      column('birthday', 'date', 12),
      column('group_ids', 'text', 12),
      column('group_names', 'text', 28),
      column('myid', 'text', 12),
      column('comment', 'text', 36),
      column('tags', 'text', 20),
      column('other_phones', 'phone', 20),
      column('int_id', 'integer', 10),
    ]),
  }),
  groups: Object.freeze({
    kind: 'groups',
    sheet: 'Groups',
    columns: Object.freeze([column('id', 'integer', 10), column('name', 'text', 32), column('num', 'integer', 8), column('type', 'integer', 6)]),
  }),
  blacklist: Object.freeze({
    kind: 'blacklist',
    sheet: 'Blacklist',
    columns: Object.freeze([column('id', 'integer', 10), column('phone', 'phone', 16), column('type', 'integer', 6)]),
  }),
});

/**
 * How CSV list cells (phones, e-mails, groups, tags) separate their items. Not SMSC's comma: a
 * Russian-locale spreadsheet reads `5901,5902` as the number 5901.5902 and `79031112233,79264445566`
 * as 79031112233.7927. A semicolon is no decimal mark or digit-group separator in any locale, and
 * the importer splits lists on it.
 */
export const CSV_LIST_SEPARATOR = ';';

/** Group id → name, from `get_group` (the one list an export holds in memory). */
export type GroupNames = ReadonlyMap<string, string>;

export function groupNames(groups: readonly GroupReply[]): GroupNames {
  return new Map(groups.map((group) => [String(group.id), group.name]));
}

/** Comma-separated ids, as SMSC lists a contact's groups, without blanks. */
export function splitIds(list: string | undefined): string[] {
  if (list === undefined || list === '') return [];
  return list
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

/** SMSC's comma list with `separator` between its items (as SMSC wrote it when that is a comma). */
function relist(list: string | undefined, separator: string): string {
  if (list === undefined) return '';
  return separator === ',' ? list : splitIds(list).join(separator);
}

/**
 * A `get` row → a Contacts row; group ids the group list does not know get no name. List cells
 * separate their items with `separator` (CSV_LIST_SEPARATOR in CSV).
 */
export function contactRecord(contact: ContactReply, names: GroupNames, separator = ','): ExportRecord {
  const { fields } = contact;
  const ids = splitIds(fields.grp);
  return {
    phone: relist(fields.phone, separator),
    mail: relist(fields.mail, separator),
    name: fields.name ?? '',
    last_name: fields.lnm ?? '',
    first_name: fields.fnm ?? '',
    middle_name: fields.mnm ?? '',
    birthday: fields.bd ?? '',
    group_ids: ids.join(separator),
    group_names: ids.flatMap((id) => names.get(id) ?? []).join(separator),
    myid: fields.myid ?? '',
    comment: fields.cmt ?? '',
    tags: relist(fields.tags, separator),
    other_phones: relist(fields.pho, separator),
    int_id: String(contact.intId),
  };
}

export function groupRecord(group: GroupReply): ExportRecord {
  return { id: String(group.id), name: group.name, num: group.num === undefined ? '' : String(group.num), type: group.type === undefined ? '' : String(group.type) };
}

export function blacklistRecord(entry: BlackReply): ExportRecord {
  return { id: String(entry.id), phone: entry.phone, type: String(entry.type) };
}
