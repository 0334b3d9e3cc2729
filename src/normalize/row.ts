import type { CountryCode } from 'libphonenumber-js/max';
import { CONTACT_FIELDS, type ContactField, type ContactFields, type RowIssue } from '../contact.js';
import type { MappedRow } from '../map/compile.js';
import type { Mapping } from '../map/schema.js';
import type { Cell } from '../read/types.js';
import { meansNoBirthday, normalizeBirthday } from './birthday.js';
import { normalizeBlacklistType, type BlacklistType } from './blacklist-type.js';
import { normalizeEmails } from './email.js';
import { normalizeGroups, onlySystemGroups } from './groups.js';
import { normalizePhones } from './phone.js';
import type { Normalized, Problem } from './result.js';
import { cellToText, cleanText, isBlank, normalizeTags, normalizeText } from './text.js';

/** One row after normalization. `fields` is absent when the row is rejected (an `error` issue says why). */
export interface NormalizedRow {
  row: number;
  fields?: ContactFields;
  /** The row's block type, when the mapping reads `blacklistType` from a column. */
  blacklistType?: BlacklistType;
  issues: RowIssue[];
  /** Short texts saying what normalization changed, for the clean file's `notes` column. */
  notes: string[];
}

export interface RowNormalizerOptions {
  /** Reject a row instead of dropping an invalid optional field (or part of one) with a warning. */
  strict: boolean;
  /** "Today" for birthday checks; injectable for tests. */
  today?: Date;
}

type FieldNormalizer = (cell: Cell) => Normalized;

function fieldNormalizers(mapping: Mapping, today: Date | undefined): Record<ContactField, FieldNormalizer> {
  const region = mapping.defaultRegion as CountryCode;
  const birthdayOptions = { today, slashDates: mapping.slashDates };
  const phones: FieldNormalizer = (cell) => normalizePhones(cell, region);
  return {
    phone: phones,
    pho: phones,
    mail: normalizeEmails,
    name: normalizeText,
    lnm: normalizeText,
    fnm: normalizeText,
    mnm: normalizeText,
    cmt: normalizeText,
    myid: normalizeText,
    tags: normalizeTags,
    grp: (cell) => normalizeGroups(cell, mapping.groups),
    bd: (cell) => normalizeBirthday(cell, birthdayOptions),
  };
}

/** Cells that exporters fill with a stand-in for "nothing": treated like empty cells. */
const STAND_INS: Partial<Record<ContactField, (cell: Cell) => boolean>> = { bd: meansNoBirthday, grp: onlySystemGroups };

/** How one field of every row is normalized, looked up once per mapping rather than once per cell. */
interface FieldStep {
  field: ContactField;
  normalize: FieldNormalizer;
  isEmpty: (cell: Cell) => boolean;
}

/** The steps of the fields the mapping fills, in CONTACT_FIELDS order: a row asks no other field for a value it never has. */
function fieldSteps(mapping: Mapping, today: Date | undefined): FieldStep[] {
  const normalizers = fieldNormalizers(mapping, today);
  return CONTACT_FIELDS.filter((field) => mapping.fields[field] !== undefined).map((field) => {
    const standIn = STAND_INS[field];
    return { field, normalize: normalizers[field], isEmpty: standIn === undefined ? isBlank : (cell) => isBlank(cell) || standIn(cell) };
  });
}

const MISSING_KEY: Readonly<Record<Mapping['contactKind'], { code: string; reason: string }>> = {
  phone: { code: 'PHONE_MISSING', reason: 'no phone number: a contact needs one' },
  mail: { code: 'MAIL_MISSING', reason: 'no e-mail address: a mail contact needs one' },
  any: { code: 'KEY_MISSING', reason: 'neither a phone number nor an e-mail address: a contact needs one of them' },
};

/**
 * Builds the per-row normalizer of a mapping. Each field is normalized by its family's rules; the
 * row is rejected when its key (phone, or e-mail for mail contacts) is missing or invalid, and — in
 * strict mode — when anything else had to be dropped. An empty cell leaves the field out (`keep`) or
 * sets it to `''` (`clear`); the key is never cleared.
 */
export function createRowNormalizer(mapping: Mapping, options: RowNormalizerOptions): (mapped: MappedRow) => NormalizedRow {
  const steps = fieldSteps(mapping, options.today);
  // With contactKind "any" a row is a phone contact when it has a phone cell, else a mail contact.
  const keyOf = (mapped: MappedRow): 'phone' | 'mail' =>
    mapping.contactKind === 'mail' || (mapping.contactKind === 'any' && cleanText(mapped.values.phone ?? '') === '') ? 'mail' : 'phone';
  const optionalSeverity = options.strict ? 'error' : 'warning';
  const clearEmpty = mapping.emptyCells === 'clear';

  return (mapped) => {
    const key = keyOf(mapped);
    const fields: ContactFields = {};
    const issues: RowIssue[] = [];
    const notes: string[] = [];
    let rejectedRow = false;
    let keyIssue = false;
    const issue = (field: ContactField, cell: Cell, code: string, reason: string, severity: RowIssue['severity']): void => {
      issues.push({ row: mapped.row, field, value: cellToText(cell), code, reason, severity });
      if (severity === 'error') rejectedRow = true;
      if (field === key) keyIssue = true;
    };

    for (const { field, normalize, isEmpty } of steps) {
      const cell = mapped.values[field];
      if (cell === undefined) continue;
      if (isEmpty(cell)) {
        if (clearEmpty && field !== 'phone' && field !== key) fields[field] = '';
        continue;
      }
      const result = normalize(cell);
      if (!result.ok) {
        issue(field, cell, result.code, result.reason, field === key ? 'error' : optionalSeverity);
        continue;
      }
      fields[field] = result.value;
      // Indexed: for…of costs ~20 ns a list here (lists of several shapes, nearly all empty), twice a field.
      const { changes, warnings } = result;
      for (let i = 0; i < changes.length; i++) notes.push(`${field}: ${changes[i]}`);
      for (let i = 0; i < warnings.length; i++) {
        const warning = warnings[i] as Problem;
        issue(field, cell, warning.code, warning.reason, optionalSeverity);
      }
    }

    let blacklistType: BlacklistType | undefined;
    if (mapped.blacklistType !== undefined) {
      const result = normalizeBlacklistType(mapped.blacklistType);
      if (result.ok) blacklistType = result.value;
      else {
        issues.push({ row: mapped.row, field: 'blacklistType', value: cellToText(mapped.blacklistType), code: result.code, reason: result.reason, severity: 'error' });
        rejectedRow = true;
      }
    }

    if (fields[key] === undefined && !keyIssue) {
      const missing = MISSING_KEY[mapping.contactKind];
      issue(key, mapped.values[key] ?? '', missing.code, missing.reason, 'error');
    }
    if (rejectedRow) return { row: mapped.row, issues, notes };
    return blacklistType === undefined ? { row: mapped.row, fields, issues, notes } : { row: mapped.row, fields, blacklistType, issues, notes };
  };
}
