import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openTable } from '../../src/read/index.js';
import { readAll, readFailure } from './helpers.js';
import { answeredSheets, compareWorkbook } from './spreadsheet-oracle.js';

// Real workbooks from many producers (../shared/realworld/calamine/SOURCES.md), each compared with
// LibreOffice's reading of it, stored once by scripts/libreoffice-answers.js: soffice is not needed here.
const CORPUS = fileURLToPath(new URL('../../../shared/realworld/calamine/', import.meta.url));
const ANSWERS = fileURLToPath(new URL('../fixtures/libreoffice/calamine/', import.meta.url));
const workbooks = readdirSync(CORPUS).filter((name) => /\.xls[xm]$/.test(name)).sort();

/** Workbooks LibreOffice gives no answer for, and what we read instead (checked in the sheet XML). */
const WITHOUT_ANSWER = ['issue_530.xlsx', 'issue_693.xlsx', 'pass_protected.xlsx'];
/** A damaged package LibreOffice shows as an empty sheet: we say it is damaged. */
const DAMAGED = ['issue252.xlsx'];

/**
 * Where LibreOffice is the one that differs from Excel (checked in the sheet XML), the difference
 * is stated, sheet by sheet: the first cell that differs.
 */
const KNOWN_DIFFERENCES: Record<string, Array<{ sheet: string; difference: string }>> = {
  // D2 is an inline rich-text string "1." with a redundant `<v>1.0</v>`: Excel shows the string, LibreOffice nothing.
  'inlineStr_with_value.xlsx': [{ sheet: 'Requirements', difference: 'D2: LibreOffice "", ours "1."' }],
  // Booleans in date-styled cells: Excel shows TRUE/FALSE, LibreOffice formats 1/0 as dates. Pivot
  // tables: LibreOffice recomputes them with its own labels, Excel's cached cells are what Excel shows.
  'pivots.xlsx': [
    { sheet: 'DataSheet', difference: 'H2: LibreOffice "12/31/1899", ours "TRUE"' },
    { sheet: 'DataSheet2', difference: 'H2: LibreOffice "12/31/1899", ours "TRUE"' },
    { sheet: 'PivotSheet1', difference: 'B1: LibreOffice "- multiple -", ours "(Multiple Items)"' },
    { sheet: 'PivotSheet2', difference: 'B1: LibreOffice "- all -", ours "(All)"' },
    { sheet: 'PivotSheet3', difference: 'B1: LibreOffice "- multiple -", ours "(Multiple Items)"' },
    { sheet: 'PivotSheet4', difference: 'A1: LibreOffice "Category", ours "Row Labels"' },
  ],
  // `RAND()`: LibreOffice recalculates on load; we read the value Excel saved.
  'table_with_insertrow_attribute.xlsx': [{ sheet: 'Sheet1', difference: 'E9: LibreOffice "16.6485215143839", ours "62.2038720159507"' }],
};

describe('every calamine workbook reads as LibreOffice shows it', () => {
  it('has an answer for every workbook but the ones stated below', () => {
    expect(workbooks.filter((name) => answeredSheets(`${ANSWERS}${name}`) === undefined)).toEqual(WITHOUT_ANSWER);
  });

  it.each(workbooks.filter((name) => !WITHOUT_ANSWER.includes(name) && !DAMAGED.includes(name)))('%s', async (name) => {
    const comparisons = await compareWorkbook(openTable, `${CORPUS}${name}`, `${ANSWERS}${name}`);
    expect(comparisons.length).toBeGreaterThan(0);
    expect(comparisons.filter((sheet) => sheet.difference !== undefined)).toEqual(KNOWN_DIFFERENCES[name] ?? []);
  });
});

describe('workbooks LibreOffice cannot answer for', () => {
  it('issue252.xlsx: a damaged relationships part is named', async () => {
    const file = `${CORPUS}issue252.xlsx`;
    await expect(readFailure(file)).resolves.toMatchObject({
      code: 'ERR_READ_CORRUPT',
      message: `${file}: cannot read the .xlsx: the workbook is damaged (xl/_rels/workbook.xml.rels: disallowed character in attribute name.)`,
    });
  });

  it('pass_protected.xlsx: an encrypted package gets its own message', async () => {
    const file = `${CORPUS}pass_protected.xlsx`;
    await expect(readFailure(file)).resolves.toMatchObject({
      code: 'ERR_READ_ENCRYPTED',
      message: `${file}: the workbook is password-protected: save it without a password`,
    });
  });

  it('issue_530.xlsx: parts named with backslashes (LibreOffice cannot load it)', async () => {
    const { table, rows } = await readAll(`${CORPUS}issue_530.xlsx`);
    expect(table.info).toMatchObject({ sheet: '出勤分类组织汇总表', headerRow: 1, headers: ['报表导出人：', '于国栋'] });
    expect(rows.slice(0, 2)).toEqual([
      { row: 2, cells: ['报表导出时间：', '2023年03月04日'] },
      { row: 3, cells: ['考勤周期', '2023-03-01-2023-03-31'] },
    ]);
  });

  it('issue_693.xlsx: a cell at XFD1048576 (LibreOffice would write 10 GB of commas)', async () => {
    const { table, rows } = await readAll(`${CORPUS}issue_693.xlsx`);
    expect(table.info).toMatchObject({ sheet: 'Sheet1', headerRow: 1, headers: ['a'] });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.row).toBe(1_048_576);
    expect(rows[0]?.cells).toHaveLength(16_384);
    expect(rows[0]?.cells.at(-1)).toBe('b');
  });
});
