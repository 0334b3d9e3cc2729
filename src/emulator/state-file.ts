/**
 * The emulator's optional state file: read at start, rewritten atomically (temporary file +
 * rename, so a reader or a crash never sees half a file) shortly after changes and on close.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { EtlError } from '../errors.js';
import { emulatorStateSchema, type EmulatorState } from './types.js';

const SAVE_DELAY_MS = 100;
let temporaryCounter = 0;
/** A big state takes a while to serialize: wait this many times as long as the last save took. */
const SAVE_DELAY_FACTOR = 10;

export async function loadStateFile(path: string): Promise<EmulatorState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EtlError('EMULATOR_STATE_UNREADABLE', `Cannot read emulator state file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EtlError('EMULATOR_STATE_INVALID', `Emulator state file ${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = emulatorStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EtlError('EMULATOR_STATE_INVALID', `Emulator state file ${path}: ${issue?.path.join('.') ?? ''} — ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Debounced, serialized, atomic saves of `serialize()` to `path`. */
export class StateFileWriter {
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private lastError: unknown;
  private lastSaveMs = 0;

  constructor(
    private readonly path: string,
    private readonly serialize: () => string,
  ) {}

  /** Call after every change; the file is written once things have been quiet for a moment. */
  changed(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.save();
    }, Math.max(SAVE_DELAY_MS, SAVE_DELAY_FACTOR * this.lastSaveMs));
    this.timer.unref();
  }

  /** Writes now (cancelling a pending debounced write); rejects if this or an earlier save failed. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.save();
    if (this.lastError !== undefined) {
      const error = this.lastError;
      this.lastError = undefined;
      throw new EtlError('EMULATOR_STATE_UNWRITABLE', `Cannot write emulator state file ${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  private save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      const temporary = `${this.path}.${process.pid}-${++temporaryCounter}.tmp`;
      const started = performance.now();
      try {
        await writeFile(temporary, this.serialize());
        await rename(temporary, this.path);
        this.lastSaveMs = performance.now() - started;
      } catch (error) {
        this.lastError = error;
        await rm(temporary, { force: true });
      }
    });
    return this.saving;
  }
}
