import { Command, InvalidArgumentError } from 'commander';
import { startEmulator, type EmulatorOptions, type FaultOptions } from '../../emulator/index.js';
import { settingsReader } from '../../smsc/credentials.js';
import type { Output } from '../output.js';
import { parsePositiveInteger } from '../read-options.js';

export function emulatorCommand(output: Output): Command {
  return new Command('emulator')
    .description('run a local SMSC emulator (phones.php, mails.php) to rehearse an import or export')
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', parsePort, 8080)
    .option('--state <file>', 'load the account from this JSON file and save every change back to it')
    .option('--page-size <n>', 'rows per list page when the request has no cnt (default 100)', parsePositiveInteger)
    .option('--ignore-cnt', 'play a service that ignores cnt (every page has --page-size rows)', false)
    .option('--duplicate-add <policy>', 'what `add` of an existing phone does: error (5 save error) | allow (second contact)', parseChoice(['error', 'allow']))
    .option('--get-end <form>', 'what a list command returns past its end: empty-array | error-3 | empty-body', parseChoice(['empty-array', 'error-3', 'empty-body']))
    .option('--clock-scale <factor>', 'run throttling clocks this many times faster', parseRate(1, Number.MAX_SAFE_INTEGER))
    .option('--seed <n>', 'seed of the fault generator', parsePositiveInteger)
    .option('--latency <ms>', 'added latency per request', parseRate(0, 600_000))
    .option('--http500-rate <p>', 'share of requests answered HTTP 500', parseRate(0, 1))
    .option('--reset-rate <p>', 'share of connections reset before applying', parseRate(0, 1))
    .option('--lost-reply-rate <p>', 'share of writes applied whose reply is lost', parseRate(0, 1))
    .option('--error9-rate <p>', 'share of requests answered with error 9', parseRate(0, 1))
    .option('--truncate-rate <p>', 'share of replies cut in half after applying', parseRate(0, 1))
    .option('--slow-rate <p>', 'share of replies delayed by --slow-ms', parseRate(0, 1))
    .option('--slow-ms <ms>', 'extra delay of a slow reply', parseRate(0, 600_000))
    .addHelpText(
      'after',
      '\nAccount: SMSC_LOGIN + SMSC_PASSWORD and SMSC_APIKEY from the environment (or .env) if set, else login "demo", password "demo-password", API key "demo-apikey".\nIntrospection (loopback only): GET /__emulator/state, GET /__emulator/stats, POST /__emulator/reset (JSON state), POST /__emulator/faults (JSON fault options).',
    )
    .action(async (options: Record<string, unknown>) => {
      const emulator = await startEmulator(emulatorOptionsFrom(options));
      output.info(`SMSC emulator listening on ${emulator.url} (SMSC_URL=${emulator.url})`);
      const stop = () => void emulator.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

function emulatorOptionsFrom(options: Record<string, unknown>): EmulatorOptions {
  const number = (key: string) => (typeof options[key] === 'number' ? options[key] : undefined);
  const faults: FaultOptions = {
    seed: number('seed'),
    latencyMs: number('latency'),
    http500Rate: number('http500Rate'),
    resetRate: number('resetRate'),
    lostReplyRate: number('lostReplyRate'),
    error9Rate: number('error9Rate'),
    truncateRate: number('truncateRate'),
    slowRate: number('slowRate'),
    slowMs: number('slowMs'),
  };
  // The same settings the importer reads, so `SMSC_URL=<emulator>` plus the usual .env just works.
  const read = settingsReader();
  const login = read('SMSC_LOGIN');
  const password = read('SMSC_PASSWORD');
  return {
    port: number('port'),
    stateFile: typeof options.state === 'string' ? options.state : undefined,
    pageSize: number('pageSize'),
    ignoreCnt: options.ignoreCnt === true,
    clockScale: number('clockScale'),
    duplicatePhoneOnAdd: options.duplicateAdd as EmulatorOptions['duplicatePhoneOnAdd'],
    getEnd: options.getEnd as EmulatorOptions['getEnd'],
    faults,
    accounts: login && password ? [{ login, password, apikey: read('SMSC_APIKEY') }] : undefined,
  };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError(`expected a port 0–65535, got "${value}"`);
  return port;
}

function parseRate(min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isFinite(number) || number < min || number > max) throw new InvalidArgumentError(`expected a number ${min}–${max}, got "${value}"`);
    return number;
  };
}

function parseChoice(choices: readonly string[]) {
  return (value: string): string => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${value}"`);
    return value;
  };
}
