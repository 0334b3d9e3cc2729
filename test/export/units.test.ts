import { describe, expect, it } from 'vitest';
import { resolveGroup } from '../../src/export/index.js';
import { expandDateTemplate, kindPath, resolveFormat } from '../../src/export/output-path.js';
import { phoneText, smscDateToUtc } from '../../src/export/sinks.js';

describe('smscDateToUtc', () => {
  it('is the calendar day at UTC midnight, whatever the local zone', () => {
    expect(smscDateToUtc('01.01.1990')?.toISOString()).toBe('1990-01-01T00:00:00.000Z');
    expect(smscDateToUtc('29.02.2000')?.toISOString()).toBe('2000-02-29T00:00:00.000Z');
  });

  it.each(['31.02.2000', '29.02.1900', '00.01.2000', '1.1.2000', '2000-01-01', ''])('refuses %j (written as text instead)', (text) => {
    expect(smscDateToUtc(text)).toBeUndefined();
  });
});

describe('phoneText', () => {
  it.each(['79161234567', '+79031112233', '79250000002,79250000003', '+7 (903) 111-22-33, 8495 123-45-67'])('keeps the phone list %j as it is', (text) => {
    expect(phoneText(text)).toBe(text);
  });

  it.each(['=HYPERLINK("x")', '-1+2', '+cmd', '@SUM(A1)'])('neutralizes %j, which is no phone', (text) => {
    expect(phoneText(text)).toBe(`'${text}`);
  });
});

describe('output names', () => {
  it('adds the kind before the extension', () => {
    expect(kindPath('/data/out.csv', 'groups')).toBe('/data/out-groups.csv');
    expect(kindPath('export-2026-11-25.csv', 'blacklist')).toBe('export-2026-11-25-blacklist.csv');
  });

  it('expands every {date}/{datetime} with zero padding, in local time', () => {
    const now = new Date(2026, 0, 2, 3, 4);
    expect(expandDateTemplate('a-{date}/b-{datetime}-{date}.csv', now)).toBe('a-2026-01-02/b-2026-01-02T0304-2026-01-02.csv');
    expect(expandDateTemplate('plain.csv', now)).toBe('plain.csv');
  });

  it('tells the format from the extension, case-insensitively; stdout is CSV unless told', () => {
    expect(resolveFormat('A.XLSX', undefined)).toBe('xlsx');
    expect(resolveFormat('a.ndjson', undefined)).toBe('jsonl');
    expect(resolveFormat('-', undefined)).toBe('csv');
    expect(resolveFormat('-', 'jsonl')).toBe('jsonl');
    expect(resolveFormat('backup.dat', 'json')).toBe('json');
  });
});

describe('resolveGroup', () => {
  const groups = [
    { id: 5, name: 'VIP' },
    { id: 7, name: '5' },
    { id: 9, name: 'Клиенты' },
  ];

  it('prefers an id, then the exact name, then the name ignoring case', () => {
    expect(resolveGroup('5', groups).id).toBe(5);
    expect(resolveGroup(' клиенты ', groups).id).toBe(9);
    expect(resolveGroup('vip', groups).id).toBe(5);
  });

  it('takes a number that is no id as a name', () => {
    expect(resolveGroup('7', [{ id: 1, name: '7' }]).id).toBe(1);
  });
});
