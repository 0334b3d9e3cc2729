/**
 * The SMSC contact fields, in the order of the clean file's columns. These are the `phones.php`
 * request parameter names; `src/smsc/protocol.ts` maps them to the keys `get` replies with.
 */
export const CONTACT_FIELDS = ['phone', 'mail', 'name', 'lnm', 'fnm', 'mnm', 'bd', 'grp', 'myid', 'cmt', 'tags', 'pho'] as const;

export type ContactField = (typeof CONTACT_FIELDS)[number];

/**
 * A normalized contact in SMSC's wire form: every value is the string SMSC stores.
 * Lists (`phone`, `mail`, `grp`, `tags`, `pho`) are comma-joined; `phone` holds international
 * digits without `+`; `bd` is `dd.mm.yyyy`; `grp` holds group ids or names (names are resolved to
 * ids by the writer). An absent key means "the file says nothing"; an empty string means "clear it"
 * (only produced when the mapping's empty-cell policy is `clear`).
 */
export type ContactFields = Partial<Record<ContactField, string>>;

export function isContactField(name: string): name is ContactField {
  return (CONTACT_FIELDS as readonly string[]).includes(name);
}

export type Severity = 'error' | 'warning';

/**
 * Something the pipeline has to say about one input row: a rejection (`error`) or a field that was
 * dropped or changed (`warning`). `code` is stable and machine-readable; `reason` is for people.
 */
export interface RowIssue {
  row: number;
  field: string;
  value: string;
  code: string;
  reason: string;
  severity: Severity;
}
