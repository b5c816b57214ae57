/**
 * The scale benchmark: generated corpora of several sizes, each built and served by our engine and by the peers,
 * every measurement in a child process of its own (bench/scale-child.ts), plus /api/search throughput beside a
 * trivial Fastify route in the same run. Called by bench/run.ts (`npm run bench -- --sizes 1k,10k,100k`), which
 * writes the results into docs/benchmarks.md; the chart goes to docs/bench-growth.svg.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { corpusLines, seedPools } from './scale-corpus.js';
import { ENGINES, type EngineName } from './scale-engines.js';
import { BENCH_QUERIES, QUERY_KINDS } from './scale-queries.js';
import { measureFirstAnswer, type FirstAnswer } from './first-answer.js';
import { statCpuMs } from './proc-cpu.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** autocannon ships no types; this is the part of its API used here. */
interface AutocannonResult {
  requests: { average: number; total: number };
  throughput: { total: number };
  latency: { p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  requests: { method: 'GET'; path: string }[];
  setupClient?: (client: unknown) => void;
}) => Promise<AutocannonResult>;

/**
 * autocannon (9.x) appends every answer body to a string (`req.body += chunk`), that is, UTF-8-decodes it, whether
 * or not anything reads it. Measured on the seeds' query mix: ~45 µs of the generator's CPU per 3.5 KB br answer
 * (binary decoded as UTF-8) against ~17 µs for a whole trivial request, so on a 2-core machine the generator, not the
 * server, set the search rate. Dropping the chunks (this client's body is never read: no expectBody, no onResponse)
 * leaves the generator receiving, parsing and counting every byte, as before. Not a documented hook: it fails
 * loudly if a future autocannon moves it.
 */
function discardBodies(client: unknown): void {
  const queue = (client as { pipelinedRequests?: { addBody?: unknown } }).pipelinedRequests;
  if (typeof queue?.addBody !== 'function') throw new Error('autocannon changed: Client.pipelinedRequests.addBody not found (bench/scale.ts discardBodies)');
  queue.addBody = () => {};
}

/** What a browser's fetch sends (Chromium): the page's own requests ask for compressed answers. */
export const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br';

export interface ScaleOptions {
  sizes: number[];
  engines?: EngineName[];
  /** Timed rounds over the query mix per serving process. */
  rounds?: number;
  /** Seconds of load per HTTP route (0: no HTTP measurement). */
  httpSeconds?: number;
  /** A child that runs longer than this is stopped and its measurement reported as not finished. */
  childTimeoutMs?: number;
  workDir: string;
  /** Heap limit for the children (MiB): large corpora must not fail on Node's default limit alone. */
  maxOldSpaceMiB?: number;
  log?: (s: string) => void;
}

export interface KindLatency {
  n: number;
  p50: number;
  p99: number;
}

export interface EngineResult {
  engine: EngineName;
  build?: {
    buildMs: number;
    cpuMs?: number;
    stages: Record<string, number>;
    stagePeakRssMiB?: Record<string, number>;
    bytes: number;
    /** The build's peak RSS, a helper process's included (bench/scale-child.ts build). */
    peakRssMiB: number;
    /** With a helper process: its own peak, and the build process's alone. */
    helperPeakRssMiB?: number;
    processPeakRssMiB?: number;
  };
  serve?: { processToFirstMs: number; loadToFirstMs: number; latency: Record<string, KindLatency | null>; firstSeen?: Record<string, KindLatency>; firstSeenLoop?: { warmRounds: number; rounds: number; perKind: number; seconds: number; capped: boolean }; overall: KindLatency; rssMiB: number; heapMiB: number };
  error?: string;
}

export interface HttpResult {
  /** Median round of each route (see measureHttp). */
  searchRps: number;
  /** A bare `fastify()` answering {"ok":true}. */
  trivialRps: number;
  /** The same trivial route served by our app (security headers, rate limit, compression hooks, strict numbers). */
  appTrivialRps?: number;
  /** Median of the rounds' search / app trivial ratios. */
  appShare?: number;
  appTrivialCpuUs?: number;
  /** The load generator's CPU (this process: user + system) per request, µs, median round. */
  generatorCpuUs?: { search: number; trivial: number };
  /** Whether the generator decoded answer bodies to strings (autocannon's default) or dropped them (discardBodies). */
  decodeBodies?: boolean;
  searchP99Ms: number;
  non2xx: number;
  errors: number;
  seconds: number;
  connections: number;
  rounds: number;
  /** Whether repeated answers came from the answer cache. */
  answerCache: boolean;
  /** The Accept-Encoding header both routes were asked with (undefined: none, as autocannon sends by default). */
  acceptEncoding?: string;
  /** Median of the rounds' search/trivial req/s ratios (rounds alternate, so each pair saw the same machine load). */
  share: number;
  /** Server process CPU (user + system) per request, µs, median round of each route; undefined without /proc. */
  searchCpuUs?: number;
  trivialCpuUs?: number;
  /** Response bytes per request (headers and body) on the wire, median round. */
  searchBytes: number;
  trivialBytes: number;
}

