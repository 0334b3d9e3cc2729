/**
 * Small file systems mounted for a test: a tmpfs that fills up after `sizeKb`, or one mounted
 * read-only — the failures a permission bit cannot play, since the tests run as root and root
 * writes through permission bits. Mounting needs root (or CAP_SYS_ADMIN): where it is not
 * allowed, `mountTmpfs` resolves to undefined and the test skips.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Mounted {
  readonly path: string;
  /** Gives the file system more room (to go on after a disk-full failure). */
  resize(sizeKb: number): Promise<void>;
  unmount(): Promise<void>;
}

export async function mountTmpfs(path: string, options: { sizeKb: number; readOnly?: boolean }): Promise<Mounted | undefined> {
  await mkdir(path, { recursive: true });
  const flags = [`size=${options.sizeKb}k`, ...(options.readOnly === true ? ['ro'] : [])].join(',');
  try {
    await run('mount', ['-t', 'tmpfs', '-o', flags, 'tmpfs', path]);
  } catch {
    return undefined;
  }
  return {
    path,
    resize: async (sizeKb) => void (await run('mount', ['-o', `remount,size=${sizeKb}k`, path])),
    // Lazy: a child process that still holds a file open must not make the clean-up fail.
    unmount: async () => void (await run('umount', ['-l', path]).catch(() => undefined)),
  };
}
