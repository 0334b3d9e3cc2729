import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MappingError } from '../../src/map/errors.js';
import { loadGroupsMapping, loadMapping, parseMapping } from '../../src/map/load.js';

const fixtures = join(import.meta.dirname, '../fixtures/mappings');

async function loadError(file: string): Promise<MappingError> {
  const error = await loadMapping(file).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(MappingError);
  return error as MappingError;
}

describe('mapping schema', () => {
  it('parses the smallest useful mapping and fills the defaults', () => {
    const mapping = parseMapping({ fields: { phone: 'Телефон', name: ['Фамилия', 'Имя'], bd: 'Дата рождения' }, defaultRegion: 'RU' }, 'inline');
    expect(mapping).toEqual({
      fields: { phone: 'Телефон', name: ['Фамилия', 'Имя'], bd: 'Дата рождения' },
      defaultRegion: 'RU',
      emptyCells: 'keep',
      groups: 'name',
      contactKind: 'phone',
      duplicates: 'first',
      slashDates: 'day-month',
      header: true,
      missingColumns: 'error',
      blacklistType: 0,
      lists: 'add',
    });
  });

  it('takes one list policy for all list fields, or one per field with a default', () => {
    expect(parseMapping({ fields: { phone: 'A' }, lists: 'replace' }, 'inline').lists).toBe('replace');
    expect(parseMapping({ fields: { phone: 'A' }, lists: { default: 'add', grp: 'replace' } }, 'inline').lists).toEqual({ default: 'add', grp: 'replace' });
    expect(() => parseMapping({ fields: { phone: 'A' }, lists: 'merge' }, 'm.json')).toThrow(/m\.json: lists — /);
    expect(() => parseMapping({ fields: { phone: 'A' }, lists: { gpr: 'replace' } }, 'm.json')).toThrow(/unknown list field «gpr» \(did you mean «grp»\?\)/);
  });

  it('accepts letters, numbers, constants and the object form', () => {
    const mapping = parseMapping({ fields: { phone: 'C', name: { column: [1, 'B'], separator: ' / ' }, tags: { const: 'import-2026' } } }, 'inline');
    expect(mapping.fields.name).toEqual({ column: [1, 'B'], separator: ' / ' });
  });

  it('requires a phone column, or a mail column for mail contacts', () => {
    expect(() => parseMapping({ fields: { name: 'ФИО' } }, 'm.json')).toThrow('m.json: fields.phone — required: a contact needs a phone');
    expect(() => parseMapping({ fields: { phone: 'Телефон' }, contactKind: 'mail' }, 'm.json')).toThrow('m.json: fields.mail — required');
  });

  it('rejects an unknown country', () => {
    expect(() => parseMapping({ fields: { phone: 'A' }, defaultRegion: 'XX' }, 'm.json')).toThrow('m.json: defaultRegion — not a country libphonenumber knows');
  });
});

describe('loadMapping', () => {
  it('reports every problem as one line «file: dot.path — message», with suggestions for unknown keys', async () => {
    const file = join(fixtures, 'typos.json');
    const error = await loadError(file);
    expect(error.code).toBe('ERR_MAPPING_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.problems).toHaveLength(error.message.split('\n').length);
    expect(error.problems).toContain(`${file}: fields — unknown field «phnoe» (did you mean «phone»?)`);
    expect(error.problems).toContain(`${file}: (top level) — unknown option «emptyCell» (did you mean «emptyCells»?)`);
    expect(error.problems).toContain(`${file}: fields.name[1] — Too small: expected number to be >0`);
    expect(error.problems.filter((line) => line.startsWith(`${file}: defaultRegion — `))).toEqual([
      `${file}: defaultRegion — expected a two-letter upper-case ISO 3166 country code such as "RU"`,
    ]);
    expect(error.problems.find((line) => line.startsWith(`${file}: duplicates — `))).toMatch(/"first"\|"last"\|"merge"/);
    expect(error.problems).toContain(`${file}: fields.bd — expected a column reference (header text, Excel letter or 1-based number), a list of them, {"const": "…"} or {"column": …}`);
  });

  it('names the JSON syntax error', async () => {
    const file = join(fixtures, 'broken.json');
    const error = await loadError(file);
    expect(error.code).toBe('ERR_MAPPING_INVALID');
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON — `));
  });

  it('reports a missing file as unreadable', async () => {
    const file = join(fixtures, 'no-such-mapping.json');
    const error = await loadError(file);
    expect(error.code).toBe('ERR_MAPPING_UNREADABLE');
    expect(error.message).toBe(`${file}: file not found`);
  });

  it('reads a file with a UTF-8 BOM', async () => {
    const mapping = await loadMapping(join(fixtures, 'bom-mail.json'));
    expect(mapping.contactKind).toBe('mail');
    expect(mapping.fields.mail).toBe('Почта');
  });

  it('says when a groups mapping is used for contacts, and a contacts mapping for groups', async () => {
    const groups = join(import.meta.dirname, '../../mappings/smsc-groups.json');
    const contacts = join(import.meta.dirname, '../../mappings/smsc-export.json');
    expect((await loadError(groups)).message).toBe(`${groups}: a groups mapping ("target": "groups"): import it with --target groups`);
    await expect(loadGroupsMapping(contacts)).rejects.toThrow(`${contacts}: a contacts mapping; --target groups needs a groups mapping ("target": "groups"), such as mappings/smsc-groups.json`);
    await expect(loadGroupsMapping(groups)).resolves.toMatchObject({ target: 'groups', fields: { name: 'name', id: 'id' } });
  });
});
