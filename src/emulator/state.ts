/**
 * The emulated account's contacts, groups and blacklist, and the `phones.php` commands on them.
 * Pure with respect to I/O: a command takes decoded parameters and returns a `CommandResult` the
 * server formats. Lookups by phone and paging by id are indexed so a bench with a large base stays fast.
 */
import { BLACK_TYPE, CONTACT_REPLY_KEYS, GROUP_TYPE, INT_ID_KEY, LIMITS, MOVE_GROUP, type ApiErrorCode, type Command, type Script } from '../smsc/protocol.js';
import type { ContactField } from '../contact.js';
import type { BlacklistEntry, Contact, DuplicatePhonePolicy, EmulatorState, Group } from './types.js';
import type { Params } from './params.js';

export type ReplyValue = string | number;
/** One row of a list reply: ordered key/value pairs. */
export type ReplyRow = ReadonlyArray<readonly [string, ReplyValue]>;
export type ListKind = 'contacts' | 'groups' | 'blacklist';
export type CreatedKind = 'contact' | 'group' | 'black';

export type CommandResult =
  | { kind: 'created'; entity: CreatedKind; id: number }
  | { kind: 'ok' }
  | { kind: 'list'; list: ListKind; rows: ReplyRow[] }
  | { kind: 'error'; code: ApiErrorCode };

export interface StoreOptions {
  duplicatePhoneOnAdd: DuplicatePhonePolicy;
  pageSize: number;
  /** Play a service that ignores `cnt`: every page has `pageSize` rows. */
  ignoreCnt: boolean;
}

const FIRST_IDS = { contact: 100_001, group: 5_901, black: 101 } as const;

/** `get` reply key order: the 2013 capture's order, then the fields it did not have. */
const CONTACT_REPLY_ORDER: readonly ContactField[] = ['phone', 'name', 'grp', 'fnm', 'lnm', 'mnm', 'bd', 'myid', 'cmt', 'tags', 'pho', 'mail'];

const TEXT_FIELDS = ['name', 'fnm', 'lnm', 'mnm', 'bd', 'myid', 'cmt'] as const;

class ParamError {
  constructor(readonly code: ApiErrorCode) {}
}

const fail = (code: ApiErrorCode): never => {
  throw new ParamError(code);
};

const error = (code: ApiErrorCode): CommandResult => ({ kind: 'error', code });
const OK: CommandResult = { kind: 'ok' };

/** "Any separator" lists (§4): commas, semicolons and whitespace. */
function splitList(value: string): string[] {
  return value.split(/[\s,;]+/).filter((item) => item !== '');
}

function parsePhones(value: string): string[] {
  const phones = splitList(value).map((token) => {
    if (!/^\+?[\d().-]*\d[\d().-]*$/.test(token)) fail(1);
    return token.replace(/\D/g, '');
  });
  return [...new Set(phones)];
}

function parseMails(value: string): string[] {
  const mails = splitList(value).map((mail) => (/^[^@\s]+@[^@\s]+$/.test(mail) ? mail : fail(1)));
  return [...new Set(mails)];
}

function parseIds(value: string): number[] {
  return [...new Set(splitList(value).map((id) => (/^\d{1,15}$/.test(id) ? Number(id) : fail(1))))];
}

function parseId(value: string | undefined): number {
  return value !== undefined && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : fail(1);
}

/** An optional small enumeration (`type`, `move_group`); absent → `fallback`. */
function parseChoice(value: string | undefined, allowed: readonly number[], fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const choice = Number(value.trim());
  return allowed.includes(choice) ? choice : fail(1);
}

function required(params: Params, key: string): string {
  const value = params.get(key);
  return value === undefined || value.trim() === '' ? fail(1) : value;
}

type ContactChanges = Partial<Omit<Contact, 'int_id'>>;

