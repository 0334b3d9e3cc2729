import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAtomicFile } from '../../src/report/atomic-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smsc-etl-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openAtomicFile', () => {
  it('shows the file only when committed, and leaves the previous one untouched on abort', async () => {
    const target = join(dir, 'report.csv');
    await writeFile(target, 'previous');
    const first = openAtomicFile(target);
    first.stream.write('half');
    await first.abort();
    expect(await readFile(target, 'utf8')).toBe('previous');
    expect(await readdir(dir)).toEqual(['report.csv']);

    const second = openAtomicFile(target);
    second.stream.end('complete');
    await second.commit();
    expect(await readFile(target, 'utf8')).toBe('complete');
    expect(await readdir(dir)).toEqual(['report.csv']);
  });

  it("removes a killed run's temporary file, but not one of a process still running", async () => {
    const target = join(dir, 'report.csv');
    const dead = join(dir, '.report.csv.2147483646.1700000000000.tmp');
    const alive = join(dir, `.report.csv.${process.pid}.1700000000000.tmp`);
    const unrelated = join(dir, '.other.csv.2147483646.1700000000000.tmp');
    await Promise.all([writeFile(dead, 'x'), writeFile(alive, 'x'), writeFile(unrelated, 'x')]);
    const file = openAtomicFile(target);
    file.stream.end('done');
    await file.commit();
    expect((await readdir(dir)).sort()).toEqual(['.other.csv.2147483646.1700000000000.tmp', `.report.csv.${process.pid}.1700000000000.tmp`, 'report.csv'].sort());
  });
});

describe('openAtomicFile on something that is not a regular file', () => {
  it('writes into a named pipe instead of renaming a file over it (as it would over /dev/null)', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const received = (async () => {
      let text = '';
      for await (const chunk of createReadStream(fifo, 'utf8')) text += chunk as string;
      return text;
    })();
    const file = openAtomicFile(fifo);
    file.stream.end('through the pipe');
    await file.commit();
    expect(await received).toBe('through the pipe');
    expect((await stat(fifo)).isFIFO()).toBe(true);
    expect(await readdir(dir)).toEqual(['pipe']);
  });
});
