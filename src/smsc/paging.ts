/**
 * Paging through SMSC's list commands with `after_id` = the largest id seen so far (smsc-api.md
 * §5). The service's paging is unconfirmed, so the loop works with every plausible behaviour:
 * - the end may be `[]`, an empty body or error 3 (the client turns all three into `[]`);
 * - `after_id` may be inclusive or exclusive: rows with an id not above it are dropped;
 * - the service may ignore `after_id` (a page that brings nothing new ends the loop, with a
 *   warning when it repeated older rows — `get_group` is expected not to page, so no warning).
 * - a page shorter than asked for is not the end (the service may ignore `cnt`): only an empty
 *   page is. Pages ask for `cnt` = 1000, the most the service returns, unless told otherwise.
 * Rows are yielded as they arrive; only the last id is kept.
 */
import { LIMITS, type Command } from './protocol.js';
import type { ContactQuery, SmscClient } from './client.js';
import type { BlackReply, ContactReply, GroupReply } from './reply.js';

export interface PageInfo {
  readonly command: Command;
  /** 1-based count of pages fetched so far, the final (empty) one included. */
  readonly page: number;
  /** New rows on this page. */
  readonly rows: number;
  readonly afterId: number | undefined;
}

export interface PagingWarning {
  readonly code: 'SMSC_PAGE_NOT_ADVANCING';
  readonly command: Command;
  readonly afterId: number;
  readonly message: string;
}

export interface PagingOptions {
  /** Called after every page fetched (the exporter counts them). */
  onPage?: (info: PageInfo) => void;
  onWarning?: (warning: PagingWarning) => void;
}

export interface ContactPaging extends Omit<ContactQuery, 'afterId' | 'cnt'> {
  /** Page size to ask for (`cnt`, 1–1000); 1000 by default. */
  pageHint?: number;
}

export function pageContacts(client: Pick<SmscClient, 'get'>, query: ContactPaging = {}, options: PagingOptions = {}): AsyncGenerator<ContactReply> {
  return flatten(pageContactPages(client, query, options));
}

/** The same pages as `pageContacts`, one array per request, for callers that stop between pages. */
export function pageContactPages(client: Pick<SmscClient, 'get'>, query: ContactPaging = {}, options: PagingOptions = {}): AsyncGenerator<readonly ContactReply[]> {
  const { pageHint = LIMITS.maxPageSize, ...filters } = query;
  return pageById('get', (afterId) => client.get({ ...filters, afterId, cnt: pageHint }), (row) => row.intId, options, true);
}

export function pageGroups(client: Pick<SmscClient, 'getGroup'>, options: PagingOptions = {}): AsyncGenerator<GroupReply> {
  return flatten(pageById('get_group', (afterId) => client.getGroup({ afterId }), (row) => row.id, options, false));
}

export function pageBlacklist(client: Pick<SmscClient, 'getBlack'>, options: PagingOptions = {}, pageHint: number = LIMITS.maxPageSize): AsyncGenerator<BlackReply> {
  return flatten(pageById('get_black', (afterId) => client.getBlack({ afterId, cnt: pageHint }), (row) => row.id, options, true));
}

async function* flatten<Row>(pages: AsyncGenerator<readonly Row[]>): AsyncGenerator<Row> {
  for await (const page of pages) yield* page;
}

async function* pageById<Row>(
  command: Command,
  fetchPage: (afterId: number | undefined) => Promise<readonly Row[]>,
  idOf: (row: Row) => number,
  { onPage, onWarning }: PagingOptions,
  warnOnRepeat: boolean,
): AsyncGenerator<readonly Row[]> {
  let afterId: number | undefined;
  for (let page = 1; ; page++) {
    const rows = await fetchPage(afterId);
    const after = afterId;
    const fresh = after === undefined ? rows : rows.filter((row) => idOf(row) > after);
    onPage?.(Object.freeze({ command, page, rows: fresh.length, afterId }));
    if (fresh.length === 0) {
      if (warnOnRepeat && after !== undefined && rows.some((row) => idOf(row) < after)) {
        onWarning?.(Object.freeze({ code: 'SMSC_PAGE_NOT_ADVANCING', command, afterId: after, message: `${command} ignored after_id=${after} and repeated earlier rows; stopped paging, the list may be incomplete` }));
      }
      return;
    }
    yield fresh;
    afterId = fresh.reduce((max, row) => Math.max(max, idOf(row)), after ?? Number.NEGATIVE_INFINITY);
  }
}