export class Store {
  private contacts = new Map<number, Contact>();
  /** Contact ids in ascending order; deleted ids are skipped lazily and compacted now and then. */
  private order: number[] = [];
  private phoneIndex = new Map<string, Set<number>>();
  /** Lower-cased name and e-mails per contact, so `search` does not lower-case the whole base each time. */
  private searchText = new Map<number, string>();
  /**
   * Contacts a search for a whole phone number can find other than by that very phone: those with a
   * phone longer than a full number, or a name or e-mail holding such a run of digits. With the
   * phone index they answer such a search without scanning the base (a lookup per file row).
   */
  private longDigitHolders = new Set<number>();
  private groups = new Map<number, Group>();
  private blacklist = new Map<number, BlacklistEntry>();
  private blacklistByPhone = new Map<string, BlacklistEntry>();
  private nextIds: { contact: number; group: number; black: number } = { ...FIRST_IDS };

  constructor(private readonly options: StoreOptions) {}

  load(state: EmulatorState): void {
    this.contacts = new Map();
    this.phoneIndex = new Map();
    this.searchText = new Map();
    this.longDigitHolders = new Set();
    for (const contact of [...state.contacts].sort((a, b) => a.int_id - b.int_id)) this.insertContact(structuredClone(contact));
    this.order = [...this.contacts.keys()];
    this.groups = new Map([...state.groups].sort((a, b) => a.id - b.id).map((group) => [group.id, { ...group }]));
    this.blacklist = new Map([...state.blacklist].sort((a, b) => a.id - b.id).map((entry) => [entry.id, { ...entry }]));
    this.blacklistByPhone = new Map([...this.blacklist.values()].map((entry) => [entry.phone, entry]));
    const after = (ids: Iterable<number>, first: number): number => {
      let highest = 0;
      for (const id of ids) highest = Math.max(highest, id);
      return highest === 0 ? first : highest + 1;
    };
    this.nextIds = state.nextIds ?? {
      contact: after(this.contacts.keys(), FIRST_IDS.contact),
      group: after(this.groups.keys(), FIRST_IDS.group),
      black: after(this.blacklist.keys(), FIRST_IDS.black),
    };
  }

  snapshot(): EmulatorState {
    return structuredClone(this.live());
  }

  /** The state as JSON, without the copy `snapshot()` makes. */
  toJson(): string {
    return JSON.stringify(this.live());
  }

  private live(): EmulatorState {
    return { contacts: [...this.contacts.values()], groups: [...this.groups.values()], blacklist: [...this.blacklist.values()], nextIds: this.nextIds };
  }

  /** `mails.php` runs the same commands on the same account; only `add_group`'s default type differs. */
  execute(command: Command, params: Params, script: Script = 'phones.php'): CommandResult {
    try {
      return this.dispatch(command, params, script);
    } catch (thrown) {
      if (thrown instanceof ParamError) return error(thrown.code);
      throw thrown;
    }
  }

  private dispatch(command: Command, params: Params, script: Script): CommandResult {
    switch (command) {
      case 'add':
        return this.add(params);
      case 'chg':
        return this.change(params);
      case 'del':
        return this.remove(params);
      case 'get':
        return this.list(params);
      case 'add_group':
        return this.addGroup(params, script === 'mails.php' ? GROUP_TYPE.mails : GROUP_TYPE.phones);
      case 'chg_group':
        return this.changeGroup(params);
      case 'del_group':
        return this.removeGroup(params);
      case 'get_group':
        return this.listGroups(params);
      case 'move_group':
        return this.moveGroup(params);
      case 'add_black':
        return this.addBlack(params);
      case 'get_black':
        return this.listBlack(params);
      case 'del_black':
        return this.removeBlack(params);
    }
  }

  // --- contacts -------------------------------------------------------------------------------

  private add(params: Params): CommandResult {
    const changes = this.readContactChanges(params, 'phone', 'mail');
    const phones = changes.phones ?? [];
    if (phones.length === 0 && (changes.mails ?? []).length === 0) return error(1);
    if (this.options.duplicatePhoneOnAdd === 'error' && phones.some((phone) => this.phoneIndex.has(phone))) return error(5);
    const contact: Contact = { int_id: this.nextIds.contact++, phones: [], mails: [], name: '', fnm: '', lnm: '', mnm: '', bd: '', groups: [], myid: '', cmt: '', tags: [], pho: [], ...changes };
    this.insertContact(contact);
    this.order.push(contact.int_id);
    return { kind: 'created', entity: 'contact', id: contact.int_id };
  }

