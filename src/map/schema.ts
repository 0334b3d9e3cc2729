import { createRequire } from 'node:module';
import * as z from 'zod';
import { CONTACT_FIELDS, type ContactField } from '../contact.js';
import { didYouMean } from './suggest.js';

/**
 * The countries libphonenumber has metadata for, from its own metadata file: importing the library
 * for `isSupportedCountry` would load ~12 MB of modules into every process that reads a mapping.
 */
const PHONE_COUNTRIES: ReadonlySet<string> = new Set(Object.keys((createRequire(import.meta.url)('libphonenumber-js/metadata.min.json') as { countries: object }).countries));

const columnRef = z
  .union([z.string().min(1), z.number().int().positive()])
  .describe(
    'A source column: its header text (matched ignoring case and extra spaces), an upper-case Excel column letter ("C", "AA") or a 1-based column number. A header literally named like a letter wins over the letter.',
  )
  .meta({ id: 'ColumnRef' });

const columnRefs = z
  .array(columnRef)
  .min(1)
  .describe('Several source columns joined into one value (non-empty parts only), e.g. ["Фамилия", "Имя"] → "Иванов Иван".');

const constant = z
  .strictObject({
    const: z.string().describe('The value every row gets for this field.'),
  })
  .describe('A constant instead of a column.');

const columnObject = z
  .strictObject({
    column: z.union([columnRef, columnRefs]).describe('One source column or several to join.'),
    separator: z
      .string()
      .optional()
      .describe('What joins several columns. Default: a space for text fields, "," for list fields (phone, mail, grp, tags, pho).'),
  })
  .describe('The long form of a column reference.');

const fieldSource = z
  .union([columnRef, columnRefs, constant, columnObject], {
    error: 'expected a column reference (header text, Excel letter or 1-based number), a list of them, {"const": "…"} or {"column": …}',
  })
  .describe('Where the value of an SMSC contact field comes from.')
  .meta({ id: 'FieldSource' });

export type FieldSource = z.infer<typeof fieldSource>;
export type ColumnRef = z.infer<typeof columnRef>;

const FIELD_DESCRIPTIONS: Readonly<Record<ContactField, string>> = {
  phone: 'Phone number(s) — the contact key. Several numbers in one cell become a list; output is international digits without "+".',
  mail: 'E-mail address(es). Required (instead of phone) when contactKind is "mail".',
  name: 'Contact name. Map a list of columns to join them, e.g. ["Фамилия", "Имя"].',
  lnm: 'Last name (surname).',
  fnm: 'First name.',
  mnm: 'Middle name (patronymic).',
  bd: 'Birthday; written as dd.mm.yyyy. Accepts dates, dd.mm.yyyy, dd/mm/yyyy, yyyy-mm-dd, dd.mm.yy and Excel serial numbers.',
  grp: 'Group(s), comma- or semicolon-separated: names or ids, see "groups".',
  myid: 'Your own contact id.',
  cmt: 'Comment.',
  tags: 'Tags, comma- or semicolon-separated.',
  pho: 'Other phone numbers of the contact.',
};

const listPolicy = z.enum(['add', 'replace']);

/** The list fields with their own policy; the same set as src/write/lists.ts, which applies them. */
const LIST_FIELD_NAMES = ['phone', 'mail', 'grp', 'tags', 'pho'] as const satisfies readonly ContactField[];

function unknownKeysMessage(keys: readonly PropertyKey[], known: readonly string[], what: string): string {
  return keys.map((key) => `unknown ${what} «${String(key)}»${didYouMean(String(key), known)}`).join('; ');
}

function strictWithSuggestions<Shape extends z.ZodRawShape>(shape: Shape, what: string) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, known, what) : undefined),
  });
}

const fieldsShape = Object.fromEntries(CONTACT_FIELDS.map((field) => [field, fieldSource.optional().describe(FIELD_DESCRIPTIONS[field])])) as Record<
  ContactField,
  z.ZodOptional<typeof fieldSource>
>;

