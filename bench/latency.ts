/**
 * Search and suggest latency, in a process that holds only what a server holds: one snapshot, loaded as
 * `npm start -- --snapshot FILE` loads it (no jieba, no indexer garbage). Prints JSON for bench/run.ts.
 *
 *   npx tsx bench/latency.ts SNAPSHOT QUERIES.json     the general loop and suggest here, then each kind of the mix
 *   npx tsx bench/latency.ts SNAPSHOT --kind KIND      one kind of the mix alone (what the first form starts per kind)
 *   npx tsx bench/latency.ts SNAPSHOT --kinds-only     each kind of the mix only (no general loop, no suggest): what
 *                                                        bench/run.ts asks for its second, settled per-kind table
 *   … --warm-pairs N                                     any form: N unmeasured pairs of each kind alone before its
 *                                                        rounds instead of WARM_KIND_QUERIES (how warm the JIT is)
 *   … --clock cpu                                        the kinds' samples in CPU time of the whole process
 *                                                        (process.cpuUsage, µs: every thread, the JIT's included)
 *                                                        instead of wall-clock time: what a loaded machine distorts less
 *   … --no-self-warm-up                                  any form: skip the server's own warm-up (server/warm-up.ts),
 *                                                        which every process here runs first by default, as a server
 *                                                        does once it listens (the difference is what it adds on top
 *                                                        of the bench's own warm rounds of the measured queries)
 *
 * Each kind of issue 8's mix is timed in a fresh process of its own, its warm-up's garbage collected first: a kind's
 * p99 is then its own queries' pauses, not a collection of the general loop's thousands of result sets (or of another
 * kind's) that happened to fall on it. Every loop runs with the serving process's collection
 * flags (server/serving-gc.ts), as `npm start` and a release run, and after the warm-up a started server runs on its
 * own snapshot (server/warm-up.ts warmUp, the same function with its defaults) unless --no-self-warm-up.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseSnapshot } from '../snapshot/file.js';
import { SearchService } from '../search/service.js';
import { applyServingGc } from '../server/serving-gc.js';
import { routeParams, warmUp, type WarmUpReport } from '../server/warm-up.js';
import { BENCH_QUERIES, QUERY_KINDS, type QueryKind } from './scale-queries.js';

export interface LatencyStats {
  n: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
}

/** First-seen samples each kind of the mix gets (a kind of n queries runs ⌈1,000 / n⌉ rounds): a p99 of 1,000 samples
 * is its 10th slowest, not (as with the 134 samples of 67 rounds) the 2nd slowest, which one collection decides. */
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

/**
 * Unmeasured rounds first, so the JIT has compiled the paths the measured rounds take: of the whole mix (the code
 * kinds share, as warm in a server as in the general loop), then of the kind alone (at least WARM_KIND_QUERIES).
 */
const WARM_ROUNDS = 5;
const WARM_KIND_QUERIES = 100;

