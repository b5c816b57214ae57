/** Test helpers for the server as a separate process: start it, talk to it over keep-alive HTTP, load it. */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start `node <entry> args…` (tsx for .ts entries) and wait for its "listening on" line, or for it to exit. */
export function startServerProcess(args: string[], options: { entry?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ServerProcess> {
  const entry = options.entry ?? join(ROOT, 'server', 'main.ts');
  const nodeArgs = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  const child = spawn(process.execPath, [...nodeArgs, '--port', '0', ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const onData = () => {
      const m = /listening on (http:\/\/[^\s:]+:\d+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve({ child, url: m[1], output: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    exited.then(({ code }) => reject(Object.assign(new Error(`server exited with ${code} before listening:\n${out}`), { code, output: out })));
  });
}

/** Run a command to its end; resolves with its exit code and output (never rejects on a non-zero exit). */
export function runProcess(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Answer {
  status: number;
  /** The server asked to close the connection after this answer. */
  close: boolean;
  body: string;
}

export function request(agent: http.Agent, url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, close: res.headers.connection === 'close', body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface LoadResult {
  answers: number;
  byStatus: Record<number, number>;
  errors: string[];
}

/**
 * `connections` clients, each on its own keep-alive connection, requesting back to back until `stop()` is called
 * or the server answers with `Connection: close` (as a draining server does). `check` may reject an answer.
 */
export function load(connections: number, nextUrl: (i: number) => string, check?: (url: string, a: Answer) => string | undefined) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const result: LoadResult = { answers: 0, byStatus: {}, errors: [] };
  let stopped = false;
  let n = 0;
  const worker = async () => {
    while (!stopped) {
      const url = nextUrl(n++);
      try {
        const a = await request(agent, url);
        result.answers++;
        result.byStatus[a.status] = (result.byStatus[a.status] ?? 0) + 1;
        const bad = check?.(url, a);
        if (bad) result.errors.push(bad);
        if (a.close) return;
      } catch (e) {
        result.errors.push(`${url}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: connections }, worker)).then(() => {
    agent.destroy();
    return result;
  });
  return { result, done, stop: () => { stopped = true; return done; } };
}

export const until = async (what: string, f: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};
