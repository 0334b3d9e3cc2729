/**
 * `clean` and `import` without `--mapping`: guess one, show it before anything happens, and for
 * `import` make the user accept it (a question on a terminal, `--accept-guess` elsewhere).
 */
import { writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { CONTACT_FIELDS } from '../contact.js';
import { EtlError } from '../errors.js';
import type { ColumnGuess } from '../map/guess/index.js';
import { guessedMapping, guessFile, type FileGuess } from '../map/guess/file.js';
import { MAPPINGS_DIR } from '../map/guess/presets.js';
import { loadMapping } from '../map/load.js';
import type { Mapping } from '../map/schema.js';
import type { Output } from './output.js';
import { readOptionsFrom } from './read-options.js';

export interface GuessOptions {
  /** `import` changes an account: a guess needs the user's yes. */
  confirm: boolean;
}

/** `phone ← «Мобильный телефон», mail ← «E-mail»` */
export function guessSummary(guess: FileGuess): string {
  const byField = new Map<string, string[]>();
  for (const column of guess.columns) {
    if (column.field !== undefined) byField.set(column.field, [...(byField.get(column.field) ?? []), `«${column.header || `column ${column.column}`}»`]);
  }
  return [...byField].map(([field, columns]) => `${field} ← ${columns.join(' + ')}`).join(', ');
}

/** What the guess decided, column by column, with the reasons and the columns left out. */
export function describeGuess(guess: FileGuess): string {
  const sheet = guess.info.sheet === undefined ? '' : `sheet ${JSON.stringify(guess.info.sheet)}, `;
  const header = `${sheet}${guess.headerRow === undefined ? 'no header row (columns by number)' : `header row ${guess.headerRow}`}`;
  const lines = [`No --mapping: guessed from ${guess.info.file} (${guess.preset ? `preset ${guess.preset.id}: ${guess.preset.title}` : 'no preset matched'}; ${header}):`];
  const mapped = guess.columns.filter((column) => column.field !== undefined);
  const order = (column: ColumnGuess) => CONTACT_FIELDS.indexOf(column.field ?? 'phone');
  for (const column of mapped.sort((a, b) => order(a) - order(b))) lines.push(`  ${column.field} ← ${column.column} «${column.header}» (${column.reason})`);
  // Bitrix ends every line with ";": an unnamed, empty last column is no data left out.
  const left = guess.columns.filter((column) => column.field === undefined && (column.header !== '' || column.profile.filled > 0));
  if (left.length > 0) lines.push(`  left out: ${left.map((column) => `${column.column} «${column.header}»${column.reason === 'no match' ? '' : ` (${column.reason})`}`).join(', ')}`);
  return lines.join('\n');
}

/** The mapping document with a `$schema` that points at the installed schema from where it is saved. */
export function savedMappingText(guess: FileGuess, file: string): string {
  const schema = relative(dirname(file), fileURLToPath(new URL('mapping.schema.json', MAPPINGS_DIR))).split('\\').join('/');
  return `${JSON.stringify({ $schema: schema, ...guess.document }, null, 2)}\n`;
}

async function saveMapping(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (cause) {
    throw new EtlError('ERR_SAVE_MAPPING', `${file}: cannot save the mapping: ${(cause as Error).message}`, { cause });
  }
}

async function askYes(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^(?:y|yes|д|да)$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

/** The mapping of a run: `--mapping`, else the guess (printed, saved with `--save-mapping`, accepted or refused). */
export async function mappingForRun(input: string, options: Record<string, unknown>, output: Output, guessOptions: GuessOptions): Promise<Mapping> {
  const saveTo = typeof options.saveMapping === 'string' ? options.saveMapping : undefined;
  if (typeof options.mapping === 'string') {
    if (saveTo !== undefined) throw new EtlError('ERR_OPTION', '--save-mapping saves a guessed mapping: use it without --mapping');
    return loadMapping(options.mapping);
  }
  const guess = await guessFile(input, readOptionsFrom(options));
  const mapping = guessedMapping(guess);
  if (saveTo !== undefined) await saveMapping(saveTo, savedMappingText(guess, saveTo));
  const saved = saveTo === undefined ? '' : `; saved to ${saveTo}`;
  if (guessOptions.confirm && options.acceptGuess !== true) {
    const interactive = output.isTerminal && process.stdin.isTTY === true;
    if (!interactive) {
      const review = saveTo === undefined ? ' (--save-mapping <file> writes it for review)' : ` or --mapping ${saveTo}`;
      throw new EtlError('ERR_GUESS_NOT_ACCEPTED', `${input}: no --mapping; guessed ${guessSummary(guess)}${saved}; rerun with --accept-guess to import with it${review}`);
    }
    output.info(describeGuess(guess) + saved.replace(/^; /, '\n'));
    if (!(await askYes('Import with this mapping? [y/N] '))) throw new EtlError('ERR_GUESS_NOT_ACCEPTED', `${input}: guessed mapping not accepted; nothing was done`);
    return mapping;
  }
  output.info(describeGuess(guess) + saved.replace(/^; /, '\n'));
  return mapping;
}
