import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotBody } from '../snapshot/body.js';
import { bodyHash, writeSnapshotFile } from '../snapshot/file.js';
import { runServer, type RunningServer } from '../server/run.js';
import { DICT, FILES, ROOT, SEEDS, seedSnapshot } from './helpers.js';
import { load, request, startServerProcess, until } from './server-process.js';
import { buildInSharedProcess } from './shared-build.js';
import http from 'node:http';

const QUERIES = ['退税', '综保区 -跨境', '"一网通办"', '湖南 通关', '5000万元', '海关', '知识产权', '告知承诺制'];
let dir: string;
let fileA: string; // the whole seed corpus
let fileB: string; // two of the five documents: another snapshot, with other answers
let hashA: string;
let hashB: string;
let bodyA: SnapshotBody;
let bodyB: SnapshotBody;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ftz-operator-'));
  bodyA = await seedSnapshot();
  const part = join(dir, 'part');
  mkdirSync(part);
  for (const f of [FILES.shandongTable, FILES.liaoningTable]) copyFileSync(join(SEEDS, f), join(part, f));
  bodyB = (await buildInSharedProcess({ seedsDir: part, dictDir: DICT })).body;
  fileA = join(dir, 'a.snapshot');
  fileB = join(dir, 'b.snapshot');
  await writeSnapshotFile(fileA, bodyA);
  await writeSnapshotFile(fileB, bodyB);
  hashA = bodyHash(bodyA);
  hashB = bodyHash(bodyB);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const health = async (agent: http.Agent, url: string) => JSON.parse((await request(agent, `${url}/api/health`)).body) as { records: number; snapshot: string };

