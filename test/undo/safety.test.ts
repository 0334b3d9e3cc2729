/**
 * `undo` removes only what it can prove the import made, over HTTP against the emulator: an `add`
 * that failed on a contact someone else created leaves that contact alone (journal, else report,
 * else an exact match decides), a blacklist type change is undone row by row, a created e-mail
 * group is not taken for empty, and a retype that left numbers off the blacklist says so.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import type { Contact, EmulatorState } from '../../src/emulator/index.js';
import { importExitCode } from '../../src/write/import.js';
import { REPO, contact, contactsByPhone, group, importInto, mobile, seed, useImportWorld, writeInput } from '../helpers/import-run.js';
import { undoFrom } from '../helpers/undo-run.js';

const world = useImportWorld();
const TYPED = join(REPO, 'mappings/smsc-blacklist.json');

/** Puts `change` into the account once the import has read it, before its first write: someone else at work meanwhile. */
const meanwhile = (change: (state: EmulatorState) => Partial<EmulatorState>) => ({
  onPhase: (phase: string) => {
    if (phase === 'write') {
      const state = world.emulator.state();
      seed(world.emulator, { ...state, ...change(state) });
    }
  },
});

const AUTH_ERROR = '{"error":"authorise error","error_code":2}';
const SAVE_ERROR = '{"error":"save error","error_code":5}';

/** A real HTTP hop in front of the emulator that answers every `add_black` with `reply` (default SMSC's error 2, credentials refused). */
async function refusingAddBlack(reply = AUTH_ERROR): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = new URLSearchParams(body).has('add_black')
        ? Promise.resolve(reply)
        : fetch(`${world.emulator.url}${request.url ?? '/'}`, { method: 'POST', body, headers: { 'content-type': request.headers['content-type'] ?? '' } }).then((forwarded) => forwarded.text());
      void answer.then((text) => response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(text));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** SMSC's minute of at most 3 identical requests passes (the account stays as it is): runs over one account read it alike. */
const aMinuteLater = () => seed(world.emulator, world.emulator.state());

/** The undo report's lines in row order (they come in the order the import's writes settled). */
const byRow = <Line extends { row: string }>(lines: Line[]) => [...lines].sort((a, b) => Number(a.row || Infinity) - Number(b.row || Infinity));

type JournalLine = Record<string, unknown>;

/** Rewrites each journal line with `edit` (undefined drops it), as a journal of an earlier version, or one cut by a kill, has them. */
async function editLines(journal: string, edit: (line: JournalLine) => JournalLine | undefined): Promise<void> {
  const lines = (await readFile(journal, 'utf8')).split('\n').flatMap((line) => (line === '' ? [] : [edit(JSON.parse(line) as JournalLine)]));
  await writeFile(journal, lines.flatMap((line) => (line === undefined ? [] : [`${JSON.stringify(line)}\n`])).join(''));
}

/** A journal's header as versions before the `failures` mark wrote it (other lines as they are). */
const asEarlierVersion = (line: JournalLine): JournalLine => {
  if (!('journal' in line)) return line;
  const { failures: _failures, ...header } = line;
  return header;
};

/** Drops the journal lines `drop` matches. */
const withoutLines = (journal: string, drop: (line: JournalLine) => boolean) => editLines(journal, (line) => (drop(line) ? undefined : line));

