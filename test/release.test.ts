import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyHash, writeSnapshotFile } from '../snapshot/file.js';
import { ROOT, seedService, seedSnapshot } from './helpers.js';
import { request, runProcess, startServerProcess, type ServerProcess } from './server-process.js';

const judged = ['dev', 'test'].flatMap((half) => JSON.parse(readFileSync(join(ROOT, 'bench', `queries.${half}.json`), 'utf8')) as { query: string }[]);
let work: string;
let copy: string;
let server: ServerProcess;
let made: Awaited<ReturnType<typeof runProcess>>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ftz-release-'));
  const snapshot = join(work, 'seeds.snapshot');
  await writeSnapshotFile(snapshot, await seedSnapshot());
  made = await runProcess(['--import', 'tsx', join(ROOT, 'scripts', 'release.ts'), '--snapshot', snapshot, '--out', join(work, 'release')], { timeoutMs: 120_000 });
  if (made.code !== 0) throw new Error(`release failed:\n${made.stdout}\n${made.stderr}`);
  // As an operator receives it: the folder alone, somewhere else, no node_modules anywhere above it.
  copy = mkdtempSync(join(tmpdir(), 'ftz-intranet-'));
  cpSync(join(work, 'release'), join(copy, 'ftz-search'), { recursive: true });
  server = await startServerProcess(['--no-access-log'], { entry: join(copy, 'ftz-search', 'server.mjs'), cwd: join(copy, 'ftz-search'), env: { NODE_PATH: '' } });
}, 180_000);

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(work, { recursive: true, force: true });
  rmSync(copy, { recursive: true, force: true });
});

describe('a release (npm run release)', () => {
  it('is a folder of seven things, with no node_modules and no indexer, build tool or tsx inside the server', () => {
    expect(readdirSync(work).sort()).toEqual(['release', 'seeds.snapshot']); // no staging folder left beside it
    expect(readdirSync(join(copy, 'ftz-search')).sort()).toEqual(['README.txt', 'ftz-search.service', 'index.snapshot', 'server.cache', 'server.cjs', 'server.mjs', 'web']);
    expect(existsSync(join(copy, 'ftz-search', 'web', 'index.html'))).toBe(true);
    const bundle = readFileSync(join(copy, 'ftz-search', 'server.cjs'), 'utf8');
    for (const pkg of ['nodejieba', 'vite', 'tsx', 'esbuild']) {
      expect(bundle).not.toMatch(new RegExp(`(from|import|require)\\s*\\(?\\s*["']${pkg}["']`));
    }
    const readme = readFileSync(join(copy, 'ftz-search', 'README.txt'), 'utf8');
    expect(readme).toContain('node server.mjs');
    expect(readFileSync(join(copy, 'ftz-search', 'ftz-search.service'), 'utf8')).toMatch(/ExecStart=\/usr\/bin\/node .*server\.mjs/);
  });

  it('is served by plain node server.mjs from a copy outside the repository: health, page and search', async () => {
    const agent = new http.Agent();
    const body = await seedSnapshot();
    expect(JSON.parse((await request(agent, `${server.url}/api/health`)).body)).toEqual({ status: 'ok', records: 300, snapshot: bodyHash(body) });
    const page = await request(agent, `${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<!doctype html>/i);
    expect(page.body).toMatch(/<script[^>]+src="[^"]*assets\//);
    const found = JSON.parse((await request(agent, `${server.url}/api/search?q=${encodeURIComponent('退税')}&size=3`)).body);
    expect(found.hits[0].highlight.title + found.hits[0].highlight.snippet).toContain('<mark>退税</mark>');
    expect(server.output()).toMatch(/listening on .*300 records from 5 documents/);
  });

  it('answers every judged query with the same top-10 ids, in the same order, as the server built from the seeds', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const seeds = await seedService();
    expect(judged.length).toBeGreaterThanOrEqual(50);
    for (const { query } of judged) {
      const a = JSON.parse((await request(agent, `${server.url}/api/search?q=${encodeURIComponent(query)}&size=10`)).body);
      expect(a.hits.map((h: { id: string }) => h.id), query).toEqual(seeds.search({ q: query, size: 10 }).hits.map((h) => h.id));
    }
    agent.destroy();
  });
});

describe('every command explains itself with --help', () => {
  it('the indexer, the release script and the released server', async () => {
    const [indexer, rel, srv] = await Promise.all([
      runProcess(['--import', 'tsx', join(ROOT, 'indexer', 'cli.ts'), '--help']),
      runProcess(['--import', 'tsx', join(ROOT, 'scripts', 'release.ts'), '--help']),
      runProcess([join(copy, 'ftz-search', 'server.mjs'), '--help']),
    ]);
    expect(indexer.code).toBe(0);
    for (const opt of ['--seeds', '--dict', '--out', '--dump-records', '--inspect']) expect(indexer.stdout).toContain(opt);
    expect(rel.code).toBe(0);
    for (const opt of ['--snapshot', '--out', 'server.mjs', 'index.snapshot']) expect(rel.stdout).toContain(opt);
    expect(srv.code).toBe(0);
    expect(srv.stdout).toContain('usage: node server.mjs');
    expect(srv.stdout).toContain('index.snapshot');
    expect(srv.stdout).not.toContain('--seeds');
  });
});
