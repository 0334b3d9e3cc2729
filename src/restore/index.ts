/**
 * `smsc-etl restore <backup.xlsx>`: an `export --what contacts,groups,blacklist` workbook brought
 * back into an account as three imports, in the order that makes references resolve: the groups
 * (name, num, type), then the contacts with their memberships by group name (a fresh account has
 * other group ids), then the blacklist with each entry's type. Each step is an upsert with the
 * safety of `import` and writes its own report; nothing is deleted.
 */
import { fileURLToPath } from 'node:url';
import { loadGroupsMapping, loadMapping } from '../map/load.js';
import { openTable } from '../read/index.js';
import type { SmscClient } from '../smsc/client.js';
import { createCallMeter, importExitCode, runImport, type CallMeter, type ImportHooks, type ImportSummary } from '../write/import.js';

/** The shipped mappings that read the export's tables back. */
const MAPPINGS = fileURLToPath(new URL('../../mappings/', import.meta.url));

/** The restore steps, in order: the sheet of the backup each one reads (TABLES' sheet names). */
export const RESTORE_STEPS = [
  { target: 'groups', sheet: 'Groups', mapping: 'smsc-groups.json' },
  { target: 'contacts', sheet: 'Contacts', mapping: 'smsc-restore.json' },
  { target: 'blacklist', sheet: 'Blacklist', mapping: 'smsc-blacklist.json' },
] as const;

export type RestoreTarget = (typeof RESTORE_STEPS)[number]['target'];

export interface RestoreOptions {
  input: string;
  /** A client for one step, its hooks from that step's meter (each step counts its own calls). */
  clientFor: (meter: CallMeter) => SmscClient;
  /** Step reports are `<reportPrefix>.<target>.report.csv`. */
  reportPrefix: string;
  dryRun?: boolean;
  /** As for `import`: aborting stops the running step (its unrun rows reported) and the steps after it. */
  signal?: AbortSignal;
}

export interface RestoreSummary {
  input: string;
  dryRun: boolean;
  steps: ImportSummary[];
}

export async function runRestore(options: RestoreOptions, hooks: ImportHooks & { onStep?: (target: RestoreTarget) => void } = {}): Promise<RestoreSummary> {
  // A backup without one of the sheets stops here, before the first step writes anything.
  for (const { sheet } of RESTORE_STEPS) await closeTable(await openTable(options.input, { sheet }));
  const steps: ImportSummary[] = [];
  for (const step of RESTORE_STEPS) {
    hooks.onStep?.(step.target);
    const meter = createCallMeter();
    const common = {
      input: options.input,
      sheet: step.sheet,
      client: options.clientFor(meter),
      meter,
      report: `${options.reportPrefix}.${step.target}.report.csv`,
      dryRun: options.dryRun ?? false,
      signal: options.signal,
    };
    const file = `${MAPPINGS}${step.mapping}`;
    const summary =
      step.target === 'groups'
        ? await runImport({ ...common, target: step.target, mapping: await loadGroupsMapping(file) }, hooks)
        : await runImport({ ...common, target: step.target, mapping: await loadMapping(file), createGroups: true }, hooks);
    steps.push(summary);
    if (summary.aborted || summary.interrupted) break;
  }
  return { input: options.input, dryRun: options.dryRun ?? false, steps };
}

/** The worst exit code of the steps (README "Exit codes"). */
export function restoreExitCode(summary: RestoreSummary): number {
  return Math.max(0, ...summary.steps.map(importExitCode));
}

async function closeTable(table: Awaited<ReturnType<typeof openTable>>): Promise<void> {
  await table.rows[Symbol.asyncIterator]().return?.();
}
