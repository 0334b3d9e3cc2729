/** The part of unzipper 0.10 (no bundled typings) the XLSX reader uses. */
declare module 'unzipper' {
  import type { Readable } from 'node:stream';

  export interface ZipEntry {
    path: string;
    type: 'File' | 'Directory';
    stream(): Readable;
  }

  export interface CentralDirectory {
    files: ZipEntry[];
  }

  const unzipper: {
    /** Reads the ZIP's central directory; entries are then inflated one at a time, on demand. */
    Open: { file(path: string): Promise<CentralDirectory> };
  };
  export default unzipper;
}
