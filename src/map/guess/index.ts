/**
 * The mapping guess for a file that comes without `--mapping`: pure functions over the header and
 * some sample rows. Order (crm-exports.md §2): a preset recognised by its header set; else a
 * synonym dictionary per SMSC field; else the cells' content (phones, e-mails). Ties are not guessed.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type * as z from 'zod';
import type { ContactField } from '../../contact.js';
import { cleanText } from '../../normalize/text.js';
import type { Cell } from '../../read/types.js';
import { uniqueColumn } from '../compile.js';
import type { ColumnRef, FieldSource, mappingSchema } from '../schema.js';
import { excludedFromContent, synonymOf, type PhoneRank } from './synonyms.js';
import { profileColumn, share, type ColumnProfile } from './content.js';
import { normalizeHeader } from './header-text.js';
import { matchPreset, type Preset } from './presets.js';

export { guessHeaderRow } from './header-row.js';
export { loadPresets, PRESETS, type Preset } from './presets.js';

/** A mapping as written in a file (defaults not filled in): what `--save-mapping` writes. */
export type MappingDocument = z.input<typeof mappingSchema>;

export interface GuessInput {
  /** Header texts; `undefined` for a file without a header row. */
  headers: readonly string[] | undefined;
  /** Sample data rows. */
  rows: readonly (readonly Cell[])[];
  region?: CountryCode;
}

export interface ColumnGuess {
  /** 1-based. */
  column: number;
  header: string;
  /** A few non-empty values. */
  samples: string[];
  profile: ColumnProfile;
  field?: ContactField;
  /** Why the column got its field, or why it got none. */
  reason: string;
}

export interface Guess {
  preset?: { id: string; title: string };
  columns: ColumnGuess[];
  document: MappingDocument;
}

const SAMPLES_SHOWN = 3;
/** A column is guessed from content when this share of its filled cells are phones (or e-mails). */
const CONTENT_SHARE = 80;
const PHONE_ORDER: Readonly<Record<PhoneRank | 'content', number>> = { mobile: 0, plain: 1, content: 2, other: 3 };

export function guessMapping(input: GuessInput, presets: readonly Preset[]): Guess {
  const region = input.region ?? 'RU';
  const width = Math.max(input.headers?.length ?? 0, ...input.rows.map((cells) => cells.length));
  const columns: ColumnGuess[] = Array.from({ length: width }, (_, index) => {
    const cells = input.rows.map((cells) => cells[index] ?? '');
    return {
      column: index + 1,
      header: input.headers?.[index] ?? '',
      samples: cells.map((cell) => cleanText(cell)).filter((text) => text !== '').slice(0, SAMPLES_SHOWN),
      profile: profileColumn(cells, region),
      reason: 'no match',
    };
  });
  const preset = input.headers === undefined ? undefined : matchPreset(input.headers, presets);
  const fromPreset = preset && input.headers ? presetGuess(preset, input.headers, columns) : undefined;
  if (preset && fromPreset) return { preset: { id: preset.id, title: preset.title }, columns, document: fromPreset };
  return { columns, document: dictionaryGuess(input.headers, columns) };
}

/** The columns a field source names, as file column indexes (missing ones dropped). */
function sourceColumns(source: FieldSource, headers: readonly string[]): number[] {
  if (typeof source === 'string' || typeof source === 'number') return [uniqueColumn(source, headers)].filter((index) => index !== undefined);
  if (Array.isArray(source)) return source.map((ref) => uniqueColumn(ref, headers)).filter((index) => index !== undefined);
  if ('const' in source) return [];
  return sourceColumns(source.column, headers);
}

/** The part of a field source the file has; `undefined` when it has none of its columns. */
function presentPart(source: FieldSource, headers: readonly string[]): FieldSource | undefined {
  const present = (ref: ColumnRef) => uniqueColumn(ref, headers) !== undefined;
  if (typeof source === 'string' || typeof source === 'number') return present(source) ? source : undefined;
  if (Array.isArray(source)) {
    const kept = source.filter(present);
    return kept.length === 0 ? undefined : kept.length === 1 ? kept[0] : kept;
  }
  if ('const' in source) return source;
  const column = presentPart(source.column, headers);
  return column === undefined ? undefined : { ...source, column: column as ColumnRef | ColumnRef[] };
}

/**
 * The preset trimmed to the columns this file has (exact column names, so the saved mapping fails
 * loudly if a later file differs). No mobile column: the first other phone is the phone.
 * `undefined` when the file has neither a phone nor an e-mail column of the preset.
 */
