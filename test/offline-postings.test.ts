/**
 * The offline index in chunks by term, in Node: the entry file keeps no term of the index, a query fetches the postings
 * chunks whose term ranges hold its terms (all of a round at once) and answers exactly as the server does, and a
 * damaged postings chunk is refused by name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.js';
import { serializeSnapshot } from '../snapshot/file.js';
import { decodeSnapshot } from '../snapshot/container.js';
import type { SnapshotBody } from '../snapshot/body.js';
import type { EngineIndex } from '../search/engine.js';
import { answer, prefetchHint } from '../web/src/offline/router.js';
import { sha256Hex } from '../web/src/offline/sha256.js';
import { ChunkedIndex, chunkedIndexFromEntry, offlineChunks, type EntryBody } from '../web/src/offline/chunks.js';
import { recordStoreOf } from '../snapshot/records.js';
import { ROOT, seedService, seedSnapshot } from './helpers.js';

let body: SnapshotBody;
let app: FastifyInstance;
let split: ReturnType<typeof offlineChunks>;
let entryBytes: Uint8Array;
let files: Map<string, Uint8Array>;
beforeAll(async () => {
  body = await seedSnapshot();
  app = await buildApp({ service: await seedService() });
  // Small chunks (4 KiB) so the seed index spans many of them, as a large corpus's index does at the default size.
  split = offlineChunks(body, serializeSnapshot, sha256Hex, { postingsBytes: 4096 });
  entryBytes = serializeSnapshot(split.entry);
  files = new Map(split.files.map((f) => [f.file, f.bytes]));
});

const judged = (file: string) => (JSON.parse(readFileSync(join(ROOT, 'bench', file), 'utf8')) as { query: string }[]).map((q) => q.query);

/** Answers `url` the way the page does, noting every round of fetches (the files of each). */
async function ask(index: ChunkedIndex, url: string, rounds: string[][] = [], store = files) {
  let seen = index.rounds;
  const load = async (file: string) => {
    if (index.rounds !== seen || rounds.length === 0) {
      seen = index.rounds;
      rounds.push([]);
    }
    rounds[rounds.length - 1].push(file);
    const bytes = store.get(file);
    if (!bytes) throw new Error(`no file ${file}`);
    return bytes;
  };
  return index.run((s) => JSON.parse(JSON.stringify(answer(s, url))) as { status: number; body: unknown }, load, sha256Hex, (s) => prefetchHint(s, url));
}