export interface SizeResult {
  records: number;
  textChars: number;
  textBytes: number;
  jsonlBytes: number;
  engines: EngineResult[];
  http?: HttpResult | { error: string };
  suggest?: SuggestResult | { error: string };
  vocab?: VocabResult | { error: string };
  /** Our snapshot loaded by a fresh bundled `node` process (bench/first-answer.ts). */
  load?: FirstAnswer | { error: string };
}

export interface VocabResult {
  chars: number;
  jiebaLoadMs: number;
  aloneMs: number;
  withWorkerMs: number;
  /** How long this thread was busy handing the texts to the worker (absent in older results). */
  handOverMs?: number;
  same: boolean;
}

export interface SuggestResult {
  entries: number;
  prefixes: number;
  ours: KindLatency;
  minisearch: { buildMs: number; heapMiB: number; prefix: KindLatency; fuzzy: KindLatency };
}

interface ChildOutcome {
  ok: boolean;
  json?: unknown;
  error?: string;
}

function runChild(args: string[], opts: ScaleOptions): Promise<ChildOutcome> {
  const nodeArgs = [`--max-old-space-size=${opts.maxOldSpaceMiB ?? 8192}`, '--expose-gc', '--import', 'tsx', join(root, 'bench', 'scale-child.ts'), ...args];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgs, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const limit = opts.childTimeoutMs ?? 20 * 60_000;
    const timer = setTimeout(() => child.kill('SIGKILL'), limit);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        try {
          resolve({ ok: true, json: JSON.parse(out.trim().split('\n').pop()!) });
        } catch (e) {
          resolve({ ok: false, error: `unreadable output: ${(e as Error).message}` });
        }
        return;
      }
      const why = signal === 'SIGKILL' ? `stopped after ${Math.round(limit / 1000)} s` : /heap out of memory/i.test(err) ? 'out of memory' : `exit ${code}: ${err.trim().split('\n').slice(-3).join(' ').slice(0, 300)}`;
      resolve({ ok: false, error: why });
    });
  });
}

