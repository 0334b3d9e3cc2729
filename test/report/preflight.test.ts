import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkOutputPaths } from '../../src/report/preflight.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smsc-etl-preflight-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const check = (path: string) => checkOutputPaths([{ label: 'report', path }]);

describe('checkOutputPaths', () => {
  it('passes a new file, an existing one, stdout and /dev/null, and leaves no probe behind', async () => {
    await writeFile(join(dir, 'old.csv'), 'previous');
    await expect(checkOutputPaths([{ label: 'report', path: join(dir, 'new.csv') }, { label: 'report', path: join(dir, 'old.csv') }, { label: 'export', path: '-' }, { label: 'export', path: '/dev/null' }])).resolves.toBeUndefined();
    expect(await readdir(dir)).toEqual(['old.csv']);
  });

  it('refuses a directory, a missing directory and a path under a file (which fails even for root), exit 2', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'file'), '');
    await expect(check(join(dir, 'sub'))).rejects.toMatchObject({ code: 'ERR_OUTPUT_PATH', exitCode: 2, message: expect.stringMatching(/report ".*sub": it is a directory/) });
    await expect(check(join(dir, 'none', 'r.csv'))).rejects.toMatchObject({ code: 'ERR_OUTPUT_PATH', message: expect.stringMatching(/directory ".*none" does not exist/) });
    await expect(check(join(dir, 'file', 'r.csv'))).rejects.toMatchObject({ code: 'ERR_OUTPUT_PATH', message: expect.stringMatching(/: ".*file" is not a directory|a part of the path is not a directory \(ENOTDIR\)/) });
  });
});
