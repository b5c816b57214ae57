/**
 * A fresh serving process's load path, as an operator's server runs it: bundled into one CommonJS file and started
 * by plain `node` through the loader bench/first-answer.ts writes (a release's, scripts/code-cache-loader.ts), which
 * compiles it with V8's code cache as a release compiles server.cjs, so the figures hold no TypeScript compiler. It
 * is not the whole server (no Fastify, no routes): it applies the server's GC flags, reads the snapshot, verifies and
 * decodes it, builds the search service, answers one query, then the scale benchmark's query mix once; the loader
 * prints one JSON line:
 *
 *   node --expose-gc first-answer.mjs SNAPSHOT
 *
 *   processToFirstMs  from this process's start to the first answer (Node start, module loading, reading the file,
 *                     checksum, decoding, one query)
 *   steps             milliseconds of each load step: Node and modules, load (read + checksum, decode, validate:
 *                     snapshot/file.ts loadSnapshotFile, as the server loads), service, first query
 *   rssMiB            resident memory after the query mix and a forced GC (the file's bytes are part of it)
 *
 * The warm-up run that writes the code cache calls warmUp instead (see there).
 */
import { statSync } from 'node:fs';
import { loadSnapshotFile } from '../snapshot/file.js';
import { SearchService } from '../search/service.js';
import { applyServingGc } from '../server/serving-gc.js';
import { BENCH_QUERIES } from './scale-queries.js';

/** The figures above for the snapshot `file` (the loader calls this once the bundle is compiled). */
export async function firstAnswer(file: string) {
  // As server/cli.ts serverCommand does before it loads: scavenges on one thread.
  applyServingGc();
  const t0 = performance.now();
  // The server's own load: read with the checksum computed while reading, decode, validate.
  const { body } = await loadSnapshotFile(file);
  const t2 = performance.now();
  const service = new SearchService(body);
  const t3 = performance.now();
  const first = service.search({ q: BENCH_QUERIES[0].q, size: 10 });
  const t4 = performance.now();
  for (const q of BENCH_QUERIES) service.search({ q: q.q, size: 10, ...(q.region ? { filters: { region: [q.region] } } : {}) });
  (globalThis as { gc?: () => void }).gc?.();
  const mem = process.memoryUsage();
  return {
    processToFirstMs: t4,
    steps: { modules: t0, load: t2 - t0, service: t3 - t2, firstQuery: t4 - t3 },
    hits: first.hits.length,
    rssMiB: Math.round(mem.rss / 2 ** 20),
    heapMiB: Math.round(mem.heapUsed / 2 ** 20),
    bytes: statSync(file).size,
  };
}

/**
 * The warm-up run's work before it saves V8's code cache, as a release's warm-up (scripts/release.ts writeCodeCache):
 * the same snapshot the measured processes load (a release warms up on the index.snapshot it ships), and the service
 * calls behind the release's warm-up requests (留抵退税 and its second page by quantity, a phrase OR word -word
 * query, suggestions, a record and its similar list, outcomes, quantities, the empty query). Not the measured
 * first query or the query mix, so the cache holds what a release's start-up compiles, not the measured answers' code
 * paths fitted to them.
 */
export async function warmUp(file: string): Promise<void> {
  applyServingGc();
  const { body } = await loadSnapshotFile(file);
  const service = new SearchService(body);
  const q = '留抵退税';
  const first = service.search({ q, size: 10 });
  const id = first.hits[0]?.id ?? 'x';
  service.stats();
  service.search({ q, page: 2, sort: 'quantity' });
  service.search({ q: '"跨境电商" OR 海关 -税' });
  service.suggest(q, 10);
  service.reform(id);
  service.similar(id, 10);
  service.outcomes({ q: '时间' });
  service.quantities({ unit: '天' });
  service.search({ size: 0 });
}