async function writeCorpus(n: number, file: string): Promise<{ textChars: number; textBytes: number }> {
  const pools = seedPools(join(root, 'seeds'));
  const out = createWriteStream(file);
  let textChars = 0;
  let textBytes = 0;
  for (const line of corpusLines(pools, n)) {
    const r = JSON.parse(line);
    for (const t of [r.title, r.content, r.applicableTo, r.process, r.outcome, r.departments.join('、')]) {
      if (!t) continue;
      textChars += t.length;
      textBytes += Buffer.byteLength(t);
    }
    if (!out.write(line + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { textChars, textBytes };
}

/**
 * /api/search (the query mix) and a trivial Fastify route, both served by one child process, loaded by autocannon
 * from this process: three alternating rounds of each (trivial, search, trivial, …) so a machine busy with other
 * work slows both alike; the median round of each is reported, and the median of the rounds' ratios. The trivial
 * route is served twice: by a bare `fastify()`, and by our app (the same plugins and hooks as /api/search), so the
 * report separates what search costs from what the app's plugins cost. All routes get the same request headers:
 * none beyond autocannon's, or a browser's Accept-Encoding (`acceptEncoding`). The server's CPU time per request is
 * read from /proc for each round (Linux), the generator's from this process. `answerCacheBytes` 0 turns the answer
 * cache off (every request ranked, highlighted and serialised again). `decodeBodies` keeps autocannon's own body
 * handling (see discardBodies).
 */
export async function measureHttp(snapshot: string, opts: Pick<ScaleOptions, 'httpSeconds' | 'maxOldSpaceMiB' | 'childTimeoutMs'>, answerCacheBytes?: number, acceptEncoding?: string, decodeBodies = false): Promise<HttpResult | { error: string }> {
  const seconds = opts.httpSeconds ?? 5;
  const connections = 10;
  const rounds = 3;
  const child = spawn(process.execPath, [`--max-old-space-size=${opts.maxOldSpaceMiB ?? 8192}`, '--import', 'tsx', join(root, 'bench', 'scale-child.ts'), 'http', snapshot, ...(answerCacheBytes === undefined ? [] : [String(answerCacheBytes)])], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  try {
    const ports = await new Promise<{ ours: number; trivial: number; appTrivial: string }>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error('server did not start in time')), opts.childTimeoutMs ?? 20 * 60_000);
      child.stdout.on('data', (d) => {
        buf += d;
        const line = buf.split('\n').find((l) => l.startsWith('{'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        }
      });
      child.once('close', (code) => reject(new Error(`server exited (${code}): ${err.trim().slice(-300)}`)));
    });
    const paths = BENCH_QUERIES.map((q) => `/api/search?q=${encodeURIComponent(q.q)}${q.region ? `&region=${encodeURIComponent(q.region)}` : ''}`);
    const headers = acceptEncoding ? { 'accept-encoding': acceptEncoding } : undefined;
    const cpu = () => serverCpuUs(child.pid);
    type Round = AutocannonResult & { cpuUs?: number; generatorUs: number };
    const load = async (port: number, requests: { path: string }[], duration: number): Promise<Round> => {
      const c0 = cpu();
      const g0 = process.cpuUsage();
      const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections, duration, headers, requests: requests.map((q) => ({ method: 'GET', path: q.path })), setupClient: decodeBodies ? undefined : discardBodies });
      const g = process.cpuUsage(g0);
      const c1 = cpu();
      const n = Math.max(1, r.requests.total);
      return { ...r, cpuUs: c0 !== undefined && c1 !== undefined && r.requests.total > 0 ? (c1 - c0) / n : undefined, generatorUs: (g.user + g.system) / n };
    };
    const searchMix = paths.map((path) => ({ path }));
    // Warm-up: the JIT, and each query seen once (the answer cache, when on, holds the mix after it).
    await load(ports.trivial, [{ path: '/ping' }], 1);
    await load(ports.ours, [{ path: ports.appTrivial }], 1);
    await load(ports.ours, searchMix, 1);
    const trivials: Round[] = [];
    const appTrivials: Round[] = [];
    const searches: Round[] = [];
    for (let r = 0; r < rounds; r++) {
      trivials.push(await load(ports.trivial, [{ path: '/ping' }], seconds));
      appTrivials.push(await load(ports.ours, [{ path: ports.appTrivial }], seconds));
      searches.push(await load(ports.ours, searchMix, seconds));
    }
    const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const median = (xs: Round[]) => [...xs].sort((a, b) => a.requests.average - b.requests.average)[xs.length >> 1];
    const trivial = median(trivials);
    const search = median(searches);
    const cpuOf = (xs: Round[]) => (xs.every((x) => x.cpuUs !== undefined) ? mid(xs.map((x) => x.cpuUs!)) : undefined);
    const bytesOf = (xs: Round[]) => mid(xs.map((x) => x.throughput.total / Math.max(1, x.requests.total)));
    return {
      share: mid(searches.map((x, i) => x.requests.average / trivials[i].requests.average)),
      appShare: mid(searches.map((x, i) => x.requests.average / appTrivials[i].requests.average)),
      appTrivialRps: median(appTrivials).requests.average,
      appTrivialCpuUs: cpuOf(appTrivials),
      generatorCpuUs: { search: mid(searches.map((x) => x.generatorUs)), trivial: mid(trivials.map((x) => x.generatorUs)) },
      decodeBodies,
      searchCpuUs: cpuOf(searches),
      trivialCpuUs: cpuOf(trivials),
      searchBytes: bytesOf(searches),
      trivialBytes: bytesOf(trivials),
      acceptEncoding,
      searchRps: search.requests.average,
      trivialRps: trivial.requests.average,
      searchP99Ms: search.latency.p99,
      non2xx: searches.reduce((n, x) => n + x.non2xx, 0),
      errors: searches.reduce((n, x) => n + x.errors + x.timeouts, 0),
      seconds,
      connections,
      rounds,
      answerCache: answerCacheBytes !== 0,
    };
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    child.stdin.end();
    const closed = once(child, 'close');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await closed;
    clearTimeout(timer);
  }
}

/** A process's CPU time so far (user + system), µs, from /proc (Linux); undefined elsewhere. */
function serverCpuUs(pid: number | undefined): number | undefined {
  const ms = pid === undefined ? undefined : statCpuMs(`/proc/${pid}/stat`);
  return ms === undefined ? undefined : ms * 1000;
}

