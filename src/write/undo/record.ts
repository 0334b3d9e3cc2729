/**
 * What an import journals before each write (an intent line) so that `smsc-etl undo` can take it back: the
 * fields an `add` wrote, the old and new values of the fields a `chg` / `move_group` wrote, the
 * numbers an `add_black` listed. Group ids are kept as ids (the report shows names, which need not
 * be unique). One zod schema is the type and the check of a journal line.
 */
import { z } from 'zod';
import { CONTACT_FIELDS, type ContactFields } from '../../contact.js';
import type { ExistingContact } from '../plan.js';

const fields = z.partialRecord(z.enum(CONTACT_FIELDS), z.string());

export const undoRecordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('add'), wrote: fields }),
  /** `find`: the phones and e-mails the contact has after the write, to find it again. */
  z.object({ kind: z.literal('chg'), find: fields, before: fields, wrote: fields }),
  z.object({ kind: z.literal('black'), phones: z.array(z.string()) }),
]);
export type UndoRecord = z.infer<typeof undoRecordSchema>;

export const journalEntrySchema = z.object({ row: z.number().int(), action: z.string(), smscId: z.number().int().optional() });
export const intentSchema = z.object({ intent: z.number().int(), undo: undoRecordSchema });
export const createdGroupSchema = z.object({ createdGroup: z.number().int(), name: z.string(), type: z.union([z.literal(0), z.literal(1)]).optional() });

/** The undo record of a `chg` / `move_group` that makes `existing` hold `wrote`. */
export function changeRecord(existing: ExistingContact, wrote: ContactFields): Extract<UndoRecord, { kind: 'chg' }> {
  const before: ContactFields = {};
  for (const field of Object.keys(wrote) as (keyof ContactFields)[]) before[field] = existing.fields[field] ?? '';
  const after = { ...existing.fields, ...wrote };
  return { kind: 'chg', find: { phone: after.phone ?? '', mail: after.mail ?? '' }, before, wrote };
}
