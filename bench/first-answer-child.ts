/**
 * A fresh serving process, as an operator runs one: bundled into one CommonJS file and started by plain `node`
 * through the loader bench/first-answer.ts writes, which compiles it with V8's code cache as a release's server.mjs
 * does (scripts/release.ts), so the figures hold no TypeScript compiler. Reads the snapshot, verifies and decodes it,
 * builds the search service, answers one query, then the scale benchmark's query mix once; the loader prints one
 * JSON line:
 *
 *   node --expose-gc first-answer.mjs SNAPSHOT
 *
 *   processToFirstMs  from this process's start to the first answer (Node start, module loading, reading the file,
 *                     checksum, decoding, one query)
 *   steps             milliseconds of each load step: Node and modules, load (read + checksum, decode, validate:
 *                     snapshot/file.ts loadSnapshotFile, as the server loads), service, first query
 *   rssMiB            resident memory after the query mix and a forced GC (the file's bytes are part of it)
 */
import { statSync } from 'node:fs';
import { loadSnapshotFile } from '../snapshot/file.js';
import { SearchService } from '../search/service.js';
import { BENCH_QUERIES } from './scale-queries.js';

/** The figures above for the snapshot `file` (the loader calls this once the bundle is compiled). */
export async function firstAnswer(file: string) {
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