export async function runScale(opts: ScaleOptions): Promise<SizeResult[]> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const engines = opts.engines ?? ENGINES;
  mkdirSync(opts.workDir, { recursive: true });
  const results: SizeResult[] = [];
  for (const n of opts.sizes) {
    const recordsFile = join(opts.workDir, `records-${n}.jsonl`);
    const { textChars, textBytes } = await writeCorpus(n, recordsFile);
    const size: SizeResult = { records: n, textChars, textBytes, jsonlBytes: statSync(recordsFile).size, engines: [] };
    log(`scale: ${n} records, ${(textChars / 1e6).toFixed(2)} M characters of text`);
    for (const engine of engines) {
      const indexFile = join(opts.workDir, `index-${n}-${engine}`);
      const r: EngineResult = { engine };
      const built = await runChild(['build', engine, recordsFile, indexFile, join(root, 'dict')], opts);
      if (!built.ok) r.error = `build: ${built.error}`;
      else {
        r.build = built.json as EngineResult['build'];
        const served = await runChild(['serve', engine, indexFile, String(opts.rounds ?? 20)], opts);
        if (!served.ok) r.error = `serve: ${served.error}`;
        else r.serve = served.json as EngineResult['serve'];
        if (engine === 'ours' && (opts.httpSeconds ?? 5) > 0 && r.serve) size.http = await measureHttp(indexFile, opts);
        if (engine === 'ours' && r.serve) {
          size.load = await measureFirstAnswer(indexFile, opts.workDir).catch((e: Error) => ({ error: e.message.split('\n')[0] }));
          const sg = await runChild(['suggest', indexFile], opts);
          size.suggest = sg.ok ? (sg.json as SuggestResult) : { error: sg.error! };
          const vc = await runChild(['vocab', recordsFile], opts);
          size.vocab = vc.ok ? (vc.json as VocabResult) : { error: vc.error! };
        }
      }
      log(`scale: ${n} ${engine}: ${r.error ?? `build ${(r.build!.buildMs / 1000).toFixed(1)} s, p99 ${r.serve!.overall.p99.toFixed(1)} ms, RSS ${r.serve!.rssMiB} MiB`}`);
      rmSync(indexFile, { force: true });
      size.engines.push(r);
    }
    rmSync(recordsFile, { force: true });
    results.push(size);
  }
  return results;
}

// ---------------------------------------------------------------- report

const fmtN = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n)).replace('000k', 'M');
const s1 = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const ms2 = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));

/** The 100,000-record targets of issue 8 for our engine. */
export const TARGETS_100K = { buildMs: 40_000, peakRssMiB: 2048, snapshotPerText: 1.5, firstAnswerMs: 2000, rssMiB: 1024, p50: 2, p99: 25, httpShare: 0.4 };

/** How the first-seen figures were sampled, as a clause of the sentence that reports them. */
function firstSeenRuns(s: NonNullable<EngineResult['serve']>): string {
  const ns = Object.values(s.firstSeen ?? {}).map((k) => k.n);
  const l = s.firstSeenLoop;
  if (!l) return `${s.firstSeen?.['one word']?.n ?? 0} runs of the one-word kind`;
  return `${l.warmRounds} unmeasured rounds of the mix, then ${l.rounds} measured rounds in ${l.seconds.toFixed(0)} s, each query of a kind with n queries run ⌈${l.perKind}/n⌉ times a round: ${Math.min(...ns)}–${Math.max(...ns)} samples per kind${l.capped ? ', stopped by the time cap before every kind had 500' : ''}`;
}