describe('the offline index in chunks by term', () => {
  it('keeps no term of the index in the entry file, and its manifest covers every term in order', () => {
    const { body: entry } = decodeSnapshot(entryBytes, sha256Hex);
    const postings = (entry.index as EngineIndex).postings;
    expect(postings.terms).toBe('');
    expect(postings.postings.length).toBe(0);
    // What ranking needs per record stays, packed (columns.ts): one length per record and field, one title key per record.
    expect(postings.fieldLengths.length).toBe(0);
    expect(split.entry.offlineChunks.columns!.fieldLengths.length).toBeGreaterThanOrEqual(body.records.length * postings.fields.length);
    expect(postings.titleKeys.length).toBe(body.records.length);
    const m = split.entry.offlineChunks.postings!;
    expect(m.chunks.length).toBe(split.postingsChunks);
    expect(m.chunks.length).toBeGreaterThan(20);
    expect(m.chunks.reduce((n, c) => n + c.terms, 0)).toBe(m.termCount);
    expect(m.termCount).toBe((body.index as EngineIndex).postings.termOffsets.length - 1);
    for (let i = 1; i < m.chunks.length; i++) expect(m.chunks[i - 1].first < m.chunks[i].first).toBe(true);
    // The entry lost the postings' bytes: it is smaller than the whole snapshot by at least the chunks' size.
    const chunkBytes = split.files.filter((f) => f.file.startsWith('postings/')).reduce((n, f) => n + f.bytes.length, 0);
    expect(entryBytes.length).toBeLessThan(serializeSnapshot(body).length - chunkBytes);
  });

  it('packs field lengths and facet columns in the entry at under a quarter of their bytes, and the page expands them to the server\'s values', () => {
    const server = (body.index as EngineIndex);
    const packed = split.entry.offlineChunks.columns!;
    const packedBytes = packed.fieldLengths.length + Object.values(packed.facets).reduce((n, b) => n + b!.length, 0);
    const columnBytes = server.postings.fieldLengths.byteLength + Object.values(server.facets).reduce((n, c) => n + c.offsets.byteLength + c.ids.byteLength, 0);
    expect(packedBytes).toBeLessThan(columnBytes / 4);
    const page = (chunkedIndexFromEntry(entryBytes, sha256Hex).service.body.index as EngineIndex);
    expect(page.postings.fieldLengths).toEqual(server.postings.fieldLengths);
    for (const [name, col] of Object.entries(server.facets)) {
      const mine = page.facets[name as keyof typeof page.facets];
      expect(mine.values).toEqual(col.values);
      expect(mine.offsets).toEqual(col.offsets);
      // Each record's value ids, as a set (facets.ts filters and counts them as one).
      for (let r = 0; r < body.records.length; r++) {
        const ids = (c: typeof col) => [...c.ids.subarray(c.offsets[r], c.offsets[r + 1])].sort((a, b) => a - b);
        expect(ids(mine), `${name} of record ${r}`).toEqual(ids(col));
      }
    }
  });

  it('refuses an entry whose packed columns are cut short, naming them', () => {
    const cut = { ...split.entry, offlineChunks: { ...split.entry.offlineChunks, columns: { ...split.entry.offlineChunks.columns!, fieldLengths: split.entry.offlineChunks.columns!.fieldLengths.subarray(0, 100) } } };
    expect(() => chunkedIndexFromEntry(serializeSnapshot(cut), sha256Hex)).toThrow(/field lengths ends inside a number/);
    const region = split.entry.offlineChunks.columns!.facets.region!;
    const longer = { ...split.entry, offlineChunks: { ...split.entry.offlineChunks, columns: { ...split.entry.offlineChunks.columns!, facets: { ...split.entry.offlineChunks.columns!.facets, region: Uint8Array.of(...region, 0) } } } };
    expect(() => chunkedIndexFromEntry(serializeSnapshot(longer), sha256Hex)).toThrow(/facet region has 1 bytes too many/);
  });

  it('keeps the entry\'s records in the record columns and decodes none of them to start or to rank', async () => {
    const { body: entry } = decodeSnapshot(entryBytes, sha256Hex);
    const store = recordStoreOf(entry.records)!;
    expect(store.length).toBe(body.records.length);
    // Stored whole (as JSON) only where outcome facts point into the chunked texts; the others fit the columns.
    const whole = Array.from({ length: store.length }, (_, i) => i).filter((i) => store.isRaw(i));
    expect(whole.length).toBeLessThan(store.length / 2);
    expect(whole.every((i) => (body.records[i].outcomes?.length ?? 0) > 0)).toBe(true);
    // The figures went to the chunks with the texts (they are read with them: a record page, a sort by amount).
    expect(entry.records.every((r) => r.content === '' && r.quantities.length === 0)).toBe(true);
    let decoded = 0;
    const decode = store.record.bind(store);
    (store as { record: (i: number) => unknown }).record = (i: number) => (decoded++, decode(i));
    const index = new ChunkedIndex(entry as EntryBody);
    // Ranked and counted, no hit shown (the service takes size 0; the API would refuse it with a 400).
    const ranked = await index.run((s) => s.search({ q: '留抵退税', size: 0 }), (file) => Promise.resolve(files.get(file)!), sha256Hex);
    expect(ranked.total).toBeGreaterThan(0);
    expect(ranked.hits).toEqual([]);
    // Loading and ranking read only the records stored whole (for their links), never one that fits the columns.
    expect(decoded).toBeLessThanOrEqual(whole.length);
    const before = decoded;
    await ask(index, `/api/search?q=${encodeURIComponent('留抵退税')}&size=3`);
    expect(decoded).toBeGreaterThan(before);
    expect(decoded - before).toBeLessThan(50);
  });

  it('sorts by amount as the server does, fetching every text chunk in one round', async () => {
    const index = chunkedIndexFromEntry(entryBytes, sha256Hex);
    const url = `/api/search?q=${encodeURIComponent('通关')}&sort=quantity&size=10`;
    const rounds: string[][] = [];
    const { took_ms: _m, ...mine } = (await ask(index, url, rounds)).body as { took_ms?: number };
    const { took_ms: _s, ...server } = (await app.inject(url)).json() as { took_ms?: number };
    expect(mine).toMatchObject(server);
    expect(rounds.filter((r) => r.some((f) => f.startsWith('records/')))).toHaveLength(1);
    expect(rounds.flat().filter((f) => f.startsWith('records/'))).toHaveLength(split.textChunks);
  });

  it('gives the server\'s top ten for every judged query, fetching a few postings chunks per query in at most two rounds', async () => {
    const index = chunkedIndexFromEntry(entryBytes, sha256Hex);
    const queries = [...judged('queries.dev.json'), ...judged('queries.test.json')];
    const differ: string[] = [];
    let most = 0;
    let roundCount = 0;
    let fileCount = 0;
    for (const q of queries) {
      const url = `/api/search?q=${encodeURIComponent(q)}&size=10`;
      const server = ((await app.inject(url)).json() as { hits: { id: string }[] }).hits.map((h) => h.id);
      const rounds: string[][] = [];
      const mine = ((await ask(index, url, rounds)).body as { hits: { id: string }[] }).hits.map((h) => h.id);
      if (mine.join() !== server.join()) differ.push(q);
      most = Math.max(most, rounds.length);
      roundCount += rounds.length;
      fileCount += rounds.flat().length;
    }
    expect(differ).toEqual([]);
    // Chunks found missing together are fetched together: a query waits for its terms, then for its hits' texts.
    expect(most).toBeLessThanOrEqual(2);
    // (one loaded page answers them all, as in the browser: later queries find most chunks already there)
    expect(fileCount).toBeGreaterThan(2 * roundCount);
    // The chunks a query did not touch were never fetched.
    expect(index.fetched).toBeLessThan(split.files.length);
  });

  it('fetches the postings chunks holding a query\'s terms first, then the texts of exactly the hits shown, together', async () => {
    const index = chunkedIndexFromEntry(entryBytes, sha256Hex);
    const url = `/api/search?q=${encodeURIComponent('留抵退税')}&size=10`;
    const rounds: string[][] = [];
    const mine = (await ask(index, url, rounds)).body as { hits: { id: string }[] };
    expect(rounds.length).toBe(2);
    expect(rounds[0].every((f) => f.startsWith('postings/'))).toBe(true);
    expect(rounds[0].length).toBeLessThan(split.postingsChunks / 4);
    const perChunk = split.entry.offlineChunks.perChunk;
    const chunkOf = new Map(split.entry.records.map((r, i) => [r.id, Math.floor(i / perChunk)]));
    const shown = [...new Set(mine.hits.map((h) => chunkOf.get(h.id)!))].sort((a, b) => a - b);
    expect(rounds[1].map((f) => Number(/^records\/(\d+)-/.exec(f)![1])).sort((a, b) => a - b)).toEqual(shown);
    // Asked again, it is answered from what is loaded.
    const again: string[][] = [];
    await ask(index, url, again);
    expect(again).toEqual([]);
  });

  it('answers a single-character prefix, a phrase, an exclusion and the outcomes table from chunks as the server does', async () => {
    const index = chunkedIndexFromEntry(entryBytes, sha256Hex);
    for (const url of ['/api/search?q=%E9%80%80&size=10', '/api/search?q=%22%E9%80%9A%E5%85%B3%E6%97%B6%E9%97%B4%22&size=10',
      '/api/search?q=%E9%80%9A%E5%85%B3%20-%E6%B5%B7%E5%85%B3&size=10', '/api/outcomes?q=%E6%97%B6%E9%97%B4&direction=down&sort=change&size=5']) {
      const server = (await app.inject(url)).json() as { took_ms?: number };
      const { took_ms: _s, ...expected } = server;
      const { took_ms: _m, ...mine } = (await ask(index, url)).body as { took_ms?: number };
      expect(mine).toMatchObject(expected);
    }
  });

  it('stops a split compound at a sentence break on a fresh page, whose first round reads the breaks before their chunk is loaded', async () => {
    // 施工单位 also matches split (施工…单位) within one sentence; one record prints 进场施工。项目单位, across a break.
    const across = body.records.find((r) => JSON.stringify(r).includes('施工。项目单位'))!;
    expect(across).toBeDefined();
    const url = `/api/search?q=${encodeURIComponent('施工单位')}&size=30`;
    const { took_ms: _s, ...expected } = (await app.inject(url)).json() as { took_ms?: number; hits: { id: string; missing?: string[] }[] };
    expect(expected.hits.find((h) => h.id === across.id)?.missing).toEqual(['施工单位']);
    const { took_ms: _m, ...mine } = (await ask(chunkedIndexFromEntry(entryBytes, sha256Hex), url)).body as { took_ms?: number };
    expect(mine).toEqual(expected);
  });

  it('refuses a damaged postings chunk by name instead of answering without it', async () => {
    const index = chunkedIndexFromEntry(entryBytes, sha256Hex);
    const url = `/api/search?q=${encodeURIComponent('留抵退税')}&size=10`;
    const flipped = new Map(files);
    for (const [file, bytes] of files) {
      if (!file.startsWith('postings/')) continue;
      const bad = Uint8Array.from(bytes);
      bad[bad.length >> 1] ^= 1;
      flipped.set(file, bad);
    }
    await expect(ask(index, url, [], flipped)).rejects.toThrow(/damaged chunk postings\/\d+-[0-9a-f]{12}\.bin/);
    // Another chunk's bytes in its place are refused too.
    expect(() => index.postings!.add(1, files.get(split.files.find((f) => f.file.startsWith('postings/0-'))!.file)!, sha256Hex)).toThrow(/damaged chunk/);
  });
});
