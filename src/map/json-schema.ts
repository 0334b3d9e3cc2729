import * as z from 'zod';
import { groupsMappingSchema, mappingSchema } from './schema.js';

/** Where the committed schema lives, relative to the package root; mapping files point at it. */
export const MAPPING_JSON_SCHEMA_PATH = 'mappings/mapping.schema.json';
/** The same for groups mappings (`"target": "groups"`). */
export const GROUPS_MAPPING_JSON_SCHEMA_PATH = 'mappings/groups-mapping.schema.json';

/**
 * The JSON Schema of mapping files, generated from the zod schema (the single source of truth) so
 * editors can complete and check mappings. Describes the input form: options with defaults are optional.
 */
export function mappingJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(mappingSchema, { io: 'input', unrepresentable: 'any' });
}

/** The file text as committed: two-space JSON with a final newline. */
export function mappingJsonSchemaText(): string {
  return `${JSON.stringify(mappingJsonSchema(), null, 2)}\n`;
}

export function groupsMappingJsonSchemaText(): string {
  return `${JSON.stringify(z.toJSONSchema(groupsMappingSchema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`;
}