export function scaleMarkdown(results: SizeResult[], chartPath: string): string[] {
  const lines: string[] = [];
  const out = (s = '') => lines.push(s);
  if (!results.length) return lines;
  out('## At scale: generated corpora, our engine beside the peers');
  out();
  out(`Corpora generated by bench/scale-corpus.ts from the seeds' own sentences (seeded, so every run indexes the same text): ${results.map((r) => `${fmtN(r.records)} records (${(r.textChars / 1e6).toFixed(2)} M characters)`).join(', ')}.`);
  out('Our engine builds them through the records input (`--records`), computing quantities, copy links and the jieba vocabulary; the peers index the same records with their documented setups (bench/scale-engines.ts).');
  out('Each build and each serving run is a fresh child process; "first answer" counts from that process\'s start (Node, module loading, reading the index, one query); serving RSS is taken after the query rounds and a forced GC. A build\'s peak RSS includes the processes it starts (ours: the jieba counting process, see the stage table).');
  out();
  out('| records | engine | build | peak RSS (build) | index file (× text bytes) | fresh process → first answer | serving RSS | p50 / p99, all kinds |');
  out('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    for (const e of r.engines) {
      if (e.error) {
        out(`| ${fmtN(r.records)} | ${e.engine} | ${e.error} | | | | | |`);
        continue;
      }
      const b = e.build!;
      const s = e.serve;
      out(
        `| ${fmtN(r.records)} | ${e.engine} | ${s1(b.buildMs)} s | ${b.peakRssMiB} MiB | ${(b.bytes / 2 ** 20).toFixed(1)} MiB (${(b.bytes / r.textBytes).toFixed(2)}×) | ${s ? `${s1(s.processToFirstMs)} s` : '–'} | ${s ? `${s.rssMiB} MiB` : '–'} | ${s ? `${ms2(s.overall.p50)} / ${ms2(s.overall.p99)} ms` : '–'} |`,
      );
    }
  }
  out();
  const staged = results.filter((r) => r.engines.find((e) => e.engine === 'ours')?.build?.stagePeakRssMiB);
  if (staged.length) {
    const builds = staged.map((r) => r.engines.find((e) => e.engine === 'ours')!.build!);
    out('### Where our build\'s time and memory go (wall time of each stage / the process\'s peak RSS when it ended)');
    out();
    out(`| stage | ${staged.map((r) => fmtN(r.records)).join(' | ')} |`);
    out(`|---|${staged.map(() => '---').join('|')}|`);
    const names: Record<string, string> = {
      'read records, quantities': 'read records (JSON Lines), quantities (from 8 MB extracted in a worker beside reading)',
      links: 'copy links (while a child process counts the vocabulary)',
      jiebaLoad: 'jieba dictionary load in the build thread (small corpora; 0 when a child process counts)',
      analyse: 'normalise, vocabulary (on large corpora counted in a child process beside links: only the wait for it after links and packing; the index hand-over is under index), forms',
      index: 'positional index and facet columns (on large corpora built in a worker from the end of links, beside the count and the similar stage: only the hand-over and the wait after the similar stage, for the index and the tail the worker builds after it)',
      pack: 'records packed into the snapshot\'s columns (large corpora: while the count finishes; reused when writing)',
      similar: 'similar-reform lists (indexer/similar.ts; budget ≤ 10 s and ≤ 500 MB at 100k)',
      counts: 'facet counts stored for common words\' record sets (indexer/facet-counts.ts; after the index; large corpora: in the index worker beside the similar stage, its time there, the wait for it under index)',
      words: 'stored words: postings of words whose bigram cover is costly (indexer/word-postings.ts; after the counts; where the counts are)',
      bits: 'record maps: a bit per record for words in at least 1/8 of the records (indexer/record-bits.ts; after the stored words, where they are), block starts of common terms (indexer/doc-skips.ts) and of common stored words (indexer/word-skips.ts)',
      serialise: 'serialise and write the snapshot (its two packed streams compressed side by side; written atomically with fsync, as the CLI writes it)',
    };
    for (const stage of Object.keys(builds[0].stages)) {
      out(`| ${names[stage] ?? stage} | ${builds.map((b) => `${s1(b.stages[stage] ?? 0)} s / ${b.stagePeakRssMiB?.[stage] ?? '–'} MiB`).join(' | ')} |`);
    }
    out(`| **whole build** (target at 100k: < 40 s, < 2 GB) | ${builds.map((b) => `**${s1(b.buildMs)} s / ${b.peakRssMiB} MiB**`).join(' | ')} |`);
    out(`| peak RSS of the build process alone / of the jieba counting process (large corpora: beside links) | ${builds.map((b) => (b.helperPeakRssMiB !== undefined ? `${b.processPeakRssMiB} / ${b.helperPeakRssMiB} MiB` : `${b.peakRssMiB} MiB / none`)).join(' | ')} |`);
    out(`| CPU time of the build (all threads, and the counting process) | ${builds.map((b) => (b.cpuMs !== undefined ? `${s1(b.cpuMs)} s` : '–')).join(' | ')} |`);
    out();
    out('A stage\'s peak RSS is the build process\'s (its worker threads included) and never falls, so a stage raised it when its figure is higher than the one before. The whole build\'s peak counts the jieba counting process too: the larger of the build process\'s own peak and the counting process\'s peak added to the build process\'s peak when counting ended (a bound on the two together).');
    out();
  }
  out(`![build time, memory and p99 against corpus size](${chartPath})`);
  out();
  for (const r of results) {
    out(`### Search latency per query kind, ${fmtN(r.records)} records (p50 / p99 ms, warm, ${r.engines[0]?.serve?.latency['one word']?.n ?? 0} runs of the one-word kind)`);
    out();
    out(`| kind | ${r.engines.map((e) => e.engine).join(' | ')} |`);
    out(`|---|${r.engines.map(() => '---').join('|')}|`);
    for (const k of QUERY_KINDS) {
      out(`| ${k} | ${r.engines.map((e) => {
        const l = e.serve?.latency[k];
        return l ? `${ms2(l.p50)} / ${ms2(l.p99)}` : e.serve ? 'not supported' : '–';
      }).join(' | ')} |`);
    }
    out();
    const cold = r.engines.find((e) => e.serve?.firstSeen);
    if (cold) {
      out(`Our engine keeps result sets, facet counts and highlights, so its warm rounds above mostly read them; the peers keep none. Timed on queries seen for the first time (every cache of the service cleared before each; ${firstSeenRuns(cold.serve!)}), p50 / p99 ms: ${QUERY_KINDS.map((k) => {
        const l = cold.serve!.firstSeen![k];
        return l ? `${k} ${ms2(l.p50)} / ${ms2(l.p99)}` : `${k} –`;
      }).join('; ')}.`);
      out();
    }
  }
  const withHttp = results.filter((r) => r.http);
  if (withHttp.length) {
    out('### `/api/search` throughput beside a trivial Fastify route (same run, autocannon, 127.0.0.1)');
    out();
    out('| records | /api/search req/s (query mix) | trivial route req/s, bare Fastify | share (target ≥ 40 %) | trivial route req/s, in our app | share of that | /api/search p99 | non-2xx |');
    out('|---|---|---|---|---|---|---|---|');
    for (const r of withHttp) {
      const h = r.http!;
      if ('error' in h) out(`| ${fmtN(r.records)} | ${h.error} | | | | | | |`);
      else {
        const share = h.share;
        const app = h.appTrivialRps === undefined || h.appShare === undefined ? '– | –' : `${Math.round(h.appTrivialRps)} | ${(h.appShare * 100).toFixed(0)} %`;
        out(`| ${fmtN(r.records)} | ${Math.round(h.searchRps)} | ${Math.round(h.trivialRps)} | ${(share * 100).toFixed(0)} % (${share >= TARGETS_100K.httpShare ? 'met' : 'missed'}) | ${app} | ${h.searchP99Ms} ms | ${h.non2xx} |`);
      }
    }
    const h0 = withHttp.map((r) => r.http!).find((h): h is HttpResult => !('error' in h));
    if (h0) out(`\nEach route was loaded ${h0.rounds} times for ${h0.seconds} s with ${h0.connections} connections, the three routes alternating (the trivial route from a bare \`fastify()\` and from inside our app, then search), by autocannon in the parent process, dropping answer bodies after counting them (bench/scale.ts \`discardBodies\`), while one server process served them; the median round of each is shown, and the median of the rounds' ratios as the share. No Accept-Encoding was sent (identity answers). The query mix repeats, so after the warm-up round /api/search answers came from the answer cache (\`ANSWER_CACHE_BYTES\`).`);
    out();
  }
  const withSuggest = results.filter((r) => r.suggest);
  if (withSuggest.length) {
    out('### Suggest as you type: our suggest beside MiniSearch over titles and vocabulary');
    out();
    out('Both answer the same title prefixes of 1–4 characters (8 suggestions each); MiniSearch indexes every title and every vocabulary word as one term, searched by prefix, and by prefix with edit distance 1 from 3 characters on ("fuzzy").');
    out();
    out('| records | entries | ours p50 / p99 | MiniSearch prefix p50 / p99 | MiniSearch fuzzy p50 / p99 | MiniSearch build | MiniSearch heap |');
    out('|---|---|---|---|---|---|---|');
    for (const r of withSuggest) {
      const g = r.suggest!;
      if ('error' in g) out(`| ${fmtN(r.records)} | ${g.error} | | | | | |`);
      else out(`| ${fmtN(r.records)} | ${g.entries} | ${ms2(g.ours.p50)} / ${ms2(g.ours.p99)} ms | ${ms2(g.minisearch.prefix.p50)} / ${ms2(g.minisearch.prefix.p99)} ms | ${ms2(g.minisearch.fuzzy.p50)} / ${ms2(g.minisearch.fuzzy.p99)} ms | ${s1(g.minisearch.buildMs)} s | ${g.minisearch.heapMiB} MiB |`);
    }
    out();
  }
  const withVocab = results.filter((r) => r.vocab);
  if (withVocab.length) {
    out('### jieba vocabulary counting: in the build\'s thread, or in a child process');
    out();
    out('The same texts (every searched field of every record) counted by jieba in this thread (jieba already loaded), then by one child process that first loads its own jieba dictionary (indexer/vocabulary.ts; both count each distinct piece between jieba\'s separators once). The build uses the child process from 2 M characters, so its own thread links copies meanwhile, then starts the index worker and packs the records while the count finishes: what it saves is the one-thread time minus the hand-over.');
    out();
    out('| records | characters | in this thread | in a child process (incl. its jieba load) | this thread busy handing over | same counts |');
    out('|---|---|---|---|---|---|');
    for (const r of withVocab) {
      const v = r.vocab!;
      if ('error' in v) out(`| ${fmtN(r.records)} | ${v.error} | | | | |`);
      else out(`| ${fmtN(r.records)} | ${(v.chars / 1e6).toFixed(2)} M | ${s1(v.aloneMs)} s | ${s1(v.withWorkerMs)} s | ${v.handOverMs !== undefined ? `${s1(v.handOverMs)} s` : '–'} | ${v.same ? 'yes' : '**no**'} |`);
    }
    out();
  }
  const withLoad = results.filter((r) => r.load);
  if (withLoad.length) {
    out('### Loading our snapshot: size, fresh process → first answer, serving RSS');
    out();
    out('bench/first-answer.ts: the snapshot written by the build above, loaded by a fresh `node` process running the server\'s load path, compiled and cached as a release compiles it (bundled with esbuild, V8\'s code cache from one warm-up run; no Fastify or routes, no TypeScript compiler): read with the checksum computed while reading, decode, validate, build the search service, answer one query; RSS after the query mix and a forced GC. Median of 3 processes.');
    out();
    out('| records | snapshot (× text bytes) | first answer | Node + modules | read + checksum + decode + validate | service | first query | serving RSS |');
    out('|---|---|---|---|---|---|---|---|');
    for (const r of withLoad) {
      const l = r.load!;
      if ('error' in l) {
        out(`| ${fmtN(r.records)} | ${l.error} | | | | | | |`);
        continue;
      }
      const st = l.steps;
      out(`| ${fmtN(r.records)} | ${(l.bytes / 2 ** 20).toFixed(1)} MiB (${(l.bytes / r.textBytes).toFixed(2)}×) | ${s1(l.processToFirstMs)} s | ${st.modules.toFixed(0)} ms | ${st.load.toFixed(0)} ms | ${st.service.toFixed(0)} ms | ${st.firstQuery.toFixed(0)} ms | ${l.rssMiB} MiB |`);
    }
    out();
  }
  const big = results.find((r) => r.records === 100_000);
  const ours = big?.engines.find((e) => e.engine === 'ours');
  out('### Targets at 100,000 records (our engine)');
  out();
  if (!big || !ours) out('The 100,000-record corpus was not measured in this run (`npm run bench -- --sizes 1k,10k,100k` measures it).');
  else if (ours.error) out(`Our engine did not finish at 100,000 records in this run (${ours.error}): every 100k target is missed.`);
  else {
    const b = ours.build!;
    const s = ours.serve!;
    const h = big.http && !('error' in big.http) ? big.http : undefined;
    const row = (what: string, value: string, ok: boolean) => out(`- ${what}: ${value} — ${ok ? 'met' : '**missed**'}.`);
    row('build < 40 s', `${s1(b.buildMs)} s`, b.buildMs < TARGETS_100K.buildMs);
    row('build peak RSS < 2 GB', `${b.peakRssMiB} MiB`, b.peakRssMiB < TARGETS_100K.peakRssMiB);
    row('snapshot < 1.5× the text', `${(b.bytes / big.textBytes).toFixed(2)}× (${(b.bytes / 2 ** 20).toFixed(0)} MiB for ${(big.textBytes / 2 ** 20).toFixed(0)} MiB of UTF-8 text)`, b.bytes / big.textBytes < TARGETS_100K.snapshotPerText);
    // Loading targets: a bundled node process as an operator runs the server (the tsx child above also compiles TypeScript).
    const load = big.load && !('error' in big.load) ? big.load : undefined;
    if (load) {
      row('fresh process → first answer < 2 s', `${s1(load.processToFirstMs)} s (a bundled \`node\` process; ${s1(s.processToFirstMs)} s in the tsx child of the table)`, load.processToFirstMs < TARGETS_100K.firstAnswerMs);
      row('serving RSS < 1 GB', `${load.rssMiB} MiB (bundled \`node\` process; ${s.rssMiB} MiB in the tsx child after its query rounds)`, load.rssMiB < TARGETS_100K.rssMiB);
    } else {
      row('fresh process → first answer < 2 s', `${s1(s.processToFirstMs)} s`, s.processToFirstMs < TARGETS_100K.firstAnswerMs);
      row('serving RSS < 1 GB', `${s.rssMiB} MiB`, s.rssMiB < TARGETS_100K.rssMiB);
    }
    row('search p50 < 2 ms over the mix', `${ms2(s.overall.p50)} ms`, s.overall.p50 < TARGETS_100K.p50);
    row('search p99 < 25 ms over the mix', `${ms2(s.overall.p99)} ms`, s.overall.p99 < TARGETS_100K.p99);
    for (const k of QUERY_KINDS) {
      const l = s.latency[k];
      if (!l) out(`- search, ${k}: not measured — **missed**.`);
      else row(`search, ${k}: p50 < ${TARGETS_100K.p50} ms / p99 < ${TARGETS_100K.p99} ms (warm)`, `${ms2(l.p50)} / ${ms2(l.p99)} ms`, l.p50 < TARGETS_100K.p50 && l.p99 < TARGETS_100K.p99);
      const c = s.firstSeen?.[k];
      if (c) row(`search, ${k}: p50 < ${TARGETS_100K.p50} ms / p99 < ${TARGETS_100K.p99} ms (first seen, caches cleared)`, `${ms2(c.p50)} / ${ms2(c.p99)} ms`, c.p50 < TARGETS_100K.p50 && c.p99 < TARGETS_100K.p99);
    }
    if (h) row('/api/search ≥ 40 % of a trivial route', `${(h.share * 100).toFixed(0)} %`, h.share >= TARGETS_100K.httpShare);
  }
  out();
  return lines;
}

