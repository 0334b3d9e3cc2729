/**
 * Group names in a file become SMSC group ids: resolved through `get_group`, created with
 * `add_group` only when the user asked (`--create-groups`), otherwise the row fails with a reason.
 */
import type { SmscClient } from '../smsc/client.js';
import { pageGroups } from '../smsc/paging.js';
import { listItems } from './account-index.js';

export type GroupResolution = { ok: true; grp: string } | { ok: false; reason: string };

export interface GroupDirectory {
  resolve(grp: string): GroupResolution;
  /** The name of a group id `resolve` gave (or the id itself when the account has no such group). */
  nameOf(id: string): string;
  /** Names that do not exist yet (filled by `ensure`). */
  readonly missing: readonly string[];
  /** The groups `ensure` created (journaled, so that `undo` can delete them). */
  readonly created: readonly { id: number; name: string; type?: 0 | 1 }[];
  /** Creates the missing groups (unless dry-run), of `type` (e-mail groups for e-mail contacts); returns how many were created. */
  ensure(names: Iterable<string>, options: { create: boolean; dryRun: boolean; type?: 0 | 1 }): Promise<number>;
}

/** Prefix of a group a dry run would create: it has no id yet. */
const PLANNED = 'new:';

const nameKey = (name: string) => name.trim().toLowerCase();

export async function loadGroupDirectory(client: Pick<SmscClient, 'getGroup' | 'addGroup'>, byId: boolean): Promise<GroupDirectory> {
  const ids = new Map<string, number>();
  const nameById = new Map<number, string>();
  for await (const group of pageGroups(client)) {
    nameById.set(group.id, group.name);
    if (!ids.has(nameKey(group.name))) ids.set(nameKey(group.name), group.id);
  }
  const missing: string[] = [];
  const created: { id: number; name: string; type?: 0 | 1 }[] = [];
  const planned = new Set<string>();

  return {
    resolve(grp) {
      const resolved: string[] = [];
      for (const item of listItems(grp)) {
        if (byId) {
          if (!nameById.has(Number(item))) return { ok: false, reason: `group id ${item} does not exist in the account` };
          resolved.push(item);
          continue;
        }
        const id = ids.get(nameKey(item));
        if (id !== undefined) resolved.push(String(id));
        else if (planned.has(nameKey(item))) resolved.push(`${PLANNED}${item}`);
        else return { ok: false, reason: `group «${item}» does not exist in the account (run with --create-groups to create it)` };
      }
      return { ok: true, grp: resolved.join(',') };
    },
    nameOf: (id) => (id.startsWith(PLANNED) ? id.slice(PLANNED.length) : (nameById.get(Number(id)) ?? id)),
    missing,
    created,
    async ensure(names, { create, dryRun, type }) {
      if (byId) return 0;
      let count = 0;
      for (const name of names) {
        const key = nameKey(name);
        if (ids.has(key) || planned.has(key) || missing.includes(name)) continue;
        missing.push(name);
        if (!create) continue;
        if (dryRun) {
          planned.add(key);
          continue;
        }
        const { id } = await client.addGroup({ name: name.trim(), type });
        ids.set(key, id);
        nameById.set(id, name.trim());
        created.push({ id, name: name.trim(), ...(type === undefined ? {} : { type }) });
        count++;
      }
      return count;
    },
  };
}
