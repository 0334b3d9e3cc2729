import type { ContactField } from '../contact.js';
import { formatDate } from '../normalize/date.js';
import type { Cell, SourceRow, TableInfo } from '../read/types.js';
import { MappingError } from './errors.js';
import type { ColumnRef, FieldSource, Mapping } from './schema.js';
import { didYouMean } from './suggest.js';

/** The cells of one source row, picked and joined per field; not normalized yet. */
export interface PickedRow<Field extends string> {
  row: number;
  values: Partial<Record<Field, Cell>>;
}

/** One row of a contact file: the SMSC contact fields, and the block type when the mapping reads it from a column. */
export interface MappedRow extends PickedRow<ContactField> {
  blacklistType?: Cell;
}

export type RowMapper = (row: SourceRow) => MappedRow;

/** Where each field of a file's rows comes from (a contact mapping's `fields`, a groups mapping's `fields`). */
export type FieldSources<Field extends string> = Partial<Record<Field, FieldSource>>;

/** Fields whose values are lists: several columns join with a comma, not a space. */
const LIST_FIELDS: ReadonlySet<ContactField> = new Set(['phone', 'mail', 'grp', 'tags', 'pho']);

const EXCEL_LETTERS = /^[A-Z]{1,3}$/;
const DIGITS = /^\d+$/;

