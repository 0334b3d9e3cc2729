/**
 * Shared ground for the `smsc-etl import` integration tests: input files written to a temp dir, an
 * emulator seeded with contacts, `runImport` in-process against it over real HTTP, and the report
 * and the account read back in a shape tests can compare field by field.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll } from 'vitest';
import { startEmulator, type Contact, type EmulatorOptions, type EmulatorState, type EmulatorStats, type Group, type RunningEmulator } from '../../src/emulator/index.js';
import { loadGroupsMapping, loadMapping } from '../../src/map/load.js';
import type { Mapping } from '../../src/map/schema.js';
import { createSmscClient, type SmscClientOptions } from '../../src/smsc/client.js';
import { realSleep } from '../../src/smsc/retry.js';
import { createCallMeter, runImport, type ImportHooks, type ImportOptions, type ImportSummary } from '../../src/write/import.js';
import { createPacedThrottle } from '../../src/write/pace.js';
import { countWriteCalls } from '../../src/write/write-calls.js';

export const REPO = new URL('../../', import.meta.url).pathname;
export const CONTACTS_MAPPING = join(REPO, 'mappings/samples-utf8.json');
export const BLACKLIST_MAPPING = join(REPO, 'mappings/blacklist.json');
export const GROUPS_MAPPING = join(REPO, 'mappings/smsc-groups.json');
export const DEMO = { login: 'demo', password: 'demo-password' } as const;
export const REPORT_HEADER = 'row,phone,action,outcome,smsc_id,error_code,error,attempts,changes,warnings';

/** A valid Russian mobile number, 7916 followed by `n` in 7 digits. */
export const mobile = (n: number): string => `7916${String(n).padStart(7, '0')}`;

/** One line of an input file with the headers of mappings/samples-utf8.json. */
export interface InputRow {
  name?: string;
  phone: string;
  email?: string;
  birthday?: string;
  group?: string;
  tags?: string;
  customer_id?: string;
}

const INPUT_COLUMNS = ['name', 'phone', 'email', 'birthday', 'group', 'tags', 'customer_id'] as const;

export async function makeTempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'smsc-etl-import-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

function csvCell(value: string | undefined): string {
  const text = value ?? '';
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Writes a UTF-8 CSV with the sample headers; `tail` is appended raw (to break the file on purpose). */
export async function writeInput(dir: string, name: string, rows: readonly InputRow[], tail = ''): Promise<string> {
  const lines = [INPUT_COLUMNS.join(','), ...rows.map((row) => INPUT_COLUMNS.map((column) => csvCell(row[column])).join(','))];
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n${tail}`, 'utf8');
  return path;
}

/** A stored contact with every field the emulator keeps; unspecified fields empty. */
export function contact(intId: number, fields: Partial<Omit<Contact, 'int_id'>>): Contact {
  return { int_id: intId, phones: [], mails: [], name: '', fnm: '', lnm: '', mnm: '', bd: '', groups: [], myid: '', cmt: '', tags: [], pho: [], ...fields };
}

export function group(id: number, name: string): Group {
  return { id, name, type: 0 };
}

export function seed(emulator: RunningEmulator, state: Partial<EmulatorState>): void {
  emulator.reset({ contacts: [], groups: [], blacklist: [], ...state });
}

/**
 * The account's contacts keyed by phone, without server ids, so the state after an import compares
 * field by field with the expected one. Fails when two contacts share a phone (a duplicate).
 */
export function contactsByPhone(state: EmulatorState): Record<string, Omit<Contact, 'int_id'>> {
  const byPhone: Record<string, Omit<Contact, 'int_id'>> = {};
  for (const { int_id: _id, ...fields } of state.contacts) {
    for (const phone of fields.phones) {
      if (byPhone[phone] !== undefined) throw new Error(`duplicate contact for phone ${phone}`);
      byPhone[phone] = fields;
    }
  }
  return byPhone;
}

export function writeCallCount(stats: EmulatorStats): number {
  return countWriteCalls(stats.calls);
}

export type ReportRow = Record<'row' | 'phone' | 'action' | 'outcome' | 'smsc_id' | 'error_code' | 'error' | 'attempts' | 'changes' | 'warnings', string>;

export async function readReport(path: string): Promise<{ header: string; rows: ReportRow[] }> {
  const text = await readFile(path, 'utf8');
  const header = text.slice(0, text.indexOf('\r\n'));
  return { header, rows: parse(text, { columns: true }) as ReportRow[] };
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, ...options });
}

/** What a test file of the import suite works in: one emulator and one temp dir, for the whole file. */
export interface ImportWorld {
  readonly emulator: RunningEmulator;
  /** Path of the file's temp dir. */
  readonly dir: string;
}

/** Starts the emulator and makes the temp dir before the file's tests, and removes both after them. */
export function useImportWorld(options: EmulatorOptions = {}): ImportWorld {
  let emulator: RunningEmulator | undefined;
  let temp: Awaited<ReturnType<typeof makeTempDir>> | undefined;
  beforeAll(async () => {
    [emulator, temp] = await Promise.all([startTestEmulator(options), makeTempDir()]);
  });
  afterAll(async () => {
    await emulator?.close();
    await temp?.remove();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useImportWorld: used outside a test (before beforeAll ran)');
    return value;
  };
  return {
    get emulator() {
      return ready(emulator);
    },
    get dir() {
      return ready(temp).path;
    },
  };
}

export interface ImportRunOptions extends Partial<Omit<ImportOptions, 'client' | 'meter' | 'mapping' | 'target'>> {
  input: string;
  target?: ImportOptions['target'] | 'groups';
  /** A mapping file (default: mappings/samples-utf8.json; a groups mapping for target groups). */
  mappingFile?: string;
  /**
   * The emulator's clockScale: the client's clock, sleeps and retry pauses run that much faster too,
   * so error-9 minute windows pass as quickly for it as for the emulator.
   */
  clockScale?: number;
  client?: Partial<SmscClientOptions>;
  hooks?: ImportHooks;
}

const mappings = new Map<string, Promise<Mapping>>();

/** `runImport` in-process against `emulator`, the way the CLI wires it (meter hooks, paced throttle). */
export async function importInto(emulator: RunningEmulator, options: ImportRunOptions): Promise<{ summary: ImportSummary; report: ReportRow[] }> {
  const { mappingFile = CONTACTS_MAPPING, clockScale = 1, client: clientOptions, hooks, target, ...importOptions } = options;
  let mapping = mappings.get(mappingFile);
  if (mapping === undefined && target !== 'groups') mappings.set(mappingFile, (mapping = loadMapping(mappingFile)));
  const clock = () => performance.now() * clockScale;
  const sleep = (ms: number) => realSleep(ms / clockScale);
  const meter = createCallMeter();
  const client = createSmscClient({
    baseUrl: emulator.url,
    ...DEMO,
    clock,
    sleep,
    timeoutMs: 10_000,
    throttle: createPacedThrottle({ clock, sleep }),
    ...meter.hooks,
    ...clientOptions,
  });
  const report = importOptions.report ?? `${options.input}.report.csv`;
  const targetMapping = target === 'groups' ? { target, mapping: await loadGroupsMapping(mappingFile) } : { target, mapping: await (mapping as Promise<Mapping>) };
  const summary = await runImport({ ...targetMapping, client, meter, report, ...importOptions }, hooks);
  return { summary, report: (await readReport(report)).rows };
}
