import { createWriteStream, readdirSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { isRunning } from '../pid.js';
import { OutputWriteError } from './output-error.js';

/**
 * A file that appears under its name only when complete: bytes go to a hidden temporary sibling
 * that `commit` renames over the target, so a crash or error leaves the previous file untouched.
 * `-` writes to stdout (nothing to commit).
 *
 * Every failure of the stream (ENOSPC, EACCES, EPIPE…) is kept: `check` throws it, `guard` makes a
 * wait (for `drain`, say) fail with it instead of waiting for ever, and `commit` refuses to rename a
 * file that failed. Each is an OutputWriteError naming the file.
 */
export interface AtomicFile {
  readonly stream: Writable;
  readonly path: string;
  /** Throws the stream's failure, if any. */
  check(): void;
  /** `promise`, unless the stream fails first: then its failure. */
  guard<T>(promise: Promise<T>): Promise<T>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

interface FailureWatch {
  check(): void;
  guard<T>(promise: Promise<T>): Promise<T>;
}

function watchFailures(stream: Writable, path: string): FailureWatch {
  let failure: OutputWriteError | undefined;
  const waiting = new Set<(error: OutputWriteError) => void>();
  stream.on('error', (error) => {
    failure ??= new OutputWriteError(path, error);
    for (const reject of waiting) reject(failure);
    waiting.clear();
  });
  return {
    check() {
      if (failure !== undefined) throw failure;
    },
    guard(promise) {
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting.add(reject);
        promise.then(resolve, reject).finally(() => waiting.delete(reject));
      });
    },
  };
}

export function openAtomicFile(path: string): AtomicFile {
  if (path === '-') return stdoutFile();
  // /dev/null, a named pipe, /dev/fd/N: renaming a file over them would replace the device itself.
  if (existsAsNonFile(path)) return inPlaceFile(path);
  removeStaleTemporaries(path);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const stream: WriteStream = createWriteStream(temporary);
  const watch = watchFailures(stream, path);
  let settled = false;
  return {
    stream,
    path,
    ...watch,
    async commit() {
      if (settled) return;
      settled = true;
      if (!stream.writableEnded) stream.end();
      await closed(stream);
      try {
        watch.check();
        await rename(temporary, path).catch((error: unknown) => {
          throw new OutputWriteError(path, error);
        });
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
      const closing = closed(stream);
      stream.destroy();
      await closing;
      await rm(temporary, { force: true });
    },
  };
}

/** Resolves when the stream has closed, failed or not (its failure is the watch's to report). */
function closed(stream: Writable): Promise<void> {
  return stream.closed ? Promise.resolve() : new Promise<void>((resolve) => stream.once('close', () => resolve()));
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
  const watch = watchFailures(stream, path);
  return {
    stream,
    path,
    ...watch,
    async commit() {
      if (!stream.writableEnded) stream.end();
      await closed(stream);
      watch.check();
    },
    async abort() {
      stream.destroy();
    },
  };
}

function stdoutFile(): AtomicFile {
  const stream = process.stdout;
  const watch = watchFailures(stream, '-');
  return {
    stream,
    path: '-',
    ...watch,
    async commit() {
      if (stream.writableNeedDrain) await watch.guard(once(stream, 'drain'));
      watch.check();
    },
    async abort() {},
  };
}
