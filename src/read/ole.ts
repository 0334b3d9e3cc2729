import { open, type FileHandle } from 'node:fs/promises';

const HEADER_BYTES = 512;
const DIRECTORY_ENTRY_BYTES = 128;
const HEADER_DIFAT_ENTRIES = 109;
const END_OF_CHAIN = 0xfffffffe;
/** Enough directory sectors for any real file; a longer chain is a loop in a damaged one. */
const MAX_DIRECTORY_SECTORS = 4096;

/**
 * The streams an OLE compound file (the `D0 CF 11 E0` signature) holds; only its directory is read,
 * never a payload. A BIFF workbook has `Workbook` (Excel 97+) or `Book` (Excel 5/95); Excel encrypts
 * a password-protected OOXML workbook into an `EncryptedPackage` stream described by
 * `EncryptionInfo` (MS-OFFCRYPTO §2.3.4). `undefined`: too damaged to tell.
 */
export async function oleStreamNames(file: string): Promise<Set<string> | undefined> {
  const handle = await open(file, 'r');
  try {
    return await streamNames(handle);
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

export function isEncryptedPackage(streams: ReadonlySet<string>): boolean {
  return streams.has('EncryptionInfo') && streams.has('EncryptedPackage');
}

/** The names in the compound file's directory (MS-CFB §2.6), following its sector chain through the FAT. */
async function streamNames(handle: FileHandle): Promise<Set<string>> {
  const header = await readAt(handle, 0, HEADER_BYTES);
  const sectorSize = 1 << header.readUInt16LE(0x1e);
  if (sectorSize !== 512 && sectorSize !== 4096) throw new Error('not a compound file');
  const entriesPerSector = sectorSize / 4;
  const difat = Array.from({ length: HEADER_DIFAT_ENTRIES }, (_, index) => header.readUInt32LE(0x4c + index * 4));
  let nextDifatSector = header.readUInt32LE(0x44);
  const sectorAt = (sector: number): Promise<Buffer> => readAt(handle, (sector + 1) * sectorSize, sectorSize);

  const fatEntry = async (sector: number): Promise<number> => {
    const fatIndex = Math.floor(sector / entriesPerSector);
    // FAT sectors past the header's 109 are listed in a chain of DIFAT sectors, each ending with the next one's number.
    while (fatIndex >= difat.length && nextDifatSector < END_OF_CHAIN) {
      const block = await sectorAt(nextDifatSector);
      for (let index = 0; index < entriesPerSector - 1; index++) difat.push(block.readUInt32LE(index * 4));
      nextDifatSector = block.readUInt32LE(sectorSize - 4);
    }
    const fatSector = difat[fatIndex];
    if (fatSector === undefined || fatSector >= END_OF_CHAIN) throw new Error('broken FAT');
    return (await sectorAt(fatSector)).readUInt32LE((sector % entriesPerSector) * 4);
  };

  const names = new Set<string>();
  let sector = header.readUInt32LE(0x30);
  // A truncated or damaged file ends the walk: the names read so far still tell what it was.
  try {
    for (let visited = 0; sector < END_OF_CHAIN && visited < MAX_DIRECTORY_SECTORS; visited++) {
      const block = await sectorAt(sector);
      for (let offset = 0; offset + DIRECTORY_ENTRY_BYTES <= block.length; offset += DIRECTORY_ENTRY_BYTES) {
        const nameBytes = Math.min(block.readUInt16LE(offset + 0x40), 64);
        if (nameBytes >= 2) names.add(block.toString('utf16le', offset, offset + nameBytes - 2));
      }
      sector = await fatEntry(sector);
    }
  } catch {
    return names;
  }
  return names;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  if (bytesRead < length) throw new Error('the file ends early');
  return buffer;
}
