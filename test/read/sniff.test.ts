import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('says so when an HTML page holds no table', async () => {
    const file = join(scratch, 'page.xls');
    await writeFile(file, '<!DOCTYPE html><html><body><p>Экспорт не удался</p></body></html>');
    expect(await readFailure(file)).toMatchObject({ code: 'ERR_READ_NO_HEADER', message: expect.stringContaining('no table with rows') });
  });
});
