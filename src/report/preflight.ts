/**
 * Output paths checked before a run reads the account or sends anything: a report that cannot be
 * written must not be found out after the writes to SMSC. Each output's directory must exist and
 * take a new file (a probe file is created and removed: `access()` alone says yes to root on a
 * directory whose permissions say no), and the path must not be a directory.
 */
import { constants } from 'node:fs';
import { access, open, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeCause, OutputPathError } from './output-error.js';

export interface OutputTarget {
  /** What the file is, for the message: `report`, `clean file`, `export`… */
  label: string;
  /** A file path, or `-` for stdout (not checked). */
  path: string;
}

export async function checkOutputPaths(targets: readonly OutputTarget[]): Promise<void> {
  for (const target of targets) if (target.path !== '-') await checkOutputPath(target);
}

async function checkOutputPath({ label, path }: OutputTarget): Promise<void> {
  const fail = (cause: string) => new OutputPathError(path, `cannot write the ${label} ${JSON.stringify(path)}: ${cause}`);
  const existing = await stat(path).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(fail(describeCause(error)))));
  if (existing?.isDirectory()) throw fail('it is a directory; give a file name');
  if (existing !== undefined && !existing.isFile()) {
    // A device or a pipe (/dev/null, /dev/stdout) is written in place: it only has to open.
    await access(path, constants.W_OK).catch((error: unknown) => Promise.reject(fail(describeCause(error))));
    return;
  }
  const directory = dirname(path);
  const found = await stat(directory).catch(() => undefined);
  if (found === undefined) throw fail(`directory ${JSON.stringify(directory)} does not exist`);
  if (!found.isDirectory()) throw fail(`${JSON.stringify(directory)} is not a directory`);
  const probe = join(directory, `.${basename(path)}.${process.pid}.probe`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (error) {
    throw fail(`cannot create a file in ${JSON.stringify(directory)}: ${describeCause(error)}`);
  } finally {
    await rm(probe, { force: true });
  }
}
