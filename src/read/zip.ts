import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

/** A ZIP opened through its central directory: any entry can be inflated, in any order, on demand. */
export interface ZipArchive {
  /** The entry named `name`, matched as OPC part names are: case-insensitively, `\` as `/`, no leading `/`. */
  has(name: string): boolean;
  open(name: string): Promise<Readable>;
  close(): void;
}

const openFile = promisify<string, yauzl.Options, ZipFile>(yauzl.open);

/** Part names compare case-insensitively (ECMA-376 part 2, §6.2.2.3). */
export function partKey(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
}

export async function openZip(file: string): Promise<ZipArchive> {
  // yauzl turns `\` in entry names into `/` unless strictFileNames is set. Some writers store a wrong
  // uncompressed size (issue252 in the calamine corpus): the deflate stream ends by itself, so it is not checked.
  const zip = await openFile(file, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: false });
  const entries = new Map<string, Entry>();
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: Entry) => {
        if (!entry.fileName.endsWith('/')) entries.set(partKey(entry.fileName), entry);
        zip.readEntry();
      });
      zip.once('end', resolve);
      zip.once('error', reject);
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    throw error;
  }
  const openReadStream = promisify<Entry, Readable>(zip.openReadStream.bind(zip));
  return {
    has: (name) => entries.has(partKey(name)),
    open: async (name) => {
      const entry = entries.get(partKey(name));
      if (!entry) throw new Error(`part ${name} is missing`);
      return openReadStream(entry);
    },
    close: () => zip.close(),
  };
}
