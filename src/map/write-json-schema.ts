/**
 * Regenerates mappings/mapping.schema.json and mappings/groups-mapping.schema.json from the zod schemas:
 * `npm run build && node dist/map/write-json-schema.js` (run from the package root).
 */
import { writeFile } from 'node:fs/promises';
import { GROUPS_MAPPING_JSON_SCHEMA_PATH, MAPPING_JSON_SCHEMA_PATH, groupsMappingJsonSchemaText, mappingJsonSchemaText } from './json-schema.js';

for (const [path, text] of [
  [MAPPING_JSON_SCHEMA_PATH, mappingJsonSchemaText()],
  [GROUPS_MAPPING_JSON_SCHEMA_PATH, groupsMappingJsonSchemaText()],
] as const) {
  await writeFile(path, text);
  process.stdout.write(`wrote ${path}\n`);
}
