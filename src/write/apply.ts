/**
 * Applying one planned operation, at most once. When a write's reply is lost the client cannot know
 * whether SMSC applied it, so instead of re-sending blindly we read the record back and only send
 * again when it is not there yet — the difference between a retry and a duplicate contact.
 */
import type { ContactFields } from '../contact.js';
import type { BlacklistType } from '../normalize/blacklist-type.js';
import type { ContactKey, SmscClient } from '../smsc/client.js';
import { EtlError } from '../errors.js';
import { isSmscError } from '../smsc/errors.js';
import { pageBlacklist } from '../smsc/paging.js';
import { listItems } from './account-index.js';
import { errorText } from './outcome.js';
import { holds, type ChangeParams, type MoveGroupMode } from './plan.js';
import { sendSettled } from './settle.js';

/** `desired` of `chg` / `move_group`: the fields the write sets, as the contact must hold them afterwards. */
export type WriteOperation =
  | { action: 'add'; params: ContactFields }
  | { action: 'chg'; params: ChangeParams; desired: ContactFields }
  | { action: 'move_group'; mode: MoveGroupMode; grp: string; key: ContactKey; desired: ContactFields }
  | { action: 'delete'; key: { phone: string } | { mail: string } }
  | { action: 'add_black'; phone: string; type: BlacklistType }
  | { action: 'delete_black'; phone: string }
  /** A type change: `remove` is deleted, then `phone` (the same numbers and any new ones) added with `type`. */
  | { action: 'retype_black'; remove: string; phone: string; type: BlacklistType };

export interface Applied {
  smscId?: number;
  /** How many lost replies were settled by reading back. */
  readBacks: number;
}

type Client = Pick<SmscClient, 'add' | 'chg' | 'del' | 'get' | 'moveGroup' | 'addBlack' | 'getBlack' | 'delBlack'>;

export async function applyOperation(client: Client, operation: WriteOperation): Promise<Applied> {
  // Set once a retype's del_black went through: from then on a failure leaves the numbers off the blacklist.
  const progress = { removed: false };
  const sendOnce = () =>
    send(client, operation, progress).catch((error: unknown) => {
      // A record already gone is what a delete wants.
      if (isSmscError(error) && error.code === 'ERR_SMSC_NOT_FOUND' && (operation.action === 'delete' || operation.action === 'delete_black')) return undefined;
      throw error;
    });
  try {
    const settled = await sendSettled(sendOnce, async () => {
      const found = await readBack(client, operation);
      return { applied: found.applied, value: found.smscId };
    });
    return { smscId: settled.value, readBacks: settled.readBacks };
  } catch (error) {
    throw operation.action === 'retype_black' && progress.removed ? offTheBlacklist(operation, error) : error;
  }
}

async function send(client: Client, operation: WriteOperation, progress: { removed: boolean }): Promise<number | undefined> {
  switch (operation.action) {
    case 'add':
      return (await client.add(operation.params)).id;
    case 'chg':
      await client.chg(operation.params);
      return undefined;
    case 'move_group':
      await client.moveGroup(operation.mode, { grp: Number(operation.grp), ...operation.key });
      return undefined;
    case 'delete':
      await client.del(operation.key);
      return undefined;
    case 'add_black':
      return (await client.addBlack({ phone: operation.phone, type: operation.type })).id;
    case 'delete_black':
      await client.delBlack({ phone: operation.phone });
      return undefined;
    case 'retype_black':
      return retypeBlack(client, operation, progress);
  }
}

/**
 * `del_black` then `add_black` (the table has no command that changes an entry). Sent again after a
 * lost reply, the `del_black` may find nothing to delete: that is where it should be.
 */