describe('undo of an add that failed', () => {
  const gleb = (fields: Partial<Contact> = {}) => contact(900, { phones: [mobile(4)], name: 'Глеб', ...fields });

  async function failedImport(name: string, other: Contact): Promise<string> {
    seed(world.emulator, { contacts: [] });
    const input = await writeInput(world.dir, name, [
      { name: 'Глеб', phone: mobile(4) },
      { name: 'Дина', phone: mobile(5) },
    ]);
    // The account gets Глеб's number after the import read it: its add fails (error 5).
    const { report } = await importInto(world.emulator, { input, hooks: meanwhile(() => ({ contacts: [other] })) });
    expect(report.map(({ action, outcome, error_code }) => `${action}/${outcome}/${error_code}`)).toEqual(['add/failed/5', 'add/done/']);
    return `${input}.report.csv`;
  }

  it('never deletes the contact the add failed on, though it holds every field the add wrote', async () => {
    const report = await failedImport('failed-add.csv', gleb());
    expect(await readFile(`${report}.journal`, 'utf8')).toContain('{"failed":2,"code":"5"}');

    const { summary, report: lines } = await undoFrom(world.emulator, { report });
    expect(byRow(lines).map(({ row, undoes, action, error_code }) => [row, undoes, action, error_code])).toEqual([
      ['2', 'add', 'skip', 'UNDO_WRITE_FAILED'],
      ['3', 'add', 'delete', ''],
    ]);
    expect(byRow(lines)[0]?.error).toMatch(/the import's add failed \(error_code 5\)/);
    expect(summary.actions).toMatchObject({ skip: 1, delete: 1 });
    expect(world.emulator.state().contacts).toEqual([gleb()]);
    expect(world.emulator.stats().calls.del).toBe(1);
  });

  it('takes the import report as the evidence when the journal has no failed entry (an earlier version)', async () => {
    const report = await failedImport('failed-add-old.csv', gleb());
    await editLines(`${report}.journal`, (line) => ('failed' in line ? undefined : asEarlierVersion(line)));

    const { report: lines } = await undoFrom(world.emulator, { report });
    expect(byRow(lines).map(({ action, error_code }) => `${action}/${error_code}`)).toEqual(['skip/UNDO_WRITE_FAILED', 'delete/']);
    expect(world.emulator.state().contacts).toEqual([gleb()]);
  });

  it.each(['as this version writes it', 'without its warnings column, as earlier versions wrote it'])('reads that report by its header: %s', async (format) => {
    seed(world.emulator, { contacts: [] });
    // Warnings on both rows, the failed one's included: the report's last column has text.
    const input = await writeInput(world.dir, `warned-${format.length}.csv`, [
      { name: 'Глеб', phone: mobile(4), email: 'gleb@example.ru, x@' },
      { name: 'Дина', phone: mobile(5), email: 'x@' },
    ]);
    const { report: written } = await importInto(world.emulator, { input, hooks: meanwhile(() => ({ contacts: [gleb()] })) });
    const badMail = 'mail: «x@» is not an e-mail address: no «name@domain»';
    expect(written.map(({ action, outcome, warnings }) => `${action}/${outcome}/${warnings}`)).toEqual([`add/failed/${badMail}`, `add/done/${badMail}`]);
    const report = `${input}.report.csv`;
    const [header = [], ...records] = parse(await readFile(report, 'utf8')) as string[][];
    expect(header.at(-1)).toBe('warnings');
    if (format.startsWith('without')) await writeFile(report, stringify([header, ...records].map((record) => record.slice(0, -1)), { record_delimiter: 'windows' }));
    await editLines(`${report}.journal`, (line) => ('failed' in line ? undefined : asEarlierVersion(line)));

    const { report: lines } = await undoFrom(world.emulator, { report });
    expect(byRow(lines).map(({ action, error_code }) => `${action}/${error_code}`)).toEqual(['skip/UNDO_WRITE_FAILED', 'delete/']);
    expect(world.emulator.state().contacts).toEqual([gleb()]);
  });

  it('does not read a report left by an earlier run when the journal records failures itself (this run killed)', async () => {
    const report = await failedImport('stale-report.csv', gleb());
    await rename(report, `${report}.earlier`);
    // A second import over the same report: its row 2 adds Вера; killed before it journaled the outcome or wrote its report.
    const input = await writeInput(world.dir, 'stale-report-2.csv', [{ name: 'Вера', phone: mobile(6) }]);
    await importInto(world.emulator, { input, report });
    await withoutLines(`${report}.journal`, (line) => 'row' in line);
    await rename(`${report}.earlier`, report);

    // The earlier report's row 2 failed: taken as this journal's row 2, Вера's add would be left in place.
    const { report: lines } = await undoFrom(world.emulator, { report });
    expect(lines.map(({ row, action, error_code }) => `${row} ${action} ${error_code}`)).toEqual(['2 delete ']);
    expect(contactsByPhone(world.emulator.state())[mobile(6)]).toBeUndefined();
  });

  it('refuses, before any request, an import report it cannot read for that evidence', async () => {
    const report = join(world.dir, 'broken.report.csv');
    await writeFile(report, 'row,phone,action,outcome\n2,"79160000004,add,failed\n');
    // An intent to take back: without the early refusal, undo would read the account for it. The
    // header has no `failures` mark (an earlier version), so the report is the evidence undo reads.
    const intent = { intent: 2, undo: { kind: 'add', wrote: { phone: '79160000004' } } };
    await writeFile(`${report}.journal`, `${JSON.stringify({ journal: 1, input: 'x', undo: 1 })}\n${JSON.stringify(intent)}\n`);
    seed(world.emulator, {});
    await expect(undoFrom(world.emulator, { report })).rejects.toThrow(/broken\.report\.csv: cannot read the import report \(undo reads which writes failed from it\)/);
    expect(world.emulator.stats().requestsTotal).toBe(0);
  });

  it('refuses, with one line, a report without a journal that it cannot read', async () => {
    const report = join(world.dir, 'broken-alone.report.csv');
    await writeFile(report, 'row,phone,action,outcome\n2,"79160000004,add,done\n');
    await expect(undoFrom(world.emulator, { report })).rejects.toMatchObject({
      code: 'ERR_UNDO_REPORT',
      message: expect.stringMatching(/broken-alone\.report\.csv: cannot read the import report \(it has no journal, and undo reads from the report whether the import wrote anything\)/),
    });
  });

  it('with neither (a kill cut the add off), deletes no contact with a field the add did not write', async () => {
    const report = await failedImport('failed-add-killed.csv', gleb({ cmt: 'VIP', groups: [] }));
    await withoutLines(`${report}.journal`, (line) => 'failed' in line);
    // Killed before its report was written: the journal alone is left.
    await rename(report, `${report}.gone`);

    const { report: lines } = await undoFrom(world.emulator, { report });
    expect(byRow(lines).map(({ action, error_code }) => `${action}/${error_code}`)).toEqual(['skip/UNDO_NOT_PROVEN', 'delete/']);
    expect(byRow(lines)[0]?.error).toMatch(/cut off before its reply .* has cmt \("VIP"\), which the add did not write/);
    expect(world.emulator.state().contacts).toEqual([gleb({ cmt: 'VIP' })]);
  });
});

describe('undo of blacklist type changes', () => {
  const types = (state = world.emulator.state()) => Object.fromEntries(state.blacklist.map(({ phone, type }) => [phone, type]));
  const typedFile = async (name: string, rows: readonly string[]) => {
    const path = join(world.dir, name);
    await writeFile(path, `id,phone,type\n${rows.map((row, index) => `${index + 1},${row}`).join('\n')}\n`, 'utf8');
    return path;
  };

  it('gives each retyped entry its old type back and removes the ones added, row by row', async () => {
    seed(world.emulator, { blacklist: [{ id: 1, phone: mobile(1), type: 0 }, { id: 2, phone: mobile(2), type: 1 }] });
    const before = types();
    const input = await typedFile('retype-undo.csv', [`${mobile(1)},2`, `"${mobile(2)},${mobile(3)}",2`, `${mobile(4)},1`]);
    await importInto(world.emulator, { input, target: 'blacklist', mappingFile: TYPED });
    expect(types()).toEqual({ [mobile(1)]: 2, [mobile(2)]: 2, [mobile(3)]: 2, [mobile(4)]: 1 });

    const { summary, report: lines } = await undoFrom(world.emulator, { report: `${input}.report.csv` });
    expect(byRow(lines).map(({ row, phone, undoes, action, outcome, changes }) => [row, phone, undoes, action, outcome, changes])).toEqual([
      ['2', mobile(1), 'chg_black', 'chg', 'done', 'type: "2" → "0"'],
      ['3', `${mobile(2)},${mobile(3)}`, 'chg_black', 'chg', 'done', `type: "2" → "1"; phone: −${mobile(3)}`],
      ['4', mobile(4), 'add_black', 'delete', 'done', ''],
    ]);
    expect(summary.outcomes.failed).toBe(0);
    expect(types()).toEqual(before);
  });

  it('a type change journaled without its record (an earlier version) is one skip line, the rest is undone', async () => {
    seed(world.emulator, { blacklist: [{ id: 1, phone: mobile(1), type: 0 }] });
    const input = await typedFile('retype-old.csv', [`${mobile(1)},2`, `${mobile(4)},1`]);
    await importInto(world.emulator, { input, target: 'blacklist', mappingFile: TYPED });
    const report = `${input}.report.csv`;
    await withoutLines(`${report}.journal`, (line) => (line.undo as { kind?: string } | undefined)?.kind === 'retype');

    const { report: lines } = await undoFrom(world.emulator, { report });
    expect(byRow(lines).map(({ row, action, error_code }) => `${row} ${action} ${error_code}`)).toEqual(['2 skip UNDO_NO_RECORD', '3 delete ']);
    expect(types()).toEqual({ [mobile(1)]: 2 });
  });

  /**
   * Rows 2 and 3 list mobile(4) and mobile(5) with type 1; someone lists mobile(4) with type 2 once
   * the import has read the blacklist, so row 2's add_black fails (error 5). Then a kill: the report
   * is never written and the journal loses the outcome lines `lost` matches.
   */
  async function killedBlacklistImport(name: string, lost: (line: JournalLine) => boolean): Promise<string> {
    seed(world.emulator, {});
    const input = await typedFile(name, [`${mobile(4)},1`, `${mobile(5)},1`]);
    const { report } = await importInto(world.emulator, {
      input,
      target: 'blacklist',
      mappingFile: TYPED,
      hooks: meanwhile((state) => ({ blacklist: [...state.blacklist, { id: 7, phone: mobile(4), type: 2 }] })),
    });
    expect(report.map(({ action, outcome, error_code }) => `${action}/${outcome}/${error_code}`)).toEqual(['add/failed/5', 'add/done/']);
    const path = `${input}.report.csv`;
    await withoutLines(`${path}.journal`, lost);
    await rename(path, `${path}.gone`);
    return path;
  }

  it('an add_black cut off before its reply removes only entries with the type it wrote', async () => {
    const report = await killedBlacklistImport('black-killed.csv', (line) => 'failed' in line || 'row' in line);
    const { report: lines } = await undoFrom(world.emulator, { report });
    expect(byRow(lines).map(({ undoes, action, error_code }) => `${undoes} ${action} ${error_code}`)).toEqual(['add_black skip UNDO_NOT_PROVEN', 'add_black delete ']);
    expect(byRow(lines)[0]?.error).toMatch(new RegExp(`cut off before its reply .* and ${mobile(4)} is listed with type 2, not the 1 it wrote: it may not be the import's`));
    expect(types()).toEqual({ [mobile(4)]: 2 });
  });

  it('an add_black cut off before its reply, journaled without its type (an earlier version), is not undone, and says why', async () => {
    const report = await killedBlacklistImport('black-killed-old.csv', (line) => 'failed' in line);
    const untyped = ({ undo, ...line }: JournalLine) => {
      const { type: _type, ...record } = undo as JournalLine;
      return { ...line, undo: record };
    };
    await editLines(`${report}.journal`, (line) => ('intent' in line ? untyped(line) : line));
    const { report: lines } = await undoFrom(world.emulator, { report });
    // Row 3's done line proves its add: that one goes.
    expect(byRow(lines).map(({ action, error_code }) => `${action} ${error_code}`)).toEqual(['skip UNDO_NOT_PROVEN', 'delete ']);
    expect(byRow(lines)[0]?.error).toMatch(new RegExp(`its journal, written by an earlier smsc-etl, does not record the type it listed ${mobile(4)} with`));
    expect(types()).toEqual({ [mobile(4)]: 2 });
  });

  it('an add_black that was done leaves an entry whose type someone changed since (its dry run shows it), unless --force', async () => {
    seed(world.emulator, {});
    const input = await typedFile('black-retyped-since.csv', [`${mobile(4)},1`, `${mobile(5)},1`]);
    const { report: imported } = await importInto(world.emulator, { input, target: 'blacklist', mappingFile: TYPED });
    expect(imported.map(({ action, outcome }) => `${action}/${outcome}`)).toEqual(['add/done', 'add/done']);
    const state = world.emulator.state();
    seed(world.emulator, { ...state, blacklist: state.blacklist.map((entry) => (entry.phone === mobile(4) ? { ...entry, type: 2 } : entry)) });
    const report = `${input}.report.csv`;
    const left = new RegExp(`^not deleted: changed since the import \\(${mobile(4)} is listed with type 2, not the 1 it wrote\\); --force deletes it anyway$`);

    const dry = await undoFrom(world.emulator, { report, dryRun: true });
    expect(byRow(dry.report).map(({ phone, action, outcome, error_code }) => `${phone} ${action}/${outcome} ${error_code}`)).toEqual([`${mobile(4)} skip/skipped UNDO_CHANGED_SINCE`, `${mobile(5)} delete/dry-run `]);
    expect(byRow(dry.report)[0]?.error).toMatch(left);
    expect(types()).toEqual({ [mobile(4)]: 2, [mobile(5)]: 1 });
    aMinuteLater();

    const { summary, report: lines } = await undoFrom(world.emulator, { report });
    expect(byRow(lines).map(({ action, outcome, error_code }) => `${action}/${outcome} ${error_code}`)).toEqual(['skip/skipped UNDO_CHANGED_SINCE', 'delete/done ']);
    expect(byRow(lines)[0]?.error).toMatch(left);
    expect(summary.actions.skip).toBe(1);
    expect(types()).toEqual({ [mobile(4)]: 2 });
    aMinuteLater();

    const forced = await undoFrom(world.emulator, { report, undoReport: `${report}.forced.csv`, force: true });
    expect(byRow(forced.report).map(({ action, outcome }) => `${action}/${outcome}`)).toEqual(['delete/done', 'unchanged/done']);
    expect(byRow(forced.report)[0]?.error).toBe(`deleted with --force: changed since the import (${mobile(4)} is listed with type 2, not the 1 it wrote)`);
    expect(types()).toEqual({});
  });

  it('a retype whose add_black failed after its del_black says the numbers are OFF the blacklist, and undo lists them again', async () => {
    seed(world.emulator, { blacklist: [{ id: 1, phone: mobile(1), type: 0 }] });
    const input = await typedFile('retype-failed.csv', [`"${mobile(1)},${mobile(2)}",2`]);
    // Someone lists the new number meanwhile: the add_black of both fails (error 5) after mobile(1) was removed.
    const { summary, report } = await importInto(world.emulator, {
      input,
      target: 'blacklist',
      mappingFile: TYPED,
      hooks: meanwhile((state) => ({ blacklist: [...state.blacklist, { id: 7, phone: mobile(2), type: 1 }] })),
    });
    expect(report).toMatchObject([{ action: 'chg', outcome: 'failed', error_code: 'ERR_BLACKLIST_RETYPE' }]);
    expect(report[0]?.error).toMatch(new RegExp(`^${mobile(1)} now OFF the blacklist: removed \\(del_black\\) .* add_black failed \\(add_black: SMSC could not save`));
    expect(summary.outcomes.failed).toBe(1);
    expect(importExitCode(summary)).toBe(1);
    expect(types()).toEqual({ [mobile(2)]: 1 });

    const { report: lines } = await undoFrom(world.emulator, { report: `${input}.report.csv` });
    expect(lines.map(({ action, outcome, changes }) => `${action}/${outcome} ${changes}`)).toEqual(['chg/done type: "not listed" → "0"']);
    // mobile(2) was listed by someone else, not by the import: it stays.
    expect(types()).toEqual({ [mobile(1)]: 0, [mobile(2)]: 1 });
  });
});

describe('an undo of a retype whose own add_black fails after its del_black', () => {
  it('says the numbers are OFF the blacklist (exit 1), and a rerun of undo lists them again with their old type', async () => {
    seed(world.emulator, { blacklist: [{ id: 1, phone: mobile(1), type: 0 }] });
    const input = join(world.dir, 'retype-undo-failed.csv');
    await writeFile(input, `id,phone,type\n1,"${mobile(1)},${mobile(3)}",2\n`, 'utf8');
    await importInto(world.emulator, { input, target: 'blacklist', mappingFile: TYPED });
    const report = `${input}.report.csv`;
    const proxy = await refusingAddBlack(SAVE_ERROR);
    try {
      const { summary, report: lines } = await undoFrom(world.emulator, { report }, { baseUrl: proxy.url });
      expect(lines).toMatchObject([{ action: 'chg', outcome: 'failed', error_code: 'ERR_BLACKLIST_RETYPE' }]);
      // mobile(3), which the import added, is off for good: only mobile(1) is to be re-added.
      expect(lines[0]?.error).toMatch(new RegExp(`^${mobile(1)} now OFF the blacklist: removed \\(del_black\\) .* add_black failed \\(add_black: SMSC could not save.*re-add it with type 0$`));
      expect(importExitCode(summary)).toBe(1);
      expect(world.emulator.state().blacklist).toEqual([]);
      aMinuteLater();

      // A rerun whose add_black fails too replaces the undo journal: what the first run left off stays on record.
      const failedAgain = await undoFrom(world.emulator, { report }, { baseUrl: proxy.url });
      expect(failedAgain.report.map(({ action, outcome, error_code }) => `${action}/${outcome}/${error_code}`)).toEqual(['chg/failed/5']);
      aMinuteLater();
    } finally {
      await proxy.close();
    }

    const rerun = await undoFrom(world.emulator, { report });
    expect(rerun.report.map(({ action, outcome, changes }) => `${action}/${outcome} ${changes}`)).toEqual(['chg/done type: "not listed" → "0"']);
    expect(world.emulator.state().blacklist).toMatchObject([{ phone: mobile(1), type: 0 }]);
    aMinuteLater();

    const again = await undoFrom(world.emulator, { report });
    expect(again.report.map(({ action, error }) => `${action} ${error}`)).toEqual(['unchanged already as before the import']);
  });

  it('refuses, before any request, to rerun over an import journal changed since it left numbers off', async () => {
    const report = join(world.dir, 'left-off-changed.report.csv');
    const retype = { intent: 2, undo: { kind: 'retype', before: { [mobile(1)]: 0 }, type: 2, added: [] } };
    const journal = [{ journal: 1, input: 'x', undo: 1, failures: 1 }, retype, { row: 2, action: 'chg' }];
    await writeFile(`${report}.journal`, journal.map((line) => `${JSON.stringify(line)}\n`).join(''));
    await writeFile(`${report}.undo.csv.journal`, `${JSON.stringify({ journal: 1, input: 'not this journal' })}\n${JSON.stringify({ failed: 2, code: 'ERR_BLACKLIST_RETYPE' })}\n`);
    seed(world.emulator, {});
    await expect(undoFrom(world.emulator, { report })).rejects.toMatchObject({ code: 'ERR_UNDO_LEFT_OFF', message: expect.stringMatching(/an earlier undo left numbers OFF the blacklist .* re-add them by hand/) });
    expect(world.emulator.stats().requestsTotal).toBe(0);
  });
});

describe('a retype cut off by a fatal error', () => {
  it('still says the numbers are OFF the blacklist, and stops the run', async () => {
    seed(world.emulator, { blacklist: [{ id: 1, phone: mobile(1), type: 0 }, { id: 2, phone: mobile(2), type: 0 }] });
    const input = join(world.dir, 'retype-fatal.csv');
    await writeFile(input, `id,phone,type\n1,${mobile(1)},2\n2,${mobile(2)},2\n`, 'utf8');
    const proxy = await refusingAddBlack();
    try {
      const { summary, report } = await importInto(world.emulator, { input, target: 'blacklist', mappingFile: TYPED, concurrency: 1, client: { baseUrl: proxy.url } });
      expect(report.map(({ outcome, error_code }) => `${outcome}/${error_code}`)).toEqual(['failed/ERR_BLACKLIST_RETYPE', 'skipped/ERR_SMSC_AUTH']);
      expect(report[0]?.error).toMatch(new RegExp(`^${mobile(1)} now OFF the blacklist: .*add_black failed \\(add_black: SMSC refused the credentials`));
      expect(summary.aborted?.code).toBe('ERR_SMSC_AUTH');
      expect(importExitCode(summary)).toBe(3);
      expect(world.emulator.state().blacklist).toEqual([{ id: 2, phone: mobile(2), type: 0 }]);
    } finally {
      await proxy.close();
    }
  });
});

describe('retypes that fail for their own rows', () => {
  it('do not count toward the stop after 20 failures in a row', async () => {
    const rows = Array.from({ length: 21 }, (_, index) => index + 1);
    seed(world.emulator, { blacklist: rows.map((n) => ({ id: n, phone: mobile(n), type: 0 })) });
    const input = join(world.dir, 'retype-row-errors.csv');
    await writeFile(input, `id,phone,type\n${rows.map((n) => `${n},${mobile(n)},2`).join('\n')}\n`, 'utf8');
    // Error 5 (SMSC could not save) is about the row: another row may well be saved.
    const proxy = await refusingAddBlack(SAVE_ERROR);
    try {
      const { summary, report } = await importInto(world.emulator, { input, target: 'blacklist', mappingFile: TYPED, concurrency: 1, client: { baseUrl: proxy.url } });
      expect(summary.aborted).toBeUndefined();
      expect(new Set(report.map(({ outcome, error_code }) => `${outcome}/${error_code}`))).toEqual(new Set(['failed/ERR_BLACKLIST_RETYPE']));
      expect(report).toHaveLength(21);
    } finally {
      await proxy.close();
    }
  });
});

describe('undo of a created e-mail group', () => {
  it('is not deleted as empty (its members are not counted) unless --force', async () => {
    seed(world.emulator, { groups: [group(5901, 'VIP')] });
    const input = join(world.dir, 'newsletter.csv');
    await writeFile(input, 'Почта,Имя,Рассылка\nanna@example.com,Анна,Новости\n', 'utf8');
    const mappingFile = join(world.dir, 'newsletter.json');
    await writeFile(mappingFile, JSON.stringify({ fields: { mail: 'Почта', name: 'Имя', grp: 'Рассылка' }, contactKind: 'mail' }), 'utf8');
    await importInto(world.emulator, { input, mappingFile, createGroups: true });
    const created = world.emulator.state().groups.find(({ name }) => name === 'Новости');
    expect(created).toMatchObject({ type: 1 });
    const report = `${input}.report.csv`;

    const dry = await undoFrom(world.emulator, { report, dryRun: true });
    expect(dry.report.at(-1)).toMatchObject({ phone: '«Новости»', action: 'skip', error_code: 'GROUP_HAS_CONTACTS' });
    aMinuteLater();

    const { report: lines } = await undoFrom(world.emulator, { report });
    expect(lines.map(({ undoes, action, error_code }) => `${undoes} ${action} ${error_code}`)).toEqual(['add delete ', 'add_group skip GROUP_HAS_CONTACTS']);
    expect(lines[1]?.error).toMatch(/members of an e-mail group are not counted .* --force deletes it/);
    expect(world.emulator.state().groups).toEqual([group(5901, 'VIP'), created]);
    expect(world.emulator.stats().calls.del_group).toBeUndefined();
    aMinuteLater();

    const forced = await undoFrom(world.emulator, { report, undoReport: `${report}.forced.csv`, force: true });
    expect(forced.report.at(-1)).toMatchObject({ action: 'delete', outcome: 'done', error: expect.stringMatching(/^deleted with --force/) });
    expect(world.emulator.state().groups).toEqual([group(5901, 'VIP')]);
  });
});
