import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWorkers } from '../server/cluster.js';
import { serializeSnapshot } from '../snapshot/file.js';
import { ROOT, seedSnapshot } from './helpers.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(check: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm start -- --workers N', () => {
  it('rejects a --workers value that is not a whole number from 1 to 64, naming the option', () => {
    expect(parseWorkers(undefined)).toBe(1);
    expect(parseWorkers('4')).toBe(4);
    for (const bad of ['0', '-1', '2.5', 'two', '65']) expect(() => parseWorkers(bad)).toThrow(/--workers/);
  });

  it('serves one port from two processes, each with its own snapshot; replaces a worker that dies; stops all on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftz-cluster-'));
    const snap = join(dir, 'snap.json');
    writeFileSync(snap, serializeSnapshot(await seedSnapshot()));
    const primary = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/main.ts'), '--snapshot', snap, '--workers', '2'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    primary.stdout.on('data', (d) => (out += d));
    primary.stderr.on('data', (d) => (out += d));
    try {
      const listening = () => [...out.matchAll(/worker (\d+) listening on port (\d+)/g)].map((m) => ({ pid: Number(m[1]), port: Number(m[2]) }));
      const workers = await waitFor(() => (listening().length >= 2 ? listening() : undefined), 60_000);
      expect(new Set(workers.map((w) => w.pid)).size).toBe(2);
      expect(new Set(workers.map((w) => w.port)).size).toBe(1);
      const port = workers[0].port;
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/api/search?q=${encodeURIComponent('退税')}`);
        expect(res.status).toBe(200);
        expect(((await res.json()) as { total: number }).total).toBeGreaterThan(0);
      }
      process.kill(workers[0].pid, 'SIGKILL');
      const replaced = await waitFor(() => (listening().length >= 3 ? listening()[2] : undefined), 60_000);
      expect(replaced.pid).not.toBe(workers[0].pid);
      expect(replaced.port).toBe(port);
      const exited = new Promise<number | null>((r) => primary.once('exit', (code) => r(code)));
      primary.kill('SIGTERM');
      expect(await exited).toBe(0);
      for (const pid of [workers[1].pid, replaced.pid]) await waitFor(() => (alive(pid) ? undefined : true), 10_000);
    } finally {
      if (primary.exitCode === null) primary.kill('SIGKILL');
    }
  });
});
