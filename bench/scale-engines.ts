/**
 * The engines of the scale benchmark behind one interface: build from generated records and save to a file;
 * load that file in a fresh process and answer the query mix. Ours goes through the product's own code (records
 * input, build, snapshot, SearchService); the peers are plain, documented uses of their libraries — MiniSearch
 * with a plain jieba tokenizer, FlexSearch with its CJK charset, Orama with @orama/tokenizers' mandarin
 * tokenizer. Peers are devDependencies and are imported only here, by the benchmark.
 *
 * What each answer includes: ours a page of 10 with highlights and all facets; the peers the ids of the top 10
 * (and region counts where the query asks for facets). Peers have no phrase or exclusion syntax: a phrase is all
 * of its words, an exclusion a set difference over their first 1,000 hits.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { SearchResult } from 'minisearch';
import type { BenchQuery } from './scale-queries.js';

export type EngineName = 'ours' | 'minisearch' | 'flexsearch' | 'orama';
export const ENGINES: EngineName[] = ['ours', 'minisearch', 'flexsearch', 'orama'];

export interface BuiltInfo {
  /** Milliseconds per stage the engine reports (ours: read, parse, analyse, index, serialise). */
  stages: Record<string, number>;
  /** The process's peak RSS (MiB) at the end of each stage, where the engine reports it (ours). */
  stagePeakRssMiB?: Record<string, number>;
  /**
   * A helper process's memory and CPU, not in this process's figures (ours: the vocabulary's counting process): its
   * peak RSS, its CPU time, and this process's peak when it ended.
   */
  helper?: { peakRssMiB: number; cpuMs: number; buildPeakRssMiB: number };
}

export interface Engine {
  /** Build from a records file and write the index to `out`. */
  build(recordsFile: string, out: string, dictDir: string): Promise<BuiltInfo>;
  /** Load the written index; returns a function answering one query (returning a count to keep the work live). */
  load(file: string): Promise<((q: BenchQuery) => number | Promise<number>) & { clearCache?: () => void }>;
}

interface PeerDoc {
  id: string;
  title: string;
  text: string;
  departments: string;
  region: string;
}

