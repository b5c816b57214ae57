/**
 * Loading a snapshot, measured as an operator meets it: the snapshot's size against its records' text, and a fresh
 * `node` process from its start to the first answer, with its serving RSS. The process runs the server's load path,
 * compiled and cached as a release compiles it (scripts/release.ts): bench/first-answer-child.ts bundled with esbuild
 * into one minified CommonJS file, started by the release's loader with V8's code cache, which one warm-up run writes
 * first (a release writes server.cache at release time; the warm-up here makes the service calls of the release's
 * warm-up requests on the measured snapshot, not the measured queries). It has no Fastify or routes, so it is not the
 * whole server's start. Used for the seeds (bench/run.ts) and each scale size (bench/scale.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { asciiOnly } from '../scripts/ascii-bundle.js';
import { codeCacheLoader } from '../scripts/code-cache-loader.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Issue 8's loading targets: seeds and 100,000 records. */
export const LOAD_TARGETS = {
  seeds: { snapshotPerText: 2, firstAnswerMs: 300, rssMiB: 150 },
  '100k': { snapshotPerText: 1.5, firstAnswerMs: 2000, rssMiB: 1024 },
};

export interface FirstAnswer {
  processToFirstMs: number;
  steps: { modules: number; load: number; service: number; firstQuery: number };
  rssMiB: number;
  heapMiB: number;
  bytes: number;
  /** Whether V8 used the code cache the warm-up run wrote ('used'), rejected it, or found none. */
  codeCache?: 'used' | 'rejected' | 'none';
}

let bundled: string | undefined;
/** The snapshot the code cache was last written on (a release warms up on the snapshot it ships). */
let warmedOn: string | undefined;

/**
 * The child's loader: the release's (scripts/code-cache-loader.ts), compiling first-answer.cjs with V8's code cache.
 * With FTZ_WRITE_CODE_CACHE=1 (the warm-up run) it runs the child's warmUp (a release's warm-up requests, not the
 * measured queries) and saves what V8 compiled.
 */
const LOADER = codeCacheLoader(
  'first-answer',
  `if (process.env.FTZ_WRITE_CODE_CACHE === '1') {
  await module.exports.warmUp(process.argv[2]);
  writeFileSync(cacheFile, script.createCachedData());
} else {
  const figures = await module.exports.firstAnswer(process.argv[2]);
  console.log(JSON.stringify({ ...figures, codeCache: cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used' }));
}`,
);

/** The flags every measured process (and the warm-up run, so V8 accepts its cache) starts with. */
const NODE_FLAGS = ['--expose-gc', '--max-old-space-size=8192'];

/**
 * Bundle the child once per run (into `workDir`), and write its code cache with one warm-up run (the child's warmUp)
 * on `snapshot`, again whenever the snapshot measured changes (the seeds, then each scale size, in one bench run).
 */
async function bundle(workDir: string, snapshot: string): Promise<string> {
  if (!bundled || !existsSync(bundled)) {
    mkdirSync(workDir, { recursive: true });
    // CommonJS, minified and ASCII only, as a release bundles its server.
    await build({ entryPoints: [join(here, 'first-answer-child.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, write: false, logLevel: 'error' }).then((r) => writeFileSync(join(workDir, 'first-answer.cjs'), asciiOnly(r.outputFiles[0].text)));
    const out = join(workDir, 'first-answer.mjs');
    writeFileSync(out, LOADER);
    bundled = out;
    warmedOn = undefined;
  }
  if (warmedOn !== snapshot) {
    // Its stderr is ours: a failed warm-up throws here and its reason is shown, not hidden.
    execFileSync(process.execPath, [...NODE_FLAGS, bundled, snapshot], { env: { ...process.env, FTZ_WRITE_CODE_CACHE: '1' }, stdio: ['ignore', 'ignore', 'inherit'] });
    warmedOn = snapshot;
  }
  return bundled;
}

/**
 * NODE_EXTRA_CA_CERTS: when set (this sandbox sets it), every Node process reads and parses that certificate file as
 * it starts, before any of our code runs (~50 ms of CPU per start here, measured on an empty script). It is the
 * machine's environment, not the product's: the benches report the start with the environment as it is and, when the
 * variable is set, also without it (what an operator's plain environment or a systemd unit gets), each named.
 */
export const EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;

/** This process's environment without NODE_EXTRA_CA_CERTS. */
export function envWithoutExtraCaCerts(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export interface MeasureOptions {
  /** Start the measured processes without NODE_EXTRA_CA_CERTS (default false: the environment as it is). */
  withoutExtraCaCerts?: boolean;
}

/** The median of `runs` fresh processes (by time to first answer). */
export async function measureFirstAnswer(snapshot: string, workDir: string, runs = 3, options: MeasureOptions = {}): Promise<FirstAnswer> {
  const script = await bundle(workDir, snapshot);
  const all: FirstAnswer[] = [];
  const env = options.withoutExtraCaCerts ? envWithoutExtraCaCerts() : process.env;
  for (let i = 0; i < runs; i++) {
    const stdout = execFileSync(process.execPath, [...NODE_FLAGS, script, snapshot], { encoding: 'utf8', maxBuffer: 1 << 20, env });
    all.push(JSON.parse(stdout.trim().split('\n').pop()!));
  }
  all.sort((a, b) => a.processToFirstMs - b.processToFirstMs);
  return all[Math.floor(all.length / 2)];
}

/**
 * One line per measured target: "met" or "**missed**". `plain`: the same measured without NODE_EXTRA_CA_CERTS (when
 * the environment sets it), shown as its own line under the first answer's.
 */
export function loadTargetLines(what: keyof typeof LOAD_TARGETS, a: FirstAnswer, textBytes: number, plain?: FirstAnswer): string[] {
  const t = LOAD_TARGETS[what];
  const ratio = a.bytes / textBytes;
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const mib = (n: number) => (n / 2 ** 20).toFixed(n < 10 * 2 ** 20 ? 2 : 0);
  const s = a.steps;
  return [
    `- snapshot < ${t.snapshotPerText}× the text: ${ratio.toFixed(2)}× (${mib(a.bytes)} MiB for ${mib(textBytes)} MiB of UTF-8 text) — ${verdict(ratio < t.snapshotPerText)}.`,
    `- fresh process → first answer < ${t.firstAnswerMs >= 1000 ? `${t.firstAnswerMs / 1000} s` : `${t.firstAnswerMs / 1000} s`}: ${(a.processToFirstMs / 1000).toFixed(2)} s (Node and modules ${ms(s.modules)} ms, read + checksum + decode + validate ${ms(s.load)} ms, service ${ms(s.service)} ms, first query ${ms(s.firstQuery)} ms; V8 code cache ${a.codeCache ?? 'none'}) — ${verdict(a.processToFirstMs < t.firstAnswerMs)}.`,
    ...(plain
      ? [`  - the same without NODE_EXTRA_CA_CERTS (this machine's environment sets it, so Node parses that certificate file at every start; an operator's plain environment does not): ${(plain.processToFirstMs / 1000).toFixed(2)} s (Node and modules ${ms(plain.steps.modules)} ms) — ${verdict(plain.processToFirstMs < t.firstAnswerMs)}.`]
      : []),
    `- serving RSS < ${t.rssMiB >= 1024 ? `${t.rssMiB / 1024} GB` : `${t.rssMiB} MB`}: ${a.rssMiB} MiB after the query mix and a forced GC (heap ${a.heapMiB} MiB) — ${verdict(a.rssMiB < t.rssMiB)}.`,
  ];
}

const ms = (x: number) => x.toFixed(0);
