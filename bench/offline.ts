/**
 * npm run bench:offline (also run at the end of npm run bench): the static offline bundle on the seed corpus.
 * Exports it (npm run export:offline), measures its files raw and gzipped, counts top-10 parity with the server on
 * every judged query twice (the in-page router in Node over the same decode path, and the page itself in Chromium
 * behind a plain static server), and times the first result in a cold Chromium context. Replaces the "Offline
 * bundle" section of docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSnapshot } from '../indexer/build.js';
import { serializeSnapshot } from '../snapshot/file.js';
import { SearchService } from '../search/service.js';
import { buildApp } from '../server/app.js';
import { exportOffline } from '../scripts/export-offline.js';
import { answer, serviceFromSnapshot } from '../web/src/offline/router.js';
import { launchChromium } from '../test/browser/harness.js';
import { serveStatic } from '../test/browser/static-server.js';
import { writeBenchmarkSection } from './doc-section.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- offline:start -->';
const END = '<!-- offline:end -->';
const RUNS = 7;
const FIRST_QUERY = '留抵退税';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const judged = (file: string) => (JSON.parse(readFileSync(join(root, 'bench', file), 'utf8')) as { query: string }[]).map((q) => q.query);

async function main() {
  const load = os.loadavg()[0];
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  const work = mkdtempSync(join(os.tmpdir(), 'ftz-bench-offline-'));
  try {
    const { body } = await buildSnapshot({ seedsDir: join(root, 'seeds'), dictDir: join(root, 'dict') });
    const snap = join(work, 'seed.snapshot');
    writeFileSync(snap, serializeSnapshot(body));
    const out = join(work, 'site');
    const stats = await exportOffline({ snapshot: snap, seeds: '', dict: '', out, log: () => {} });
    const code = stats.files.filter((f) => f.path !== 'index.snapshot' && !f.path.endsWith('.svg'));
    const snapFile = stats.files.find((f) => f.path === 'index.snapshot')!;

    // Parity, Node: the page's router over the page's decode path (pure-JS sha256) against the server's HTTP answers.
    const app = await buildApp({ service: new SearchService(body) });
    const offline = serviceFromSnapshot(readFileSync(snap));
    const sets = { dev: judged('queries.dev.json'), test: judged('queries.test.json') };
    const serverTop: Record<string, string[]> = {};
    const nodeParity: Record<string, number> = {};
    for (const [name, queries] of Object.entries(sets)) {
      let same = 0;
      for (const q of queries) {
        const url = `/api/search?q=${encodeURIComponent(q)}&size=10`;
        const server = ((await app.inject(url)).json() as { hits: { id: string }[] }).hits.map((h) => h.id);
        serverTop[q] = server;
        const mine = (answer(offline, url).body as { hits: { id: string }[] }).hits.map((h) => h.id);
        if (mine.join() === server.join()) same++;
      }
      nodeParity[name] = same;
    }
    await app.close();

    // Chromium behind a plain static server.
    const site = await serveStatic(out);
    const browser = await launchChromium();
    const first: { total: number; fetch: number; decode: number }[] = [];
    const browserParity: Record<string, number> = {};
    const warm: number[] = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        const context = await browser.newContext({ locale: 'zh-CN' });
        const page = await context.newPage();
        await page.goto(`${site.base}/#/?q=${encodeURIComponent(FIRST_QUERY)}`, { waitUntil: 'commit' });
        // performance.now() counts from the navigation's start: the time until the first hit is in the page.
        const total = await (await page.waitForFunction(() => document.querySelector('.hit') && performance.now(), undefined, { polling: 'raf' })).jsonValue() as number;
        const t = await page.evaluate(() => (globalThis as { __offline?: { fetchMs: number; decodeMs: number } }).__offline!);
        first.push({ total, fetch: t.fetchMs, decode: t.decodeMs });
        if (i === 0) {
          for (const [name, queries] of Object.entries(sets)) {
            let same = 0;
            for (const q of queries) {
              const t0 = await page.evaluate((hash) => { location.hash = hash; return performance.now(); }, `#/?q=${encodeURIComponent(q)}`);
              try {
                const t1 = await (await page.waitForFunction((text) => {
                  const busy = document.querySelector('.results[aria-busy="true"]');
                  const s = document.querySelector('.summary')?.textContent ?? '';
                  return !busy && s.includes(`“${text}”`) && performance.now();
                }, q, { timeout: 5000, polling: 'raf' })).jsonValue() as number;
                warm.push(t1 - t0);
              } catch { continue; }
              const ids = await page.locator('.hit-title a').evaluateAll((as) => as.map((a) => /^#\/reforms\/([^?]+)/.exec(a.getAttribute('href') ?? '')?.[1] ?? ''));
              if (ids.join() === serverTop[q].join()) same++;
            }
            browserParity[name] = same;
          }
        }
        await context.close();
      }
    } finally {
      await browser.close();
      await site.close();
    }

    const n = { dev: sets.dev.length, test: sets.test.length };
    const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;
    const section = [
      START,
      '## Offline bundle: the page answering its own API (seed corpus)',
      '',
      `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC at commit ${commit} on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores, 1-minute load average ${load.toFixed(1)} when it began), Node ${process.version}, Debian Chromium headless, by \`npm run bench:offline\`:`,
      `the folder written by \`npm run export:offline\` from the seed snapshot (${stats.records} records), served by a plain node:http static file server on 127.0.0.1 (no compression, no fallback).`,
      '',
      '| measure | value |',
      '|---|---|',
      `| page code (HTML, JS, CSS) | ${kib(code.reduce((s, f) => s + f.bytes, 0))} raw, ${kib(code.reduce((s, f) => s + f.gzip, 0))} gzipped (gzip -9) |`,
      `| of which the search service chunk (loaded by the offline page only) | ${kib(code.filter((f) => /source-/.test(f.path)).reduce((s, f) => s + f.bytes, 0))} raw, ${kib(code.filter((f) => /source-/.test(f.path)).reduce((s, f) => s + f.gzip, 0))} gzipped |`,
      `| index.snapshot (one file) | ${kib(snapFile.bytes)} raw, ${kib(snapFile.gzip)} gzipped |`,
      `| first result in a cold browser context (navigation start → first hit shown, “${FIRST_QUERY}”, ${RUNS} runs) | median ${median(first.map((f) => f.total)).toFixed(0)} ms, worst ${Math.max(...first.map((f) => f.total)).toFixed(0)} ms |`,
      `| of which fetching index.snapshot / verifying (sha256 in JS) + decoding + building the service | median ${median(first.map((f) => f.fetch)).toFixed(0)} ms / ${median(first.map((f) => f.decode)).toFixed(0)} ms |`,
      `| a further query in the loaded page (hash change → results shown), ${warm.length} judged queries | median ${median(warm).toFixed(0)} ms, worst ${Math.max(...warm).toFixed(0)} ms |`,
      `| identical top-10 ids to the server, in Node (the page's router and decode path), dev / test | ${nodeParity.dev}/${n.dev} (${pct(nodeParity.dev, n.dev)}) / ${nodeParity.test}/${n.test} (${pct(nodeParity.test, n.test)}) |`,
      `| identical top-10 ids to the server, read from the page in Chromium, dev / test | ${browserParity.dev}/${n.dev} (${pct(browserParity.dev, n.dev)}) / ${browserParity.test}/${n.test} (${pct(browserParity.test, n.test)}) |`,
      '',
      'This run shipped the snapshot as one file (loading index chunks on demand, as Pagefind does, is not implemented);',
      'the fetch and verify/decode rows are what that one file cost here, inside the first-result time.',
      END,
    ].join('\n');
    writeBenchmarkSection(root, START, END, section);
    console.log(section);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