export const mappingSchema = strictWithSuggestions(
  {
    $schema: z.string().optional().describe('Path or URL of the JSON Schema, for editors.'),
    fields: strictWithSuggestions(fieldsShape, 'field')
      .describe('SMSC contact fields (phones.php parameter names) and the source columns they come from.'),
    defaultRegion: z
      .string()
      .regex(/^[A-Z]{2}$/, { message: 'expected a two-letter upper-case ISO 3166 country code such as "RU"', abort: true })
      .refine((code) => PHONE_COUNTRIES.has(code), { message: 'not a country libphonenumber knows' })
      .default('RU')
      .describe('Country of phone numbers written without a country code (ISO 3166 alpha-2).'),
    emptyCells: z
      .enum(['keep', 'clear'])
      .default('keep')
      .describe('An empty cell means "leave the value SMSC has" (keep) or "clear it in SMSC" (clear). The phone is never cleared.'),
    lists: z
      .union([
        listPolicy,
        strictWithSuggestions(
          {
            default: listPolicy.optional().describe('The policy of every list field not named here (default "add").'),
            ...Object.fromEntries(LIST_FIELD_NAMES.map((field) => [field, listPolicy.optional().describe(`The policy of ${field}.`)])),
          } as Record<'default' | (typeof LIST_FIELD_NAMES)[number], z.ZodOptional<typeof listPolicy>>,
          'list field',
        ),
      ])
      .default('add')
      .describe(
        'What import does with list fields (phone, mail, grp, tags, pho) of existing contacts: "add" (default) adds the file\'s items to the contact\'s and removes none; "replace" makes the list what the file says. One policy for all, or per field: {"default": "add", "grp": "replace"}. --mode sync replaces every list; an empty cell under emptyCells "clear" empties the list in either case.',
      ),
    groups: z.enum(['name', 'id']).default('name').describe('Whether grp cells hold group names or numeric group ids.'),
    contactKind: z
      .enum(['phone', 'mail', 'any'])
      .default('phone')
      .describe(
        '"phone": a row needs a valid phone. "mail": contacts are keyed by e-mail — a row needs a valid e-mail instead. "any": keyed by the phone when the row has one, else by the e-mail (an export of a mixed account).',
      ),
    duplicates: z
      .enum(['first', 'last', 'merge'])
      .default('first')
      .describe('Rows repeating a phone within the file: keep the first, keep the last, or merge them (later non-empty values win, lists are unioned).'),
    slashDates: z
      .enum(['day-month', 'month-day'])
      .default('day-month')
      .describe('How bd dates written with slashes are read: 12/06/1985 as 12 June (day-month) or as 6 December (month-day, what US Outlook writes). Dotted dates are always day first.'),
    header: z
      .boolean()
      .default(true)
      .describe('false: the file has no header row — its first row is data; columns are referenced by Excel letter or 1-based number.'),
    missingColumns: z
      .enum(['error', 'skip'])
      .default('error')
      .describe(
        '"error": a named column the file lacks stops the run. "skip": it is left out (presets: exports differ in which columns they carry); the header row is then the first non-blank row unless --header-row says otherwise.',
      ),
    blacklistType: z
      .union([
        z.literal(0),
        z.literal(1),
        z.literal(2),
        z.strictObject({ column: columnRef }).describe('Read each row\'s block type (0, 1 or 2) from this column, e.g. the "type" column of a blacklist export.'),
      ])
      .default(0)
      .describe('For import --target blacklist: block 0 all messages, 1 mass mailings, 2 single messages, or {"column": …} to read it per row.'),
  },
  'option',
)
  .superRefine((mapping, context) => {
    if (mapping.contactKind === 'any') {
      if (mapping.fields.phone === undefined && mapping.fields.mail === undefined) {
        context.addIssue({ code: 'custom', path: ['fields', 'phone'], message: 'required: a contact needs a phone or a mail (contactKind is "any")' });
      }
      return;
    }
    const key = mapping.contactKind === 'mail' ? 'mail' : 'phone';
    if (mapping.fields[key] === undefined) {
      context.addIssue({ code: 'custom', path: ['fields', key], message: `required: a contact needs a ${key} (contactKind is "${mapping.contactKind}")` });
    }
  })
  .describe('How the columns of a contact file map to SMSC contact fields (smsc-etl).');

export type Mapping = z.infer<typeof mappingSchema>;

export const GROUP_FIELDS = ['id', 'name', 'num', 'type'] as const;
export type GroupField = (typeof GROUP_FIELDS)[number];

/** A file of groups (`import --target groups`), e.g. the groups table of `smsc-etl export`. */
export const groupsMappingSchema = strictWithSuggestions(
  {
    $schema: z.string().optional().describe('Path or URL of the JSON Schema, for editors.'),
    target: z.literal('groups').describe('This mapping is for import --target groups.'),
    fields: strictWithSuggestions(
      {
        name: columnRef.describe('Group name (required).'),
        id: columnRef.optional().describe('SMSC group id: a row with an id renames that group (chg_group); without, groups are matched by name.'),
        num: columnRef.optional().describe('The group number for mailings (unique per account).'),
        type: columnRef.optional().describe('Group type: 0 phones (default), 1 e-mails.'),
      },
      'field',
    ).describe('Group fields and the source columns they come from.'),
  },
  'option',
).describe('How the columns of a groups file map to SMSC group fields (smsc-etl import --target groups).');

export type GroupsMapping = z.infer<typeof groupsMappingSchema>;
