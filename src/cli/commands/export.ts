import { Command, InvalidArgumentError } from 'commander';
import { EXPORT_FORMATS, EXPORT_KINDS, ExportOptionError, runExport, type ExportFormat, type ExportKind, type ExportProgress, type ExportSummary } from '../../export/index.js';
import { createSmscClient } from '../../smsc/client.js';
import { loadCredentials } from '../../smsc/credentials.js';
import type { Output } from '../output.js';
import { createWaitNotice } from '../progress.js';
import { PAGE_SIZE_HELP, parsePageSize } from '../page-size.js';
import { parseDelimiter } from '../read-options.js';

export function exportCommand(output: Output): Command {
  return new Command('export')
    .description('write the account’s contacts, groups and/or blacklist to CSV, XLSX, JSON or JSONL')
    .requiredOption('-o, --out <file>', 'output file (.csv, .xlsx, .json, .jsonl), may hold {date} or {datetime}; "-" for stdout')
    .option('--what <kinds>', `comma-separated: ${EXPORT_KINDS.join(', ')} (default: contacts)`, parseKinds)
    .option('--format <format>', `${EXPORT_FORMATS.join(' | ')} (default: from the --out extension; csv for stdout)`, parseFormat)
    .option('--group <id|name>', 'only contacts of this group')
    .option('--search <text>', 'only contacts matching this name, phone or e-mail (SMSC search)')
    .option('--fio <names>', 'only contacts with this surname, first and/or middle name (SMSC fio)')
    .option('--delimiter <char>', 'CSV delimiter (default ","; ";" for Russian Excel; "tab")', parseDelimiter)
    .option('--bom', 'start CSV files with a UTF-8 BOM (for Excel)', false)
    .option('--page-size <n>', PAGE_SIZE_HELP, parsePageSize)
    .option('--json', 'print the summary as JSON on stdout', false)
    .addHelpText(
      'after',
      [
        '',
        'Several kinds: CSV writes one file per kind (out.csv → out-contacts.csv, out-groups.csv, out-blacklist.csv);',
        'XLSX one sheet per kind; JSON one key per kind; JSONL one object per line with a "kind" field.',
        'Files appear only when complete: a failed export leaves the previous one untouched.',
        'Credentials: SMSC_LOGIN + SMSC_PASSWORD, or SMSC_APIKEY, from the environment or ./.env; SMSC_URL selects the service.',
      ].join('\n'),
    )
    .action(async (options: Record<string, unknown>) => {
      const out = String(options.out);
      const json = options.json === true;
      if (json && out === '-') throw new ExportOptionError('--json and --out - would both write to stdout: give --out a file name, or drop --json');
      const credentials = loadCredentials();
      const waits = createWaitNotice(output.isTerminal);
      const client = createSmscClient({ ...credentials, onWait: waits.show });
      const interrupt = new AbortController();
      const onSigint = () => interrupt.abort();
      process.once('SIGINT', onSigint);
      process.once('SIGTERM', onSigint);
      const progress = progressLine(output.isTerminal && !json);
      let summary: ExportSummary;
      try {
        summary = await runExport(
          {
            client,
            out,
            what: options.what as ExportKind[] | undefined,
            format: options.format as ExportFormat | undefined,
            group: typeof options.group === 'string' ? options.group : undefined,
            search: typeof options.search === 'string' ? options.search : undefined,
            fio: typeof options.fio === 'string' ? options.fio : undefined,
            delimiter: typeof options.delimiter === 'string' ? options.delimiter : undefined,
            bom: options.bom === true,
            pageHint: typeof options.pageSize === 'number' ? options.pageSize : undefined,
            signal: interrupt.signal,
          },
          { onProgress: progress.update, onWarning: (warning) => output.info(`warning: ${warning.message}`) },
        );
      } finally {
        waits.stop();
        progress.stop();
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
      if (json) output.json(summary);
      else output.info(formatExportSummary(summary));
    });
}

export function formatExportSummary(summary: ExportSummary): string {
  const kinds = Object.entries(summary.rows).map(([kind, rows]) => `${kind} ${rows}`);
  const pages = Object.entries(summary.pages).map(([kind, count]) => `${kind} ${count}`);
  const filters = [
    summary.group ? `group «${summary.group.name}» (${summary.group.id})` : '',
    summary.search !== undefined ? `search ${JSON.stringify(summary.search)}` : '',
    summary.fio !== undefined ? `fio ${JSON.stringify(summary.fio)}` : '',
  ].filter(Boolean);
  return [
    `exported ${kinds.join(', ')}${filters.length > 0 ? `; filter: ${filters.join(', ')}` : ''} in ${(summary.durationMs / 1000).toFixed(1)} s`,
    `pages fetched: ${pages.join(', ') || 'none'}`,
    `${summary.format.toUpperCase()} written: ${summary.files.map((file) => (file === '-' ? 'stdout' : file)).join(', ')}`,
  ].join('\n');
}

/** "contacts: 12 300 rows, 124 pages, 4 100 rows/s" on a terminal, redrawn at most 10 times a second. */
function progressLine(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): { update: (progress: ExportProgress) => void; stop: () => void } {
  if (!enabled) return { update() {}, stop() {} };
  const started = performance.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update({ kind, rows, pages }) {
      const now = performance.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      const rate = rows / Math.max(0.001, (now - started) / 1000);
      stream.write(`\r${kind}: ${rows} rows, ${pages} pages, ${rate.toFixed(0)} rows/s\x1b[K`);
      drawn = true;
    },
    stop() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

function parseKinds(value: string): ExportKind[] {
  const kinds = value.split(',').map((kind) => kind.trim().toLowerCase()).filter((kind) => kind !== '');
  const unknown = kinds.filter((kind) => !(EXPORT_KINDS as readonly string[]).includes(kind));
  if (kinds.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`expected a comma-separated list of ${EXPORT_KINDS.join(', ')}, got "${value}"`);
  return kinds as ExportKind[];
}

function parseFormat(value: string): ExportFormat {
  const format = value.toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new InvalidArgumentError(`expected one of ${EXPORT_FORMATS.join(', ')}, got "${value}"`);
  return format as ExportFormat;
}
