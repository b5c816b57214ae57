import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { staleTempFiles, writeFileAtomic } from '../snapshot/atomic.js';
import { ROOT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ftz-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OLD = Buffer.from('the previous good snapshot\n'.repeat(1000));

/** Start the writer on `target`, wait until its temporary file holds some data, then send `signal`. */
async function killMidWrite(target: string, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; sawTemp: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fixtures/snapshot-writer.ts'), target, '768'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, sig) => r({ code, signal: sig })));
  // Poll from the moment it says it is writing (a loaded machine may take seconds to start it), until it has written
  // 4 MiB or ended: bounded by time, not by a count of polls that a slow start could use up.
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => d.includes('writing') && resolve());
    child.once('exit', () => resolve());
  });
  let sawTemp = 0;
  const folder = join(target, '..');
  for (const until = Date.now() + 30_000; child.exitCode === null && Date.now() < until; ) {
    const tmp = readdirSync(folder).find((n) => n.endsWith('.tmp'));
    const size = tmp ? statSync(join(folder, tmp), { throwIfNoEntry: false })?.size ?? 0 : 0;
    if (size > 4 * 2 ** 20) {
      sawTemp = size;
      child.kill(signal);
      break;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return { ...(await exited), sawTemp };
}

describe('snapshot files are written atomically', () => {
  it('a writer killed mid-write (SIGKILL) leaves the previous file intact, and the next write clears its leftovers', async () => {
    const folder = join(dir, 'kill');
    mkdirSync(folder);
    const target = join(folder, 'index.snapshot');
    writeFileSync(target, OLD);
    const killed = await killMidWrite(target, 'SIGKILL');
    expect(killed.sawTemp).toBeGreaterThan(0); // it really was killed mid-way through the data
    expect(killed.signal).toBe('SIGKILL');
    expect(readFileSync(target).equals(OLD)).toBe(true);
    // SIGKILL cannot be caught: its temporary file stays until the next write to the same target removes it.
    expect(await staleTempFiles(target)).toHaveLength(1);
    await writeFileAtomic(target, 'next');
    expect(readdirSync(folder)).toEqual(['index.snapshot']);
    expect(readFileSync(target, 'utf8')).toBe('next');
  });

  it('a writer stopped by SIGTERM mid-write removes its temporary file and leaves the previous file intact', async () => {
    const folder = join(dir, 'term');
    mkdirSync(folder);
    const target = join(folder, 'index.snapshot');
    writeFileSync(target, OLD);
    const stopped = await killMidWrite(target, 'SIGTERM');
    expect(stopped.sawTemp).toBeGreaterThan(0);
    expect(stopped.code).toBe(143);
    expect(readdirSync(folder)).toEqual(['index.snapshot']);
    expect(readFileSync(target).equals(OLD)).toBe(true);
  });

  it('a failed write (the target is a folder) throws and leaves no temporary file behind', async () => {
    const folder = join(dir, 'fail');
    mkdirSync(join(folder, 'index.snapshot'), { recursive: true });
    await expect(writeFileAtomic(join(folder, 'index.snapshot'), 'data')).rejects.toThrow();
    expect(readdirSync(folder)).toEqual(['index.snapshot']);
    expect(existsSync(join(folder, 'index.snapshot', 'data'))).toBe(false);
  });
});