/** `--warm-pairs N` anywhere in the arguments (and the arguments without it); N ≥ 0. */
export function warmPairsArg(argv: readonly string[]): { warmPairs?: number; rest: string[] } {
  const at = argv.indexOf('--warm-pairs');
  if (at < 0) return { rest: [...argv] };
  const n = Number(argv[at + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--warm-pairs: expected a whole number ≥ 0, got ${argv[at + 1]}`);
  return { warmPairs: n, rest: [...argv.slice(0, at), ...argv.slice(at + 2)] };
}

/** How the kinds' samples are timed: wall-clock (performance.now, the default) or the process's CPU time. */
export type SampleClock = 'wall' | 'cpu';

/** `--clock wall|cpu` anywhere in the arguments (and the arguments without it). */
export function clockArg(argv: readonly string[]): { clock: SampleClock; rest: string[] } {
  const at = argv.indexOf('--clock');
  if (at < 0) return { clock: 'wall', rest: [...argv] };
  const c = argv[at + 1];
  if (c !== 'wall' && c !== 'cpu') throw new Error(`--clock: expected wall or cpu, got ${c}`);
  return { clock: c, rest: [...argv.slice(0, at), ...argv.slice(at + 2)] };
}

/** The process's CPU time (user + system, every thread) in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** `--no-self-warm-up` anywhere in the arguments: whether the server's warm-up runs first (and the arguments without it). */
export function selfWarmUpArg(argv: readonly string[]): { selfWarmUp: boolean; rest: string[] } {
  return { selfWarmUp: !argv.includes('--no-self-warm-up'), rest: argv.filter((a) => a !== '--no-self-warm-up') };
}

/** Counts the collections that end while `run` runs (a GC PerformanceEntry is delivered after the fact); `pauses`, when
 * given, receives each one's start and end (performance.now() time) in turn. */
async function withGc(run: () => void, pauses?: number[]): Promise<GcStats> {
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
      pauses?.push(e.startTime, e.startTime + e.duration);
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

/**
 * Which timed samples a collection paused: sample i ran from `starts[i]` to `ends[i]` (in order, not overlapping),
 * `pauses` holds each collection's start and end, in order. A first-seen p99 of 1,000 samples is the 10th slowest, so
 * whether it is a collection's figure or the queries' own depends on how many samples a pause fell in.
 */
export function pausedSamples(starts: Float64Array, ends: Float64Array, pauses: readonly number[]): Uint8Array {
  const hit = new Uint8Array(starts.length);
  const order = Array.from({ length: pauses.length / 2 }, (_, k) => 2 * k).sort((a, b) => pauses[a] - pauses[b]);
  let i = 0;
  for (const p of order) {
    const [from, to] = [pauses[p], pauses[p + 1]];
    while (i < starts.length && ends[i] < from) i++;
    for (let j = i; j < starts.length && starts[j] <= to; j++) hit[j] = 1;
  }
  return hit;
}

/** One kind's figures, from its own process. */
export interface KindLatency {
  uncached: LatencyStats;
  cached: LatencyStats;
  rounds: number;
  gc: GcStats;
  /** First-seen samples a collection paused (began, ended or ran within them). */
  uncachedPaused: number;
  /** The first-seen samples no collection paused: the queries' own time (and the machine's), apart from collections. */
  uncachedUnpaused: LatencyStats;
  /** Unmeasured pairs of the kind alone before its rounds. */
  warmKindPairs: number;
  /** What the server's own warm-up did first in this process (absent with --no-self-warm-up). */
  selfWarmUp?: WarmUpReport;
}

/**
 * One kind of the mix in this process: each query with every cache cleared, then repeated, until KIND_SAMPLES
 * first-seen samples. "First seen" means every cache cleared, not code the JIT has never run (a server answers every
 * kind within its first seconds), so warm rounds come first (WARM_ROUNDS); their garbage is collected before the
 * measured rounds (with --expose-gc, which eachKind passes).
 *
 * The full collection comes between the mix's warm rounds and the kind's, and only a scavenge right before the
 * measured rounds. A full collection deoptimises the compiled functions whose code holds objects that died (per-query
 * closures and the like: `--trace-deopt` "weak objects", seeds: 5 functions at once), and they compile again while
 * the rounds run: forced right before them, it put 24–28 of the 124–148 TurboFan compilations counted in a kind's
 * 1,000 measured pairs there (two words, question; `--no-concurrent-recompilation`, so counts load cannot change).
 * Before the kind's warm rounds it still leaves no mark-compact in them.
 */
async function kindMain(snapshotPath: string, kind: QueryKind, warmPairs = WARM_KIND_QUERIES, selfWarm = true, clock: SampleClock = 'wall'): Promise<KindLatency> {
  const cpu = clock === 'cpu';
  // Collections as a serving process runs them (server/cli.ts applies the same at start-up).
  applyServingGc();
  const service = new SearchService(parseSnapshot(readFileSync(snapshotPath)));
  // What a started server does on its own once it listens (server/run.ts): the same function, its default options.
  const selfWarmUp = selfWarm ? await warmUp(service) : undefined;
  const queries = BENCH_QUERIES.filter((b) => b.kind === kind);
  if (!queries.length) throw new Error(`no queries of kind ${kind}`);
  const rounds = Math.max(20, Math.ceil(KIND_SAMPLES / queries.length));
  const uncached: number[] = [];
  const cached: number[] = [];
  // Each first-seen sample's start and end, written in place (no garbage of the measuring's own in the loop).
  const starts = new Float64Array(rounds * queries.length);
  const ends = new Float64Array(rounds * queries.length);
  const loop = (n: number, record: boolean, mix = queries) => {
    for (let r = 0; r < n; r++) {
      for (const bq of mix) {
        // Shaped as /api/search passes them (every key, every facet): the objects the server's compiled code sees.
        const params = routeParams(bq.q, bq.region);
        service.clearCache();
        const c0 = cpu ? cpuMs() : 0;
        const t0 = performance.now();
        service.search(params);
        const t1 = performance.now();
        const c1 = cpu ? cpuMs() : 0;
        service.search(params);
        const t2 = performance.now();
        const c2 = cpu ? cpuMs() : 0;
        if (record) starts[uncached.length] = t0, ends[uncached.length] = t1, uncached.push(cpu ? c1 - c0 : t1 - t0), cached.push(cpu ? c2 - c1 : t2 - t1);
      }
    }
  };
  const gc = (globalThis as { gc?: (o?: { type: 'minor' | 'major' }) => void }).gc;
  loop(WARM_ROUNDS, false, BENCH_QUERIES);
  gc?.();
  const kindRounds = Math.max(WARM_ROUNDS, Math.ceil(warmPairs / queries.length));
  loop(kindRounds, false);
  gc?.({ type: 'minor' });
  const pauses: number[] = [];
  const gcs = await withGc(() => loop(rounds, true), pauses);
  const paused = pausedSamples(starts, ends, pauses);
  const unpaused = uncached.filter((_, i) => !paused[i]);
  return {
    uncached: stats(uncached),
    cached: stats(cached),
    rounds,
    gc: gcs,
    uncachedPaused: uncached.length - unpaused.length,
    uncachedUnpaused: stats(unpaused),
    warmKindPairs: kindRounds * queries.length,
    ...(selfWarmUp ? { selfWarmUp } : {}),
  };
}

/** Each kind of the mix in a fresh process of its own (this script with --kind): its figures and collections its own. */
function eachKind(snapshotPath: string, warmPairs: number | undefined, selfWarm: boolean, clock: SampleClock): Record<string, KindLatency> {
  const kinds: Record<string, KindLatency> = {};
  for (const kind of QUERY_KINDS) {
    if (!BENCH_QUERIES.some((b) => b.kind === kind)) continue;
    // This process's own flags (tsx's loader, however it was started), and a collection the child may force.
    const args = [...process.execArgv.filter((a) => a !== '--expose-gc'), '--expose-gc', process.argv[1], snapshotPath, '--kind', kind, ...(warmPairs === undefined ? [] : ['--warm-pairs', String(warmPairs)]), ...(selfWarm ? [] : ['--no-self-warm-up']), '--clock', clock];
    const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    kinds[kind] = JSON.parse(out.trim().split('\n').pop()!);
  }
  return kinds;
}

/** The collections of every kind's rounds together. */
function totalGc(kinds: Record<string, KindLatency>): GcStats {
  const gcs = Object.values(kinds).map((k) => k.gc);
  return {
    minor: gcs.reduce((n, g) => n + g.minor, 0),
    major: gcs.reduce((n, g) => n + g.major, 0),
    other: gcs.reduce((n, g) => n + g.other, 0),
    totalMs: gcs.reduce((n, g) => n + g.totalMs, 0),
    maxMs: Math.max(0, ...gcs.map((g) => g.maxMs)),
  };
}

/** What the per-kind part prints, in both the full and the --kinds-only form (bench/run.ts reads it). */
export type KindsReport = ReturnType<typeof kindsReport>;

function kindsReport(snapshotPath: string, warmPairs: number | undefined, selfWarmUp: boolean, clock: SampleClock) {
  const kinds = eachKind(snapshotPath, warmPairs, selfWarmUp, clock);
  return { kindSamples: KIND_SAMPLES, warmRounds: WARM_ROUNDS, warmKindQueries: warmPairs ?? WARM_KIND_QUERIES, selfWarmUp, clock, kindGc: totalGc(kinds), kinds };
}

async function main() {
  const { clock, rest: argv0 } = clockArg(process.argv.slice(2));
  const { selfWarmUp, rest: argv } = selfWarmUpArg(argv0);
  const { warmPairs, rest: args } = warmPairsArg(argv);
  const kindsOnly = args.includes('--kinds-only');
  const rest = args.filter((a) => a !== '--kinds-only');
  const [snapshotPath, queriesPath, kindArg] = rest;
  if (queriesPath === '--kind') {
    console.log(JSON.stringify(await kindMain(snapshotPath, kindArg as QueryKind, warmPairs, selfWarmUp, clock)));
    return;
  }
  if (kindsOnly) {
    // Each kind runs in a process of its own, so this process need not load the snapshot at all.
    console.log(JSON.stringify(kindsReport(snapshotPath, warmPairs, selfWarmUp, clock)));
    return;
  }
  applyServingGc();
  const t0 = performance.now();
  const service = new SearchService(parseSnapshot(readFileSync(snapshotPath)));
  const loadMs = performance.now() - t0;
  const selfWarm = selfWarmUp ? await warmUp(service) : undefined;
  const queries: string[] = JSON.parse(readFileSync(queriesPath, 'utf8'));
  // Asked as /api/search asks (routeParams, the shape the self warm-up compiled for): another shape would leave the
  // "wrong map" deoptimisations no server sees in the timed rounds.
  for (let r = 0; r < 3; r++) for (const q of queries) service.search(routeParams(q)); // warm the JIT
  const rounds = Math.max(5, Math.ceil(3000 / queries.length));
  const uncached: number[] = [];
  const cached: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const params = routeParams(q);
      service.clearCache();
      let t = performance.now();
      service.search(params);
      uncached.push(performance.now() - t);
      t = performance.now();
      service.search(params);
      cached.push(performance.now() - t);
    }
  }
  const prefixes = [...new Set(service.records.flatMap((r) => [1, 2, 3, 4].map((n) => r.title.replace(/^[“"]/, '').slice(0, n))))];
  const suggest: number[] = [];
  for (let r = 0; r < 5; r++) {
    for (const p of prefixes) {
      const t = performance.now();
      service.suggest(p, 8);
      suggest.push(performance.now() - t);
    }
  }
  const rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
  console.log(JSON.stringify({
    loadMs,
    rssMiB,
    ...(selfWarm ? { selfWarm } : {}),
    queries: queries.length,
    rounds,
    prefixes: prefixes.length,
    uncached: stats(uncached),
    cached: stats(cached),
    suggest: stats(suggest),
    // The query mix of issue 8 (bench/scale-queries.ts), per kind, each kind in its own process.
    ...kindsReport(snapshotPath, warmPairs, selfWarmUp, clock),
  }));
}

// Run as a script (bench/run.ts starts it); importing it for `stats` runs nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
