import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchService } from '../search/service.js';
import { writeSnapshotFile } from '../snapshot/file.js';
import { runServer } from '../server/run.js';
import { DEFAULT_WARM_UP, warmUp, warmUpSteps } from '../server/warm-up.js';
import { BENCH_QUERIES } from '../bench/scale-queries.js';
import { seedSnapshot } from './helpers.js';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ftz-warm-up-'));
  file = join(dir, 'seeds.snapshot');
  await writeSnapshotFile(file, await seedSnapshot());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = (warm: Parameters<typeof runServer>[0]['warmUp'], lines: string[]) =>
  runServer({ snapshot: file, webRoot: join(dir, 'no-page'), port: 0, host: '127.0.0.1', accessLog: false, drainSeconds: 1, log: (l) => lines.push(l), version: 'test', warmUp: warm });

describe('the server warm-up', () => {
  it('asks queries made of the snapshot\'s own title words and vocabulary, the same ones on every start', async () => {
    const service = new SearchService(await seedSnapshot());
    const steps = warmUpSteps(service, 300);
    expect(steps).toHaveLength(300);
    const vocabulary = new Set(service.body.analysis.vocabulary.map(([w]) => w));
    const titles = service.records.map((r) => service.engine.analyzer.normalizer.plain(r.title)).join('\n');
    expect(warmUpSteps(new SearchService(await seedSnapshot()), 300)).toEqual(steps);
    // Every kind a user types is among them, and suggestions and similar lists beside.
    expect(new Set(steps.map((s) => s.kind)).size).toBe(11);
    for (const s of steps) {
      if (!('search' in s)) continue;
      const q = s.search.q ?? '';
      // A quoted run is printed in a title; the words of a plain or excluding query are a title's or the vocabulary's.
      if (s.kind === 'phrase') expect(titles).toContain(q.replace(/"/g, ''));
      if (['one word', 'two words', 'exclusion', 'region filter'].includes(s.kind)) {
        for (const w of q.split(/ -?/)) expect(titles.includes(w) || vocabulary.has(w)).toBe(true);
      }
    }
  });

  it('leaves every answer as a server that never warmed up gives it', async () => {
    const warmed = new SearchService(await seedSnapshot());
    const report = await warmUp(warmed, { queries: 400 });
    expect(report).toMatchObject({ asked: 400, ended: 'done' });
    const fresh = new SearchService(await seedSnapshot());
    const drop = (r: ReturnType<SearchService['search']>) => ({ ...r, took_ms: 0 });
    for (const b of BENCH_QUERIES) {
      const params = { q: b.q, size: 10, filters: b.region ? { region: [b.region] } : {} };
      expect(drop(warmed.search(params))).toEqual(drop(fresh.search(params)));
    }
  });

  it('waits while the server is busy and ends at once when told to stop', async () => {
    const service = new SearchService(await seedSnapshot());
    let checks = 0;
    const waited = await warmUp(service, { queries: 50 }, { busy: () => ++checks <= 3 });
    expect(checks).toBeGreaterThan(3);
    expect(waited).toMatchObject({ asked: 50, ended: 'done' });
    const stopped = await warmUp(service, { queries: 50 }, { stopped: () => true });
    expect(stopped).toMatchObject({ asked: 0, ended: 'stopped' });
    const spent = await warmUp(service, { queries: 5000, budgetMs: 0 });
    expect(spent.ended).toBe('budget');
    expect(spent.asked).toBeLessThan(5000);
  });

  it('runs on its own once a started server has answered, and says what it did', async () => {
    const lines: string[] = [];
    const server = await start({ queries: 200 }, lines);
    try {
      const first = await fetch(`${server.url}/api/search?q=${encodeURIComponent('退税')}`);
      expect(first.status).toBe(200);
      const report = await server.warmedUp;
      expect(report).toMatchObject({ asked: 200, ended: 'done' });
      expect(lines.some((l) => /^warm-up: 200 queries made from the snapshot in \d+ slices/.test(l))).toBe(true);
    } finally {
      await server.shutdown('test');
    }
  });

  it('is off with warmUp false', async () => {
    const lines: string[] = [];
    const off = await start(false, lines);
    await off.shutdown('test');
    expect(await off.warmedUp).toBeUndefined();
    expect(lines.some((l) => l.startsWith('warm-up'))).toBe(false);
  });

  it('a shutdown before the warm-up began ends its wait for the first answer at once, asking nothing', async () => {
    const on = await start({}, []);
    let ended = false;
    void on.warmedUp.then(() => (ended = true));
    await on.shutdown('test');
    // Ended by the shutdown itself, not by the WARM_UP_AFTER_MS timer (which kept it waiting past the shutdown).
    expect(ended).toBe(true);
    expect(await on.warmedUp).toMatchObject({ asked: 0, slices: 0, ended: 'stopped' });
  });

  it('a shutdown ends a warm-up that is running', async () => {
    const lines: string[] = [];
    const on = await start({}, lines);
    // The warm-up's searches, counted on the service it warms (the route's own search comes before it starts).
    const service = on.state.service;
    const search = service.search.bind(service);
    let searched = 0;
    service.search = (params) => (searched++, search(params));
    expect((await fetch(`${on.url}/api/search?q=${encodeURIComponent('退税')}`)).status).toBe(200);
    const routeSearches = searched;
    while (searched === routeSearches) await new Promise((resolve) => setTimeout(resolve, 5));
    await on.shutdown('test');
    const report = await on.warmedUp;
    expect(report?.ended).toBe('stopped');
    expect(report?.asked).toBeGreaterThan(0);
    expect(report?.asked).toBeLessThan(DEFAULT_WARM_UP.queries);
    expect(lines.some((l) => /^warm-up: \d+ queries made from the snapshot .*\(stopped\)$/.test(l))).toBe(true);
  });
});
