/**
 * `smsc-etl export`: the account's contacts, groups and/or blacklist, paged from SMSC and streamed
 * to CSV, XLSX, JSON or JSONL with constant memory. Only the group list (small) is held, to give
 * each contact its group names. The output appears only complete: any failure — a fatal SMSC
 * error, the network, a paging anomaly, Ctrl-C — removes the temporary files and leaves the
 * previous export in place.
 */
import { OutputWriteError, isSystemError } from '../report/output-error.js';
import { checkOutputPaths } from '../report/preflight.js';
import type { SmscClient } from '../smsc/client.js';
import { LIMITS } from '../smsc/protocol.js';
import { pageBlacklist, pageContacts, pageGroups, type PagingOptions, type PagingWarning } from '../smsc/paging.js';
import type { GroupReply } from '../smsc/reply.js';
import { blacklistRecord, contactRecord, CSV_LIST_SEPARATOR, EXPORT_KINDS, groupNames, groupRecord, splitIds, type ExportKind, type ExportRecord } from './columns.js';
import { ExportIncompleteError, ExportInterruptedError, ExportOptionError, ExportWriteError } from './errors.js';
import { expandDateTemplate, kindPath, resolveFormat, type ExportFormat } from './output-path.js';
import { checkSinkOptions, openSink, type SinkOptions } from './sinks.js';

export { EXPORT_KINDS, type ExportKind } from './columns.js';
export { EXPORT_FORMATS, type ExportFormat } from './output-path.js';
export { ExportIncompleteError, ExportInterruptedError, ExportOptionError, ExportWriteError } from './errors.js';

export interface ExportOptions {
  client: Pick<SmscClient, 'get' | 'getGroup' | 'getBlack'>;
  /** File path, may hold `{date}` / `{datetime}`; `-` for stdout (CSV, JSON, JSONL). */
  out: string;
  /** Default `['contacts']`; written in the order contacts, groups, blacklist. */
  what?: readonly ExportKind[];
  /** Default: from the extension of `out` (CSV for stdout). */
  format?: ExportFormat;
  /** Only contacts of this group, by id or name. */
  group?: string;
  /** Passed to `get` as `search` (name, phone or e-mail). */
  search?: string;
  /** Passed to `get` as `fio`: contacts whose surname, first or middle name match. */
  fio?: string;
  /** CSV delimiter, default `,`. */
  delimiter?: string;
  /** CSV: start with a UTF-8 BOM (for Excel). */
  bom?: boolean;
  /** `cnt` of `get` and `get_black` pages, 1–1000 (default 1000). */
  pageHint?: number;
  /** The clock of the date template. */
  now?: Date;
  /** Aborting stops the export and removes its temporary files. */
  signal?: AbortSignal;
}

export interface ExportProgress {
  kind: ExportKind;
  /** Rows written so far for this kind. */
  rows: number;
  /** Pages fetched so far for this kind. */
  pages: number;
}

export interface ExportHooks {
  /** After every page fetched. */
  onProgress?: (progress: ExportProgress) => void;
  onWarning?: (warning: PagingWarning) => void;
}

export interface ExportSummary {
  format: ExportFormat;
  /** Paths committed (`-` for stdout), in kind order. */
  files: string[];
  /** Rows written per kind exported. */
  rows: Partial<Record<ExportKind, number>>;
  /** List calls per kind fetched, the final end-of-list call included (groups are fetched for names too). */
  pages: Partial<Record<ExportKind, number>>;
  group?: { id: number; name: string };
  search?: string;
  fio?: string;
  durationMs: number;
}

export async function runExport(options: ExportOptions, hooks: ExportHooks = {}): Promise<ExportSummary> {
  const started = performance.now();
  const settings = await normalizeOptions(options);
  const { client, kinds, signal } = settings;
  const summary: ExportSummary = { format: settings.format, files: [], rows: {}, pages: {}, durationMs: 0 };
  if (options.search !== undefined) summary.search = options.search;
  if (options.fio !== undefined) summary.fio = options.fio;

  const paging = (kind: ExportKind, warnings: PagingWarning[]): PagingOptions => ({
    onPage: ({ page }) => {
      summary.pages[kind] = page;
      hooks.onProgress?.({ kind, rows: summary.rows[kind] ?? 0, pages: page });
    },
    onWarning: (warning) => {
      warnings.push(warning);
      hooks.onWarning?.(warning);
    },
  });
  const complete = (warnings: readonly PagingWarning[]) => {
    if (warnings.length > 0) throw new ExportIncompleteError(`${warnings.map((warning) => warning.message).join('; ')}; nothing was written`);
  };

  const needGroups = kinds.includes('groups') || kinds.includes('contacts');
  const groups: GroupReply[] = [];
  if (needGroups) {
    const warnings: PagingWarning[] = [];
    for await (const group of interruptible(pageGroups(client, paging('groups', warnings)), signal)) groups.push(group);
    complete(warnings);
  }
  const group = settings.group === undefined ? undefined : resolveGroup(settings.group, groups);
  if (group !== undefined) summary.group = { id: group.id, name: group.name };

  async function* records(kind: ExportKind, warnings: PagingWarning[]): AsyncGenerator<ExportRecord> {
    switch (kind) {
      case 'groups':
        yield* groups.map(groupRecord);
        return;
      case 'blacklist':
        for await (const entry of pageBlacklist(client, paging(kind, warnings), settings.pageHint)) yield blacklistRecord(entry);
        return;
      case 'contacts': {
        const names = groupNames(groups);
        const separator = settings.format === 'csv' ? CSV_LIST_SEPARATOR : ',';
        const wanted = group === undefined ? undefined : String(group.id);
        const query = { search: settings.search, fio: settings.fio, grp: group?.id, pageHint: settings.pageHint };
        for await (const contact of pageContacts(client, query, paging(kind, warnings))) {
          // The service's `grp` filter is unconfirmed: check membership ourselves.
          if (wanted === undefined || splitIds(contact.fields.grp).includes(wanted)) yield contactRecord(contact, names, separator);
        }
      }
    }
  }

  const sink = await openSink(settings);
  try {
    for (const kind of kinds) {
      const table = sink.openTable(kind);
      const warnings: PagingWarning[] = [];
      let rows = 0;
      summary.rows[kind] = 0;
      for await (const record of interruptible(records(kind, warnings), signal)) {
        await table.write(record);
        summary.rows[kind] = ++rows;
      }
      complete(warnings);
      await table.close();
      hooks.onProgress?.({ kind, rows, pages: summary.pages[kind] ?? 0 });
    }
    if (signal?.aborted === true) throw new ExportInterruptedError();
    summary.files = await sink.commit();
  } catch (error) {
    await sink.abort();
    if (error instanceof OutputWriteError) throw new ExportWriteError(error.path, error.cause);
    throw isSystemError(error) ? new ExportWriteError(settings.out, error) : error;
  }
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}

