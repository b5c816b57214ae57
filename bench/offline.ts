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
import { answer, prefetchHint } from '../web/src/offline/router.js';
import { chunkedIndexFromEntry } from '../web/src/offline/chunks.js';
import { sha256Hex } from '../web/src/offline/sha256.js';
import { launchChromium } from '../test/browser/harness.js';
import { serveStatic } from '../test/browser/static-server.js';
import { writeBenchmarkSection } from './doc-section.js';
import { corpusLines, seedPools } from './scale-corpus.js';
import type { Browser } from 'playwright-core';
import type { ExportStats } from '../scripts/export-offline.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- offline:start -->';
const END = '<!-- offline:end -->';
const RUNS = 7;
/** The larger corpus (bench/scale-corpus.ts records): FTZ_OFFLINE_LARGE=0 skips it. */
const LARGE = Number(process.env.FTZ_OFFLINE_LARGE ?? 10_000);

interface First { total: number; fetch: number; decode: number; bytes: number; chunks: number; chunkBytes: number; rounds: number; postings: number; texts: number }

/** Cold context, first query: navigation start → first hit shown, and what was fetched for it. */
async function firstResult(browser: Browser, base: string, query: string): Promise<First> {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  let postings = 0;
  let texts = 0;
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (/\/postings\/[^/]+\.bin$/.test(path)) postings++;
    if (/\/records\/[^/]+\.json$/.test(path)) texts++;
  });
  await page.goto(`${base}/#/?q=${encodeURIComponent(query)}`, { waitUntil: 'commit' });
  // performance.now() counts from the navigation's start: the time until the first hit is in the page.
  const total = await (await page.waitForFunction(() => document.querySelector('.hit') && performance.now(), undefined, { polling: 'raf', timeout: 120_000 })).jsonValue() as number;
  const t = await page.evaluate(() => (globalThis as { __offline?: { fetchMs: number; decodeMs: number; bytes: number; chunks: number; chunkBytes: number; rounds: number } }).__offline!);
  await context.close();
  return { total, fetch: t.fetchMs, decode: t.decodeMs, bytes: t.bytes, chunks: t.chunks, chunkBytes: t.chunkBytes, rounds: t.rounds, postings, texts };
}