  /** `chg`: every contact holding one of `phone` (or, without `phone`, `mail`) gets the given fields. */
  private change(params: Params): CommandResult {
    const targets = this.findContacts(params);
    const changes = this.readContactChanges(params, 'new_phone', 'new_mail');
    if (targets.length === 0) return error(3);
    // An empty new list is refused only where it would leave a contact with neither phone nor e-mail [GUESS].
    const keyless = (target: Contact) => (changes.phones ?? target.phones).length === 0 && (changes.mails ?? target.mails).length === 0;
    if (changes.phones?.length === 0 || targets.some(keyless)) return error(1);
    const taken = (changes.phones ?? []).some((phone) => [...(this.phoneIndex.get(phone) ?? [])].some((id) => !targets.some((target) => target.int_id === id)));
    if (taken && this.options.duplicatePhoneOnAdd === 'error') return error(5);
    for (const target of targets) {
      this.unindex(target);
      Object.assign(target, changes);
      this.index(target);
    }
    return OK;
  }

  private remove(params: Params): CommandResult {
    const targets = this.findContacts(params);
    if (targets.length === 0) return error(3);
    for (const target of targets) {
      this.unindex(target);
      this.contacts.delete(target.int_id);
    }
    if (this.order.length > 1024 && this.order.length > 2 * this.contacts.size) this.order = this.order.filter((id) => this.contacts.has(id));
    return OK;
  }

  private list(params: Params): CommandResult {
    const afterId = params.has('after_id') ? parseId(params.get('after_id')) : 0;
    const limit = this.pageLimit(params);
    const matches = this.contactFilter(params);
    const rows: ReplyRow[] = [];
    const candidates = this.phoneSearchCandidates(params.get('search')?.trim() ?? '');
    const ids = candidates ?? this.order;
    for (let i = firstIndexAbove(ids, afterId); i < ids.length && rows.length < limit; i++) {
      const contact = this.contacts.get(ids[i]!);
      if (contact !== undefined && matches(contact)) rows.push(contactRow(contact));
    }
    return { kind: 'list', list: 'contacts', rows };
  }

  /** Ascending ids that may match a search for a whole phone number; undefined for other searches. */
  private phoneSearchCandidates(search: string): number[] | undefined {
    if (!/^\+?\d{11,}$/.test(search)) return undefined;
    const ids = new Set([...(this.phoneIndex.get(search.replace(/^\+/, '')) ?? []), ...this.longDigitHolders]);
    return [...ids].sort((a, b) => a - b);
  }

  private contactFilter(params: Params): (contact: Contact) => boolean {
    const search = params.get('search')?.trim().toLowerCase() ?? '';
    const searchDigits = /^\+?[\d\s().-]+$/.test(search) ? search.replace(/\D/g, '') : '';
    const fioWords = splitList(params.get('fio')?.toLowerCase() ?? '');
    const group = params.has('grp') ? parseId(params.get('grp')) : undefined;
    return (contact) =>
      (search === '' || (searchDigits !== '' && contact.phones.some((phone) => phone.includes(searchDigits))) || this.searchText.get(contact.int_id)!.includes(search)) &&
      (fioWords.length === 0 || fioWords.every((word) => [contact.lnm, contact.fnm, contact.mnm, contact.name].some((part) => part.toLowerCase().includes(word)))) &&
      (group === undefined || contact.groups.includes(group));
  }

  private readContactChanges(params: Params, phoneKey: string, mailKey: string): ContactChanges {
    const changes: ContactChanges = {};
    const phone = params.get(phoneKey);
    if (phone !== undefined) changes.phones = parsePhones(phone);
    const mail = params.get(mailKey);
    if (mail !== undefined) changes.mails = parseMails(mail);
    for (const field of TEXT_FIELDS) {
      const value = params.get(field);
      if (value !== undefined) changes[field] = value.trim();
    }
    if (changes.bd !== undefined && changes.bd !== '' && !/^\d{2}\.\d{2}\.\d{4}$/.test(changes.bd)) fail(1);
    const groups = params.get('grp');
    if (groups !== undefined) {
      changes.groups = parseIds(groups);
      if (changes.groups.some((id) => !this.groups.has(id))) fail(3);
    }
    const tags = params.get('tags');
    if (tags !== undefined) changes.tags = tags.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
    const pho = params.get('pho');
    if (pho !== undefined) changes.pho = splitList(pho);
    return changes;
  }

