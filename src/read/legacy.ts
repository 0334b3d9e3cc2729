import { execFile } from 'node:child_process';
import { constants, rmSync } from 'node:fs';
import { access, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, delimiter, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ReadError } from './errors.js';
import { isEncryptedPackage, oleStreamNames } from './ole.js';
import { openOds } from './ods.js';
import type { ReadOptions, Table } from './types.js';

/** LibreOffice needs a few seconds to start; a conversion that takes this long is stuck. */
const CONVERSION_TIMEOUT_MS = 120_000;
const SOFFICE_NAMES = ['soffice', 'libreoffice'];
const conversions = new Map<string, Promise<string>>();
const workDirs = new Set<string>();
process.once('exit', () => {
  for (const directory of workDirs) rmSync(directory, { recursive: true, force: true });
});

/**
 * An Excel 97–2003 workbook: no maintained npm library streams BIFF8 (and the npm `xlsx`
 * package has open CVEs), so LibreOffice converts it to .ods, which is then streamed like any
 * .ods. Without LibreOffice: a message saying what to do.
 */
export async function openLegacyWorkbook(file: string, options: ReadOptions): Promise<Table> {
  const streams = await oleStreamNames(file);
  if (!streams) throw new ReadError('ERR_READ_NOT_XLSX', file, 'an Excel 97–2003 (.xls) or other OLE file whose header is damaged: save it as .xlsx or CSV');
  if (isEncryptedPackage(streams)) throw new ReadError('ERR_READ_ENCRYPTED', file, 'the workbook is password-protected: save it without a password');
  if (streams.size > 0 && !streams.has('Workbook') && !streams.has('Book')) {
    throw new ReadError('ERR_READ_NOT_XLSX', file, 'an OLE file that is not an Excel workbook (a Word or Outlook file?): expected CSV, XLSX, XLS, ODS, HTML or vCard');
  }
  const soffice = await findSoffice();
  if (!soffice) {
    throw new ReadError('ERR_READ_NOT_XLSX', file, 'an Excel 97–2003 workbook (.xls): save it as .xlsx or CSV, or install LibreOffice (soffice) to have it converted');
  }
  // The import filter is named: left to guess, LibreOffice reads a damaged file as text.
  const converted = await convertedCopy(soffice, file, streams.has('Book') && !streams.has('Workbook') ? 'MS Excel 95' : 'MS Excel 97');
  return openOds(converted, options, { file, format: 'xls' });
}

/**
 * One conversion per file version and process: `import` opens its input several times (survey,
 * write, duplicate pre-pass), and each conversion costs LibreOffice's start-up. The copies are
 * removed when the process exits.
 */
async function convertedCopy(soffice: string, file: string, filter: string): Promise<string> {
  const { size, mtimeMs } = await stat(file);
  const key = `${resolve(file)}\0${size}\0${mtimeMs}`;
  let pending = conversions.get(key);
  if (!pending) {
    pending = (async () => {
      const workDir = await mkdtemp(join(tmpdir(), 'smsc-etl-xls-'));
      workDirs.add(workDir);
      return convertToOds(soffice, file, workDir, filter);
    })();
    conversions.set(key, pending);
    // A failed conversion is not remembered: the next attempt tries again.
    pending.catch(() => conversions.delete(key));
  }
  return pending;
}

async function convertToOds(soffice: string, file: string, workDir: string, filter: string): Promise<string> {
  const source = resolve(file);
  try {
    // A profile of its own: a running LibreOffice would otherwise take the job and return at once.
    await promisify(execFile)(
      soffice,
      [`-env:UserInstallation=${pathToFileURL(join(workDir, 'profile')).href}`, '--headless', '--norestore', `--infilter=${filter}`, '--convert-to', 'ods', '--outdir', workDir, source],
      { timeout: CONVERSION_TIMEOUT_MS },
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ReadError('ERR_READ_CORRUPT', file, `LibreOffice could not convert the .xls (${reason}): save it as .xlsx or CSV`, { cause: error });
  }
  const converted = join(workDir, `${basename(source, extname(source))}.ods`);
  try {
    await access(converted, constants.R_OK);
  } catch (error) {
    throw new ReadError('ERR_READ_CORRUPT', file, 'LibreOffice could not read the .xls (damaged, or not a workbook): save it as .xlsx or CSV', { cause: error });
  }
  return converted;
}

/** `soffice` (or `libreoffice`) on PATH. */
async function findSoffice(): Promise<string | undefined> {
  for (const directory of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of SOFFICE_NAMES) {
      const candidate = join(directory, name);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