function sizes(stats: ExportStats) {
  const sum = (fs: ExportStats['files'], k: 'bytes' | 'gzip') => fs.reduce((s, f) => s + f[k], 0);
  const entry = stats.files.filter((f) => f.path === 'index.snapshot');
  const chunks = stats.files.filter((f) => f.path.startsWith('records/'));
  const postings = stats.files.filter((f) => f.path.startsWith('postings/'));
  const code = stats.files.filter((f) => f.path !== 'index.snapshot' && !f.path.startsWith('records/') && !f.path.startsWith('postings/') && !f.path.startsWith('similar-') && !f.path.endsWith('.svg'));
  const similar = stats.files.filter((f) => f.path.startsWith('similar-'));
  return {
    postings: [sum(postings, 'bytes'), sum(postings, 'gzip'), postings.length, Math.max(0, ...postings.map((f) => f.bytes))], similar: [sum(similar, 'bytes'), sum(similar, 'gzip')], entry: [sum(entry, 'bytes'), sum(entry, 'gzip')], chunks: [sum(chunks, 'bytes'), sum(chunks, 'gzip'), chunks.length], code: [sum(code, 'bytes'), sum(code, 'gzip')], whole: stats.snapshotBytes };
}
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
    const code = stats.files.filter((f) => f.path !== 'index.snapshot' && !f.path.startsWith('records/') && !f.path.startsWith('postings/') && !f.path.startsWith('similar-') && !f.path.endsWith('.svg'));
    const z = sizes(stats);

    // Parity, Node: the page's router over the page's decode path (pure-JS sha256) against the server's HTTP answers.
    const app = await buildApp({ service: new SearchService(body) });
    // The exported entry file and chunks, read from disk as the page fetches them.
    const offline = chunkedIndexFromEntry(readFileSync(join(out, 'index.snapshot')), sha256Hex);
    const sets = { dev: judged('queries.dev.json'), test: judged('queries.test.json') };
    const serverTop: Record<string, string[]> = {};
    const nodeParity: Record<string, number> = {};
    for (const [name, queries] of Object.entries(sets)) {
      let same = 0;
      for (const q of queries) {
        const url = `/api/search?q=${encodeURIComponent(q)}&size=10`;
        const server = ((await app.inject(url)).json() as { hits: { id: string }[] }).hits.map((h) => h.id);
        serverTop[q] = server;
        const mine = ((await offline.run((s) => answer(s, url), async (f) => readFileSync(join(out, f)), sha256Hex, (s) => prefetchHint(s, url))).body as { hits: { id: string }[] }).hits.map((h) => h.id);
        if (mine.join() === server.join()) same++;
      }
      nodeParity[name] = same;
    }
    await app.close();

    // Chromium behind a plain static server.
    const site = await serveStatic(out);
    const browser = await launchChromium();
    const first: First[] = [];
    const browserParity: Record<string, number> = {};
    const warm: number[] = [];
    let large: { records: number; stats: ExportStats; first: First[]; snapshotBytes: number } | undefined;
    try {
      for (let i = 0; i < RUNS; i++) first.push(await firstResult(browser, site.base, FIRST_QUERY));
      {
        const context = await browser.newContext({ locale: 'zh-CN' });
        const page = await context.newPage();
        await page.goto(`${site.base}/#/?q=${encodeURIComponent(FIRST_QUERY)}`, { waitUntil: 'commit' });
        await page.locator('.hit').first().waitFor();
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
        await context.close();
      }
      // A larger corpus: generated records (bench/scale-corpus.ts) → npm run index → export → first result.
      if (LARGE > 0) {
        const jsonl = join(work, 'large.jsonl');
        writeFileSync(jsonl, [...corpusLines(seedPools(join(root, 'seeds')), LARGE)].join('\n') + '\n');
        const largeSnap = join(work, 'large.snapshot');
        execFileSync(process.execPath, ['--import', 'tsx', join(root, 'indexer', 'cli.ts'), '--records', jsonl, '--out', largeSnap], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
        const largeOut = join(work, 'site-large');
        const largeStats = await exportOffline({ snapshot: largeSnap, seeds: '', dict: '', out: largeOut, log: () => {} });
        const largeSite = await serveStatic(largeOut);
        const runs: First[] = [];
        try {
          for (let i = 0; i < 3; i++) runs.push(await firstResult(browser, largeSite.base, FIRST_QUERY));
        } finally {
          await largeSite.close();
        }
        large = { records: largeStats.records, stats: largeStats, first: runs, snapshotBytes: readFileSync(largeSnap).length };
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
      `| page code (HTML, JS, CSS) | ${kib(z.code[0])} raw, ${kib(z.code[1])} gzipped (gzip -9) |`,
      `| of which the search service chunk (loaded by the offline page only) | ${kib(code.filter((f) => /source-/.test(f.path)).reduce((s, f) => s + f.bytes, 0))} raw, ${kib(code.filter((f) => /source-/.test(f.path)).reduce((s, f) => s + f.gzip, 0))} gzipped |`,
      `| entry file index.snapshot (analysis data, records without their long texts, per-record ranking data, chunk manifests) | ${kib(z.entry[0])} raw, ${kib(z.entry[1])} gzipped (the whole snapshot: ${kib(z.whole)}) |`,
      `| postings/: the index's terms and postings in ${z.postings[2]} chunks by term range, fetched on demand | ${kib(z.postings[0])} raw, ${kib(z.postings[1])} gzipped (largest chunk ${kib(z.postings[3])}) |`,
      `| records/: the long texts in ${z.chunks[2]} chunks, fetched on demand | ${kib(z.chunks[0])} raw, ${kib(z.chunks[1])} gzipped |`,
      `| similar-reform lists (their own file, fetched by the first similar-reforms answer) | ${kib(z.similar[0])} raw, ${kib(z.similar[1])} gzipped |`,
      `| first result in a cold browser context (navigation start → first hit shown, “${FIRST_QUERY}”, ${RUNS} runs) | median ${median(first.map((f) => f.total)).toFixed(0)} ms, worst ${Math.max(...first.map((f) => f.total)).toFixed(0)} ms |`,
      `| of which fetching the entry file / verifying (sha256 in JS) + decoding + building the service | median ${median(first.map((f) => f.fetch)).toFixed(0)} ms / ${median(first.map((f) => f.decode)).toFixed(0)} ms |`,
      `| index data fetched for the first query: entry file + chunks | ${kib(first[0].bytes)} + ${first[0].chunks} chunks of ${kib(first[0].chunkBytes)} (${first[0].postings} postings, ${first[0].texts} record texts; raw, no compression by the static server) in ${first[0].rounds} rounds of parallel fetches |`,
      `| a further query in the loaded page (hash change → results shown, chunks fetched as needed), ${warm.length} judged queries | median ${median(warm).toFixed(0)} ms, worst ${Math.max(...warm).toFixed(0)} ms |`,
      `| identical top-10 ids to the server, in Node (the page's router over the exported entry file and chunks), dev / test | ${nodeParity.dev}/${n.dev} (${pct(nodeParity.dev, n.dev)}) / ${nodeParity.test}/${n.test} (${pct(nodeParity.test, n.test)}) |`,
      `| identical top-10 ids to the server, read from the page in Chromium, dev / test | ${browserParity.dev}/${n.dev} (${pct(browserParity.dev, n.dev)}) / ${browserParity.test}/${n.test} (${pct(browserParity.test, n.test)}) |`,
      ...(large
        ? (() => {
            const lz = sizes(large.stats);
            const f = large.first;
            return [
              '',
              `The same measures on ${large.records.toLocaleString('en')} generated records (bench/scale-corpus.ts → \`npm run index -- --records\` → \`npm run export:offline\`; whole snapshot ${kib(large.snapshotBytes)}), 3 cold runs:`,
              '',
              '| measure | value |',
              '|---|---|',
              `| entry file index.snapshot | ${kib(lz.entry[0])} raw, ${kib(lz.entry[1])} gzipped |`,
              `| postings/: ${lz.postings[2]} chunks by term range | ${kib(lz.postings[0])} raw, ${kib(lz.postings[1])} gzipped (largest chunk ${kib(lz.postings[3])}) |`,
              `| records/: ${lz.chunks[2]} chunks | ${kib(lz.chunks[0])} raw, ${kib(lz.chunks[1])} gzipped |`,
              `| similar-reform lists (own file) | ${kib(lz.similar[0])} raw, ${kib(lz.similar[1])} gzipped |`,
              `| index data fetched for the first query (“${FIRST_QUERY}”): entry file + chunks | ${kib(f[0].bytes)} + ${f[0].chunks} chunks of ${kib(f[0].chunkBytes)} (${f[0].postings} postings, ${f[0].texts} record texts) in ${f[0].rounds} rounds of parallel fetches |`,
              `| first result in a cold browser context | median ${median(f.map((x) => x.total)).toFixed(0)} ms, worst ${Math.max(...f.map((x) => x.total)).toFixed(0)} ms |`,
              `| of which fetching the entry file / verifying + decoding + building the service | median ${median(f.map((x) => x.fetch)).toFixed(0)} ms / ${median(f.map((x) => x.decode)).toFixed(0)} ms |`,
            ];
          })()
        : []),
      '',
      "The index's terms and postings are chunked by term range (as Pagefind chunks its index) and the records' long texts",
      '(content, applicable-to, process, outcome, with their figures) by runs of records; a query fetches the postings chunks holding its terms,',
      'then the text chunks of the hits it shows, every chunk found missing in a round at once, each checked against the',
      "sha256 the entry file names. The similar-reform lists are a file of their own, fetched by the first similar-reforms",
      'answer. Field lengths and facet columns are packed in the entry (varints; facets as per-value record lists) and',
      "expanded in the page to the engine's arrays. The entry file still grows with the number of records (their titles,",
      'links, facet and outcome columns, packed field lengths and title keys: what ranking, facets and collapsing read for',
      'every record), no longer with the text.',
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
