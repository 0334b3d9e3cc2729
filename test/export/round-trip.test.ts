import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../../src/export/index.js';
import { loadMapping } from '../../src/map/load.js';
import { createSmscClient } from '../../src/smsc/client.js';
import { createCallMeter, runImport } from '../../src/write/import.js';
import { ACCOUNT, startWorld, type ExportWorld } from './helpers.js';

const MAPPING = new URL('../../mappings/smsc-export.json', import.meta.url).pathname;
/** Contacts keyed by phone; the e-mail-only contact cannot be in a phone-keyed import (see below). */
const PHONE_CONTACTS = ACCOUNT.contacts.filter((contact) => contact.phones.length > 0).length;

let world: ExportWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

async function importBack(input: string) {
  const meter = createCallMeter();
  const client = createSmscClient({ baseUrl: world.emulator.url, login: 'demo', password: 'demo-password', ...meter.hooks });
  const summary = await runImport({ input, mapping: await loadMapping(MAPPING), client, meter, report: `${input}.report.csv` });
  return summary;
}

describe.each(['csv', 'xlsx'] as const)('export → import of %s', (format) => {
  it('changes nothing: every phone contact is unchanged, no write call is made, the account is as before', async () => {
    const before = world.emulator.state();
    const out = join(world.dir, `round-trip.${format}`);
    await runExport({ client: world.client(), out, ...(format === 'csv' ? { delimiter: ';', bom: true } : {}) });
    const summary = await importBack(out);
    expect(summary.rows).toBe(ACCOUNT.contacts.length);
    expect(summary.actions.unchanged).toBe(PHONE_CONTACTS);
    expect(summary.actions.add + summary.actions.chg + summary.actions.delete).toBe(0);
    expect(summary.writeCalls).toBe(0);
    // The e-mail-only contact has no phone: a phone-keyed mapping rejects it (and writes nothing).
    expect(summary.actions.reject).toBe(ACCOUNT.contacts.length - PHONE_CONTACTS);
    expect(world.emulator.state()).toEqual(before);

    // Control: the same file against an account changed since the export does write.
    world.emulator.reset({ ...structuredClone(ACCOUNT), contacts: ACCOUNT.contacts.map((contact) => (contact.int_id === 101 ? { ...contact, cmt: 'changed' } : contact)) });
    const control = await importBack(out);
    expect(control.actions.chg).toBe(1);
    expect(world.emulator.state().contacts.find((contact) => contact.int_id === 101)?.cmt).toBe(ACCOUNT.contacts[0]?.cmt);
    world.emulator.reset(structuredClone(ACCOUNT));
  });
});
