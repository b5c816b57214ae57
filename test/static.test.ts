/**
 * How the page is delivered: compressed when the browser asks, hashed assets cached for good, index.html
 * revalidated, a favicon, the page's own URLs answered with the page, /api/* never; and the page's JavaScript
 * within its budget of 60 KB gzipped.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.js';
import { pageForRun } from './browser/page-build.js';
import { seedService } from './helpers.js';

let app: FastifyInstance;
let webRoot: string;
let ownPage = false;
beforeAll(async () => {
  ({ webRoot, own: ownPage } = await pageForRun());
  app = await buildApp({ service: await seedService(), webRoot });
});
afterAll(async () => {
  await app?.close();
  if (ownPage) rmSync(webRoot, { recursive: true, force: true });
});

const assets = () => readdirSync(join(webRoot, 'assets'));

describe('delivery of the page', () => {
  it('serves index.html at / with no-cache, so a new build is seen at once', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<div id="app">');
  });

  it('caches hashed assets for a year as immutable', async () => {
    const js = assets().find((f) => f.endsWith('.js'))!;
    const res = await app.inject({ url: `/assets/${js}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('compresses the page, its script and API answers when the browser asks for it', async () => {
    const js = assets().find((f) => f.endsWith('.js'))!;
    for (const url of [`/assets/${js}`, `/api/search?q=${encodeURIComponent('通关')}`, '/api/stats']) {
      const gz = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
      expect(gz.headers['content-encoding'], url).toBe('gzip');
      const br = await app.inject({ url, headers: { 'accept-encoding': 'br, gzip' } });
      expect(br.headers['content-encoding'], url).toBe('br');
      const plain = await app.inject({ url });
      expect(plain.headers['content-encoding'], url).toBeUndefined();
    }
  });

  it('answers the page for its own URLs (a record, the outcomes view) and a favicon', async () => {
    for (const url of ['/reforms/79c90300-49', '/reforms/79c90300-49?q=x&only=other', '/outcomes', '/outcomes?kind=money']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/text\/html/);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
    for (const url of ['/favicon.svg', '/favicon.ico']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/image\/svg\+xml/);
    }
  });

  it('keeps /api/* a JSON 404 and never answers it with the page', async () => {
    for (const url of ['/api/nope', '/api/reforms/no-such-id', '/api/reforms/a/b/c']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/application\/json/);
      expect(res.json().message, url).toBeTruthy();
    }
    const other = await app.inject({ url: '/no-such-page' });
    expect(other.statusCode).toBe(404);
  });

  it('keeps the page JavaScript under 60 KB gzipped', () => {
    const total = assets().filter((f) => f.endsWith('.js')).reduce((n, f) => n + gzipSync(readFileSync(join(webRoot, 'assets', f)), { level: 9 }).length, 0);
    expect(total).toBeGreaterThan(1000);
    expect(total).toBeLessThan(60 * 1024);
  });
});
