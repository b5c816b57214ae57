/**
 * One run of the similar-reform build stage at scale, in a child process of its own so its memory is its own:
 *
 *   node --expose-gc --import tsx bench/similar-scale.ts N [--cache FILE]      → one JSON line on stdout
 *
 * The corpus is the scale benchmark's (bench/scale-corpus.ts: seed sentences recombined, figures varied, regions
 * renamed; copies linked by the records input path), analysed with the seed snapshot's vocabulary and dictionary.
 * Measured: the stage's wall time (indexer/similar.ts `buildSimilar` alone), the process's resident set before the
 * stage and its peak during it (sampled by a worker thread; the stage's own peak is the difference), the bytes the lists take in the snapshot, and serving latency over the result (SimilarLists.similar,
 * size 10, 2,000 random records per scope, each scope timed apart from a cleared class memo).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildSnapshot } from '../indexer/build.js';
import { statCpuMs } from './proc-cpu.js';
import { recordsFromLines } from '../indexer/records-input.js';
import { Normalizer } from '../analysis/normalize.js';
import { seededRandom } from '../analysis/seeded-random.js';
import { namingWordTest } from '../indexer/general-words.js';
import { TEXT_FIELDS, type ReformRecord, type TextField } from '../indexer/schema.js';
import { buildSimilar, type SimilarBuildInfo } from '../indexer/similar.js';
import { similarThreads } from '../indexer/similar-threads.js';
import { SimilarLists, type SimilarData } from '../search/similar.js';
import { corpusLines, seedPools } from './scale-corpus.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface SimilarScaleResult {
  n: number;
  reforms: number;
  buildMs: number;
  /** CPU time of the stage (user + system, all threads): steadier than wall time on a shared machine. */
  buildCpuMs: number;
  /** CPU time of the build thread alone (Linux /proc; 10 ms ticks): on an idle machine the stage's wall time is about
   *  this, the worker's reading running beside it. 0 where /proc is not there. */
  buildThreadCpuMs: number;
  /** Worker threads the stage used (see indexer/similar.ts PARALLEL_MIN_RECORDS), and what they did. */
  workers: number;
  parallel?: SimilarBuildInfo['parallel'];
  runs: number;
  runsSegmented: number;
  phaseMs: SimilarBuildInfo['phaseMs'];
  rssBeforeMiB: number;
  peakRssMiB: number;
  /** Peak resident set during the stage (sampled every 5 ms by a worker thread) above the resident set at its start. */
  stagePeakMiB: number;
  heapAfterMiB: number;
  snapshotMiB: number;
  serveP50Ms: number;
  serveP99Ms: number;
  serveMaxMs: number;
}

export function similarBytes(data: SimilarData): number {
  let bytes = 0;
  for (const v of [data.all.ids, data.all.scores, data.otherRegions.ids, data.otherRegions.scores, data.termStart, data.termIds, data.termWeights, data.termFlags, data.outcomes]) bytes += v.byteLength;
  return bytes + Buffer.byteLength(JSON.stringify(data.terms));
}

/** CPU time of this (the main) thread, from /proc/self/task/<pid>/stat (0 where there is no /proc). */
function threadCpuMs(): number {
  return statCpuMs(`/proc/self/task/${process.pid}/stat`) ?? 0;
}

