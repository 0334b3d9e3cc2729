// Regenerates LibreOffice's answers for the reader's differential test (test/read/libreoffice.test.ts):
// every workbook of ../shared/realworld/calamine/ converted by `soffice --headless --convert-to csv`,
// all sheets, raw values (not "as shown"), UTF-8, into test/fixtures/libreoffice/calamine/<workbook>/<sheet>.csv.
// A workbook LibreOffice cannot convert (or is told not to, below) gets no folder. Needs LibreOffice (`apt-get install
// libreoffice-calc-nogui`); the test itself does not. Usage: node scripts/libreoffice-answers.js [corpus-dir]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const corpus = process.argv[2] ?? fileURLToPath(new URL('../../shared/realworld/calamine/', import.meta.url));
const answers = fileURLToPath(new URL('../test/fixtures/libreoffice/calamine/', import.meta.url));
// Separator `,`, quote `"`, UTF-8 (76), from line 1, language 0; tokens 9–12: cell contents as
// stored (not as shown), no formulas, no trimming, every sheet (-1) to its own file.
const FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1';

/** Workbooks LibreOffice's CSV cannot answer for; the test states what it expects of these itself. */
const UNANSWERABLE = new Map([
  ['issue_693.xlsx', 'its cell XFD1048576 would make a CSV of 1,048,576 lines of 16,383 commas (10 GB)'],
]);

const work = mkdtempSync(join(tmpdir(), 'smsc-etl-libreoffice-'));
try {
  // Copies with plain names (b001.xlsx, …), converted in one run: LibreOffice names each output
  // `<input name>-<sheet>.csv`, and the workbooks' own names could be prefixes of one another.
  for (const [name, reason] of UNANSWERABLE) process.stderr.write(`${name}: skipped (${reason})\n`);
  const books = readdirSync(corpus).filter((file) => /\.xls[xm]$/i.test(file) && !UNANSWERABLE.has(file)).sort();
  const inputs = books.map((name, index) => {
    const input = join(work, `b${String(index).padStart(3, '0')}${extname(name)}`);
    copyFileSync(join(corpus, name), input);
    return input;
  });
  const out = join(work, 'out');
  mkdirSync(out);
  try {
    execFileSync('soffice', [`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--convert-to', FILTER, '--outdir', out, ...inputs], { stdio: 'pipe', timeout: 900_000 });
  } catch (error) {
    process.stderr.write(`soffice failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})\n`);
  }
  const outputs = readdirSync(out);
  rmSync(answers, { recursive: true, force: true });
  books.forEach((name, index) => {
    const prefix = `${basename(inputs[index] ?? '', extname(name))}-`;
    const sheets = outputs.filter((file) => file.startsWith(prefix));
    process.stderr.write(`${name}: ${sheets.length === 0 ? 'not converted' : `${sheets.length} sheet(s)`}\n`);
    if (sheets.length === 0) return;
    const target = join(answers, name);
    mkdirSync(target, { recursive: true });
    for (const sheet of sheets) renameSync(join(out, sheet), join(target, sheet.slice(prefix.length)));
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
