/**
 * The built CLI (`node dist/cli/main.js`) as a child process, the way users run it. The child must
 * be asynchronous: the emulator it talks to runs in the test's own event loop.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { DEMO, REPO } from './import-run.js';

export const CLI = join(REPO, 'dist/cli/main.js');

/**
 * Compiles src/ to dist/. Type errors elsewhere in the tree do not stop tsc from emitting, so
 * success is judged by the entry point being there.
 */
export async function buildCli(): Promise<void> {
  await new Promise<void>((resolve) => {
    execFile(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.build.json')], { cwd: REPO }, () => resolve());
  });
  await access(CLI);
}

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
