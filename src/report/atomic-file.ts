import { createWriteStream, readdirSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * A file that appears under its name only when complete: bytes go to a hidden temporary sibling
 * that `commit` renames over the target, so a crash or error leaves the previous file untouched.
 * `-` writes to stdout (nothing to commit).
 */
export interface AtomicFile {
  readonly stream: Writable;
  readonly path: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export function openAtomicFile(path: string): AtomicFile {
  if (path === '-') return stdoutFile();
  // /dev/null, a named pipe, /dev/fd/N: renaming a file over them would replace the device itself.
  if (existsAsNonFile(path)) return inPlaceFile(path);
  removeStaleTemporaries(path);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const stream: WriteStream = createWriteStream(temporary);
  let settled = false;
  return {
    stream,
    path,
    async commit() {
      if (settled) return;
      settled = true;
      if (!stream.writableEnded) stream.end();
      if (!stream.closed) await once(stream, 'close');
      try {
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async abort() {
      if (settled) return;
      settled = true;
      // The file may still be opening: removing it before the stream has closed would let the
      // pending open create it again.
      const closed = stream.closed ? Promise.resolve() : new Promise<void>((resolve) => stream.once('close', () => resolve()));
      stream.destroy();
      await closed;
      await rm(temporary, { force: true });
    },
  };
}

/**
 * A run killed with `kill -9` cannot remove its temporary file; the next run writing the same file
 * does, when the process that owned it is gone.
 */
function removeStaleTemporaries(path: string): void {
  const directory = dirname(path);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  for (const name of names) {
    const owner = name.startsWith(prefix) ? /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (owner && !isRunning(Number(owner[1]))) rmSync(join(directory, name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function existsAsNonFile(path: string): boolean {
  try {
    return !statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Written where it is: there is no previous content to protect in a device or a pipe. */
function inPlaceFile(path: string): AtomicFile {
  const stream = createWriteStream(path);
  return {
    stream,
    path,
    async commit() {
      if (!stream.writableEnded) stream.end();
      if (!stream.closed) await once(stream, 'close');
    },
    async abort() {
      stream.destroy();
    },
  };
}

function stdoutFile(): AtomicFile {
  return {
    stream: process.stdout,
    path: '-',
    async commit() {},
    async abort() {},
  };
}
