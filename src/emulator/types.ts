/**
 * The emulator's data model and options. The zod schemas are the single source: they validate the
 * state file, `reset()` input and the JSON bodies of the `/__emulator/*` endpoints.
 */
import { z } from 'zod';
import type { Script } from '../smsc/protocol.js';

export const contactSchema = z.object({
  int_id: z.number().int().positive().describe('server id, the `after_id` of `get` paging'),
  phones: z.array(z.string()).describe('digits only, `+` stripped'),
  mails: z.array(z.string()),
  name: z.string(),
  fnm: z.string(),
  lnm: z.string(),
  mnm: z.string(),
  bd: z.string().describe('dd.mm.yyyy or empty'),
  groups: z.array(z.number().int()),
  myid: z.string(),
  cmt: z.string(),
  tags: z.array(z.string()),
  pho: z.array(z.string()).describe('other phones as given, `+` kept'),
});
export type Contact = z.infer<typeof contactSchema>;

export const groupSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  num: z.number().int().optional().describe('the group number for mailings; unique when set'),
  type: z.number().int().min(0).max(1).describe('0 phones, 1 e-mails'),
});
export type Group = z.infer<typeof groupSchema>;

export const blacklistEntrySchema = z.object({
  id: z.number().int().positive(),
  phone: z.string(),
  type: z.number().int().min(0).max(2).describe('0 all, 1 mass mailings, 2 single messages'),
});
export type BlacklistEntry = z.infer<typeof blacklistEntrySchema>;

export const emulatorStateSchema = z.object({
  contacts: z.array(contactSchema),
  groups: z.array(groupSchema),
  blacklist: z.array(blacklistEntrySchema),
  nextIds: z
    .object({ contact: z.number().int().positive(), group: z.number().int().positive(), black: z.number().int().positive() })
    .optional()
    .describe('next ids to hand out; derived from the records (max + 1, or the defaults) when absent'),
});
export type EmulatorState = z.infer<typeof emulatorStateSchema>;

const rate = z.number().min(0).max(1);
export const faultOptionsSchema = z.strictObject({
  seed: z.number().int().optional().describe('seed of the fault PRNG; same seed + same request sequence = same faults'),
  latencyMs: z.number().min(0).optional().describe('added to every SMSC request'),
  http500Rate: rate.optional().describe('reply HTTP 500 without applying'),
  resetRate: rate.optional().describe('reset the connection before applying'),
  lostReplyRate: rate.optional().describe('writes only: apply, then drop the connection without a reply'),
  slowRate: rate.optional().describe('share of replies delayed by `slowMs` more'),
  slowMs: z.number().min(0).optional(),
  error9Rate: rate.optional().describe('reply error 9 without applying'),
  truncateRate: rate.optional().describe('apply, then send only the first half of the reply body'),
});
export type FaultOptions = z.infer<typeof faultOptionsSchema>;

export const FAULT_KINDS = ['http500', 'reset', 'lostReply', 'slow', 'error9', 'truncate'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type Error9Cause = 'identical' | 'in-flight' | 'injected';

export interface Account {
  login: string;
  password: string;
  apikey?: string;
}

export type DuplicatePhonePolicy = 'error' | 'allow';
export type GetEndPolicy = 'empty-array' | 'error-3' | 'empty-body';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: one account `demo` / `demo-password` / apikey `demo-apikey`. All accounts share one state. */
  accounts?: Account[];
  /** Loaded at start when it exists; saved atomically (tmp + rename) shortly after changes and on close. */
  stateFile?: string;
  /** Speed of the throttling clocks: 60 makes a minute of throttling windows pass in one second. Default 1. */
  clockScale?: number;
  /** `add` with a phone some contact already has: `error` → 5 save error (default), `allow` → a second contact. */
  duplicatePhoneOnAdd?: DuplicatePhonePolicy;
  /** What `get`, `get_group` and `get_black` reply once no rows are left. Default `empty-array`. */
  getEnd?: GetEndPolicy;
  /** Rows per list page without `cnt` (default 100); a request's `cnt` asks for 1–1000. */
  pageSize?: number;
  /** Play a service that ignores `cnt` (every page has `pageSize` rows). Default false. */
  ignoreCnt?: boolean;
  faults?: FaultOptions;
}

export interface EmulatorStats {
  requestsTotal: number;
  /** SMSC requests that named a command, per command (auth failures included). */
  calls: Record<string, number>;
  /** The same calls per script: `phones.php`, `mails.php`. */
  scripts: Record<Script, Record<string, number>>;
  /** API errors replied, per code. */
  errors: Record<string, number>;
  error9: Record<Error9Cause, number>;
  faults: Record<FaultKind, number>;
  /** The most requests ever in flight at once for one login. */
  maxInFlight: number;
  /** Requests admitted while an identical one had been admitted within the last minute (retries included). */
  identicalRepeats: number;
}

export interface RunningEmulator {
  /** e.g. `http://127.0.0.1:PORT`; the SMSC scripts are at `url + PHONES_PATH` and `url + MAILS_PATH`. */
  url: string;
  port: number;
  state(): EmulatorState;
  stats(): EmulatorStats;
  setFaults(faults: FaultOptions): void;
  /** Replace the state (empty when omitted) and forget stats, throttling and auth-failure memory. */
  reset(state?: EmulatorState): void;
  close(): Promise<void>;
}
