/** Start bench/serve-child.ts (for the soak and the flood test) in a process of its own (see there); resolves with its base URL, its pid and a stop. */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ChildServer {
  base: string;
  child: ChildProcess;
  stats(): Promise<{ heapUsed: number; rss: number; gc: boolean; refused: number; yields: number; longestJobMs: number }>;
  stop(): Promise<void>;
}

export function startChildServer(limits: object = {}): Promise<ChildServer> {
  const child = fork(join(ROOT, 'bench', 'serve-child.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, SERVE_LIMITS: JSON.stringify(limits) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the child server did not start within 60 s')), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the child server exited with ${code} before listening`)));
    child.once('message', (m: { port?: number }) => {
      clearTimeout(timer);
      resolve({
        base: `http://127.0.0.1:${m.port}`,
        child,
        stats: () =>
          new Promise((res) => {
            child.once('message', (s: { stats: never }) => res(s.stats));
            child.send({ cmd: 'stats' });
          }),
        stop: () =>
          new Promise((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            child.disconnect();
            setTimeout(() => child.kill(), 5000).unref();
          }),
      });
    });
  });
}