/** Header text as compared: case, surrounding and repeated whitespace ignored. */
function headerKey(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

function letterIndex(letters: string): number {
  let index = 0;
  for (const letter of letters) index = index * 26 + (letter.charCodeAt(0) - 64);
  return index - 1;
}

/** A mapping's field sources in one shape: the columns to join, or a constant. */
type Plan = { columns: readonly ColumnRef[]; separator: string } | { constant: string };

function planOf(field: string, source: FieldSource): Plan {
  const defaultSeparator = LIST_FIELDS.has(field as ContactField) ? ',' : ' ';
  if (typeof source === 'string' || typeof source === 'number') return { columns: [source], separator: defaultSeparator };
  if (Array.isArray(source)) return { columns: source, separator: defaultSeparator };
  if ('const' in source) return { constant: source.const };
  const columns = Array.isArray(source.column) ? source.column : [source.column];
  return { columns, separator: source.separator ?? defaultSeparator };
}

function plans<Field extends string>(sources: FieldSources<Field>): [Field, Plan][] {
  return (Object.entries(sources) as [Field, FieldSource | undefined][]).flatMap(([field, source]) => (source === undefined ? [] : [[field, planOf(field, source)] as [Field, Plan]]));
}

/** A contact mapping's sources: its fields, plus the block type when it names a column. */
function contactSources(mapping: Mapping): FieldSources<ContactField | 'blacklistType'> {
  const { blacklistType } = mapping;
  return typeof blacklistType === 'object' ? { ...mapping.fields, blacklistType: blacklistType.column } : mapping.fields;
}

/** The header texts a mapping names (not letters or numbers): the reader looks for the row holding them. */
export function referencedHeaders(mapping: Mapping): string[] {
  // A column that may be missing cannot say which row is the header.
  if (mapping.missingColumns === 'skip' || mapping.header === false) return [];
  return referencedHeadersOf(contactSources(mapping));
}

export function referencedHeadersOf(sources: FieldSources<string>): string[] {
  const texts = new Set<string>();
  for (const [, plan] of plans(sources)) {
    if (!('columns' in plan)) continue;
    for (const ref of plan.columns) {
      if (typeof ref === 'string' && !EXCEL_LETTERS.test(ref.trim()) && !DIGITS.test(ref.trim())) texts.add(ref.trim());
    }
  }
  return [...texts];
}

/** The one column `ref` names; `undefined` when none does or its header text repeats. */
export function uniqueColumn(ref: ColumnRef, headers: readonly string[]): number | undefined {
  const index = resolveColumn(ref, headers);
  return typeof index === 'number' ? index : undefined;
}

/**
 * Index of the column `ref` names: exact header text first, then an Excel letter, then a 1-based
 * number; `undefined` when none fits the file, every matching index when the header text repeats.
 */
function resolveColumn(ref: ColumnRef, headers: readonly string[]): number | undefined | { ambiguous: number[] } {
  const text = String(ref).trim();
  const byHeader = headers.flatMap((header, index) => (headerKey(header) === headerKey(text) ? [index] : []));
  if (byHeader.length > 1) return { ambiguous: byHeader };
  if (byHeader[0] !== undefined) return byHeader[0];
  let index: number | undefined;
  if (typeof ref === 'number') index = ref - 1;
  else if (EXCEL_LETTERS.test(text)) index = letterIndex(text);
  else if (DIGITS.test(text)) index = Number(text) - 1;
  return index !== undefined && index < headers.length ? index : undefined;
}

function missingColumn(field: string, ref: ColumnRef, info: TableInfo): string {
  const listed = info.headers.map((header, index) => `${index + 1} «${header}»`).join(', ');
  const hint = typeof ref === 'string' ? didYouMean(ref.trim(), info.headers.filter((header) => header.trim() !== '')) : '';
  return `${info.file}: column «${String(ref)}» of field ${field} not found${hint}; the file's ${info.headers.length} columns are: ${listed}`;
}

function columnLetter(index: number): string {
  let letters = '';
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  return letters;
}

/**
 * A header the mapping names occurs more than once: taking the first silently could import the
 * office landlines instead of the mobiles. The hint is the mapping entry with the header replaced by a letter.
 */
function ambiguousColumn(field: string, source: FieldSource, ref: ColumnRef, indexes: readonly number[], info: TableInfo): string {
  const places = indexes.map((index) => `${columnLetter(index)} (${index + 1})`);
  const choices = indexes.map((index) => `${JSON.stringify(field)}: ${JSON.stringify(replaceRef(source, ref, columnLetter(index)))}`);
  return `${info.file}: header «${String(ref)}» of field ${field} occurs ${indexes.length} times, in columns ${places.join(', ')}; pick one in the mapping by its letter: ${choices.join(' or ')}`;
}

function replaceRef(source: FieldSource, ref: ColumnRef, letter: string): FieldSource {
  const swap = (candidate: ColumnRef) => (candidate === ref ? letter : candidate);
  if (typeof source === 'string' || typeof source === 'number') return swap(source);
  if (Array.isArray(source)) return source.map(swap);
  if ('const' in source) return source;
  return { ...source, column: Array.isArray(source.column) ? source.column.map(swap) : swap(source.column) };
}

function cellText(cell: Cell | undefined): string {
  if (cell === undefined) return '';
  return typeof cell === 'string' ? cell : formatDate(cell);
}

type Picker = (cells: readonly Cell[]) => Cell;

function pickerOf(plan: Plan, indexes: readonly number[]): Picker {
  if ('constant' in plan) return () => plan.constant;
  const [only] = indexes;
  if (indexes.length === 1 && only !== undefined) return (cells) => cells[only] ?? '';
  return (cells) => {
    // Joined as it goes: no list per row (this runs for every row of the file), each cell trimmed once.
    let joined = '';
    for (const index of indexes) {
      const text = cellText(cells[index]).trim();
      if (text !== '') joined = joined === '' ? text : joined + plan.separator + text;
    }
    return joined;
  };
}

/**
 * Resolves every column the mapping names against the file's headers — all at once, before any
 * row is read — and returns the function that maps each row. Throws `MappingError`
 * (`ERR_MAPPING_COLUMN`) listing every column that is not there or is there more than once.
 */
export function compileMapping(mapping: Mapping, info: TableInfo): RowMapper {
  const pick = compileFields(contactSources(mapping), info, { missingColumns: mapping.missingColumns });
  // Without a block-type column the picked row is the mapped row.
  if (typeof mapping.blacklistType !== 'object') return pick;
  return (source) => {
    const { row, values } = pick(source);
    if (!('blacklistType' in values)) return { row, values };
    const { blacklistType, ...fields } = values;
    return { row, values: fields, blacklistType };
  };
}

/** `compileMapping` for any set of fields (list fields are those of contacts); `missingColumns: 'skip'` maps a missing column to no value. */
export function compileFields<Field extends string>(
  sources: FieldSources<Field>,
  info: TableInfo,
  options: { missingColumns?: Mapping['missingColumns'] } = {},
): (row: SourceRow) => PickedRow<Field> {
  const problems: string[] = [];
  const pickers: [Field, Picker][] = [];
  for (const [field, plan] of plans(sources)) {
    const indexes: number[] = [];
    for (const ref of 'columns' in plan ? plan.columns : []) {
      const index = resolveColumn(ref, info.headers);
      if (index === undefined) {
        if (options.missingColumns !== 'skip') problems.push(missingColumn(field, ref, info));
      } else if (typeof index === 'object') problems.push(ambiguousColumn(field, sources[field] as FieldSource, ref, index.ambiguous, info));
      else indexes.push(index);
    }
    if ('constant' in plan || indexes.length > 0) pickers.push([field, pickerOf(plan, indexes)]);
  }
  if (problems.length > 0) throw new MappingError('ERR_MAPPING_COLUMN', problems);
  return (source) => {
    const values: Partial<Record<Field, Cell>> = {};
    for (const [field, pick] of pickers) values[field] = pick(source.cells);
    return { row: source.row, values };
  };
}
