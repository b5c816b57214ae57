/**
 * npm run bench:operator (also run at the end of npm run bench): what an intranet operator gets from a release on
 * the seed corpus. Builds a release into a temporary folder, starts `node server.mjs` from it several times and
 * measures the time from spawning the process to the first answered search, and the server's memory (RSS) after
 * answering every judged query. Replaces the "Operator" section of docs/benchmarks.md.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchmarkSection } from './doc-section.js';
import { envWithoutExtraCaCerts, EXTRA_CA_CERTS } from './first-answer.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- operator:start -->';
const END = '<!-- operator:end -->';
const RUNS = 7;
/** The first of the ports the started servers listen on (RUNS + 3 consecutive ports). */
const PORT_BASE = Number(process.env.BENCH_OPERATOR_PORT ?? 4350);

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function once(dir: string, port: number, queries: string[], env: NodeJS.ProcessEnv = process.env) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(dir, 'server.mjs'), '--port', String(port), '--no-access-log'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], env });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  let ready = NaN;
  for (;;) {
    try {
      const r = await get(`${url}/api/search?q=${encodeURIComponent('退税')}&size=10`);
      if (r.status === 200) {
        ready = performance.now() - t0;
        break;
      }
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 30_000 || child.exitCode !== null) throw new Error(`server did not answer:\n${out}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  // CPU time the server used until then (all its threads, from the scheduler): less sensitive to a loaded machine.
  let cpu = 0;
  for (const task of readdirSync(`/proc/${child.pid}/task`)) cpu += Number(readFileSync(`/proc/${child.pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  const selfReported = Number(/ready in (\d+) ms/.exec(out)?.[1]);
  const atReady = rssMiB(child.pid!);
  for (const q of queries) await get(`${url}/api/search?q=${encodeURIComponent(q)}&size=10`);
  const afterQueries = rssMiB(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { ready, cpu, selfReported, atReady: atReady.rss, after: afterQueries.rss, peak: afterQueries.peak };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs: number[]) => Math.max(...xs);

async function main() {
  const work = mkdtempSync(join(os.tmpdir(), 'ftz-bench-operator-'));
  try {
    const dir = join(work, 'release');
    execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'release.ts'), '--out', dir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const load = os.loadavg()[0];
    const queries = ['dev', 'test'].flatMap((half) => JSON.parse(readFileSync(join(root, 'bench', `queries.${half}.json`), 'utf8')) as { query: string }[]).map((q) => q.query);
    const runs = [];
    // When the environment sets NODE_EXTRA_CA_CERTS (bench/first-answer.ts says what it costs every Node start), the
    // same release is also started without it, alternating with the runs above so both see the same machine.
    const plain = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await once(dir, PORT_BASE + i, queries));
      if (EXTRA_CA_CERTS) plain.push(await once(dir, PORT_BASE + i, queries.slice(0, 1), envWithoutExtraCaCerts()));
    }
    // The same release without its code cache (what a Node version other than the release's own gets).
    const noCache = [];
    const cacheFile = join(dir, 'server.cache');
    const hasCache = existsSync(cacheFile);
    if (hasCache) {
      renameSync(cacheFile, `${cacheFile}.off`);
      for (let i = 0; i < 3; i++) noCache.push(await once(dir, PORT_BASE + RUNS + i, queries.slice(0, 1)));
      renameSync(`${cacheFile}.off`, cacheFile);
    }
    const ready = runs.map((r) => r.ready);
    const after = runs.map((r) => r.after);
    const snapshotMiB = readFileSync(join(dir, 'index.snapshot')).length / 2 ** 20;
    const bundleMiB = readFileSync(join(dir, 'server.cjs')).length / 2 ** 20;
    const cacheMiB = hasCache ? readFileSync(cacheFile).length / 2 ** 20 : 0;
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const metReady = median(ready) < 300;
    const plainReady = plain.map((r) => r.ready);
    const metRss = max(after) < 150;
    const section = [
      START,
      '## Operator: a release served by plain Node (seed corpus)',
      '',
      `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC at commit ${commit} on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores, 1-minute load average ${load.toFixed(1)} when it began), Node ${process.version}, by \`npm run bench:operator\`:`,
      `a release built from the seeds (\`npm run release\`: server.cjs ${bundleMiB.toFixed(1)} MiB, ${hasCache ? `V8 code cache server.cache ${cacheMiB.toFixed(1)} MiB` : 'NO code cache (its warm-up run failed)'}, index.snapshot ${snapshotMiB.toFixed(2)} MiB), started ${RUNS} times with \`node server.mjs\`.`,
      '',
      '| measure | median | worst | target |',
      '|---|---|---|---|',
      `| spawn → first search answered (HTTP 200)${EXTRA_CA_CERTS ? ', this environment (NODE_EXTRA_CA_CERTS set)' : ''} | ${median(ready).toFixed(0)} ms | ${max(ready).toFixed(0)} ms | < 300 ms: ${metReady ? 'met' : 'NOT met'} |`,
      `| CPU time of the server process until that answer (user + system, all threads) | ${median(runs.map((r) => r.cpu)).toFixed(0)} ms | ${max(runs.map((r) => r.cpu)).toFixed(0)} ms | |`,
      ...(plain.length
        ? [
            `| the same without NODE_EXTRA_CA_CERTS (${plain.length} runs, alternating with the above; an operator's plain environment: Node does not parse an extra certificate file at start): spawn → first answer | ${median(plainReady).toFixed(0)} ms | ${max(plainReady).toFixed(0)} ms | < 300 ms: ${median(plainReady) < 300 ? 'met' : 'NOT met'} |`,
            `| its CPU time until that answer | ${median(plain.map((r) => r.cpu)).toFixed(0)} ms | ${max(plain.map((r) => r.cpu)).toFixed(0)} ms | |`,
          ]
        : []),
      ...(noCache.length
        ? [`| the same without server.cache (${noCache.length} runs; a Node other than the release's): spawn → first answer / CPU time | ${median(noCache.map((r) => r.ready)).toFixed(0)} ms / ${median(noCache.map((r) => r.cpu)).toFixed(0)} ms | ${max(noCache.map((r) => r.ready)).toFixed(0)} ms / ${max(noCache.map((r) => r.cpu)).toFixed(0)} ms | |`]
        : []),
      `| load inside the process (its "ready in" line: read, verify, validate, build the service, listen) | ${median(runs.map((r) => r.selfReported)).toFixed(0)} ms | ${max(runs.map((r) => r.selfReported)).toFixed(0)} ms | |`,
      `| RSS when ready | ${median(runs.map((r) => r.atReady)).toFixed(0)} MiB | ${max(runs.map((r) => r.atReady)).toFixed(0)} MiB | |`,
      `| RSS after answering the ${queries.length} judged queries | ${median(after).toFixed(0)} MiB | ${max(after).toFixed(0)} MiB | < 150 MiB: ${metRss ? 'met' : 'NOT met'} |`,
      `| peak RSS (VmHWM) | ${median(runs.map((r) => r.peak)).toFixed(0)} MiB | ${max(runs.map((r) => r.peak)).toFixed(0)} MiB | |`,
      '',
      'The whole service is this one process: no npm, tsx or launcher process beside it. Wall-clock times include the',
      "machine's load (the load average above); the CPU-time row is what the start-up itself costs.",
      END,
    ].join('\n');
    writeBenchmarkSection(root, START, END, section);
    console.log(section);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
