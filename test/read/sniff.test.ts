import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidentEncoding } from '../../src/read/encoding.js';
import { isHtml, isVcard } from '../../src/read/sniff.js';
import { fixture, readAll, readFailure } from './helpers.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'smsc-etl-sniff-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('formats by content, not by name', () => {
  it.each([
    ['bitrix-contacts.xls', 'contacts.csv', 'html'],
    ['android-contacts.vcf', 'contacts.txt', 'vcard'],
    ['repeats.ods', 'contacts.xlsx', 'ods'],
    ['utf8-stray-cp1251.csv', 'contacts.vcf', 'csv'],
  ])('%s renamed %s is read as %s', async (source, renamed, format) => {
    const file = join(scratch, renamed);
    await copyFile(fixture(source), file);
    expect((await readAll(file)).table.info.format).toBe(format);
  });

  it('knows HTML by its first tag and vCard by its first line, after a BOM, blanks and comments', () => {
    expect(isHtml(Buffer.from('\uFEFF\n  <!-- export -->\n<TABLE border=1>'))).toBe(true);
    expect(isHtml(Buffer.from('<Имя>;Телефон\n<a>;1'))).toBe(false);
    expect(isHtml(Buffer.from('Имя;<table>'))).toBe(false);
    expect(isVcard(Buffer.from('\uFEFF\r\nbegin:vcard\r\nVERSION:3.0'))).toBe(true);
    expect(isVcard(Buffer.from('name,note\nx,BEGIN:VCARD'))).toBe(false);
  });

  it('knows them in UTF-16 without a BOM too, in either byte order', () => {
    for (const encoding of ['utf16le', 'utf16be'] as const) {
      const bytes = (text: string) => (encoding === 'utf16le' ? Buffer.from(text, 'utf16le') : Buffer.from(text, 'utf16le').swap16());
      expect(isHtml(bytes('\r\n<html><body><table>'))).toBe(true);
      expect(isVcard(bytes('BEGIN:VCARD\r\nVERSION:2.1\r\nN:Иванов;Иван'))).toBe(true);
      // Characters whose low byte is NUL (一 U+4E00, Ā U+0100) are text, not a sign of the other byte order.
      expect(isVcard(bytes('BEGIN:VCARD\r\nN:一;Ā\r\n'))).toBe(true);
      expect(isVcard(bytes('Фамилия\tBEGIN:VCARD'))).toBe(false);
    }
  });

  // The first 64 KB, as the reader samples them.
  it.each(['multi-sheet.xlsx', 'contacts-libreoffice.xls', 'repeats.ods', 'truncated.xlsx'])('does not take the workbook %s for UTF-16 without a BOM', (name) => {
    const sample = readFileSync(fixture(name)).subarray(0, 64 * 1024);
    expect(sample.includes(0)).toBe(true);
    expect(evidentEncoding(sample)).toBeUndefined();
  });

  it('refuses 16-bit numbers (NUL high bytes, but control characters beside them) as binary, not as UTF-16 text', async () => {
    const file = join(scratch, 'samples.csv');
    const numbers = Buffer.alloc(8192);
    for (let index = 0; index < numbers.length / 2; index++) numbers.writeUInt16LE(1 + (index % 255), index * 2);
    await writeFile(file, numbers);
    expect(await readFailure(file)).toMatchObject({ code: 'ERR_READ_UNREADABLE', message: expect.stringContaining('not a text file') });
  });

  it('says so when an HTML page holds no table', async () => {
    const file = join(scratch, 'page.xls');
    await writeFile(file, '<!DOCTYPE html><html><body><p>Экспорт не удался</p></body></html>');
    expect(await readFailure(file)).toMatchObject({ code: 'ERR_READ_NO_HEADER', message: expect.stringContaining('no table with rows') });
  });
});
