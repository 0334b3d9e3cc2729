// `npm run demo`: the main job end to end against the bundled SMSC emulator, on the files in samples/.
// clean → import (dry run, then for real) → re-import (0 writes) → a membership-only import (Promo
// added, other groups kept) → export, printing each summary and the emulator's stats. Nothing here talks to the real SMSC.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ACCOUNT, startEmulator } from '../dist/emulator/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}demo-out/`;
const cli = `${root}dist/cli/main.js`;
const samples = [
  { file: 'samples/contacts-excel-ru.csv', mapping: 'mappings/samples-excel-ru.json' },
  { file: 'samples/contacts-utf8.csv', mapping: 'mappings/samples-utf8.json' },
  { file: 'samples/contacts.xlsx', mapping: 'mappings/samples-xlsx.json' },
];

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
// Every command of the demo starts with the same `get` request, and real SMSC answers the 4th
// identical request within a minute with error 9 (our client then waits a minute, as it must).
// The demo runs the emulator's throttling clock 600× faster so a minute is 0.1 s and the demo
// does not sit out those minutes; every other rule is played as the real service plays it.
const emulator = await startEmulator({ port: 0, stateFile: `${out}emulator-state.json`, clockScale: 600 });
const env = { ...process.env, SMSC_URL: emulator.url, SMSC_LOGIN: DEFAULT_ACCOUNT.login, SMSC_PASSWORD: DEFAULT_ACCOUNT.password };
delete env.SMSC_APIKEY;

function banner(text) {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

/** Runs the real CLI; the child's own exit code is shown, since 1 ("some rows rejected") is expected for messy samples. */
async function run(title, args) {
  banner(`${title}\n$ smsc-etl ${args.join(' ')}`);
  // Asynchronous on purpose: the emulator runs in this process and must keep answering.
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, env, stdio: 'inherit' });
  const [status] = await once(child, 'exit');
  process.stdout.write(`(exit ${status})\n`);
  return status;
}

/**
 * "Add these people to the Promo group": a file of phones and one group. The contacts gain Promo
 * through move_group (mode 2) and keep every other group, phone and field.
 */
async function membershipOnlyImport() {
  const file = 'samples/promo-members.csv';
  const groupsOf = () => {
    const { contacts, groups } = emulator.state();
    const names = new Map(groups.map((group) => [group.id, group.name]));
    const members = contacts.filter((contact) => contact.phones.some((phone) => ['79171234567', '79177654321', '79271112233'].includes(phone)));
    return new Map(members.map((contact) => [contact.int_id, { name: contact.name, groups: contact.groups.map((id) => names.get(id)) }]));
  };
  const before = groupsOf();
  await run(`import ${file} — dry run: the changes column shows grp: +Promo`, ['import', file, '--mapping', 'mappings/group-members.json', '--create-groups', '--dry-run', '--report', `${out}promo-members.dry-run.csv`]);
  process.stdout.write(readFileSync(`${out}promo-members.dry-run.csv`, 'utf8'));
  await run(`import ${file} — membership only, the other groups stay`, ['import', file, '--mapping', 'mappings/group-members.json', '--create-groups', '--report', `${out}promo-members.report.csv`]);
  let kept = before.size > 0;
  for (const [id, now] of groupsOf()) {
    const was = before.get(id)?.groups ?? [];
    process.stdout.write(`${now.name}: ${was.join(', ')} → ${now.groups.join(', ')}\n`);
    kept &&= was.every((group) => now.groups.includes(group)) && now.groups.includes('Promo');
  }
  banner(kept ? 'membership-only import: Promo added, every other group kept' : 'membership-only import LOST a group');
  return kept;
}

let failed = false;
try {
  for (const { file, mapping } of samples) {
    const name = file.replace(/^samples\//, '').replace(/\.\w+$/, '');
    await run(`clean ${file}`, ['clean', file, '--mapping', mapping, '--out', `${out}${name}.clean.csv`, '--rejects', `${out}${name}.rejects.csv`]);
  }
  for (const { file, mapping } of samples) {
    const name = file.replace(/^samples\//, '').replace(/\.\w+$/, '');
    await run(`import ${file} — dry run (the diff to review)`, ['import', file, '--mapping', mapping, '--create-groups', '--dry-run', '--report', `${out}${name}.dry-run.csv`]);
    await run(`import ${file} — for real`, ['import', file, '--mapping', mapping, '--create-groups', '--report', `${out}${name}.report.csv`]);
  }
  await run('import a stop-list into the blacklist', ['import', 'samples/stop-list.csv', '--mapping', 'mappings/blacklist.json', '--target', 'blacklist', '--report', `${out}stop-list.report.csv`]);
  // contacts.xlsx holds the same people as the Excel CSV with newer data, so the current truth is
  // the UTF-8 file plus the XLSX: re-importing them must change nothing.
  const before = emulator.stats();
  for (const { file, mapping } of samples.slice(1)) {
    const name = file.replace(/^samples\//, '').replace(/\.\w+$/, '');
    await run(`re-import ${file} — nothing to change, 0 write calls`, ['import', file, '--mapping', mapping, '--report', `${out}${name}.reimport.csv`]);
  }
  const after = emulator.stats();
  failed ||= !(await membershipOnlyImport());
  await run('export the account to XLSX (one sheet per kind)', ['export', '--out', `${out}account-{date}.xlsx`, '--what', 'contacts,groups,blacklist']);
  await run('export contacts to CSV for Russian Excel', ['export', '--out', `${out}contacts.csv`, '--delimiter', ';', '--bom']);

  banner('emulator stats');
  const { calls, ...rest } = after;
  process.stdout.write(`${JSON.stringify({ calls, ...rest }, null, 2)}\n`);
  const writes = (stats) => Object.entries(stats.calls ?? {}).filter(([command]) => !command.startsWith('get')).reduce((sum, [, n]) => sum + n, 0);
  const reimportWrites = writes(after) - writes(before);
  banner(`re-import write calls: ${reimportWrites}`);
  failed ||= reimportWrites !== 0;
  process.stdout.write(`\nOutputs in ${out}\n`);
} finally {
  await emulator.close();
}
process.exitCode = failed ? 1 : 0;
