import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../../src/export/index.js';
import { loadMapping } from '../../src/map/load.js';
import { createSmscClient } from '../../src/smsc/client.js';
import { createCallMeter, runImport } from '../../src/write/import.js';
import { ACCOUNT, startWorld, type ExportWorld } from './helpers.js';

const MAPPING = new URL('../../mappings/smsc-export.json', import.meta.url).pathname;
/** The account holds an e-mail-only contact too: the export mapping keys it by its e-mail (contactKind "any"). */
const MAIL_ONLY_CONTACTS = ACCOUNT.contacts.filter((contact) => contact.phones.length === 0).length;

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
  it('changes nothing: every contact (phone and e-mail-only) is unchanged, no write call is made, the account is as before', async () => {
    const before = world.emulator.state();
    const out = join(world.dir, `round-trip.${format}`);
    await runExport({ client: world.client(), out, ...(format === 'csv' ? { delimiter: ';', bom: true } : {}) });
    const summary = await importBack(out);
    expect(summary.rows).toBe(ACCOUNT.contacts.length);
    expect(MAIL_ONLY_CONTACTS).toBeGreaterThan(0);
    expect(summary.actions.unchanged).toBe(ACCOUNT.contacts.length);
    expect(summary.actions.add + summary.actions.chg + summary.actions.delete + summary.actions.reject).toBe(0);
    expect(summary.writeCalls).toBe(0);
    expect(world.emulator.state()).toEqual(before);

    // Control: the same file against an account changed since the export does write.
    world.emulator.reset({ ...structuredClone(ACCOUNT), contacts: ACCOUNT.contacts.map((contact) => (contact.int_id === 101 ? { ...contact, cmt: 'changed' } : contact)) });
    const control = await importBack(out);
    expect(control.actions.chg).toBe(1);
    expect(world.emulator.state().contacts.find((contact) => contact.int_id === 101)?.cmt).toBe(ACCOUNT.contacts[0]?.cmt);
    world.emulator.reset(structuredClone(ACCOUNT));
  });
});
