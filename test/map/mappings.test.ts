import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileMapping } from '../../src/map/compile.js';
import { mappingJsonSchemaText } from '../../src/map/json-schema.js';
import { loadMapping } from '../../src/map/load.js';

const mappingsDir = join(import.meta.dirname, '../../mappings');
const mappingFiles = (await readdir(mappingsDir)).filter((name) => name.endsWith('.json') && name !== 'mapping.schema.json');

describe('mappings/', () => {
  it('has a JSON Schema in sync with the zod schema', async () => {
    const committed = await readFile(join(mappingsDir, 'mapping.schema.json'), 'utf8');
    expect(committed, 'mappings/mapping.schema.json is stale: run `npm run build && node dist/map/write-json-schema.js`').toBe(mappingJsonSchemaText());
  });

  it.each(mappingFiles)('%s loads and points at the schema', async (name) => {
    const file = join(mappingsDir, name);
    await expect(loadMapping(file)).resolves.toBeDefined();
    expect(JSON.parse(await readFile(file, 'utf8')).$schema).toBe('./mapping.schema.json');
  });

  // The header rows of the sample files and of `smsc-etl export` output, as they are specified.
  const headersOf: Record<string, string[]> = {
    'samples-excel-ru.json': ['Фамилия', 'Имя', 'Отчество', 'Телефон', 'E-mail', 'Дата рождения', 'Группа', 'Комментарий'],
    'samples-utf8.json': ['name', 'phone', 'email', 'birthday', 'group', 'tags', 'customer_id'],
    'samples-xlsx.json': ['ФИО', 'Мобильный', 'Доп. телефон', 'Почта', 'День рождения', 'Группа', 'Код клиента'],
    'smsc-export.json': ['phone', 'mail', 'name', 'last_name', 'first_name', 'middle_name', 'birthday', 'group_ids', 'group_names', 'myid', 'comment', 'tags', 'other_phones', 'int_id'],
    'blacklist.json': ['phone'],
  };

  it.each(Object.entries(headersOf))('%s maps every field to a column of its file', async (name, headers) => {
    const mapping = await loadMapping(join(mappingsDir, name));
    const map = compileMapping(mapping, { file: name, format: 'csv', headerRow: 1, headers });
    const mapped = map({ row: 2, cells: headers });
    expect(Object.keys(mapped.values).sort()).toEqual(Object.keys(mapping.fields).sort());
  });

  it('round-trips smsc-etl export: group ids, and empty cells clear', async () => {
    const mapping = await loadMapping(join(mappingsDir, 'smsc-export.json'));
    expect(mapping.groups).toBe('id');
    expect(mapping.emptyCells).toBe('clear');
  });
});
