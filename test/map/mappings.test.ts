import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFields, compileMapping } from '../../src/map/compile.js';
import { groupsMappingJsonSchemaText, mappingJsonSchemaText } from '../../src/map/json-schema.js';
import { loadGroupsMapping, loadMapping } from '../../src/map/load.js';
import { EXPORT_KINDS } from '../../src/export/index.js';
import { TABLES } from '../../src/export/columns.js';

const mappingsDir = join(import.meta.dirname, '../../mappings');
const mappingFiles = (await readdir(mappingsDir)).filter((name) => name.endsWith('.json') && !name.endsWith('.schema.json'));
const isGroupsMapping = async (file: string) => (JSON.parse(await readFile(file, 'utf8')) as { target?: string }).target === 'groups';
const exportHeaders = Object.fromEntries(EXPORT_KINDS.map((kind) => [kind, TABLES[kind].columns.map((column) => column.name)]));

describe('mappings/', () => {
  it.each([
    ['mapping.schema.json', mappingJsonSchemaText],
    ['groups-mapping.schema.json', groupsMappingJsonSchemaText],
  ])('has %s in sync with the zod schema', async (name, text) => {
    const committed = await readFile(join(mappingsDir, name), 'utf8');
    expect(committed, `mappings/${name} is stale: run \`npm run build && node dist/map/write-json-schema.js\``).toBe(text());
  });

  it.each(mappingFiles)('%s loads and points at its schema', async (name) => {
    const file = join(mappingsDir, name);
    const groups = await isGroupsMapping(file);
    await expect(groups ? loadGroupsMapping(file) : loadMapping(file)).resolves.toBeDefined();
    expect(JSON.parse(await readFile(file, 'utf8')).$schema).toBe(groups ? './groups-mapping.schema.json' : './mapping.schema.json');
  });

  // The header rows of the sample files and of `smsc-etl export` output, as they are specified.
  const headersOf: Record<string, string[]> = {
    'samples-excel-ru.json': ['Фамилия', 'Имя', 'Отчество', 'Телефон', 'E-mail', 'Дата рождения', 'Группа', 'Комментарий'],
    'samples-utf8.json': ['name', 'phone', 'email', 'birthday', 'group', 'tags', 'customer_id'],
    'samples-xlsx.json': ['ФИО', 'Мобильный', 'Доп. телефон', 'Почта', 'День рождения', 'Группа', 'Код клиента'],
    'smsc-export.json': exportHeaders.contacts as string[],
    'smsc-restore.json': exportHeaders.contacts as string[],
    'smsc-blacklist.json': exportHeaders.blacklist as string[],
    'blacklist.json': ['phone'],
  };

  it.each(Object.entries(headersOf))('%s maps every field to a column of its file', async (name, headers) => {
    const mapping = await loadMapping(join(mappingsDir, name));
    const map = compileMapping(mapping, { file: name, format: 'csv', headerRow: 1, headers });
    const mapped = map({ row: 2, cells: headers });
    expect(Object.keys(mapped.values).sort()).toEqual(Object.keys(mapping.fields).sort());
  });

  it('smsc-groups.json reads every column of the groups export', async () => {
    const mapping = await loadGroupsMapping(join(mappingsDir, 'smsc-groups.json'));
    const headers = exportHeaders.groups as string[];
    const map = compileFields(mapping.fields, { file: 'groups', format: 'csv', headerRow: 1, headers });
    expect(map({ row: 2, cells: ['5901', 'VIP', '12', '1'] }).values).toEqual({ id: '5901', name: 'VIP', num: '12', type: '1' });
  });

  it('smsc-blacklist.json reads the block type from the type column of the blacklist export', async () => {
    const mapping = await loadMapping(join(mappingsDir, 'smsc-blacklist.json'));
    const map = compileMapping(mapping, { file: 'blacklist', format: 'csv', headerRow: 1, headers: exportHeaders.blacklist as string[] });
    expect(map({ row: 2, cells: ['101', '79990001122', '2'] })).toEqual({ row: 2, values: { phone: '79990001122' }, blacklistType: '2' });
  });

  it('round-trips smsc-etl export: group ids, and empty cells clear', async () => {
    const mapping = await loadMapping(join(mappingsDir, 'smsc-export.json'));
    expect(mapping.groups).toBe('id');
    expect(mapping.emptyCells).toBe('clear');
  });
});