function readPeerDocs(recordsFile: string): PeerDoc[] {
  const docs: PeerDoc[] = [];
  for (const line of readFileSync(recordsFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    docs.push({
      id: r.id,
      title: r.title,
      text: [r.content, r.applicableTo, r.process, r.outcome].filter(Boolean).join('\n'),
      departments: (r.departments ?? []).join('、'),
      region: r.regions?.[0] ?? '',
    });
  }
  return docs;
}

function regionCounts(regions: Iterable<string>): number {
  const counts = new Map<string, number>();
  for (const r of regions) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts.size;
}

const ours: Engine = {
  async build(recordsFile, out, dictDir) {
    const { loadRecordsFile } = await import('../indexer/records-input.js');
    const { buildSnapshot } = await import('../indexer/build.js');
    const { writeSnapshotFile } = await import('../snapshot/file.js');
    const { packRecords } = await import('../snapshot/records.js');
    const { recordValidator } = await import('../snapshot/validate.js');
    const { peakRssMiB } = await import('../indexer/build.js');
    const t0 = performance.now();
    // Links are left to the build, which computes them while a child process counts the vocabulary (as the CLI does).
    const corpus = await loadRecordsFile(recordsFile, { deferLinks: true });
    const t1 = performance.now();
    const readPeak = peakRssMiB();
    // As the CLI does: the records are packed into the snapshot's columns while the count finishes.
    const result = await buildSnapshot({ seedsDir: '', dictDir, corpus, whileCounting: (records) => packRecords(records, recordValidator()) });
    const t2 = performance.now();
    // Written as `npm run index -- --records` writes it (atomically: a temporary file, fsync, rename), so the time is
    // the operator's build, the same span as the CLI's time line.
    await writeSnapshotFile(out, result.body, { packedRecords: result.whileCounting });
    const t3 = performance.now();
    const { parse: _parse, total: _total, ...rest } = result.timings as Record<string, number>;
    const { parse: _p, ...restPeak } = result.peakRssMiB as Record<string, number>;
    return {
      stages: { 'read records, quantities': t1 - t0, ...rest, serialise: t3 - t2 },
      stagePeakRssMiB: { 'read records, quantities': readPeak, ...restPeak, serialise: peakRssMiB() },
      ...(result.counting.peakRssMiB ? { helper: result.counting } : {}),
    };
  },
  async load(file) {
    const { parseSnapshot } = await import('../snapshot/file.js');
    const { SearchService } = await import('../search/service.js');
    const service = new SearchService(parseSnapshot(readFileSync(file)));
    const answer = (q: BenchQuery) => {
      const res = service.search({ q: q.q, size: 10, ...(q.region ? { filters: { region: [q.region] } } : {}) });
      return res.hits.length + res.total;
    };
    // Our service keeps result sets, facet counts and highlights: the benchmark also times queries seen for the first time.
    return Object.assign(answer, { clearCache: () => service.clearCache() });
  },
};

async function jiebaTokenizer(): Promise<(text: string) => string[]> {
  const { default: jieba } = await import('nodejieba');
  const junk = /^[\s\p{P}\p{S}]+$/u;
  return (text) => jieba.cut(text, true).filter((t) => t.length > 0 && !junk.test(t));
}

const MINI_OPTIONS = { idField: 'id', fields: ['title', 'text', 'departments'], storeFields: ['region'], searchOptions: { boost: { title: 2 } } };

const minisearch: Engine = {
  async build(recordsFile, out) {
    const { default: MiniSearch } = await import('minisearch');
    const t0 = performance.now();
    const tokenize = await jiebaTokenizer();
    const docs = readPeerDocs(recordsFile);
    const t1 = performance.now();
    const index = new MiniSearch<PeerDoc>({ ...MINI_OPTIONS, tokenize });
    index.addAll(docs);
    const t2 = performance.now();
    writeFileSync(out, JSON.stringify(index));
    return { stages: { read: t1 - t0, index: t2 - t1, serialise: performance.now() - t2 } };
  },
  async load(file) {
    const { default: MiniSearch } = await import('minisearch');
    const tokenize = await jiebaTokenizer();
    const index = MiniSearch.loadJSON<PeerDoc>(readFileSync(file, 'utf8'), { ...MINI_OPTIONS, tokenize });
    return (q) => {
      const filter = q.region ? (r: SearchResult) => r.region === q.region : undefined;
      let hits;
      if (!q.all.length) hits = index.search(MiniSearch.wildcard, { filter });
      else if (q.not?.length) {
        hits = index.search({ combineWith: 'AND_NOT', queries: [{ combineWith: 'AND', queries: q.all }, ...q.not] });
      } else if (q.any) hits = index.search(q.all.join(' '));
      else hits = index.search(q.all.join(' '), { combineWith: 'AND', prefix: q.prefix, filter });
      const facets = q.region || !q.all.length ? regionCounts(hits.map((h) => h.region as string)) : 0;
      return hits.slice(0, 10).length + facets;
    };
  },
};

const FLEX_OPTIONS = (Charset: { CJK: unknown }) => ({ document: { id: 'id', index: ['title', 'text', 'departments'], tag: ['region'] }, encoder: Charset.CJK });

const flexsearch: Engine = {
  async build(recordsFile, out) {
    const { Document, Charset } = await import('flexsearch');
    const t0 = performance.now();
    const docs = readPeerDocs(recordsFile);
    const t1 = performance.now();
    const index = new Document(FLEX_OPTIONS(Charset) as never);
    for (const d of docs) index.add(d as never);
    const t2 = performance.now();
    const parts: Record<string, string> = {};
    index.export((key: string, data: string) => {
      parts[key] = data;
    });
    writeFileSync(out, JSON.stringify(parts));
    return { stages: { read: t1 - t0, index: t2 - t1, serialise: performance.now() - t2 } };
  },
  async load(file) {
    const { Document, Charset } = await import('flexsearch');
    const index = new Document(FLEX_OPTIONS(Charset) as never);
    for (const [key, data] of Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)) index.import(key, data);
    const ids = (query: string, opts: Record<string, unknown>) => (index.search(query, { merge: true, ...opts } as never) as unknown as { id: string }[]).map((h) => h.id);
    return (q) => {
      if (!q.all.length) throw new Error('unsupported: FlexSearch has no empty query with facets');
      if (q.not?.length) {
        const excluded = new Set(ids(q.not.join(' '), { limit: 1000 }));
        return ids(q.all.join(' '), { limit: 1000 }).filter((id) => !excluded.has(id)).slice(0, 10).length;
      }
      return ids(q.all.join(' '), { limit: 10, ...(q.region ? { tag: { region: q.region } } : {}), ...(q.any ? { suggest: true } : {}) }).length;
    };
  },
};

async function oramaDb() {
  const { create } = await import('@orama/orama');
  const { createTokenizer } = await import('@orama/tokenizers/mandarin');
  return create({
    schema: { id: 'string', title: 'string', text: 'string', departments: 'string', region: 'enum' } as const,
    components: { tokenizer: createTokenizer() },
  });
}

const orama: Engine = {
  async build(recordsFile, out) {
    const { insertMultiple, save } = await import('@orama/orama');
    const t0 = performance.now();
    const docs = readPeerDocs(recordsFile);
    const t1 = performance.now();
    const db = await oramaDb();
    await insertMultiple(db, docs as never, 1000);
    const t2 = performance.now();
    writeFileSync(out, JSON.stringify(save(db)));
    return { stages: { read: t1 - t0, index: t2 - t1, serialise: performance.now() - t2 } };
  },
  async load(file) {
    const { load, search } = await import('@orama/orama');
    const db = await oramaDb();
    load(db, JSON.parse(readFileSync(file, 'utf8')));
    const properties = ['title', 'text', 'departments'] as never;
    const idsOf = async (term: string, limit: number) => ((await search(db, { term, properties, limit, threshold: 0 } as never)) as { hits: { id: string }[] }).hits.map((h) => h.id);
    return async (q) => {
      if (q.not?.length) {
        const excluded = new Set(await idsOf(q.not.join(' '), 1000));
        return (await idsOf(q.all.join(' '), 1000)).filter((id) => !excluded.has(id)).slice(0, 10).length;
      }
      const res = (await search(db, {
        term: q.all.join(' '),
        properties,
        limit: 10,
        threshold: q.any ? 1 : 0,
        ...(q.region ? { where: { region: { eq: q.region } } } : {}),
        ...(q.region || !q.all.length ? { facets: { region: {} } } : {}),
      } as never)) as { hits: unknown[]; count: number };
      return res.hits.length + res.count;
    };
  },
};

export const ENGINE_IMPLS: Record<EngineName, Engine> = { ours, minisearch, flexsearch, orama };