// ---------------------------------------------------------------- chart

const COLORS: Record<EngineName, string> = { ours: '#c0392b', minisearch: '#2471a3', flexsearch: '#229954', orama: '#b9770e' };

/** Three panels (build time, serving RSS, p99) against records on a log axis, one line per engine. */
export function growthSvg(results: SizeResult[]): string {
  const W = 960;
  const H = 320;
  const panelW = 280;
  const panelH = 200;
  const top = 50;
  const panels: { title: string; unit: string; value: (e: EngineResult) => number | undefined }[] = [
    { title: 'Build time', unit: 's', value: (e) => (e.build ? e.build.buildMs / 1000 : undefined) },
    { title: 'Serving RSS (solid) and build peak RSS (dashed)', unit: 'MiB', value: (e) => e.serve?.rssMiB },
    { title: 'Search p99 over the query mix', unit: 'ms', value: (e) => e.serve?.overall.p99 },
  ];
  const sizes = results.map((r) => r.records);
  const engines = [...new Set(results.flatMap((r) => r.engines.map((e) => e.engine)))];
  const lx = (n: number, x0: number) => {
    const [a, b] = [Math.log10(Math.min(...sizes)), Math.log10(Math.max(...sizes))];
    return x0 + (b === a ? panelW / 2 : ((Math.log10(n) - a) / (b - a)) * panelW);
  };
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  panels.forEach((p, pi) => {
    const x0 = 50 + pi * (panelW + 40);
    const series = engines.map((eng) => ({
      eng,
      pts: results.map((r) => ({ n: r.records, v: p.value(r.engines.find((e) => e.engine === eng) ?? { engine: eng }) })).filter((x): x is { n: number; v: number } => x.v !== undefined),
      peak: pi === 1 ? results.map((r) => ({ n: r.records, v: r.engines.find((e) => e.engine === eng)?.build?.peakRssMiB })).filter((x): x is { n: number; v: number } => x.v !== undefined) : [],
    }));
    const max = Math.max(1e-9, ...series.flatMap((s) => [...s.pts, ...s.peak].map((x) => x.v)));
    const y = (v: number) => top + panelH - (v / max) * panelH;
    parts.push(`<text x="${x0}" y="${top - 20}" font-weight="bold">${p.title} (${p.unit})</text>`);
    parts.push(`<line x1="${x0}" y1="${top + panelH}" x2="${x0 + panelW}" y2="${top + panelH}" stroke="#333"/><line x1="${x0}" y1="${top}" x2="${x0}" y2="${top + panelH}" stroke="#333"/>`);
    for (const f of [0, 0.5, 1]) {
      const v = max * f;
      parts.push(`<text x="${x0 - 4}" y="${y(v) + 4}" text-anchor="end">${v >= 100 ? v.toFixed(0) : v.toFixed(1)}</text>`);
      parts.push(`<line x1="${x0}" y1="${y(v)}" x2="${x0 + panelW}" y2="${y(v)}" stroke="#ddd"/>`);
    }
    for (const n of sizes) parts.push(`<text x="${lx(n, x0)}" y="${top + panelH + 15}" text-anchor="middle">${fmtN(n)}</text>`);
    parts.push(`<text x="${x0 + panelW / 2}" y="${top + panelH + 30}" text-anchor="middle">records (log scale)</text>`);
    for (const s of series) {
      const line = (pts: { n: number; v: number }[], dash: string) => {
        if (!pts.length) return;
        parts.push(`<polyline fill="none" stroke="${COLORS[s.eng]}" stroke-width="2"${dash} points="${pts.map((q) => `${lx(q.n, x0).toFixed(1)},${y(q.v).toFixed(1)}`).join(' ')}"/>`);
        for (const q of pts) parts.push(`<circle cx="${lx(q.n, x0).toFixed(1)}" cy="${y(q.v).toFixed(1)}" r="3" fill="${COLORS[s.eng]}"/>`);
      };
      line(s.pts, '');
      line(s.peak, ' stroke-dasharray="4 3"');
    }
  });
  engines.forEach((eng, i) => {
    const x = 50 + i * 140;
    parts.push(`<rect x="${x}" y="${H - 22}" width="14" height="4" fill="${COLORS[eng]}"/><text x="${x + 20}" y="${H - 17}">${eng === 'ours' ? 'this engine' : eng}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
