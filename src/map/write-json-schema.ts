/**
 * Regenerates mappings/mapping.schema.json from the zod schema:
 * `npm run build && node dist/map/write-json-schema.js` (run from the package root).
 */
import { writeFile } from 'node:fs/promises';
import { MAPPING_JSON_SCHEMA_PATH, mappingJsonSchemaText } from './json-schema.js';

await writeFile(MAPPING_JSON_SCHEMA_PATH, mappingJsonSchemaText());
process.stdout.write(`wrote ${MAPPING_JSON_SCHEMA_PATH}\n`);