  /** Contacts holding any phone of `phone`, or without `phone` any address of `mail`; 1 if neither is given. */
  private findContacts(params: Params): Contact[] {
    const phone = params.get('phone');
    if (phone !== undefined && phone.trim() !== '') {
      const ids = new Set(parsePhones(phone).flatMap((p) => [...(this.phoneIndex.get(p) ?? [])]));
      return [...ids].sort((a, b) => a - b).map((id) => this.contacts.get(id)!);
    }
    const mails = new Set(parseMails(required(params, 'mail')).map((mail) => mail.toLowerCase()));
    return [...this.contacts.values()].filter((contact) => contact.mails.some((mail) => mails.has(mail.toLowerCase())));
  }

  private insertContact(contact: Contact): void {
    this.contacts.set(contact.int_id, contact);
    this.index(contact);
  }

  private index(contact: Contact): void {
    this.searchText.set(contact.int_id, [contact.name, ...contact.mails].join('\n').toLowerCase());
    if (contact.phones.some((phone) => phone.length > 11) || /\d{11}/.test(this.searchText.get(contact.int_id)!)) this.longDigitHolders.add(contact.int_id);
    for (const phone of contact.phones) {
      let ids = this.phoneIndex.get(phone);
      if (ids === undefined) this.phoneIndex.set(phone, (ids = new Set()));
      ids.add(contact.int_id);
    }
  }

  private unindex(contact: Contact): void {
    this.searchText.delete(contact.int_id);
    this.longDigitHolders.delete(contact.int_id);
    for (const phone of contact.phones) {
      const ids = this.phoneIndex.get(phone);
      ids?.delete(contact.int_id);
      if (ids?.size === 0) this.phoneIndex.delete(phone);
    }
  }

  private pageLimit(params: Params): number {
    if (!params.has('cnt') || this.options.ignoreCnt) return this.options.pageSize;
    return Math.min(LIMITS.maxPageSize, Math.max(1, parseId(params.get('cnt'))));
  }

  // --- groups ---------------------------------------------------------------------------------

  private addGroup(params: Params, defaultType: number): CommandResult {
    const name = params.get('name');
    if (name === undefined || name === '') return error(1);
    const num = params.has('num') ? parseId(params.get('num')) : undefined;
    const type = parseChoice(params.get('type'), Object.values(GROUP_TYPE), defaultType);
    if (name.trim() === '' || (num !== undefined && this.groupByNum(num) !== undefined)) return error(5);
    const group: Group = { id: this.nextIds.group++, name: name.trim(), type };
    if (num !== undefined) group.num = num;
    this.groups.set(group.id, group);
    return { kind: 'created', entity: 'group', id: group.id };
  }

  private changeGroup(params: Params): CommandResult {
    const id = parseId(params.get('grp'));
    const name = params.get('name');
    if (name === undefined || name === '') return error(1);
    const num = params.has('num') ? parseId(params.get('num')) : undefined;
    const group = this.groups.get(id);
    if (group === undefined) return error(3);
    const numOwner = num === undefined ? undefined : this.groupByNum(num);
    if (name.trim() === '' || (numOwner !== undefined && numOwner !== group)) return error(5);
    group.name = name.trim();
    if (num !== undefined) group.num = num;
    return OK;
  }

  /** Members of a deleted group stay, without that group [GUESS, smsc-api.md §8.11]. */
  private removeGroup(params: Params): CommandResult {
    const id = parseId(params.get('grp'));
    if (!this.groups.delete(id)) return error(3);
    for (const contact of this.contacts.values()) {
      if (contact.groups.includes(id)) contact.groups = contact.groups.filter((group) => group !== id);
    }
    return OK;
  }

  private listGroups(params: Params): CommandResult {
    const rows = this.page(this.groups, params).map((group): ReplyRow => {
      const row: [string, ReplyValue][] = [
        ['id', group.id],
        ['name', group.name],
      ];
      if (group.num !== undefined) row.push(['number', group.num]);
      row.push(['type', group.type]);
      return row;
    });
    return { kind: 'list', list: 'groups', rows };
  }

