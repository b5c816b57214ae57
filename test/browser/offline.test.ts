/**
 * The offline bundle in a real browser: `export:offline` writes a folder, a plain static server (no fallback, no
 * API) serves it, and Chromium searches, sees <mark>, opens a record and the outcomes table, all answered in the page.
 */
import { mkdtempSync, rmSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { exportOffline } from '../../scripts/export-offline.js';
import { serializeSnapshot } from '../../snapshot/file.js';
import { seedService, seedSnapshot } from '../helpers.js';
import { launchChromium } from './harness.js';
import { DEFAULT_PER_CHUNK } from '../../web/src/offline/chunks.js';
import { serveStatic } from './static-server.js';

let dir: string;
let out: string;
let site: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;
const requests: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ftz-offline-'));
  const snap = join(dir, 'seed.snapshot');
  writeFileSync(snap, serializeSnapshot(await seedSnapshot()));
  out = join(dir, 'site');
  await exportOffline({ snapshot: snap, seeds: '', dict: '', out, log: () => {} });
  site = await serveStatic(out);
  site.server.on('request', (req) => requests.push(req.url ?? ''));
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the offline bundle', () => {
  it('is a static folder with the page, its assets and the snapshot, and no Node-only code', () => {
    const files = readdirSync(out);
    expect(files).toEqual(expect.arrayContaining(['index.html', 'assets', 'index.snapshot', 'records', 'postings']));
    const js = readdirSync(join(out, 'assets')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(out, 'assets', f), 'utf8')).join('\n');
    expect(js).not.toMatch(/nodejieba|node:crypto|node:fs|createHash/);
  });

  it('searches, marks the matched words, opens a record and shows outcomes with no backend', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${site.base}/`);
    await page.fill('#q', '留抵退税');
    await page.press('#q', 'Enter');
    // The search's answer, not the listing shown before it (its record texts may take a chunk fetch longer).
    await page.waitForFunction((text) => !document.querySelector('.results[aria-busy="true"]') && (document.querySelector('.summary')?.textContent ?? '').includes(`“${text}”`), '留抵退税');
    await page.locator('.hit').first().waitFor();
    // Hash routes: the search lives in the fragment, so reload and shared links work on a plain static server.
    expect(new URL(page.url()).hash).toBe(`#/?q=${encodeURIComponent('留抵退税')}`);
    const marks = await page.locator('.hit mark').allInnerTexts();
    expect(marks.some((m) => m.includes('退税'))).toBe(true);

    // The same first hits as the server's service over the same snapshot.
    const service = await seedService();
    const expected = service.search({ q: '留抵退税', size: 3 }).hits.map((h) => h.id);
    const hrefs = await page.locator('.hit-title a').evaluateAll((as) => as.slice(0, 3).map((a) => a.getAttribute('href')));
    expect(hrefs.map((h) => /^#\/reforms\/([^?]+)/.exec(h ?? '')?.[1])).toEqual(expected);

    const title = await page.locator('.hit-title a').first().innerText();
    await page.locator('.hit-title a').first().click();
    await page.locator('h1', { hasText: title.trim().slice(0, 8) }).waitFor();
    expect(new URL(page.url()).hash).toMatch(new RegExp(`^#/reforms/${expected[0]}`));
    // A record link survives a reload: nothing but index.html is asked of the server.
    await page.reload();
    await page.locator('h1', { hasText: title.trim().slice(0, 8) }).waitFor();

    await page.goto(`${site.base}/#/outcomes?q=${encodeURIComponent('时间')}`);
    await page.locator('table tbody tr').first().waitFor();
    expect(await page.locator('table tbody tr mark').count()).toBeGreaterThan(0);
    // Only static files were requested: no /api, no /reforms/ path.
    expect(requests.filter((u) => u.startsWith('/api') || u.startsWith('/reforms'))).toEqual([]);
    await context.close();
  });

  it('fetches the postings chunks of the query\'s terms, then the text chunks of exactly the hits shown, each round at once', async () => {
    const service = await seedService();
    const chunkOf = new Map(service.records.map((r, i) => [r.id, Math.floor(i / DEFAULT_PER_CHUNK)]));
    const chunkFiles = readdirSync(join(out, 'records'));
    expect(chunkFiles.length).toBe(Math.ceil(service.records.length / DEFAULT_PER_CHUNK));
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const fetched: string[] = [];
    const postings: string[] = [];
    page.on('request', (r) => {
      const m = /\/records\/(\d+)-[0-9a-f]{12}\.json$/.exec(new URL(r.url()).pathname);
      if (m) fetched.push(m[1]);
      if (/\/postings\/\d+-[0-9a-f]{12}\.bin$/.test(new URL(r.url()).pathname)) postings.push(r.url());
    });
    await page.goto(`${site.base}/#/?q=${encodeURIComponent('跨境电商')}`);
    await page.locator('.hit').first().waitFor();
    await page.locator('.results[aria-busy="true"]').waitFor({ state: 'detached' }).catch(() => {});
    const ids = await page.locator('.hit-title a').evaluateAll((as) => as.map((a) => /^#\/reforms\/([^?]+)/.exec(a.getAttribute('href') ?? '')?.[1] ?? ''));
    expect(ids.length).toBeGreaterThan(0);
    const shown = [...new Set(ids.map((id) => chunkOf.get(id)))].sort();
    // Exactly the chunks holding the shown hits (their snippets), each once; ranking and facets read none.
    expect([...new Set(fetched.map(Number))].sort()).toEqual(shown);
    expect(fetched.length).toBe(shown.length);
    expect(shown.length).toBeLessThan(chunkFiles.length);
    // The index came in chunks too: a few of them, not all, and the page waited for two rounds of fetches only.
    const postingsFiles = readdirSync(join(out, 'postings'));
    expect(postings.length).toBeGreaterThan(0);
    expect(postings.length).toBeLessThan(postingsFiles.length);
    expect(new Set(postings).size).toBe(postings.length);
    const rounds = await page.evaluate(() => (globalThis as { __offline?: { rounds: number } }).__offline?.rounds);
    expect(rounds).toBeGreaterThan(0);
    expect(rounds).toBeLessThanOrEqual(3);
    // The snippets are the record texts, marked: the lazily loaded text is what was highlighted.
    expect(await page.locator('.hit mark').count()).toBeGreaterThan(0);
    await context.close();
  });

  it('refuses a damaged snapshot with a message instead of searching half an index', async () => {
    const bytes = readFileSync(join(out, 'index.snapshot'));
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 100] ^= 0xff;
    const bad = join(dir, 'bad');
    await exportOffline({ snapshot: join(dir, 'seed.snapshot'), seeds: '', dict: '', out: bad, log: () => {} });
    writeFileSync(join(bad, 'index.snapshot'), damaged);
    const badSite = await serveStatic(bad);
    try {
      const context = await browser.newContext({ locale: 'zh-CN' });
      const page = await context.newPage();
      await page.goto(`${badSite.base}/#/?q=${encodeURIComponent('通关')}`);
      await page.getByText('离线索引文件已损坏').first().waitFor();
      expect(await page.locator('.hit').count()).toBe(0);
      await context.close();
    } finally {
      await badSite.close();
    }
  });
});
