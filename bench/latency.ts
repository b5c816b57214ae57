/**
 * Search and suggest latency, in a process that holds only what a server holds: one snapshot, loaded as
 * `npm start -- --snapshot FILE` loads it (no jieba, no indexer garbage). Prints JSON for bench/run.ts.
 *
 *   npx tsx bench/latency.ts SNAPSHOT QUERIES.json
 */
import { readFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
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

/** First-seen samples each kind of the mix gets (the kind with fewest queries sets the rounds): a p99 of 1,000 samples is
 * its 10th slowest, not (as with the 134 samples of 67 rounds) the 2nd slowest, which one collection decides. */
export const KIND_SAMPLES = 1000;

/** Garbage collections during a measured loop: scavenges, mark-compacts, other pauses (incremental marking's
 * finalisation, weak callbacks), their total and longest pause. */
export interface GcStats {
  minor: number;
  major: number;
  other: number;
  totalMs: number;
  maxMs: number;
}

/** Unmeasured rounds of the kind mix first, so the JIT has compiled the paths the measured rounds take. */
const WARM_ROUNDS = 5;

/** Counts the collections that end while `run` runs (a GC PerformanceEntry is delivered after the fact). */
async function withGc(run: () => void): Promise<GcStats> {
  const out: GcStats = { minor: 0, major: 0, other: 0, totalMs: 0, maxMs: 0 };
  let live = true;
  const obs = new PerformanceObserver((list) => {
    if (!live) return;
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) out.minor++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) out.major++;
      else out.other++;
      out.totalMs += e.duration;
      out.maxMs = Math.max(out.maxMs, e.duration);
    }
  });
  // Collections of what ran before (the warm-up) report on a later tick: let them pass before observing.
  await new Promise((r) => setImmediate(r));
  obs.observe({ entryTypes: ['gc'] });
  run();
  await new Promise((r) => setTimeout(r, 20)); // entries of the loop's last collections arrive on the next tick
  live = false;
  obs.disconnect();
  return out;
}

export function stats(times: number[]): LatencyStats {
  const t = [...times].sort((a, b) => a - b);
  const at = (q: number) => t[Math.min(t.length - 1, Math.floor(q * t.length))];
  return { n: t.length, median: at(0.5), p95: at(0.95), p99: at(0.99), max: t[t.length - 1] };
}

async function main() {
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
  const perKind = Math.min(...QUERY_KINDS.map((k) => BENCH_QUERIES.filter((b) => b.kind === k).length));
  const kindRounds = Math.max(20, Math.ceil(KIND_SAMPLES / perKind));
  const byKind = new Map(QUERY_KINDS.map((k) => [k, { uncached: [] as number[], cached: [] as number[] }]));
  const kindLoop = (rounds: number, record: boolean) => {
    for (let r = 0; r < rounds; r++) {
      for (const bq of BENCH_QUERIES) {
        const params = { q: bq.q, size: 10, filters: bq.region ? { region: [bq.region] } : {} };
        const slot = byKind.get(bq.kind)!;
        service.clearCache();
        let t = performance.now();
        service.search(params);
        const first = performance.now() - t;
        t = performance.now();
        service.search(params);
        const repeated = performance.now() - t;
        if (record) slot.uncached.push(first), slot.cached.push(repeated);
      }
    }
  };
  // "First seen" means every cache cleared, not code the JIT has never run: a server answers every kind within its
  // first seconds. The kinds pass filters and a page size the loops above never passed, so they are warmed first.
  kindLoop(WARM_ROUNDS, false);
  const gc = await withGc(() => kindLoop(kindRounds, true));
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
    warmRounds: WARM_ROUNDS,
    kindGc: gc,
    kinds,
  }));
}

// Run as a script (bench/run.ts starts it); importing it for `stats` runs nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