function presetGuess(preset: Preset, headers: readonly string[], columns: ColumnGuess[]): MappingDocument | undefined {
  const { missingColumns: _skip, $schema: _schema, fields, ...options } = preset.document as MappingDocument;
  const kept: Partial<Record<ContactField, FieldSource>> = {};
  for (const [field, source] of Object.entries(fields) as [ContactField, FieldSource][]) {
    const part = presentPart(source, headers);
    if (part !== undefined) kept[field] = part;
  }
  if (kept.phone === undefined && kept.pho !== undefined) {
    const [first, ...rest] = Array.isArray(kept.pho) ? kept.pho : [kept.pho as ColumnRef];
    kept.phone = first;
    if (rest.length === 0) delete kept.pho;
    else kept.pho = rest.length === 1 ? rest[0] : rest;
  }
  let contactKind = options.contactKind;
  if (kept.phone === undefined) {
    if (kept.mail === undefined) return undefined;
    if ((contactKind ?? 'phone') === 'phone') contactKind = 'mail';
  }
  for (const [field, source] of Object.entries(kept) as [ContactField, FieldSource][]) {
    for (const index of sourceColumns(source, headers)) {
      const column = columns[index];
      if (column && column.field === undefined) Object.assign(column, { field, reason: `preset ${preset.id}` });
    }
  }
  return { fields: kept, ...options, ...(contactKind === undefined ? {} : { contactKind }) };
}

interface PhoneCandidate {
  column: ColumnGuess;
  order: number;
  reason: string;
}

function dictionaryGuess(headers: readonly string[] | undefined, columns: ColumnGuess[]): MappingDocument {
  const phones: PhoneCandidate[] = [];
  const mailsByName: ColumnGuess[] = [];
  const mailsByContent: ColumnGuess[] = [];
  const byField = new Map<ContactField, ColumnGuess[]>();
  for (const column of columns) {
    const synonym = headers === undefined ? undefined : synonymOf(column.header);
    const named = `synonym ${JSON.stringify(column.header)}`;
    if (synonym?.field === 'phone') phones.push({ column, order: PHONE_ORDER[synonym.rank], reason: named });
    else if (synonym?.field === 'mail') mailsByName.push(Object.assign(column, { reason: named }));
    else if (synonym) byField.set(synonym.field, [...(byField.get(synonym.field) ?? []), Object.assign(column, { reason: named })]);
    else if (!excludedFromContent(column.header)) {
      const { profile } = column;
      if (profile.filled > 0 && share(profile.phones, profile) >= CONTENT_SHARE) {
        phones.push({ column, order: PHONE_ORDER.content, reason: `content: ${share(profile.phones, profile)}% phones` });
      } else if (profile.filled > 0 && share(profile.mails, profile) >= CONTENT_SHARE) {
        mailsByContent.push(Object.assign(column, { reason: `content: ${share(profile.mails, profile)}% e-mails` }));
      }
    }
  }

  const fields: Partial<Record<ContactField, ColumnRef | ColumnRef[]>> = {};
  const ref = (column: ColumnGuess): ColumnRef => columnRef(column, columns, headers);
  const assign = (field: ContactField, chosen: readonly ColumnGuess[]): void => {
    if (chosen.length === 0) return;
    for (const column of chosen) column.field = field;
    fields[field] = chosen.length === 1 ? ref(chosen[0]!) : chosen.map(ref);
  };

  const phone = choosePhone(phones);
  if (phone) {
    phone.column.reason = phone.reason;
    assign('phone', [phone.column]);
  }
  const others = phones.filter((candidate) => candidate !== phone && !candidate.column.reason.startsWith('tie'));
  for (const candidate of others) candidate.column.reason = `${candidate.reason}, another phone`;
  assign('pho', others.map((candidate) => candidate.column));
  assign('mail', mailsByName.length > 0 ? mailsByName : mailsByContent);
  for (const [field, claimed] of byField) {
    if (claimed.length === 1) assign(field, claimed);
    else for (const column of claimed) column.reason = tieReason(field, claimed);
  }
  if (fields.phone === undefined && fields.mail === undefined) return { fields, header: headers !== undefined };
  return {
    fields,
    defaultRegion: 'RU',
    ...(fields.phone === undefined ? { contactKind: 'mail' as const } : {}),
    ...(headers === undefined ? { header: false } : {}),
  };
}

/** The best-ranked phone column; between equals the one with more phone-like cells; a true tie picks none. */
function choosePhone(candidates: readonly PhoneCandidate[]): PhoneCandidate | undefined {
  if (candidates.length === 0) return undefined;
  const best = Math.min(...candidates.map((candidate) => candidate.order));
  const top = candidates.filter((candidate) => candidate.order === best);
  const most = Math.max(...top.map((candidate) => candidate.column.profile.phones));
  const leaders = top.filter((candidate) => candidate.column.profile.phones === most);
  if (leaders.length === 1) return leaders[0];
  for (const leader of leaders) leader.column.reason = tieReason('phone', leaders.map((candidate) => candidate.column));
  return undefined;
}

function tieReason(field: ContactField, columns: readonly ColumnGuess[]): string {
  return `tie for ${field}: ${columns.map((column) => `«${column.header || column.column}»`).join(', ')} — not guessed`;
}

/** By header text when it names the column unambiguously, else by 1-based number. */
function columnRef(column: ColumnGuess, columns: readonly ColumnGuess[], headers: readonly string[] | undefined): ColumnRef {
  if (headers === undefined || column.header.trim() === '') return column.column;
  const key = normalizeHeader(column.header);
  const same = columns.filter((other) => normalizeHeader(other.header) === key);
  return same.length === 1 && uniqueColumn(column.header, headers) === column.column - 1 ? column.header : column.column;
}
