/**
 * `import --mode delete`: each row names records to remove — the account contact its phone (or, for
 * a row without one, its e-mail) belongs to, or its numbers on the blacklist. Pure planning over the
 * account read once; the same planner decides the rows and, run over the file first, lists what the
 * delete guard is asked about, so the guard and the run cannot disagree.
 */
import type { ContactFields } from '../contact.js';
import { listItems, phoneKey, type AccountIndex, type BlacklistEntries } from './account-index.js';
import type { WriteOperation } from './apply.js';
import type { DeleteCandidate } from './delete-guard.js';
import type { ExistingContact } from './plan.js';

export type RowDelete =
  | { action: 'delete'; smscId?: number; candidates: DeleteCandidate[]; operation: WriteOperation }
  | { action: 'skip'; code: string; reason: string; smscId?: number };

/** Stateful (a record is deleted by the first row naming it): one planner per pass over the file. */
export type RowDeletePlanner = (row: number, fields: ContactFields) => RowDelete;

/** The key `del` finds a contact by: its first phone, else (an e-mail contact, through mails.php) its first e-mail. */
export function contactDeleteKey(contact: ExistingContact): { label: string; key: { phone: string } | { mail: string } } {
  const phone = listItems(contact.fields.phone)[0];
  if (phone !== undefined) return { label: phone, key: { phone } };
  const mail = listItems(contact.fields.mail)[0] ?? '';
  return { label: mail, key: { mail } };
}

/**
 * A row deletes the one contact its phones belong to (its e-mails when it has no phone, as import
 * matches rows). Phones of several contacts in one row are skipped rather than guessed at.
 */
export function contactDeletePlanner(account: AccountIndex): RowDeletePlanner {
  const deletedBy = new Map<number, number>();
  return (row, fields) => {
    const phones = listItems(fields.phone);
    const keys = phones.length > 0 ? phones.map((phone) => ({ phone: phoneKey(phone) })) : listItems(fields.mail).map((mail) => ({ mail }));
    const found = new Map<number, ExistingContact>();
    for (const key of keys) {
      const contact = account.find(key);
      if (contact) found.set(contact.intId, contact);
    }
    const [contact, ...others] = found.values();
    if (contact === undefined) return { action: 'skip', code: 'NOT_IN_ACCOUNT', reason: 'not in the account: nothing to delete' };
    if (others.length > 0) {
      const ids = [...found.keys()].join(', ');
      return { action: 'skip', code: 'DELETE_AMBIGUOUS', reason: `not deleted: the row's numbers belong to ${found.size} contacts (ids ${ids}); put each contact on a row of its own` };
    }
    const earlier = deletedBy.get(contact.intId);
    if (earlier !== undefined) return { action: 'skip', code: 'SAME_CONTACT', reason: `same account contact as row ${earlier}, which deletes it`, smscId: contact.intId };
    deletedBy.set(contact.intId, row);
    const { label, key } = contactDeleteKey(contact);
    return { action: 'delete', smscId: contact.intId, candidates: [{ label, smscId: contact.intId }], operation: { action: 'delete', key } };
  };
}

/** A row deletes those of its numbers the blacklist has (phone digits → entry id), in one `del_black`. */
export function blacklistDeletePlanner(blacklist: BlacklistEntries): RowDeletePlanner {
  const deletedBy = new Map<string, number>();
  return (row, fields) => {
    const listed = listItems(fields.phone).filter((phone) => blacklist.has(phone));
    const fresh = listed.filter((phone) => !deletedBy.has(phone));
    if (listed.length === 0) return { action: 'skip', code: 'NOT_LISTED', reason: 'not in the blacklist: nothing to delete' };
    if (fresh.length === 0) return { action: 'skip', code: 'SAME_ENTRY', reason: `deleted by row ${deletedBy.get(listed[0] ?? '')}`, smscId: blacklist.get(listed[0] ?? '')?.id };
    for (const phone of fresh) deletedBy.set(phone, row);
    const candidates = fresh.map((phone) => ({ label: phone, smscId: blacklist.get(phone)?.id }));
    return { action: 'delete', smscId: candidates[0]?.smscId, candidates, operation: { action: 'delete_black', phone: fresh.join(',') } };
  };
}