async function retypeBlack(client: Client, operation: Extract<WriteOperation, { action: 'retype_black' }>, progress: { removed: boolean }): Promise<number> {
  await client.delBlack({ phone: operation.remove }).catch((error: unknown) => {
    if (!(isSmscError(error) && error.code === 'ERR_SMSC_NOT_FOUND')) throw error;
  });
  progress.removed = true;
  return (await client.addBlack({ phone: operation.phone, type: operation.type })).id;
}

/** The error_code of a retype that left numbers off the blacklist. */
export const OFF_THE_BLACKLIST = 'ERR_BLACKLIST_RETYPE';

/**
 * A retype whose add_black failed (after the read-backs of lost replies) once its del_black went
 * through: the numbers are not blocked at all now, which the report line must say plainly. A fatal
 * cause still stops the run (the executor looks at the cause).
 */
function offTheBlacklist(operation: Extract<WriteOperation, { action: 'retype_black' }>, error: unknown): EtlError {
  // Only the removed numbers that were to be listed again: undo's retype also removes numbers for good.
  const relisted = listItems(operation.phone);
  const numbers = listItems(operation.remove).filter((phone) => relisted.includes(phone));
  const them = numbers.length === 1 ? 'it' : 'them';
  return new EtlError(
    OFF_THE_BLACKLIST,
    `${numbers.join(',')} now OFF the blacklist: removed (del_black) to change the block type to ${operation.type}, but add_black failed (${errorText(error)}); re-add ${them} with type ${operation.type}`,
    { cause: error },
  );
}

/** Did the lost write take effect? Decided from the account itself. */
async function readBack(client: Client, operation: WriteOperation): Promise<{ applied: boolean; smscId?: number }> {
  switch (operation.action) {
    case 'add': {
      const found = await findContact(client, operation.params);
      return { applied: found !== undefined, smscId: found?.intId };
    }
    case 'chg':
    case 'move_group': {
      // `desired` holds only the fields written; the contact is found by its new phones, else by its key.
      const key = operation.action === 'move_group' ? operation.key : operation.params.phone ? { phone: operation.params.phone } : { mail: operation.params.mail };
      const found = await findContact(client, { ...key, ...operation.desired });
      return { applied: found !== undefined && holds(found.fields, operation.desired), smscId: found?.intId };
    }
    case 'delete': {
      const found = await findContact(client, 'phone' in operation.key ? { phone: operation.key.phone } : { mail: operation.key.mail });
      return { applied: found === undefined };
    }
    case 'add_black':
    case 'retype_black':
    case 'delete_black': {
      const phones = listItems(operation.phone);
      const listed = await findBlacklisted(client, phones);
      if (operation.action === 'delete_black') return { applied: listed.size === 0 };
      const typed = operation.action === 'add_black' || [...listed.values()].every((entry) => entry.type === operation.type);
      return { applied: listed.size === phones.length && typed, smscId: listed.get(phones[0] ?? '')?.id };
    }
  }
}

async function findContact(client: Client, fields: ContactFields): Promise<{ intId: number; fields: ContactFields } | undefined> {
  const phone = listItems(fields.phone)[0];
  const mail = listItems(fields.mail)[0];
  const search = phone ?? mail;
  if (search === undefined) return undefined;
  const wanted = (value: string | undefined, item: string) => listItems(value).some((candidate) => candidate.replace(/^\+/, '').toLowerCase() === item.toLowerCase());
  const rows = await client.get({ search });
  return rows.find((row) => (phone !== undefined ? wanted(row.fields.phone, phone) : wanted(row.fields.mail, search)));
}

/** The blacklist entries (id, type) of those of `phones` (digits) that are listed. */
async function findBlacklisted(client: Client, phones: readonly string[]): Promise<Map<string, { id: number; type: number }>> {
  const listed = new Map<string, { id: number; type: number }>();
  for await (const entry of pageBlacklist(client)) {
    const phone = entry.phone.replace(/\D/g, '');
    if (phones.includes(phone)) listed.set(phone, { id: entry.id, type: entry.type });
    if (listed.size === phones.length) break;
  }
  return listed;
}