async function main() {
  const n = Number(process.argv[2] ?? 10_000);
  const { body } = await buildSnapshot({ seedsDir: join(root, 'seeds'), dictDir: join(root, 'dict') });
  // `--cache FILE`: keep the generated records (their copy links take minutes at 100k) for the next run.
  const cacheAt = process.argv.indexOf('--cache');
  const cache = cacheAt > 0 ? process.argv[cacheAt + 1] : undefined;
  let records: ReformRecord[];
  if (cache && existsSync(cache)) records = JSON.parse(readFileSync(cache, 'utf8')) as ReformRecord[];
  else {
    records = (await recordsFromLines(corpusLines(seedPools(join(root, 'seeds')), n), 'generated.jsonl')).records;
    if (cache) writeFileSync(cache, JSON.stringify(records));
  }
  const big = { analysis: body.analysis, dictionary: body.dictionary, records };
  // As in the index build: the normalised texts are held by the build for this stage from the index hand-over on
  // (made before the stage starts, so they are not counted as its memory); the jieba tag test is part of this one.
  const normalizer = new Normalizer(body.analysis.t2s);
  const normalized = records.map((r) => Object.fromEntries(TEXT_FIELDS.map((f) => [f, normalizer.plain(r[f] ?? '')])) as Record<TextField, string>);
  const MiB = 2 ** 20;
  // The stage runs synchronously, so a worker thread samples the process's resident set meanwhile (every 5 ms). It
  // is started before the resident set is read, so its own thread is not counted as the stage's.
  const peakKiB = new Int32Array(new SharedArrayBuffer(4));
  const sampler = new Worker(
    `const { workerData } = require('node:worker_threads');
     setInterval(() => { const kib = Math.round(process.memoryUsage.rss() / 1024); if (kib > Atomics.load(workerData, 0)) Atomics.store(workerData, 0, kib); }, 5);`,
    { eval: true, workerData: peakKiB },
  );
  await new Promise((resolve) => sampler.once('online', resolve));
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss;
  Atomics.store(peakKiB, 0, 0);
  const info = {} as SimilarBuildInfo;
  const workersAt = process.argv.indexOf('--workers');
  const workers = workersAt > 0 ? Number(process.argv[workersAt + 1]) : undefined;
  const cpu0 = process.cpuUsage();
  const thread0 = threadCpuMs();
  const t0 = performance.now();
  const data = buildSimilar(big, {}, { normalized: (i, f) => normalized[i][f], info, workers, threads: similarThreads, naming: namingWordTest(body.analysis.vocabulary.map(([w]) => w)) });
  const buildMs = performance.now() - t0;
  const threadCpu = threadCpuMs() - thread0;
  const cpu = process.cpuUsage(cpu0);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const peak = Math.max(Atomics.load(peakKiB, 0) * 1024, process.memoryUsage().rss);
  await sampler.terminate();
  const heapAfter = process.memoryUsage().heapUsed;
  // As the service explains an entry: with the mechanism classes, read from each reform's text.
  const lists = new SimilarLists(records, data, { ideas: body.dictionary.ideas ?? [], normalize: (t) => normalizer.plain(t) });
  const times: number[] = [];
  // The two scopes timed apart, each from a cleared memo of mechanism classes over the same 2,000 random records:
  // asking both scopes of one record in turn would time every second call with its classes already read.
  for (const scope of ['all', 'other-regions'] as const) {
    lists.clearCache();
    const r = seededRandom(7);
    for (let q = 0; q < 2000; q++) {
      const i = Math.floor(r() * records.length);
      const t = performance.now();
      lists.similar(i, 10, scope);
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  const groups = new Set(lists.group).size;
  const result: SimilarScaleResult = {
    n,
    reforms: groups,
    buildMs,
    buildCpuMs: (cpu.user + cpu.system) / 1000,
    buildThreadCpuMs: threadCpu,
    workers: info.parallel ? 1 : 0,
    parallel: info.parallel,
    runs: info.runs,
    runsSegmented: info.runsSegmented,
    phaseMs: info.phaseMs,
    rssBeforeMiB: rssBefore / MiB,
    peakRssMiB: peak / MiB,
    stagePeakMiB: Math.max(0, peak - rssBefore) / MiB,
    heapAfterMiB: heapAfter / MiB,
    snapshotMiB: similarBytes(data) / MiB,
    serveP50Ms: times[Math.floor(times.length / 2)],
    serveP99Ms: times[Math.floor(times.length * 0.99)],
    serveMaxMs: times[times.length - 1],
  };
  console.log(JSON.stringify(result));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(() => process.exit(0), (e) => {
    console.error(e);
    process.exit(1);
  });
}
