/**
 * The import against an unreliable SMSC: every fault the emulator can play, seeded. Whatever is
 * lost, reset, refused or throttled, the account must end up exactly as the file says — no row
 * missing, no contact twice (the emulator accepts duplicate phones here, so a blind re-send of a
 * lost `add` would show) — and the report must account for every row.
 */
import { describe, expect, it } from 'vitest';
import type { Contact } from '../../src/emulator/index.js';
import { contact, contactsByPhone, group, importInto, mobile, seed, writeInput, type InputRow, useImportWorld } from '../helpers/import-run.js';

/** The emulator's minute-long throttling windows pass in 100 ms; the client's clock runs as fast. */
const CLOCK_SCALE = 600;
const ROWS = 200;
const EXISTING = 60;
const GROUPS = { VIP: 5901, Клиенты: 5902 } as const;

type Fields = Omit<Contact, 'int_id'>;

function groupCell(i: number): string {
  return ['VIP', 'Клиенты', 'VIP; Клиенты', ''][i % 4] as string;
}

function fileRow(i: number): InputRow {
  return { name: `Контакт ${i}`, phone: mobile(1000 + i), email: i % 3 === 0 ? `c${i}@example.ru` : '', group: groupCell(i), customer_id: `C${i}` };
}

/** What the account must hold for row `i` after the import (groups sorted: SMSC keeps no order; the file's are added). */
function expected(i: number): Fields {
  const row = fileRow(i);
  const groups = i <= EXISTING ? [...new Set([...accountGroups(i), ...groupIds(groupCell(i))])] : groupIds(groupCell(i));
  const { int_id: _id, ...fields } = contact(0, { phones: [row.phone], mails: row.email ? [row.email] : [], name: row.name, groups, myid: `C${i}`, cmt: i <= EXISTING ? 'старый' : '' });
  return fields;
}

function groupIds(cell: string): number[] {
  return cell
    .split(';')
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => GROUPS[name as keyof typeof GROUPS])
    .sort();
}

/** Existing contacts: every third has an old name (chg), every third other groups only (move_group), the rest match. */
function accountGroups(i: number): number[] {
  return i % 3 === 1 ? [GROUPS.VIP] : groupIds(groupCell(i));
}

function existing(i: number): Contact {
  const fields = expected(i);
  return { ...fields, int_id: 100_000 + i, name: i % 3 === 0 ? 'Старое имя' : fields.name, groups: accountGroups(i) };
}

const sortedLists = (fields: Fields): Fields => ({ ...fields, groups: [...fields.groups].sort(), tags: [...fields.tags].sort() });

const world = useImportWorld({
  clockScale: CLOCK_SCALE,
  duplicatePhoneOnAdd: 'allow',
  faults: { seed: 20_261_125, lostReplyRate: 0.06, resetRate: 0.05, http500Rate: 0.05, error9Rate: 0.05, truncateRate: 0.03, slowRate: 0.05, slowMs: 15 },
});

describe('import under every fault kind', () => {
  it('reaches exactly the state the file describes, without duplicates, with one report line per row', async () => {
    const rows = Array.from({ length: ROWS }, (_, index) => index + 1);
    seed(world.emulator, {
      groups: [group(GROUPS.VIP, 'VIP'), group(GROUPS.Клиенты, 'Клиенты')],
      contacts: rows.slice(0, EXISTING).map(existing),
    });
    const input = await writeInput(world.dir, 'faulty.csv', rows.map(fileRow));

    const { summary, report } = await importInto(world.emulator, { input, concurrency: 4, clockScale: CLOCK_SCALE });

    const stats = world.emulator.stats();
    for (const kind of ['lostReply', 'reset', 'http500', 'error9', 'truncate'] as const) expect(stats.faults[kind], kind).toBeGreaterThan(0);
    expect(summary.readBacks).toBeGreaterThan(0);
    expect(summary.aborted).toBeUndefined();
    expect(report.map((line) => Number(line.row))).toEqual(rows.map((i) => i + 1));
    expect(report.filter((line) => line.outcome !== 'done')).toEqual([]);
    expect(stats.calls.move_group).toBeGreaterThan(0);

    const state = world.emulator.state();
    expect(state.contacts).toHaveLength(ROWS);
    const actual = Object.entries(contactsByPhone(state)).map(([phone, fields]) => [phone, sortedLists(fields)]);
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(rows.map((i) => [mobile(1000 + i), sortedLists(expected(i))])));
  });
});
