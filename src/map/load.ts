import { readFile } from 'node:fs/promises';
import type * as z from 'zod';
import { MappingError } from './errors.js';
import { groupsMappingSchema, mappingSchema, type GroupsMapping, type Mapping } from './schema.js';

/** `fields.name[1]`; the whole document is `(top level)`. */
function dotPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** One line per issue: `file: dot.path — message`. */
export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${file}: ${dotPath(issue.path)} — ${issue.message}`);
}

/** Parses an already-read mapping document (for mappings that do not come from a file). */
export function parseMapping(document: unknown, source: string): Mapping {
  return parseWith(mappingSchema, document, source);
}

/** Reads and validates a mapping file. Throws `MappingError` (exit 2) naming the file and each problem. */
export async function loadMapping(file: string): Promise<Mapping> {
  const document = await readMappingDocument(file);
  if (isGroupsDocument(document)) throw new MappingError('ERR_MAPPING_INVALID', [`${file}: a groups mapping ("target": "groups"): import it with --target groups`]);
  return parseMapping(document, file);
}

/** Reads and validates a groups mapping file (`"target": "groups"`), with the errors of `loadMapping`. */
export async function loadGroupsMapping(file: string): Promise<GroupsMapping> {
  const document = await readMappingDocument(file);
  if (!isGroupsDocument(document) && typeof document === 'object' && document !== null && !('target' in document)) {
    throw new MappingError('ERR_MAPPING_INVALID', [`${file}: a contacts mapping; --target groups needs a groups mapping ("target": "groups"), such as mappings/smsc-groups.json`]);
  }
  return parseWith(groupsMappingSchema, document, file);
}

function isGroupsDocument(document: unknown): boolean {
  return typeof document === 'object' && document !== null && (document as { target?: unknown }).target === 'groups';
}

function parseWith<Schema extends z.ZodType>(schema: Schema, document: unknown, source: string): z.output<Schema> {
  const result = schema.safeParse(document);
  if (!result.success) throw new MappingError('ERR_MAPPING_INVALID', formatIssues(source, result.error.issues));
  return result.data;
}

async function readMappingDocument(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read: ${(cause as Error).message}`;
    throw new MappingError('ERR_MAPPING_UNREADABLE', [`${file}: ${reason}`], { cause });
  }
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw new MappingError('ERR_MAPPING_INVALID', [`${file}: not valid JSON — ${(cause as Error).message}`], { cause });
  }
  return document;
}