  /**
   * `move_group` takes one number (`phone`) or one address (`mail`) — the parameter table says so,
   * unlike `add`'s lists — and `grp`, where several ids are accepted as everywhere [GUESS].
   */
  private moveGroup(params: Params): CommandResult {
    const mode = parseChoice(params.get('move_group'), Object.values(MOVE_GROUP), MOVE_GROUP.replace);
    const groups = parseIds(required(params, 'grp'));
    const phone = params.get('phone')?.trim() ? parsePhones(required(params, 'phone')) : undefined;
    const key = phone ?? parseMails(required(params, 'mail'));
    if (key.length !== 1) return error(1);
    const targets = this.findContacts(new Map([[phone ? 'phone' : 'mail', key[0]!]]));
    if (groups.some((id) => !this.groups.has(id)) || targets.length === 0) return error(3);
    for (const contact of targets) {
      if (mode === MOVE_GROUP.replace) contact.groups = groups;
      else if (mode === MOVE_GROUP.add) contact.groups = [...new Set([...contact.groups, ...groups])];
      else contact.groups = contact.groups.filter((id) => !groups.includes(id));
    }
    return OK;
  }

  private groupByNum(num: number): Group | undefined {
    for (const group of this.groups.values()) if (group.num === num) return group;
    return undefined;
  }

  // --- blacklist ------------------------------------------------------------------------------

  /** One entry per phone; an already blacklisted phone is a save error [GUESS]. Replies the first id. */
  private addBlack(params: Params): CommandResult {
    const phones = parsePhones(required(params, 'phone'));
    const type = parseChoice(params.get('type'), Object.values(BLACK_TYPE), BLACK_TYPE.all);
    if (phones.length === 0) return error(1);
    if (phones.some((phone) => this.blacklistByPhone.has(phone))) return error(5);
    const ids = phones.map((phone) => {
      const entry: BlacklistEntry = { id: this.nextIds.black++, phone, type };
      this.blacklist.set(entry.id, entry);
      this.blacklistByPhone.set(phone, entry);
      return entry.id;
    });
    return { kind: 'created', entity: 'black', id: ids[0]! };
  }

  private listBlack(params: Params): CommandResult {
    const rows = this.page(this.blacklist, params).map(
      (entry): ReplyRow => [
        ['id', entry.id],
        ['phone', entry.phone],
        ['type', String(entry.type)],
      ],
    );
    return { kind: 'list', list: 'blacklist', rows };
  }

  private removeBlack(params: Params): CommandResult {
    const entries = parsePhones(required(params, 'phone')).flatMap((phone) => this.blacklistByPhone.get(phone) ?? []);
    if (entries.length === 0) return error(3);
    for (const entry of entries) {
      this.blacklist.delete(entry.id);
      this.blacklistByPhone.delete(entry.phone);
    }
    return OK;
  }

  /** A page of a small id-ordered map after `after_id` (exclusive). */
  private page<T extends { id: number }>(records: ReadonlyMap<number, T>, params: Params): T[] {
    const afterId = params.has('after_id') ? parseId(params.get('after_id')) : 0;
    const limit = this.pageLimit(params);
    const page: T[] = [];
    for (const record of records.values()) {
      if (page.length >= limit) break;
      if (record.id > afterId) page.push(record);
    }
    return page;
  }
}

function contactRow(contact: Contact): ReplyRow {
  const values: Record<ContactField, string> = {
    phone: contact.phones.join(','),
    mail: contact.mails.join(','),
    name: contact.name,
    lnm: contact.lnm,
    fnm: contact.fnm,
    mnm: contact.mnm,
    bd: contact.bd,
    grp: contact.groups.join(','),
    myid: contact.myid,
    cmt: contact.cmt,
    tags: contact.tags.join(','),
    pho: contact.pho.join(','),
  };
  const row: [string, ReplyValue][] = CONTACT_REPLY_ORDER.map((field) => [CONTACT_REPLY_KEYS[field], values[field]]);
  row.push([INT_ID_KEY, String(contact.int_id)]);
  return row;
}

/** Index of the first id greater than `afterId` in an ascending array. */
function firstIndexAbove(ids: readonly number[], afterId: number): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ids[mid]! <= afterId) low = mid + 1;
    else high = mid;
  }
  return low;
}
