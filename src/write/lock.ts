/**
 * One run per report and journal: a lock file beside them, created exclusively and holding the
 * PID of the run that owns it. A second run on the same report refuses, naming the first; a lock
 * whose process is gone (a crash, `kill -9`) is stale and taken over. The lock is removed when the
 * run ends, however it ends short of `kill -9`.
 */
import { readFileSync, rmSync } from 'node:fs';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { EtlError, EXIT } from '../errors.js';
import { isRunning } from '../pid.js';

export interface RunLock {
  readonly path: string;
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  started: string;
  /** The kernel's start time of the process (Linux): a PID reused by another process after a crash does not hold the lock. */
  processStart?: string;
}

export class RunLockedError extends EtlError {
  declare readonly code: 'ERR_RUN_LOCKED';
  constructor(lockPath: string, owner: LockOwner) {
    super(
      'ERR_RUN_LOCKED',
      `another import (PID ${owner.pid}, started ${owner.started}) is using this report and journal: wait for it to finish; if no such process runs, remove ${lockPath}`,
      { exitCode: EXIT.badInput },
    );
  }
}

/** `report.csv` → `report.csv.lock`, beside `report.csv.journal`. */
export function lockPathFor(report: string): string {
  return `${report}.lock`;
}

export async function acquireRunLock(path: string): Promise<RunLock> {
  const processStart = processStartOf(process.pid);
  const owner: LockOwner = { pid: process.pid, started: new Date().toISOString(), ...(processStart === undefined ? {} : { processStart }) };
  // Written aside and linked into place: the lock never exists without its owner inside.
  const draft = `${path}.${process.pid}.tmp`;
  await writeFile(draft, `${JSON.stringify(owner)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(draft, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const current = await readOwner(path);
        if (current !== undefined && (holds(current) || attempt > 0)) throw new RunLockedError(path, current);
        // Stale: its process is gone (a crash, `kill -9`). Taken over once; a second run racing for it loses.
        await rm(path, { force: true });
      }
    }
  } finally {
    await rm(draft, { force: true });
  }
  let held = true;
  const releaseNow = () => {
    if (held && ownedByUs(path)) rmSync(path, { force: true });
    held = false;
  };
  // process.exit() (a fatal error reaching the CLI) skips every `finally`: remove the lock anyway.
  process.once('exit', releaseNow);
  return {
    path,
    async release() {
      process.off('exit', releaseNow);
      releaseNow();
    },
  };
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return parseOwner(text);
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number') return undefined;
    return { pid: parsed.pid, started: String(parsed.started), ...(typeof parsed.processStart === 'string' ? { processStart: parsed.processStart } : {}) };
  } catch {
    return undefined;
  }
}

/** The owner's process still runs — the same process, not another one that got its PID. */
function holds(owner: LockOwner): boolean {
  if (!isRunning(owner.pid)) return false;
  const now = processStartOf(owner.pid);
  return owner.processStart === undefined || now === undefined || now === owner.processStart;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined off Linux. */
function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function ownedByUs(path: string): boolean {
  try {
    return parseOwner(readFileSync(path, 'utf8'))?.pid === process.pid;
  } catch {
    return false;
  }
}

