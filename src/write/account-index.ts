/**
 * The account as it is before the import, indexed by each phone (and e-mail) of its contacts, so
 * each file row is planned against it without another call. account/strategy.ts fills it with the
 * contacts the file's rows may concern (all of them for `sync --delete-missing`).
 */
import type { ContactFields } from '../contact.js';
import type { SmscClient } from '../smsc/client.js';
import { pageBlacklist } from '../smsc/paging.js';
import type { ExistingContact } from './plan.js';

export interface AccountIndex {
  find(fields: ContactFields): ExistingContact | undefined;
  /** Every contact once, for `sync --delete-missing`. */
  contacts(): Iterable<ExistingContact>;
  readonly size: number;
}

export function listItems(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((item) => item.trim()).filter(Boolean);
}

/** The keys a contact is indexed (and looked up) by. */
export const phoneKey = (phone: string) => phone.replace(/\D/g, '');
export const mailKey = (mail: string) => `@${mail.toLowerCase()}`;

export function buildAccountIndex(contacts: Iterable<ExistingContact>): AccountIndex {
  const byKey = new Map<string, ExistingContact>();
  const all: ExistingContact[] = [];
  for (const contact of contacts) {
    all.push(contact);
    for (const phone of listItems(contact.fields.phone)) if (!byKey.has(phoneKey(phone))) byKey.set(phoneKey(phone), contact);
    for (const mail of listItems(contact.fields.mail)) if (!byKey.has(mailKey(mail))) byKey.set(mailKey(mail), contact);
  }
  return {
    find(fields) {
      // A contact is keyed by its phone; an e-mail only identifies a contact that has no phone,
      // or two people sharing an office mailbox would be merged into one.
      const phones = listItems(fields.phone);
      for (const phone of phones) {
        const hit = byKey.get(phoneKey(phone));
        if (hit) return hit;
      }
      if (phones.length > 0) return undefined;
      for (const mail of listItems(fields.mail)) {
        const hit = byKey.get(mailKey(mail));
        if (hit) return hit;
      }
      return undefined;
    },
    contacts: () => all,
    size: all.length,
  };
}

/** The blacklist as stop-list imports see it: phone digits → entry id and block type. */
export type BlacklistEntries = ReadonlyMap<string, { id: number; type: number }>;

export async function readBlacklist(client: Pick<SmscClient, 'getBlack'>, pageHint?: number): Promise<BlacklistEntries> {
  const entries = new Map<string, { id: number; type: number }>();
  for await (const entry of pageBlacklist(client, {}, pageHint)) entries.set(phoneKey(entry.phone), { id: entry.id, type: entry.type });
  return entries;
}
