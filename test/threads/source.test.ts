/**
 * `import`'s reading of a file on worker threads (src/threads/source.ts, through
 * openContactSource): the same rows, in the same order, with the same issues as one thread gives,
 * including where the file has to finish on one thread. Worker threads run dist/, so the build's
 * openContactSource is compared with the sources' (which read on one thread under vitest).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTACT_FIELDS, type ContactFields } from '../../src/contact.js';
import { loadMapping } from '../../src/map/load.js';
import { mappingSchema, type Mapping } from '../../src/map/schema.js';
import type { NormalizedRow } from '../../src/normalize/row.js';
import type * as pipelineSource from '../../src/pipeline.js';
import { decodeRows, RowEncoder } from '../../src/threads/row-codec.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { contacts } from '../helpers/contacts-file.js';
import { seededRandom } from '../helpers/random.js';

const built = (await import(pathToFileURL(join(REPO_ROOT, 'dist/pipeline.js')).href)) as typeof pipelineSource;
const sources = await import('../../src/pipeline.js');

const TODAY = new Date('2026-06-01T00:00:00Z');
let dir: string;
let excelMapping: Mapping;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smsc-etl-source-'));
  excelMapping = await loadMapping(join(REPO_ROOT, 'mappings/samples-excel-ru.json'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function readAll(open: typeof pipelineSource.openContactSource, input: string, mapping: Mapping, threads: number): Promise<NormalizedRow[] & { threads: number }> {
  const rows: NormalizedRow[] = [];
  const source = await open(input, mapping, { today: TODAY, threads });
  for await (const row of source.rows) rows.push(row);
  return Object.assign(rows, { threads: source.threads });
}

/** The rows of one thread and of two workers; equal, keys in the same order too. */
async function expectSameRows(input: string, mapping = excelMapping, { endsOnThreads = true } = {}): Promise<NormalizedRow[]> {
  const oneThread = await readAll(sources.openContactSource, input, mapping, 0);
  const onThreads = await readAll(built.openContactSource, input, mapping, 2);
  expect(onThreads.threads).toBe(endsOnThreads ? 2 : 0);
  expect(onThreads.length).toBe(oneThread.length);
  expect([...onThreads]).toStrictEqual([...oneThread]);
  expect(onThreads.map((row) => Object.keys(row.fields ?? {}).join())).toEqual(oneThread.map((row) => Object.keys(row.fields ?? {}).join()));
  return oneThread;
}

describe('the rows of a file read on worker threads', () => {
  it('are the one-thread rows: Windows-1251, CRLF, every outcome and in-file duplicates', async () => {
    const rows = await expectSameRows(await file('cp1251.csv', iconv.encode(contacts(20_000), 'win1251')));
    expect(rows).toHaveLength(20_000);
    expect(rows.filter((row) => row.issues.some((issue) => issue.code === 'DUPLICATE')).length).toBeGreaterThan(100);
    expect(rows.some((row) => row.issues.some((issue) => issue.reason.includes('has 9 cells, the header has 8')))).toBe(true);
  });

  it('are the one-thread rows where a piece late in the file is not UTF-8: the rest comes from one thread, none twice', async () => {
    const text = contacts(20_000);
    const at = text.indexOf('Фам3;', Math.floor(text.length * 0.7));
    const input = await file('stray.csv', Buffer.concat([Buffer.from(text.slice(0, at), 'utf8'), iconv.encode('Ж', 'win1251'), Buffer.from(text.slice(at), 'utf8')]));
    const rows = await expectSameRows(input, excelMapping, { endsOnThreads: false });
    expect(new Set(rows.map((row) => row.row)).size).toBe(20_000);
    expect(rows.some((row) => row.issues.some((issue) => issue.reason.includes('Windows-1251')))).toBe(true);
  });

  it('are the one-thread rows with the two-pass duplicate policy `merge` (its key pass is read on threads too)', async () => {
    const rows = await expectSameRows(await file('merge.csv', iconv.encode(contacts(6_000), 'win1251')), { ...excelMapping, duplicates: 'merge' });
    expect(rows.some((row) => row.issues.some((issue) => issue.code === 'MERGED'))).toBe(true);
  });

  it('are the one-thread rows of a file without a header (columns by letter)', async () => {
    const body = contacts(8_000).split('\r\n').slice(1).join('\r\n');
    const mapping = mappingSchema.parse({ header: false, fields: { lnm: 'A', fnm: 'B', phone: 'D', mail: 'E', bd: 'F', grp: 'G' } });
    const rows = await expectSameRows(await file('headerless.csv', iconv.encode(body, 'win1251')), mapping);
    expect(rows[0]?.row).toBe(1);
  });

  it('stop their workers when the reader stops early', async () => {
    const input = await file('early.csv', iconv.encode(contacts(20_000), 'win1251'));
    const taken: number[] = [];
    for await (const row of (await built.openContactSource(input, excelMapping, { today: TODAY, threads: 2 })).rows) {
      taken.push(row.row);
      if (taken.length === 10) break;
    }
    const oneThread = await readAll(sources.openContactSource, input, excelMapping, 0);
    expect(taken).toEqual(oneThread.slice(0, 10).map((row) => row.row));
  });
});

describe('the row codec between a worker and the main thread', () => {
  const random = seededRandom(13);
  const values = ['', 'Анна', '79161234567,74951234567', ' ', '"', '\u0000', '😀 emoji', 'a,b;c', '\r\n', '01.02.1990'];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  function randomRow(row: number): NormalizedRow {
    const issues = random() < 0.3 ? [{ row, field: 'bd', value: pick(values), code: 'BD_INVALID', reason: pick(values), severity: 'warning' as const }] : [];
    const notes = random() < 0.3 ? [pick(values), pick(values)] : [];
    if (random() < 0.2) return { row, issues, notes };
    const fields: ContactFields = {};
    for (const field of CONTACT_FIELDS) if (random() < 0.5) fields[field] = pick(values);
    return random() < 0.1 ? { row, fields, blacklistType: pick([0, 1] as const), issues, notes } : { row, fields, issues, notes };
  }

  it('gives back every row as it was sent: shapes, key order, empty values, rare parts', () => {
    for (let task = 0; task < 200; task++) {
      const rows = Array.from({ length: Math.floor(random() * 50) }, (_, index) => randomRow(index + 2));
      const encoder = new RowEncoder();
      for (const row of rows) encoder.add(row);
      const decoded = decodeRows(encoder.finish());
      expect(decoded).toStrictEqual(rows);
      expect(decoded.map((row) => Object.keys(row).join())).toEqual(rows.map((row) => Object.keys(row).join()));
      expect(decoded.map((row) => Object.keys(row.fields ?? {}).join())).toEqual(rows.map((row) => Object.keys(row.fields ?? {}).join()));
    }
  });
});
