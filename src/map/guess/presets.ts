import { readFile } from 'node:fs/promises';
import { MappingError } from '../errors.js';
import { parseMapping } from '../load.js';
import { normalizeHeader } from './header-text.js';

/**
 * The exports we recognise by their header set. Each preset is a mapping file users can copy
 * (`mappings/presets/<id>.json`, `"missingColumns": "skip"`: exports differ in which columns they
 * carry); `fingerprints` are alternatives, each a set of headers (compared by
 * {@link normalizeHeader}) that must all be present. The first preset that matches wins, so the
 * more specific ones come first.
 */
export interface PresetEntry {
  id: string;
  title: string;
  /** Relative to `mappings/`. */
  file: string;
  fingerprints: readonly (readonly string[])[];
}

export const PRESETS: readonly PresetEntry[] = [
  { id: 'smsc-export', title: 'smsc-etl export', file: 'smsc-export.json', fingerprints: [['group_ids', 'other_phones', 'int_id']] },
  { id: 'google-legacy', title: 'Google Contacts CSV (legacy)', file: 'presets/google-legacy.json', fingerprints: [['Given Name', 'Family Name', 'Group Membership']] },
  { id: 'google', title: 'Google Contacts CSV', file: 'presets/google.json', fingerprints: [['Phonetic First Name', 'Labels']] },
  { id: 'outlook-ru', title: 'Outlook CSV, Russian (also Yandex, Mail.ru)', file: 'presets/outlook-ru.json', fingerprints: [['Телефон переносной', 'Адрес эл. почты']] },
  { id: 'outlook-en', title: 'Outlook CSV, English (also Yandex, Mail.ru)', file: 'presets/outlook-en.json', fingerprints: [['E-mail Address', 'Mobile Phone']] },
  {
    id: 'amocrm',
    title: 'amoCRM contacts',
    file: 'presets/amocrm.json',
    fingerprints: [
      ['Полное имя контакта', 'Рабочий прямой телефон'],
      ['Полное имя контакта', 'Личный email'],
    ],
  },
  {
    id: 'bitrix24-codes',
    title: 'Bitrix24 contacts, field codes (import template)',
    file: 'presets/bitrix24-codes.json',
    fingerprints: [
      ['SECOND_NAME', 'PHONE_MOBILE'],
      ['SECOND_NAME', 'EMAIL_WORK'],
    ],
  },
  {
    id: 'bitrix24',
    title: 'Bitrix24 contacts',
    file: 'presets/bitrix24.json',
    fingerprints: [
      ['ID', 'Частный e-mail'],
      ['ID', 'E-mail для рассылок'],
      ['ID', 'Телефон для рассылок'],
      ['ID', 'Мобильный телефон', 'Рабочий e-mail'],
    ],
  },
  {
    id: 'mailchimp',
    title: 'Mailchimp audience export',
    file: 'presets/mailchimp.json',
    fingerprints: [
      ['MEMBER_RATING', 'LEID'],
      ['MEMBER_RATING', 'EUID'],
    ],
  },
  {
    id: 'sendgrid',
    title: 'SendGrid contacts export',
    file: 'presets/sendgrid.json',
    fingerprints: [
      ['email', 'contact_id'],
      ['email', 'state_province_region'],
    ],
  },
];

/** A preset with its mapping document as the file holds it (the guess trims it to the file's columns). */
export interface Preset extends PresetEntry {
  document: Record<string, unknown>;
}

export const MAPPINGS_DIR = new URL('../../../mappings/', import.meta.url);

/** The first preset whose fingerprint the headers carry. */
export function matchPreset<T extends PresetEntry>(headers: readonly string[], presets: readonly T[]): T | undefined {
  const present = new Set(headers.map(normalizeHeader));
  return presets.find((preset) => preset.fingerprints.some((set) => set.every((header) => present.has(normalizeHeader(header)))));
}

/** Reads and validates every preset file (a broken one is a packaging bug, reported like a bad mapping). */
export async function loadPresets(): Promise<Preset[]> {
  return Promise.all(
    PRESETS.map(async (entry) => {
      const url = new URL(entry.file, MAPPINGS_DIR);
      let document: Record<string, unknown>;
      try {
        document = JSON.parse(await readFile(url, 'utf8')) as Record<string, unknown>;
      } catch (cause) {
        throw new MappingError('ERR_MAPPING_UNREADABLE', [`preset ${entry.id} (${url.pathname}): ${(cause as Error).message}`], { cause });
      }
      parseMapping(document, `preset ${entry.id}`);
      return { ...entry, document };
    }),
  );
}