describe('the server process', () => {
  it('says at start-up what it serves (records, documents, snapshot hash, page, access log), and stops on SIGINT', async () => {
    const server = await startServerProcess(['--snapshot', fileA, '--web', join(dir, 'no-page')]);
    const line = server.output().split('\n').find((l) => l.includes('listening on'))!;
    expect(line).toContain(`300 records from 5 documents, snapshot ${hashA.slice(0, 12)}`);
    expect(line).toContain('NO PAGE');
    expect(line).toContain('access log on');
    const agent = new http.Agent({ keepAlive: false });
    expect(await health(agent, server.url)).toEqual({ status: 'ok', records: 300, snapshot: hashA });
    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toMatch(/SIGINT: shutting down/);
    // Once stopped, the port is closed: a new connection is refused, not reset.
    const refused = await request(agent, `${server.url}/api/health`).then(() => 'answered', (e: NodeJS.ErrnoException) => e.code);
    expect(refused).toBe('ECONNREFUSED');
  });

  it('stops gracefully on SIGTERM under load: every request in flight is answered, none reset, exit 0', async () => {
    const server = await startServerProcess(['--snapshot', fileA, '--no-access-log', '--drain-seconds', '5']);
    // Whole-result-set exports and searches: requests that take long enough to be caught in flight.
    const urls = [`${server.url}/api/export?format=json`, ...QUERIES.map((q) => `${server.url}/api/search?q=${encodeURIComponent(q)}&size=100`)];
    const run = load(16, (i) => urls[i % urls.length], (url, a) => (a.status === 200 ? undefined : `${url}: ${a.status}`));
    await until('the first 100 answers', () => run.result.answers >= 100);
    const before = run.result.answers;
    server.child.kill('SIGTERM');
    const t0 = Date.now();
    const result = await run.done; // every client stops when the server answers with Connection: close
    const exit = await server.exited;
    expect(result.errors).toEqual([]);
    expect(Object.keys(result.byStatus)).toEqual(['200']);
    expect(result.answers).toBeGreaterThanOrEqual(before + 16); // each connection got its in-flight answer
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(server.output()).toMatch(/SIGTERM: shutting down — no new connections; draining \d+ request\(s\) in flight/);
    expect(server.output()).toMatch(/stopped: drained in \d+ ms/);
  });

  it('swaps snapshots on SIGHUP under load with no failed request, and keeps serving the old one when the new one is bad', async () => {
    const served = join(dir, 'served.snapshot');
    copyFileSync(fileA, served);
    const server = await startServerProcess(['--snapshot', served, '--no-access-log']);
    try {
      const agent = new http.Agent({ keepAlive: true });
      // Every answer during the swaps must be the complete answer of one snapshot or the other.
      const expected = new Map<string, Set<number>>();
      for (const body of [bodyA, bodyB]) {
        const { SearchService } = await import('../search/service.js');
        const s = new SearchService(body);
        for (const q of QUERIES) {
          const key = `/api/search?q=${encodeURIComponent(q)}&size=10`;
          if (!expected.has(key)) expected.set(key, new Set());
          expected.get(key)!.add(s.search({ q, size: 10 }).total);
        }
      }
      const keys = [...expected.keys()];
      const run = load(8, (i) => server.url + keys[i % keys.length], (url, a) => {
        if (a.status !== 200) return `${url}: ${a.status}`;
        const total = JSON.parse(a.body).total as number;
        return expected.get(url.slice(server.url.length))!.has(total) ? undefined : `${url}: total ${total} is neither snapshot's`;
      });
      await until('load', () => run.result.answers >= 50);

      // The operator replaces the file (atomically, as the indexer writes it) and signals.
      copyFileSync(fileB, `${served}.new`);
      renameSync(`${served}.new`, served);
      server.child.kill('SIGHUP');
      await until('the new snapshot served', async () => (await health(agent, server.url)).snapshot === hashB);
      expect(await health(agent, server.url)).toEqual({ status: 'ok', records: bodyB.records.length, snapshot: hashB });

      // A damaged file: refused, logged, reported in /api/stats; the previous snapshot keeps serving.
      writeFileSync(served, 'not a snapshot at all');
      server.child.kill('SIGHUP');
      await until('the refusal logged', () => /SIGHUP: reload of .* refused, still serving snapshot/.test(server.output()));
      const stats = JSON.parse((await request(agent, `${server.url}/api/stats`)).body);
      expect(stats.served.lastReload).toMatchObject({ ok: false, trigger: 'SIGHUP' });
      expect(stats.served.lastReload.message).toContain(`still serving snapshot ${hashB.slice(0, 12)}`);
      expect(stats.served.lastReload.message).not.toContain(dir); // no server paths in the API
      expect(stats.served.snapshot.hash).toBe(hashB);

      // And back to the full corpus, still under load.
      copyFileSync(fileA, served);
      server.child.kill('SIGHUP');
      await until('the first snapshot served again', async () => (await health(agent, server.url)).snapshot === hashA);
      await new Promise((r) => setTimeout(r, 200));
      const result = await run.stop();
      agent.destroy();
      expect(result.errors).toEqual([]);
      expect(result.answers).toBeGreaterThan(100);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});

describe('the admin reload route', () => {
  let server: RunningServer;
  const lines: string[] = [];
  const served = () => join(dir, 'admin.snapshot');
  beforeAll(async () => {
    copyFileSync(fileA, served());
    // No warm-up: its closing log line could fall among the access-log lines a test below counts.
    server = await runServer({ snapshot: served(), webRoot: join(dir, 'no-page'), port: 0, host: '127.0.0.1', accessLog: true, adminToken: 'a-long-enough-admin-token', drainSeconds: 2, log: (l) => lines.push(l), version: 'test', warmUp: false });
  });
  afterAll(() => server.shutdown('test'));

  it('is refused without the right token', async () => {
    expect((await server.app.inject({ method: 'POST', url: '/api/admin/reload' })).statusCode).toBe(401);
    const wrong = await server.app.inject({ method: 'POST', url: '/api/admin/reload', headers: { authorization: 'Bearer a-long-enough-admin-tokeN' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: 'Unauthorized', message: 'admin token missing or wrong' });
  });

  it('swaps in a good snapshot and refuses a bad one, leaving the old one served', async () => {
    const auth = { authorization: 'Bearer a-long-enough-admin-token' };
    copyFileSync(fileB, served());
    const ok = await server.app.inject({ method: 'POST', url: '/api/admin/reload', headers: auth });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, snapshot: { hash: hashB, records: bodyB.records.length } });
    expect((await server.app.inject('/api/health')).json().snapshot).toBe(hashB);
    writeFileSync(served(), Buffer.from('truncated'));
    const bad = await server.app.inject({ method: 'POST', url: '/api/admin/reload', headers: auth });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().message).toMatch(/refused, still serving snapshot/);
    expect((await server.app.inject('/api/health')).json()).toMatchObject({ status: 'ok', records: bodyB.records.length, snapshot: hashB });
    expect(lines.some((l) => l.startsWith('admin: reload of') && l.includes('refused'))).toBe(true);
  });

  it('/api/health says a reload was refused (status still ok: the old snapshot serves) until a reload succeeds', async () => {
    const auth = { authorization: 'Bearer a-long-enough-admin-token' };
    writeFileSync(served(), Buffer.from('not a snapshot at all'));
    expect((await server.app.inject({ method: 'POST', url: '/api/admin/reload', headers: auth })).statusCode).toBe(422);
    const after = (await server.app.inject('/api/health')).json();
    expect(after).toMatchObject({ status: 'ok', reloadFailed: { trigger: 'admin', message: expect.stringMatching(/refused, still serving snapshot/) } });
    expect(after.reloadFailed.message).not.toContain(dir); // no server paths in the API
    copyFileSync(fileA, served());
    expect((await server.app.inject({ method: 'POST', url: '/api/admin/reload', headers: auth })).statusCode).toBe(200);
    expect((await server.app.inject('/api/health')).json()).toEqual({ status: 'ok', records: bodyA.records.length, snapshot: hashA });
  });

  it('does not exist unless a token is configured', async () => {
    const plain = await runServer({ snapshot: fileA, webRoot: join(dir, 'no-page'), port: 0, host: '127.0.0.1', accessLog: false, drainSeconds: 1, log: () => {}, version: 'test' });
    try {
      expect((await plain.app.inject({ method: 'POST', url: '/api/admin/reload', headers: { authorization: 'Bearer x' } })).statusCode).toBe(404);
    } finally {
      await plain.shutdown('test');
    }
  });

  it('writes one access-log line per request: time, client, request, status, bytes, duration', async () => {
    const n = lines.length;
    await server.app.inject('/api/search?q=%E9%80%80%E7%A8%8E&size=1');
    await server.app.inject('/api/nothing');
    const logged = lines.slice(n);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z 127\.0\.0\.1 "GET \/api\/search\?q=退税&size=1" 200 \d+ [\d.]+ms$/);
    expect(logged[1]).toMatch(/"GET \/api\/nothing" 404 /);
  });

  it('escapes bidi overrides, line separators and control characters in the logged request, so a query cannot reorder or forge a line', async () => {
    const n = lines.length;
    await server.app.inject(`/api/search?q=${encodeURIComponent('退税\u202e出口\u2066\u2028\u0085\u001b')}&size=1`);
    const [line] = lines.slice(n);
    expect(line).toContain('q=退税\\u202e出口\\u2066\\u2028\\x85\\x1b&size=1');
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
  });
});

describe('the server command line', () => {
  it('explains every option with --help and rejects unknown or bad ones with exit 2', async () => {
    const { runProcess } = await import('./server-process.js');
    const [help, bad, port] = await Promise.all([
      runProcess(['--import', 'tsx', join(ROOT, 'server/main.ts'), '--help']),
      runProcess(['--import', 'tsx', join(ROOT, 'server/main.ts'), '--bogus']),
      runProcess(['--import', 'tsx', join(ROOT, 'server/main.ts'), '--port', '99999']),
    ]);
    expect(help.code).toBe(0);
    for (const opt of ['--snapshot', '--seeds', '--port', '--host', '--no-access-log', '--no-warm-up', '--admin-token', '--drain-seconds', 'SIGHUP', 'SIGTERM']) expect(help.stdout).toContain(opt);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bogus/);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port must be an integer from 0 to 65535');
  });
});
