import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { oleStreamNames } from '../../src/read/ole.js';
import { fixture, readAll, readFailure } from './helpers.js';

const hasSoffice = (() => {
  try {
    execFileSync('soffice', ['--version'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
})();

const workDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('smsc-etl-xls-'));

/** A compound file whose first directory sector lists `names` (sector size 512, directory at sector 0). */
function compoundFile(names: readonly string[]): Buffer {
  const file = Buffer.alloc(1024);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(file);
  file.writeUInt16LE(3, 26);
  file.writeUInt16LE(9, 30);
  file.writeInt32LE(0, 48);
  names.forEach((name, index) => {
    const at = 512 + index * 128;
    file.write(name, at, 'utf16le');
    file.writeUInt16LE((name.length + 1) * 2, at + 64);
  });
  return file;
}

describe('legacy .xls (OLE)', () => {
  const path = process.env.PATH;
  const existingWorkDirs = new Set(workDirs());
  afterEach(() => {
    process.env.PATH = path;
  });
  // The converted copies go when the process exits; vitest ends its workers without that event.
  afterAll(() => {
    for (const name of workDirs()) if (!existingWorkDirs.has(name)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  });

  it('names the streams of the compound file LibreOffice wrote', async () => {
    expect([...((await oleStreamNames(fixture('contacts-libreoffice.xls'))) ?? [])]).toContain('Workbook');
  });

  it.skipIf(!hasSoffice)('converts an .xls through LibreOffice and reads it like the .ods (runs where soffice is installed)', { timeout: 120_000 }, async () => {
    const { table, rows, warnings } = await readAll(fixture('contacts-libreoffice.xls'), { expectedHeaders: ['ФИО', 'Телефон'] });
    expect(table.info).toEqual({
      file: fixture('contacts-libreoffice.xls'),
      format: 'xls',
      sheet: 'Клиенты',
      headerRow: 3,
      headers: ['ФИО', 'Телефон', 'Дата рождения', 'VIP', 'Баланс', 'Код'],
    });
    // Opened again (import reads its input more than once): converted once.
    const before = workDirs().length;
    expect((await readAll(fixture('contacts-libreoffice.xls'), { sheet: 'Сводка' })).table.info.sheet).toBe('Сводка');
    expect(workDirs().length).toBe(before);
    const ods = await readAll(fixture('contacts-libreoffice.ods'), { expectedHeaders: ['ФИО', 'Телефон'] });
    // The same cells, except that =TRUE() lost its boolean look in the .xls: LibreOffice shows 1 and 0.
    const shownInXls = (cell: unknown) => (cell === 'TRUE' ? '1' : cell === 'FALSE' ? '0' : cell);
    expect(rows).toEqual(ods.rows.map((row) => ({ ...row, cells: row.cells.map(shownInXls) })));
    expect(warnings).toEqual(ods.warnings);
  });

  it.skipIf(!hasSoffice)('refuses a truncated .xls instead of letting LibreOffice read it as text', { timeout: 120_000 }, async () => {
    const truncated = join(tmpdir(), `smsc-etl-truncated-${process.pid}.xls`);
    const whole = await readFile(fixture('contacts-libreoffice.xls'));
    await writeFile(truncated, whole.subarray(0, whole.length / 2));
    expect(await readFailure(truncated)).toMatchObject({ code: 'ERR_READ_CORRUPT', message: expect.stringContaining('LibreOffice could not read the .xls') });
  });

  it('without LibreOffice, says what to do', async () => {
    process.env.PATH = '';
    const error = await readFailure(fixture('contacts-libreoffice.xls'));
    expect(error).toMatchObject({ code: 'ERR_READ_NOT_XLSX', message: expect.stringContaining('an Excel 97–2003 workbook (.xls): save it as .xlsx or CSV, or install LibreOffice') });
  });

  it('tells a password-protected workbook and an OLE file that is no workbook from an .xls', async () => {
    const encrypted = join(tmpdir(), `smsc-etl-encrypted-${process.pid}.xlsx`);
    await writeFile(encrypted, compoundFile(['Root Entry', 'EncryptionInfo', 'EncryptedPackage']));
    expect(await readFailure(encrypted)).toMatchObject({ code: 'ERR_READ_ENCRYPTED', message: expect.stringContaining('the workbook is password-protected: save it without a password') });
    const word = join(tmpdir(), `smsc-etl-word-${process.pid}.xls`);
    await writeFile(word, compoundFile(['Root Entry', 'WordDocument', '1Table']));
    expect(await readFailure(word)).toMatchObject({ code: 'ERR_READ_NOT_XLSX', message: expect.stringContaining('an OLE file that is not an Excel workbook') });
    const damaged = compoundFile([]);
    damaged.writeUInt16LE(0, 30);
    await writeFile(word, damaged);
    expect(await readFailure(word)).toMatchObject({ code: 'ERR_READ_NOT_XLSX', message: expect.stringContaining('OLE file whose header is damaged') });
  });
});
