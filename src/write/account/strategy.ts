/**
 * Reading only as much of the account as the file needs. SMSC tells nobody how many contacts an
 * account holds, so the choice between reading it whole (⌈N/1000⌉ + 1 pages) and looking each
 * file key up (one `get search=` each) is made on the way: page through the account until it ends
 * or until the pages read exceed the keys still unresolved, then look the rest up. Either way the
 * cost is at most about twice the cheaper of the two.
 *
 * Only contacts holding a key of the file are kept, so memory follows the file, not the account —
 * except for `sync --delete-missing` (no keys given), which needs every contact and reads them all.
 */
import type { ContactFields } from '../../contact.js';
import type { SmscClient } from '../../smsc/client.js';
import { pageContactPages } from '../../smsc/paging.js';
import { buildAccountIndex, type AccountIndex } from '../account-index.js';
import type { ExistingContact } from '../plan.js';
import { contactKeys, lookupContact, rowKeys } from './lookup.js';

/**
 * A file with more keys than this is planned against a full read: looking them up would only pay
 * off for an account of more than this many thousand contacts.
 */
export const MAX_LOOKUP_KEYS = 20_000;

export interface AccountRead {
  /** `full`: the account was paged to its end; `lookup`: paging stopped and the rest was looked up. */
  method: 'full' | 'lookup';
  /** `get` pages of the account read (the final empty one included). */
  pages: number;
  /** Keys looked up with `get search=`, and the requests that took. */
  lookups: number;
  lookupRequests: number;
  /** Contacts seen: the whole account after a full read, a lower bound after lookups. */
  contactsSeen: number;
}

export interface KeyCollector {
  add(fields: ContactFields): void;
  /** The file's keys, or undefined once there were more than the limit. */
  readonly keys: ReadonlySet<string> | undefined;
}

export function createKeyCollector(limit = MAX_LOOKUP_KEYS): KeyCollector {
  let keys: Set<string> | undefined = new Set();
  return {
    add(fields) {
      if (keys === undefined) return;
      for (const key of rowKeys(fields)) keys.add(key);
      if (keys.size > limit) keys = undefined;
    },
    get keys() {
      return keys;
    },
  };
}

export interface ContactReadOptions {
  /** The file's keys; undefined reads and keeps every contact. */
  keys: ReadonlySet<string> | undefined;
  pageHint?: number;
  /** The writer's concurrency limit, so lookups queue like writes (the error-9 gate is the client's). */
  limit: <T>(work: () => Promise<T>) => Promise<T>;
}

export async function readContacts(client: Pick<SmscClient, 'get'>, options: ContactReadOptions): Promise<{ index: AccountIndex; read: AccountRead }> {
  const { keys, pageHint, limit } = options;
  const read: AccountRead = { method: 'full', pages: 0, lookups: 0, lookupRequests: 0, contactsSeen: 0 };
  const kept: ExistingContact[] = [];
  const unresolved = new Set(keys);
  const pages = pageContactPages(client, { pageHint }, { onPage: () => void read.pages++ })[Symbol.asyncIterator]();
  // Another page is worth it while the pages so far have not cost more than looking up what is
  // still unresolved (at a tie the next page may be the end, which answers every key at once).
  while (keys === undefined || (unresolved.size > 0 && read.pages <= unresolved.size)) {
    const page = await pages.next();
    if (page.done === true) return { index: buildAccountIndex(kept), read };
    read.contactsSeen += page.value.length;
    for (const row of page.value) {
      const held = keys === undefined ? [] : contactKeys(row.fields).filter((key) => keys.has(key));
      if (keys !== undefined && held.length === 0) continue;
      kept.push({ intId: row.intId, fields: row.fields });
      for (const key of held) unresolved.delete(key);
    }
  }
  await pages.return(undefined);

  read.method = 'lookup';
  const lookups = [...unresolved].map((key) =>
    limit(() => {
      read.lookups++;
      return lookupContact(client, key, pageHint, { onPage: () => void read.lookupRequests++ });
    }),
  );
  const known = new Set(kept.map((contact) => contact.intId));
  const hits = new Map<number, ExistingContact>();
  for (const hit of await Promise.all(lookups)) if (hit !== undefined && !known.has(hit.intId)) hits.set(hit.intId, hit);
  // Ascending int_id, like a full read, so the index keeps the same contact for a key two contacts share.
  kept.push(...[...hits.values()].sort((a, b) => a.intId - b.intId));
  read.contactsSeen += hits.size;
  return { index: buildAccountIndex(kept), read };
}
