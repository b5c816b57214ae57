/**
 * One measurement of the scale benchmark, in a process of its own so its memory figures are its own:
 *
 *   tsx bench/scale-child.ts build ENGINE RECORDS.jsonl OUT DICT_DIR   build time, peak RSS, file size
 *   tsx bench/scale-child.ts serve ENGINE INDEX_FILE ROUNDS            fresh process → first answer, latency per kind, RSS
 *   tsx bench/scale-child.ts http SNAPSHOT                            our app and a trivial Fastify route on 127.0.0.1:0
 *
 * Prints one JSON line (the last line of stdout) for bench/scale.ts.
 */
import { statSync } from 'node:fs';
import { ENGINE_IMPLS, type EngineName } from './scale-engines.js';
import { BENCH_QUERIES, QUERY_KINDS, type QueryKind } from './scale-queries.js';

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function build(engine: EngineName, records: string, out: string, dictDir: string) {
  const t0 = performance.now();
  const info = await ENGINE_IMPLS[engine].build(records, out, dictDir);
  const buildMs = performance.now() - t0;
  return { buildMs, stages: info.stages, bytes: statSync(out).size, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

async function serve(engine: EngineName, file: string, rounds: number) {
  const t0 = performance.now();
  const answer = await ENGINE_IMPLS[engine].load(file);
  await answer(BENCH_QUERIES[0]);
  const tFirst = performance.now();
  const times = new Map<QueryKind, number[]>(QUERY_KINDS.map((k) => [k, []]));
  const unsupported = new Set<QueryKind>();
  // One warm-up pass (first sight of each query), then the timed rounds.
  for (let round = -1; round < rounds; round++) {
    for (const q of BENCH_QUERIES) {
      if (unsupported.has(q.kind)) continue;
      const t = performance.now();
      try {
        await answer(q);
      } catch (e) {
        if (!/unsupported/.test((e as Error).message)) throw e;
        unsupported.add(q.kind);
        continue;
      }
      if (round >= 0) times.get(q.kind)!.push(performance.now() - t);
    }
  }
  const latency: Record<string, { n: number; p50: number; p99: number } | null> = {};
  const all: number[] = [];
  for (const [kind, ts] of times) {
    if (unsupported.has(kind)) {
      latency[kind] = null;
      continue;
    }
    const s = [...ts].sort((a, b) => a - b);
    all.push(...s);
    latency[kind] = { n: s.length, p50: quantile(s, 0.5), p99: quantile(s, 0.99) };
  }
  all.sort((a, b) => a - b);
  (globalThis as { gc?: () => void }).gc?.();
  const mem = process.memoryUsage();
  return {
    // performance.now() counts from the start of this process: node, module loading, reading the file, first query.
    processToFirstMs: tFirst,
    loadToFirstMs: tFirst - t0,
    latency,
    overall: { n: all.length, p50: quantile(all, 0.5), p99: quantile(all, 0.99) },
    rssMiB: mib(mem.rss),
    heapMiB: mib(mem.heapUsed),
  };
}

async function http(snapshot: string) {
  const { readFileSync } = await import('node:fs');
  const { parseSnapshot } = await import('../search/snapshot.js');
  const { SearchService } = await import('../search/service.js');
  const { buildApp } = await import('../server/app.js');
  const { default: Fastify } = await import('fastify');
  const service = new SearchService(parseSnapshot(readFileSync(snapshot, 'utf8')));
  const app = await buildApp({ service });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const trivial = Fastify();
  trivial.get('/ping', async () => ({ ok: true }));
  await trivial.listen({ port: 0, host: '127.0.0.1' });
  const port = (a: typeof trivial) => (a.server.address() as { port: number }).port;
  console.log(JSON.stringify({ ours: port(app as unknown as typeof trivial), trivial: port(trivial) }));
  // Serve until the parent closes stdin (or dies), then stop by ourselves.
  process.stdin.resume();
  await new Promise<void>((resolve) => process.stdin.once('end', resolve).once('close', resolve));
  await Promise.all([app.close(), trivial.close()]);
  return undefined;
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  let result: unknown;
  if (mode === 'build') result = await build(args[0] as EngineName, args[1], args[2], args[3]);
  else if (mode === 'serve') result = await serve(args[0] as EngineName, args[1], Number(args[2] ?? 20));
  else if (mode === 'http') result = await http(args[0]);
  else throw new Error(`unknown mode ${mode}`);
  if (result !== undefined) console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.stack : String(e));
    process.exit(1);
  },
);
