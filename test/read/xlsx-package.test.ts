import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bookParts, zipParts, type Parts } from './handmade-xlsx.js';
import { readAll, readFailure } from './helpers.js';

// Workbooks built part by part: the classes of real files the calamine corpus shows once each,
// varied so that the reader is not fitted to those files.
const scratch = mkdtempSync(join(tmpdir(), 'smsc-etl-xlsx-package-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;
const write = (parts: Parts): string => {
  const file = join(scratch, `book${count++}.xlsx`);
  writeFileSync(file, zipParts(parts));
  return file;
};
const day = (year: number, month: number, date: number): Date => new Date(Date.UTC(year, month - 1, date));
const utf16 = (text: string, order: 'le' | 'be'): Buffer => {
  const le = Buffer.from(`\uFEFF${text}`, 'utf16le');
  return order === 'le' ? le : le.swap16();
};
const replacing = (parts: Parts, name: string, content: string | Buffer): Parts => parts.map(([part, old]) => [part, part === name ? content : old]);

const HEADER = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>';

describe('package layout', () => {
  it('reads UTF-16 parts, little- and big-endian', async () => {
    const parts = bookParts({ sheet: `${HEADER}<row r="2"><c r="A2" t="inlineStr"><is><t>Пётр</t></is></c><c r="B2"><v>79161234567</v></c></row>`, sharedStrings: ['Имя', 'Телефон'] });
    const sharedStrings = parts.find(([name]) => name === 'xl/sharedStrings.xml')?.[1] as string;
    const sheet = parts.find(([name]) => name === 'xl/worksheets/sheet1.xml')?.[1] as string;
    const file = write(replacing(replacing(parts, 'xl/sharedStrings.xml', utf16(`<?xml version="1.0" encoding="UTF-16"?>${sharedStrings}`, 'le')), 'xl/worksheets/sheet1.xml', utf16(sheet, 'be')));
    const { table, rows } = await readAll(file);
    expect(table.info.headers).toEqual(['Имя', 'Телефон']);
    expect(rows).toEqual([{ row: 2, cells: ['Пётр', '79161234567'] }]);
  });

  it('follows relationships to parts anywhere, named in any case, with any namespace prefix', async () => {
    const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
    const office = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
    const file = write([
      ['data/Sheet-A.XML', `<s:worksheet xmlns:s="${main}"><s:dimension ref="A1"/><s:sheetData><s:row><s:c t="s"><s:v>0</s:v></s:c><s:c t="s"><s:v>1</s:v></s:c></s:row><s:row><s:c/><s:c t="str"><s:f>A1</s:f><s:v>x</s:v></s:c></s:row></s:sheetData></s:worksheet>`],
      ['Book/strings.xml', `<s:sst xmlns:s="${main}"><s:si><s:t>Имя</s:t></s:si><s:si><s:r><s:t>Теле</s:t></s:r><s:r><s:t>фон</s:t></s:r></s:si></s:sst>`],
      ['Book/_rels/Main.xml.rels', `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="a" Type="${office}/worksheet" Target="../data/sheet-a.xml"/><Relationship Id="b" Type="${office}/sharedStrings" Target="/book/STRINGS.xml"/></Relationships>`],
      ['Book/Main.xml', `<s:workbook xmlns:s="${main}" xmlns:rel="${office}"><s:sheets><s:sheet name="Контакты" sheetId="7" rel:id="a"/></s:sheets></s:workbook>`],
      ['_rels/.rels', `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r" Type="${office}/officeDocument" Target="Book/Main.xml"/></Relationships>`],
    ]);
    const { table, rows } = await readAll(file);
    expect(table.info).toMatchObject({ sheet: 'Контакты', headerRow: 1, headers: ['Имя', 'Телефон'] });
    expect(rows).toEqual([{ row: 2, cells: ['', 'x'] }]);
  });

  it('tells a Word document and a binary workbook from an .xlsx', async () => {
    const office = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
    const rootRels = (target: string): Parts[number] => ['_rels/.rels', `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r" Type="${office}/officeDocument" Target="${target}"/></Relationships>`];
    const docx = write([rootRels('word/document.xml'), ['word/document.xml', '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>']]);
    await expect(readFailure(docx)).resolves.toMatchObject({ code: 'ERR_READ_NOT_XLSX', message: `${docx}: a ZIP archive whose main part word/document.xml is a document, not a workbook: not an .xlsx file` });
    const xlsb = write([rootRels('xl/workbook.bin'), ['xl/workbook.bin', Buffer.from([0x83, 0x01, 0x00])]]);
    await expect(readFailure(xlsb)).resolves.toMatchObject({ code: 'ERR_READ_NOT_XLSX', message: `${xlsb}: an Excel binary workbook (.xlsb): save it as .xlsx or CSV` });
  });

  it('says which part is damaged', async () => {
    const parts = bookParts({ sheet: HEADER, sharedStrings: ['Имя', 'Телефон'] });
    const file = write(replacing(parts, 'xl/sharedStrings.xml', '<sst><si><t>Имя</t></si>'));
    await expect(readFailure(file)).resolves.toMatchObject({ code: 'ERR_READ_CORRUPT', message: expect.stringContaining('the workbook is damaged (xl/sharedStrings.xml: ') });
  });
});

describe('cell values', () => {
  it('takes date-ness from custom and built-in formats of cellXfs, in both date systems', async () => {
    const sheet =
      `${HEADER}<row r="2"><c r="A2" s="1"><v>31174</v></c><c r="B2" s="2"><v>31174.5</v></c></row>` +
      '<row r="3"><c r="A3" s="3"><v>0.5</v></c><c r="B3" s="0"><v>31174</v></c></row>' +
      '<row r="4"><c r="A4" s="4"><v>31174</v></c><c r="B4" s="5"><v>31174</v></c></row>';
    const styles = { xfs: [0, 164, 22, 165, 166, 167], formats: { 164: '[$-F800]dddd, mmmm dd, yyyy', 165: '[h]:mm', 166: '"Дата: "0', 167: 'yyyy"年"m"月"' } };
    const excel = await readAll(write(bookParts({ sheet, sharedStrings: ['Дата', 'Время'], styles })));
    expect(excel.rows).toEqual([
      { row: 2, cells: [day(1985, 5, 7), day(1985, 5, 7)] },
      { row: 3, cells: ['0.5', '31174'] },
      { row: 4, cells: ['31174', day(1985, 5, 7)] },
    ]);
    const mac = await readAll(write(bookParts({ sheet, sharedStrings: ['Дата', 'Время'], styles, date1904: true })));
    expect(mac.rows[0]?.cells).toEqual([day(1989, 5, 8), day(1989, 5, 8)]);
  });

  it('keeps cached formula results of every kind and reports errors by cell', async () => {
    const sheet =
      `${HEADER}<row r="2"><c r="A2"><f>B1*0</f><v>0</v></c><c r="B2" t="b"><f>1=2</f><v>0</v></c><c r="C2" t="str"><f>"79"&amp;"16"</f><v>7916</v></c>` +
      '<c r="D2" t="e"><f t="shared" si="0" ref="D2:D3">1/0</f><v>#DIV/0!</v></c></row><row r="3"><c r="D3" t="e"><f t="shared" si="0"/><v>#DIV/0!</v></c><c r="E3"><f>NOW()</f></c></row>';
    const { rows, warnings } = await readAll(write(bookParts({ sheet, sharedStrings: ['Имя', 'Телефон'] })));
    expect(rows).toEqual([{ row: 2, cells: ['0', 'FALSE', '7916', ''] }]);
    expect(warnings.map((warning) => [warning.code, `${warning.column}${warning.row}`, warning.value])).toEqual([
      ['ERROR_CELL', 'D2', '#DIV/0!'],
      ['ERROR_CELL', 'D3', '#DIV/0!'],
    ]);
  });

  it('places cells by r where present and by order where not, whatever the dimension says', async () => {
    const sheet = `<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row><row><c r="C2"><v>3</v></c><c><v>4</v></c></row><row r="9"><c t="inlineStr"><is><t xml:space="preserve"> a </t><rPh><t>ア</t></rPh></is></c></row>`;
    const file = write(bookParts({ sheet, sharedStrings: ['Имя', 'Телефон'] }).map(([name, content]) => [name, name.endsWith('sheet1.xml') ? (content as string).replace('<sheetData>', '<dimension ref="A1:B1"/><sheetData>') : content]));
    const { rows } = await readAll(file);
    expect(rows).toEqual([
      { row: 2, cells: ['', '', '3', '4'] },
      { row: 9, cells: [' a '] },
    ]);
  });
});
