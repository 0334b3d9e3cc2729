import { afterEach, describe, expect, it } from 'vitest';
import { createSmscClient } from '../../src/smsc/client.js';
import { pageBlacklist, pageContacts, pageGroups, type PageInfo, type PagingWarning } from '../../src/smsc/paging.js';
import { startRawServer, type RawReply, type RawServer, type RecordedRequest } from '../helpers/raw-server.js';

let server: RawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A contact base of ids 1..total served `size` per page after `after_id` (exclusive or inclusive). */
function contactPages(total: number, size: number, options: { inclusive?: boolean; end?: RawReply } = {}) {
  return (request: RecordedRequest): RawReply => {
    const after = Number(request.form.get('after_id') ?? 0);
    const first = options.inclusive && after > 0 ? after : after + 1;
    const ids = Array.from({ length: size }, (_, index) => first + index).filter((id) => id <= total);
    if (ids.length === 0) return options.end ?? { body: '[]' };
    return { body: JSON.stringify(ids.map((id) => ({ int_id: id, phone: `7999000${String(id).padStart(4, '0')}`, name: `Контакт ${id}` }))) };
  };
}

async function clientOn(replies: (request: RecordedRequest, index: number) => RawReply) {
  server = await startRawServer(replies);
  return createSmscClient({ baseUrl: server.url, login: 'alex', password: 'pw-pw-pw', sleep: async () => undefined, random: () => 0 });
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

describe('pageContacts', () => {
  it.each<[string, RawReply]>([
    ['[]', { body: '[]' }],
    ['an empty body', { body: '' }],
    ['error 3', { body: '{"error": "record not found", "error_code": 3}' }],
  ])('pages with after_id = last int_id and stops on %s', async (_name, end) => {
    const client = await clientOn(contactPages(7, 3, { end }));
    const pages: PageInfo[] = [];
    const rows = await collect(pageContacts(client, { search: '7999', pageHint: 3 }, { onPage: (info) => pages.push(info) }));
    expect(rows.map((row) => row.intId)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rows[0]?.fields.name).toBe('Контакт 1');
    expect(server?.requests.map((request) => request.form.get('after_id'))).toEqual([null, '3', '6', '7']);
    expect(server?.requests.every((request) => request.form.get('cnt') === '3' && request.form.get('search') === '7999')).toBe(true);
    expect(pages.map((page) => [page.page, page.rows, page.afterId])).toEqual([
      [1, 3, undefined],
      [2, 3, 3],
      [3, 1, 6],
      [4, 0, 7],
    ]);
  });

  it('drops the repeated row when after_id is inclusive', async () => {
    const client = await clientOn(contactPages(5, 2, { inclusive: true }));
    const rows = await collect(pageContacts(client));
    expect(rows.map((row) => row.intId)).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops with a warning when the service ignores after_id', async () => {
    const client = await clientOn(() => ({ body: JSON.stringify([{ int_id: 1 }, { int_id: 2 }]) }));
    const warnings: PagingWarning[] = [];
    const rows = await collect(pageContacts(client, {}, { onWarning: (warning) => warnings.push(warning) }));
    expect(rows.map((row) => row.intId)).toEqual([1, 2]);
    expect(server?.requests).toHaveLength(2);
    expect(warnings).toEqual([expect.objectContaining({ code: 'SMSC_PAGE_NOT_ADVANCING', command: 'get', afterId: 2 })]);
  });
});

describe('pageGroups and pageBlacklist', () => {
  it('stops quietly when get_group does not page (the second call repeats the ids)', async () => {
    const groups = [{ id: 5924, name: 'A' }, { id: 5921, name: 'B', number: 1234 }];
    const client = await clientOn(() => ({ body: JSON.stringify(groups) }));
    const warnings: PagingWarning[] = [];
    const rows = await collect(pageGroups(client, { onWarning: (warning) => warnings.push(warning) }));
    expect(rows).toEqual([{ id: 5924, name: 'A' }, { id: 5921, name: 'B', num: 1234 }]);
    expect(server?.requests.map((request) => request.form.get('after_id'))).toEqual([null, '5924']);
    expect(warnings).toEqual([]);
  });

  it('pages the blacklist', async () => {
    const client = await clientOn((request) => {
      const after = Number(request.form.get('after_id') ?? 0);
      return { body: after < 10 ? JSON.stringify([{ id: after + 5, phone: `7999${after}`, type: 1 }]) : '' };
    });
    const rows = await collect(pageBlacklist(client));
    expect(rows).toEqual([
      { id: 5, phone: '79990', type: 1 },
      { id: 10, phone: '79995', type: 1 },
    ]);
  });
});
