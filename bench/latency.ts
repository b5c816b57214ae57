/**
 * Search and suggest latency, in a process that holds only what a server holds: one snapshot, loaded as
 * `npm start -- --snapshot FILE` loads it (no jieba, no indexer garbage). Prints JSON for bench/run.ts.
 *
 *   npx tsx bench/latency.ts SNAPSHOT QUERIES.json
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseSnapshot } from '../snapshot/file.js';
import { SearchService } from '../search/service.js';
import { BENCH_QUERIES, QUERY_KINDS } from './scale-queries.js';

export interface LatencyStats {
  n: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
}

export function stats(times: number[]): LatencyStats {
  const t = [...times].sort((a, b) => a - b);
  const at = (q: number) => t[Math.min(t.length - 1, Math.floor(q * t.length))];
  return { n: t.length, median: at(0.5), p95: at(0.95), p99: at(0.99), max: t[t.length - 1] };
}

function main() {
  const [snapshotPath, queriesPath] = process.argv.slice(2);
  const t0 = performance.now();
  const service = new SearchService(parseSnapshot(readFileSync(snapshotPath)));
  const loadMs = performance.now() - t0;
  const queries: string[] = JSON.parse(readFileSync(queriesPath, 'utf8'));
  for (let r = 0; r < 3; r++) for (const q of queries) service.search({ q }); // warm the JIT
  const rounds = Math.max(5, Math.ceil(3000 / queries.length));
  const uncached: number[] = [];
  const cached: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      service.clearCache();
      let t = performance.now();
      service.search({ q, size: 10 });
      uncached.push(performance.now() - t);
      t = performance.now();
      service.search({ q, size: 10 });
      cached.push(performance.now() - t);
    }
  }
  // The query mix of issue 8 (bench/scale-queries.ts), per kind: each query with every cache cleared, then repeated.
  const kinds: Record<string, { uncached: LatencyStats; cached: LatencyStats }> = {};
  const kindRounds = Math.max(20, Math.ceil(2000 / BENCH_QUERIES.length));
  const byKind = new Map(QUERY_KINDS.map((k) => [k, { uncached: [] as number[], cached: [] as number[] }]));
  for (let r = 0; r < kindRounds; r++) {
    for (const bq of BENCH_QUERIES) {
      const params = { q: bq.q, size: 10, filters: bq.region ? { region: [bq.region] } : {} };
      const slot = byKind.get(bq.kind)!;
      service.clearCache();
      let t = performance.now();
      service.search(params);
      slot.uncached.push(performance.now() - t);
      t = performance.now();
      service.search(params);
      slot.cached.push(performance.now() - t);
    }
  }
  for (const [k, v] of byKind) kinds[k] = { uncached: stats(v.uncached), cached: stats(v.cached) };
  const prefixes = [...new Set(service.records.flatMap((r) => [1, 2, 3, 4].map((n) => r.title.replace(/^[“"]/, '').slice(0, n))))];
  const suggest: number[] = [];
  for (let r = 0; r < 5; r++) {
    for (const p of prefixes) {
      const t = performance.now();
      service.suggest(p, 8);
      suggest.push(performance.now() - t);
    }
  }
  console.log(JSON.stringify({
    loadMs,
    rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    queries: queries.length,
    rounds,
    prefixes: prefixes.length,
    uncached: stats(uncached),
    cached: stats(cached),
    suggest: stats(suggest),
    kindRounds,
    kinds,
  }));
}

// Run as a script (bench/run.ts starts it); importing it for `stats` runs nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
