/** `runUndo` in-process against the emulator, wired as the CLI wires it, and its report read back. */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { createSmscClient, type SmscClientOptions } from '../../src/smsc/client.js';
import { createCallMeter } from '../../src/write/import.js';
import { createPacedThrottle } from '../../src/write/pace.js';
import { runUndo, type UndoOptions, type UndoSummary } from '../../src/write/undo/index.js';
import { DEMO } from './import-run.js';

export type UndoReportRow = Record<'row' | 'phone' | 'undoes' | 'action' | 'outcome' | 'smsc_id' | 'error_code' | 'error' | 'attempts' | 'changes', string>;

/** `client`: options of the SMSC client over the defaults (e.g. the `baseUrl` of a proxy in front of the emulator). */
export async function undoFrom(
  emulator: RunningEmulator,
  options: Omit<UndoOptions, 'client' | 'meter'>,
  client: Partial<SmscClientOptions> = {},
): Promise<{ summary: UndoSummary; report: UndoReportRow[] }> {
  const meter = createCallMeter();
  const smsc = createSmscClient({ baseUrl: emulator.url, ...DEMO, timeoutMs: 10_000, throttle: createPacedThrottle(), ...meter.hooks, ...client });
  const summary = await runUndo({ client: smsc, meter, ...options });
  const path = summary.undoReport;
  const report = path === undefined ? [] : (parse(await readFile(path, 'utf8'), { columns: true }) as UndoReportRow[]);
  return { summary, report };
}
