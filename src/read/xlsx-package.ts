import { posix } from 'node:path';
import { unescapeText } from './xlsx-cells.js';
import { isDateFormat } from './xlsx-formats.js';
import { parseXml, type XmlHandlers } from './xml.js';
import { openZip, type ZipArchive } from './zip.js';

export interface SheetEntry {
  name: string;
  visible: boolean;
  /** A worksheet holds cells; chart sheets and dialog sheets are listed but hold no table. */
  worksheet: boolean;
  /** The sheet's part inside the ZIP, e.g. `xl/worksheets/sheet1.xml`. */
  part: string | undefined;
}

export interface XlsxPackage {
  zip: ZipArchive;
  /** In workbook (tab) order. */
  sheets: SheetEntry[];
  /** Serial day numbers count from 1904-01-01 (old Mac Excel) rather than 1899-12-30. */
  date1904: boolean;
  sharedStrings: string[];
  /** Per cell style (`s`): whether its number format shows a date. */
  datedStyles: boolean[];
}

interface Relationship {
  id: string;
  /** The last segment of the type URI (`worksheet`, `sharedStrings`, …): Transitional and Strict differ only before it. */
  type: string;
  /** The target part's name, resolved from the package root. */
  part: string;
}

/** Thrown when the ZIP holds no workbook: a .docx, a plain archive, … Its message is the user's. */
export class NotAWorkbook extends Error {}

/**
 * Follows the package from `_rels/.rels` to the workbook part and from its relationships to the
 * sheets, shared strings and styles, wherever they are. Reads the workbook's sheet list, shared
 * strings and styles (needed before any row: dates are recognised by their style); sheets are
 * inflated only when opened. The caller closes `zip`.
 */
