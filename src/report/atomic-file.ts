import { createWriteStream, type WriteStream } from 'node:fs';
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
      stream.destroy();
      await rm(temporary, { force: true });
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