/**
 * The rows of `source` until `signal` aborts — at once, even while a page request (maybe in a
 * minute-long retry back-off) is still pending: the user pressed Ctrl-C and waits.
 */
async function* interruptible<T>(source: AsyncGenerator<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  if (signal === undefined) return yield* source;
  for (;;) {
    if (signal.aborted) throw new ExportInterruptedError();
    // A listener per step, removed when the step settles: racing one long-lived promise would
    // keep a reaction per row alive until the end of the export.
    const next = await new Promise<IteratorResult<T>>((resolve, reject) => {
      const stop = () => reject(new ExportInterruptedError());
      signal.addEventListener('abort', stop, { once: true });
      source.next().then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
    });
    if (next.done === true) return;
    yield next.value;
  }
}

interface Settings extends SinkOptions {
  client: ExportOptions['client'];
  group: string | undefined;
  search: string | undefined;
  fio: string | undefined;
  pageHint: number | undefined;
  signal: AbortSignal | undefined;
}

/** Every option checked before the first request, so a typo costs no API call and no file. */
async function normalizeOptions(options: ExportOptions): Promise<Settings> {
  const asked = options.what ?? ['contacts'];
  const unknown = asked.filter((kind) => !(EXPORT_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) throw new ExportOptionError(`unknown kind ${unknown.map((kind) => JSON.stringify(kind)).join(', ')} in --what: expected ${EXPORT_KINDS.join(', ')}`);
  const kinds = EXPORT_KINDS.filter((kind) => asked.includes(kind));
  if (kinds.length === 0) throw new ExportOptionError(`--what names nothing to export: expected ${EXPORT_KINDS.join(', ')}`);
  if (options.group !== undefined && !kinds.includes('contacts')) throw new ExportOptionError('--group filters contacts: add contacts to --what');
  if (options.search !== undefined && !kinds.includes('contacts')) throw new ExportOptionError('--search filters contacts: add contacts to --what');
  if (options.fio !== undefined && !kinds.includes('contacts')) throw new ExportOptionError('--fio filters contacts: add contacts to --what');
  if (options.fio?.trim() === '') throw new ExportOptionError('--fio needs a surname, first or middle name');
  if (options.group?.trim() === '') throw new ExportOptionError('--group needs a group id or name');
  const { pageHint } = options;
  if (pageHint !== undefined && !(Number.isInteger(pageHint) && pageHint >= 1 && pageHint <= LIMITS.maxPageSize)) throw new ExportOptionError(`--page-size must be 1–${LIMITS.maxPageSize}, got ${pageHint}`);

  const format = resolveFormat(options.out, options.format);
  const out = expandDateTemplate(options.out, options.now ?? new Date());
  const settings: Settings = {
    client: options.client,
    format,
    out,
    kinds,
    delimiter: options.delimiter,
    bom: options.bom,
    group: options.group,
    search: options.search,
    fio: options.fio,
    pageHint: options.pageHint,
    signal: options.signal,
  };
  checkSinkOptions(settings);
  const files = format === 'csv' && kinds.length > 1 ? kinds.map((kind) => kindPath(out, kind)) : [out];
  await checkOutputPaths(files.map((path) => ({ label: 'export', path })));
  return settings;
}

/** A group by id or by name (exact, then ignoring case); an unknown or ambiguous one stops the run. */
export function resolveGroup(wanted: string, groups: readonly GroupReply[]): GroupReply {
  const text = wanted.trim();
  if (/^\d+$/.test(text)) {
    const byId = groups.find((group) => group.id === Number(text));
    if (byId !== undefined) return byId;
  }
  for (const same of [(name: string) => name === text, (name: string) => name.toLowerCase() === text.toLowerCase()]) {
    const matches = groups.filter((group) => same(group.name.trim()));
    if (matches.length === 1) return matches[0] as GroupReply;
    if (matches.length > 1) throw new ExportOptionError(`group name «${text}» is ambiguous (ids ${matches.map((group) => group.id).join(', ')}): use --group <id>`);
  }
  const known = groups.slice(0, 10).map((group) => `${group.name} (${group.id})`);
  const list = groups.length === 0 ? 'the account has no groups' : `groups: ${known.join(', ')}${groups.length > known.length ? ', …' : ''}`;
  throw new ExportOptionError(`no group «${text}» in the account; ${list}`);
}
