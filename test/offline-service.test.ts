/**
 * The offline bundle's API, in Node: the pure-JS sha256 the page checks snapshots with, and the in-page router
 * answering the same paths and parameters as the server, over the same snapshot decoded the way the page decodes it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.js';
import { serializeSnapshot } from '../snapshot/file.js';
import type { SearchService } from '../search/service.js';
import { answer, serviceFromSnapshot } from '../web/src/offline/router.js';
import { sha256Hex } from '../web/src/offline/sha256.js';
import { ChunkMissing, chunkedIndexFromEntry, similarFile, splitRecords, type EntryBody } from '../web/src/offline/chunks.js';
import { ROOT, seedService, seedSnapshot } from './helpers.js';

let bytes: Uint8Array;
let offline: SearchService;
let app: FastifyInstance;
beforeAll(async () => {
  bytes = serializeSnapshot(await seedSnapshot());
  offline = serviceFromSnapshot(bytes);
  app = await buildApp({ service: await seedService() });
});

const judged = (file: string) => (JSON.parse(readFileSync(join(ROOT, 'bench', file), 'utf8')) as { query: string }[]).map((q) => q.query);

describe('the offline API', () => {
  it('hashes like node:crypto at every padding boundary and on the snapshot itself', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const b = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 255);
      expect(sha256Hex(b)).toBe(createHash('sha256').update(b).digest('hex'));
    }
    expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('gives the server\'s top ten for every judged query, dev and test', async () => {
    const queries = [...judged('queries.dev.json'), ...judged('queries.test.json')];
    expect(queries.length).toBeGreaterThan(50);
    const differ: string[] = [];
    for (const q of queries) {
      const url = `/api/search?q=${encodeURIComponent(q)}&size=10`;
      const server = (await app.inject(url)).json() as { hits: { id: string }[] };
      const mine = answer(offline, url);
      expect(mine.status).toBe(200);
      const ids = (mine.body as { hits: { id: string }[] }).hits.map((h) => h.id);
      if (ids.join() !== server.hits.map((h) => h.id).join()) differ.push(q);
    }
    expect(differ).toEqual([]);
  });

  it('answers records, similar lists, suggestions and outcomes as the server does', async () => {
    const id = (answer(offline, '/api/search?q=%E7%95%99%E6%8A%B5%E9%80%80%E7%A8%8E').body as { hits: { id: string }[] }).hits[0].id;
    for (const url of [`/api/reforms/${id}`, `/api/reforms/${id}/similar?size=5&scope=other-regions`, '/api/suggest?q=%E9%80%9A%E5%85%B3',
      '/api/outcomes?q=%E6%97%B6%E9%97%B4&direction=down&sort=change&size=5']) {
      const server = await app.inject(url);
      const mine = answer(offline, url);
      expect(mine.status).toBe(server.statusCode);
      // The server's response schemas may drop fields; every field it sends, the page gets the same.
      expect(mine.body).toMatchObject(server.json());
    }
  });

  it('answers from an entry file and chunks fetched on demand exactly as the server does, fetching only what is read', async () => {
    // Split as npm run export:offline splits: the records as the service serves them, the similar lists apart.
    const body = await seedSnapshot();
    const split = splitRecords((await seedService()).records, sha256Hex, 16);
    const similar = similarFile(body, serializeSnapshot, sha256Hex)!;
    const { similar: _apart, ...rest } = body;
    const entry: EntryBody = { ...rest, records: split.entryRecords, offlineChunks: { ...split.manifest, similar: { file: similar.file, sha256: similar.sha256, bytes: similar.bytes.length } } };
    const files = new Map([...split.files.map((f) => [f.file, f.bytes] as const), [similar.file, similar.bytes]]);
    const index = chunkedIndexFromEntry(serializeSnapshot(entry), sha256Hex);
    const asked: string[] = [];
    const load = async (file: string) => (asked.push(file), files.get(file)!);
    const ask = (url: string) => index.run((service) => JSON.parse(JSON.stringify(answer(service, url))) as { status: number; body: unknown }, load, sha256Hex);
    // Ranking, facets and outcomes read no chunk at all.
    // (Ranked with no hit shown through the service: the API refuses size=0 with a 400, which would read nothing.)
    const ranked = await index.run((service) => service.search({ q: '留抵退税', size: 0 }), load, sha256Hex);
    expect(ranked.total).toBeGreaterThan(0);
    expect(Object.values(ranked.facets).some((values) => values.length > 0)).toBe(true);
    const outcomes = await ask('/api/outcomes?q=%E6%97%B6%E9%97%B4&direction=down&sort=change&size=5');
    expect(outcomes.status).toBe(200);
    expect(asked).toEqual([]);
    expect(() => index.service.records[0].content).toThrow(ChunkMissing);
    const first = await ask('/api/search?q=%E7%95%99%E6%8A%B5%E9%80%80%E7%A8%8E&size=10');
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.length).toBeLessThan(split.files.length);
    expect(asked.every((f) => f.startsWith('records/'))).toBe(true);
    // Identical answers to the server's, highlights included.
    const { took_ms: _a, ...mine } = first.body as { took_ms: number };
    const { took_ms: _b, ...server } = (await app.inject('/api/search?q=%E7%95%99%E6%8A%B5%E9%80%80%E7%A8%8E&size=10')).json() as { took_ms: number };
    expect(mine).toMatchObject(server);
    const id = (first.body as { hits: { id: string }[] }).hits[0].id;
    for (const url of [`/api/reforms/${id}`, `/api/reforms/${id}/similar?size=5&scope=other-regions`, `/api/reforms/${split.entryRecords.at(-1)!.id}`]) {
      const server = await app.inject(url);
      const mine = await ask(url);
      expect(mine.status).toBe(server.statusCode);
      expect(mine.body).toMatchObject(server.json());
    }
    expect(asked).toContain(similar.file);
    // A damaged chunk is refused, not read.
    const other = chunkedIndexFromEntry(serializeSnapshot(entry), sha256Hex);
    const bad = Uint8Array.from(split.files[0].bytes);
    bad[5] ^= 1;
    await expect(other.run((s) => JSON.stringify(answer(s, `/api/reforms/${split.entryRecords[0].id}`)), async () => bad, sha256Hex)).rejects.toThrow(/damaged chunk/);
  });

  it('refuses a bad parameter with a 400 naming it, and an unknown record with a 404', () => {
    const r = answer(offline, '/api/search?q=x&size=abc');
    expect(r.status).toBe(400);
    expect((r.body as { message: string }).message).toMatch(/^size:/);
    expect((answer(offline, '/api/outcomes?minChange=50&maxChange=10').body as { message: string }).message).toMatch(/^minChange:/);
    expect(answer(offline, '/api/reforms/nope-0').status).toBe(404);
  });

  it('refuses every bad request with the server\'s status and words (allowed values, decimal digits, unknown or repeated parameters, q that is not text)', async () => {
    const id = (answer(offline, '/api/search?q=%E7%95%99%E6%8A%B5%E9%80%80%E7%A8%8E').body as { hits: { id: string }[] }).hits[0].id;
    const urls = [
      '/api/search?size=abc', '/api/search?size=1e2', '/api/search?size=0x10', '/api/search?size=', '/api/search?size=0', '/api/search?size=101',
      '/api/search?size=10&size=20', '/api/search?q=a&q=b', '/api/search?page=20000', '/api/search?sort=foo', '/api/search?sort=',
      '/api/search?matching=any', '/api/search?collapse=maybe', '/api/search?collapse=1', '/api/search?region=', '/api/search?colour=red',
      '/api/search?region=' + 'x'.repeat(201), '/api/search?' + Array.from({ length: 51 }, (_, i) => `region=r${i}`).join('&'),
      '/api/search?facetSize=-1', '/api/search?q=' + 'a'.repeat(501), '/api/search?q=%ED%A0%80', '/api/search?q=%E9%80%80%E7%A8%8E%FF', '/api/search?q=%EF%BF%BD',
      '/api/suggest', '/api/suggest?q=a&foo=1', '/api/suggest?q=a&size=', '/api/suggest?q=%ED%A0%80',
      '/api/outcomes?direction=sideways', '/api/outcomes?direction=', '/api/outcomes?kind=x', '/api/outcomes?minChange=-1', '/api/outcomes?minChange=abc',
      '/api/outcomes?minChange=5&maxChange=1', '/api/outcomes?unit=', '/api/outcomes?unit=' + 'x'.repeat(21), '/api/outcomes?foo=1', '/api/outcomes?direction=down&direction=up',
      `/api/reforms/${id}/similar?scope=x`, `/api/reforms/${id}/similar?size=21`, `/api/reforms/${id}/similar?foo=1`, '/api/reforms/a.b', '/api/reforms/nope-0',
      '/api/nope', '/api/reforms/nope-0/similar/x?size=1',
      // and the same requests made right are answered by both
      '/api/search?q=%E9%80%80%E7%A8%8E&collapse=false&region=%E5%B1%B1%E4%B8%9C&facetSize=0', '/api/outcomes?minChange=1.5&direction=down', '/api/suggest?q=',
    ];
    const differ: string[] = [];
    for (const url of urls) {
      const server = await app.inject(url);
      const mine = answer(offline, url);
      const theirs = server.statusCode === 200 ? undefined : (server.json() as { message: string }).message;
      const ours = mine.status === 200 ? undefined : (mine.body as { message: string }).message;
      if (server.statusCode !== mine.status || theirs !== ours) differ.push(`${url}: server ${server.statusCode} ${theirs} / offline ${mine.status} ${ours}`);
    }
    expect(differ).toEqual([]);
    // Past the paging window the server points at /api/export, a route the offline bundle does not have: the bundle
    // gives the same figures and a next step it can offer.
    const deep = '/api/search?page=2000&size=10';
    expect((answer(offline, deep).body as { message: string }).message).toBe('page: page × size must be at most 10000 (got 2000 × 10); narrow the query or the filters to see the rest (the offline bundle has no export)');
    expect((answer(offline, '/api/outcomes?page=101&size=100').body as { message: string }).message).toMatch(/^page: page × size must be at most 10000 \(got 101 × 100\); narrow the query/);
    expect(((await app.inject(deep)).json() as { message: string }).message).toBe('page: page × size must be at most 10000 (got 2000 × 10); use /api/export for the whole result set');
  });

  it('refuses a damaged snapshot instead of loading half of it', () => {
    const damaged = bytes.slice();
    damaged[damaged.length - 50] ^= 0xff;
    expect(() => serviceFromSnapshot(damaged)).toThrow(/damaged snapshot: checksum/);
  });
});
