/**
 * What an import journals before each write (an intent line) so that `smsc-etl undo` can take it back: the
 * fields an `add` wrote, the old and new values of the fields a `chg` / `move_group` wrote, the
 * numbers an `add_black` listed and their type, the old types of the entries a blacklist `chg` retyped. Group ids are kept as ids (the report shows names, which need not
 * be unique). One zod schema is the type and the check of a journal line.
 */
import { z } from 'zod';
import { CONTACT_FIELDS, type ContactFields } from '../../contact.js';
import type { BlacklistType } from '../../normalize/blacklist-type.js';
import { BLACK_TYPE } from '../../smsc/protocol.js';
import { listItems, type BlacklistEntries } from '../account-index.js';
import type { WriteOperation } from '../apply.js';
import type { ExistingContact } from '../plan.js';

const fields = z.partialRecord(z.enum(CONTACT_FIELDS), z.string());
const blackType = z.enum(BLACK_TYPE);

export const undoRecordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('add'), wrote: fields }),
  /** `find`: the phones and e-mails the contact has after the write, to find it again. */
  z.object({ kind: z.literal('chg'), find: fields, before: fields, wrote: fields }),
  /** `type`: what the add_black listed them with (absent in journals of earlier versions). */
  z.object({ kind: z.literal('black'), phones: z.array(z.string()), type: blackType.optional() }),
  /** A blacklist type change (del_black + add_black): each retyped number's old type, the new type, the numbers it added. */
  z.object({ kind: z.literal('retype'), before: z.record(z.string(), blackType), type: blackType, added: z.array(z.string()) }),
]);
export type UndoRecord = z.infer<typeof undoRecordSchema>;

export const journalEntrySchema = z.object({ row: z.number().int(), action: z.string(), smscId: z.number().int().optional() });
export const intentSchema = z.object({ intent: z.number().int(), undo: undoRecordSchema });
/** Written after a write whose reply was an error: what the import did not do, undo does not take back. */
export const failedSchema = z.object({ failed: z.number().int(), code: z.string() });
export const createdGroupSchema = z.object({ createdGroup: z.number().int(), name: z.string(), type: z.union([z.literal(0), z.literal(1)]).optional() });

/** The undo record of a `chg` / `move_group` that makes `existing` hold `wrote`. */
export function changeRecord(existing: ExistingContact, wrote: ContactFields): Extract<UndoRecord, { kind: 'chg' }> {
  const before: ContactFields = {};
  for (const field of Object.keys(wrote) as (keyof ContactFields)[]) before[field] = existing.fields[field] ?? '';
  const after = { ...existing.fields, ...wrote };
  return { kind: 'chg', find: { phone: after.phone ?? '', mail: after.mail ?? '' }, before, wrote };
}

/** The undo record of a blacklist write: the numbers an `add_black` lists, or what a retype changes and adds. */
export function blacklistRecord(operation: WriteOperation, listed: BlacklistEntries): Extract<UndoRecord, { kind: 'black' | 'retype' }> | undefined {
  if (operation.action === 'add_black') return { kind: 'black', phones: listItems(operation.phone), type: operation.type };
  if (operation.action !== 'retype_black') return undefined;
  const removed = listItems(operation.remove);
  const before: Record<string, BlacklistType> = {};
  for (const phone of removed) before[phone] = blackTypeOf(listed.get(phone)?.type);
  return { kind: 'retype', before, type: operation.type, added: listItems(operation.phone).filter((phone) => !removed.includes(phone)) };
}

/** A type `get_black` did not give as one of SMSC's is taken for its default, all messages. */
const blackTypeOf = (type: number | undefined): BlacklistType => blackType.options.find((known) => known === type) ?? BLACK_TYPE.all;
