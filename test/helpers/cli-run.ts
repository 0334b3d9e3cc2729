/**
 * The built CLI (`node dist/cli/main.js`) as a child process that a test can also kill, the way
 * users run it. The child must be asynchronous: the emulator it talks to runs in the test's own
 * event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { CLI } from './cli.js';
import { DEMO, writeCallCount } from './import-run.js';

// dist/ is built (when older than src/) once per vitest run by test/global-setup.ts; building again
// here would rewrite dist/ under other test files that are running the CLI at the same moment.

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment the CLI reads its SMSC settings from; nothing inherited can point it elsewhere. */
export function smscEnv(emulator: RunningEmulator, password: string = DEMO.password): NodeJS.ProcessEnv {
  const { SMSC_APIKEY: _key, SMSC_MIRRORS: _mirrors, ...rest } = process.env;
  return { ...rest, SMSC_URL: emulator.url, SMSC_LOGIN: DEMO.login, SMSC_PASSWORD: password };
}

export function startCli(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd: string }): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Promise<CliResult> {
  return startCli(args, options).done;
}

/** The lines of a message for people on stderr, without the `Reading …` line that says what the reader detected. */
export function messageLines(stderr: string): string[] {
  return stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('Reading '));
}

/** A message for people: one line on stderr (besides what the reader detected), no stack trace. */
export function expectOneLine(result: CliResult, pattern: RegExp): void {
  const lines = messageLines(result.stderr);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/** Runs the CLI against `emulator` and SIGKILLs it once the emulator has seen `writes` write calls in all. */
export async function killAfterWrites(emulator: RunningEmulator, args: readonly string[], writes: number, cwd: string): Promise<CliResult> {
  const { child, done } = startCli(args, { env: smscEnv(emulator), cwd });
  const watch = setInterval(() => {
    if (writeCallCount(emulator.stats()) >= writes) child.kill('SIGKILL');
  }, 2);
  try {
    return await done;
  } finally {
    clearInterval(watch);
  }
}
