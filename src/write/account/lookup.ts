/**
 * One file key looked up in the account: `get` with `search=<phone>` (or the e-mail), filtered to
 * exact matches — SMSC's search also returns contacts whose number merely contains the digits, or
 * whose name contains the text. The hit is the lowest `int_id` holding the key, the contact a full
 * read would have indexed for it. A page without an exact match is not the end of the matches
 * unless it is empty, so the search pages on (rarely: one request answers nearly every key).
 */
import type { ContactFields } from '../../contact.js';
import type { SmscClient } from '../../smsc/client.js';
import { pageContactPages, type PagingOptions } from '../../smsc/paging.js';
import { listItems, mailKey, phoneKey } from '../account-index.js';
import type { ExistingContact } from '../plan.js';

/** Digits of each phone, `@` + lower-cased e-mail of each mail: what `AccountIndex.find` matches on. */
export function contactKeys(fields: ContactFields): string[] {
  return [...listItems(fields.phone).map(phoneKey), ...listItems(fields.mail).map(mailKey)];
}

/** The keys `AccountIndex.find` tries for a file row: its phones, or its e-mails when it has none. */
export function rowKeys(fields: ContactFields): string[] {
  const phones = listItems(fields.phone).map(phoneKey).filter(Boolean);
  return phones.length > 0 ? phones : listItems(fields.mail).map(mailKey);
}

export async function lookupContact(client: Pick<SmscClient, 'get'>, key: string, pageHint: number | undefined, options: PagingOptions = {}): Promise<ExistingContact | undefined> {
  const search = key.startsWith('@') ? key.slice(1) : key;
  for await (const page of pageContactPages(client, { search, pageHint }, options)) {
    const hit = page.find((row) => contactKeys(row.fields).includes(key));
    if (hit) return { intId: hit.intId, fields: hit.fields };
  }
  return undefined;
}