export async function openPackage(file: string): Promise<XlsxPackage> {
  const zip = await openZip(file);
  try {
    const workbookPart = await findWorkbook(zip);
    const rels = await relationships(zip, workbookPart);
    const byType = (type: string, fallback: string): string | undefined => {
      const part = rels.find((rel) => rel.type === type)?.part ?? posix.join(posix.dirname(workbookPart), fallback);
      return zip.has(part) ? part : undefined;
    };
    const workbook = await readWorkbook(zip, workbookPart, rels);
    const stringsPart = byType('sharedStrings', 'sharedStrings.xml');
    const stylesPart = byType('styles', 'styles.xml');
    return {
      zip,
      ...workbook,
      sharedStrings: stringsPart === undefined ? [] : await readSharedStrings(zip, stringsPart),
      datedStyles: stylesPart === undefined ? [] : await readDatedStyles(zip, stylesPart),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

async function findWorkbook(zip: ZipArchive): Promise<string> {
  const root = await relationships(zip, '');
  const workbook = root.find((rel) => rel.type === 'officeDocument')?.part;
  if (workbook?.toLowerCase().endsWith('.bin')) throw new NotAWorkbook('an Excel binary workbook (.xlsb): save it as .xlsx or CSV');
  if (workbook !== undefined && zip.has(workbook)) return workbook;
  // Some hand-made packages have no `_rels/.rels`.
  if (zip.has('xl/workbook.xml')) return 'xl/workbook.xml';
  throw new NotAWorkbook(`a ZIP archive without a workbook (${workbook === undefined ? 'no office document relationship' : `no ${workbook}`}): not an .xlsx file`);
}

/** The relationships of `part` (`''`: of the package), from its `_rels/<name>.rels` part. */
async function relationships(zip: ZipArchive, part: string): Promise<Relationship[]> {
  const relsPart = posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
  if (!zip.has(relsPart)) return [];
  const found: Relationship[] = [];
  await parsePart(zip, relsPart, {
    open(name, attributes) {
      const { Id: id, Type: type, Target: target, TargetMode: mode } = attributes;
      if (name !== 'Relationship' || id === undefined || type === undefined || target === undefined || mode === 'External') return;
      found.push({ id, type: type.slice(type.lastIndexOf('/') + 1), part: resolveTarget(part, target) });
    },
    close() {},
    text() {},
  });
  return found;
}

/** Targets are relative to the source part's folder, or absolute from the package root. */
function resolveTarget(source: string, target: string): string {
  const path = target.replace(/\\/g, '/');
  return posix.normalize(path.startsWith('/') ? path.slice(1) : posix.join(posix.dirname(source), path)).replace(/^(\.\.\/)+/, '');
}

async function readWorkbook(zip: ZipArchive, part: string, rels: readonly Relationship[]): Promise<Pick<XlsxPackage, 'sheets' | 'date1904'>> {
  const sheets: SheetEntry[] = [];
  let date1904 = false;
  const path: string[] = [];
  await parsePart(zip, part, {
    open(name, attributes) {
      const parent = path.at(-1);
      // A Word or PowerPoint document is an office document too.
      if (parent === undefined && name !== 'workbook') throw new NotAWorkbook(`a ZIP archive whose main part ${part} is a ${name}, not a workbook: not an .xlsx file`);
      // Only the workbook's own workbookPr: extensions (`x15:workbookPr`) carry one too, without date1904.
      if (name === 'workbookPr' && parent === 'workbook' && path.length === 1) date1904 = isTrue(attributes.date1904);
      if (name === 'sheet' && parent === 'sheets') {
        const rel = rels.find((candidate) => candidate.id === relationshipId(attributes));
        sheets.push({
          name: attributes.name ?? `Sheet${sheets.length + 1}`,
          visible: attributes.state === undefined || attributes.state === 'visible',
          worksheet: rel === undefined || rel.type === 'worksheet',
          part: rel?.part,
        });
      }
      path.push(name);
    },
    close() {
      path.pop();
    },
    text() {},
  });
  return { sheets, date1904 };
}

/** `r:id`, whatever prefix the relationships namespace has (`ns:id` in xlsxwriter files). */
function relationshipId(attributes: Record<string, string>): string | undefined {
  for (const [name, value] of Object.entries(attributes)) if (name.endsWith(':id')) return value;
  return attributes.id;
}

function isTrue(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

/** Each `<si>`'s text: its `<t>` and its rich-text runs' `<t>`, without phonetic runs (`<rPh>`). */
async function readSharedStrings(zip: ZipArchive, part: string): Promise<string[]> {
  const strings: string[] = [];
  let current: string | undefined;
  let inText = false;
  let phonetic = 0;
  await parsePart(zip, part, {
    open(name) {
      if (name === 'si') current = '';
      else if (name === 'rPh') phonetic++;
      else if (name === 't' && phonetic === 0) inText = current !== undefined;
    },
    close(name) {
      if (name === 't') inText = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'si' && current !== undefined) {
        strings.push(unescapeText(current));
        current = undefined;
      }
    },
    text(text) {
      if (inText) current += text;
    },
  });
  return strings;
}

/** Whether each cell style (`cellXfs/xf`, in order) has a number format that shows a date. */
async function readDatedStyles(zip: ZipArchive, part: string): Promise<boolean[]> {
  const customFormats = new Map<number, string>();
  const formatIds: number[] = [];
  const path: string[] = [];
  await parsePart(zip, part, {
    open(name, attributes) {
      const parent = path.at(-1);
      if (name === 'numFmt' && parent === 'numFmts' && attributes.formatCode !== undefined) customFormats.set(Number(attributes.numFmtId), attributes.formatCode);
      if (name === 'xf' && parent === 'cellXfs') formatIds.push(Number(attributes.numFmtId ?? 0));
      path.push(name);
    },
    close() {
      path.pop();
    },
    text() {},
  });
  return formatIds.map((id) => isDateFormat(id, customFormats.get(id)));
}

/** Parses a whole (small) part; a damaged one is named in the error. */
async function parsePart(zip: ZipArchive, part: string, handlers: XmlHandlers): Promise<void> {
  try {
    await parseXml(await zip.open(part), handlers);
  } catch (error) {
    if (error instanceof NotAWorkbook) throw error;
    throw new Error(`${part}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
