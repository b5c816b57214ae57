/**
 * npm run soak: the reliability run behind docs/reliability.md, against the API in a process of its own on
 * 127.0.0.1 (bench/serve-child.ts), stopping by itself.
 * 1. fuzz: random routes and parameters (the generators of test/properties.test.ts) — count of 5xx;
 * 2. load: autocannon, 64 connections, judged queries — req/s, p99, non-2xx;
 * 3. flood: 64 connections of distinct 500-character queries, /api/health probed meanwhile;
 * 4. memory: heap after a full GC before and after 20,000 queries (a Unicode sweep through /api/suggest and
 *    distinct queries through /api/search);
 * 5. faults: malformed requests, oversized headers, slow and aborted clients — the server stays healthy.
 * Prints the figures and writes them to docs/reliability-run.json.
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';
import fc from 'fast-check';
import { startChildServer, type ChildServer } from './child.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const queries = (await import('node:fs').then((fs) => ['dev', 'test'].flatMap((half) => JSON.parse(fs.readFileSync(join(root, 'bench', `queries.${half}.json`), 'utf8')) as { query: string }[]))).map((q) => q.query);
const pct = (v: string) => [...Buffer.from(v, 'utf8')].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');
const MB = (b: number) => Math.round((b / 1048576) * 10) / 10;

async function timed(url: string): Promise<{ status: number; ms: number }> {
  const t = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t };
}

async function fuzz(s: ChildServer, runs: number) {
  const piece = fc.oneof(
    fc.constantFrom(...queries),
    fc.constantFrom('"', '“', '-', ' OR ', 'title:', 'region:', '\u0000', '\u202E', '<script>', '&', '１２.６亿元'),
    fc.string({ unit: 'binary', maxLength: 6 }),
    fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
  );
  const value = fc.oneof(
    fc.integer({ min: -5, max: 20000 }).map(String),
    fc.constantFrom('Infinity', '-Infinity', 'NaN', '0x10', '1e2', '+3', '1.5', '', '9'.repeat(40), 'csv', 'json', 'ndjson', 'relevance', 'quantity', 'value_desc'),
    fc.array(piece, { maxLength: 20 }).map((p) => p.join('').slice(0, 600)),
  );
  const params = ['q', 'page', 'size', 'sort', 'format', 'unit', 'region', 'category', 'department', 'source', 'scope', 'facetSize', 'matching', 'collapse', 'direction', 'kind', 'minChange', 'maxChange'];
  const routes = ['/api/search', '/api/suggest', '/api/analyze', '/api/quantities', '/api/outcomes', '/api/export', '/api/stats', '/api/reforms/6665671d-1-1', '/api/reforms/6665671d-1-1/similar', '/api/reforms/..%2F..%2Fetc', '/api/nope'];
  const samples = fc.sample(fc.tuple(fc.constantFrom(...routes), fc.array(fc.tuple(fc.constantFrom(...params), value), { maxLength: 5 })), { numRuns: runs, seed: 7 });
  const byClass: Record<string, number> = {};
  const fiveHundreds: string[] = [];
  let i = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (i < samples.length) {
      const [route, ps] = samples[i++];
      const url = route + (ps.length ? '?' + ps.map(([k, v]) => `${k}=${pct(v)}`).join('&') : '');
      const { status } = await timed(s.base + url);
      const cls = `${Math.floor(status / 100)}xx`;
      byClass[cls] = (byClass[cls] ?? 0) + 1;
      if (status >= 500 && status !== 503) fiveHundreds.push(url);
    }
  }));
  return { requests: runs, byStatusClass: byClass, serverErrors: fiveHundreds.length, firstServerErrors: fiveHundreds.slice(0, 5) };
}

async function load(s: ChildServer, seconds: number) {
  let k = 0;
  const result = await autocannon({
    url: s.base,
    connections: 64,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: `/api/search?q=${encodeURIComponent(queries[k++ % queries.length])}&size=10` }) }],
  });
  return { connections: 64, seconds, requests: result.requests.total, reqPerSec: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts };
}

async function flood(s: ChildServer, seconds: number) {
  const words = queries.join('').replace(/\s+/g, '');
  let k = 0;
  const distinct = () => {
    k++;
    let q = '';
    for (let i = 0; q.length < 500; i++) q += words.slice((k * 31 + i * 7) % (words.length - 6), ((k * 31 + i * 7) % (words.length - 6)) + 2 + (i % 4)) + (i % 5 === 0 ? ' ' : '');
    return q.slice(0, 500);
  };
  const statuses: Record<number, number> = {};
  const health: number[] = [];
  let running = true;
  const probe = (async () => {
    while (running) {
      health.push((await timed(`${s.base}/api/health`)).ms);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const result = await autocannon({
    url: s.base,
    connections: 64,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: `/api/search?q=${encodeURIComponent(distinct())}` }) }],
  });
  running = false;
  await probe;
  health.sort((a, b) => a - b);
  for (const [code, n] of Object.entries(result.statusCodeStats ?? {})) statuses[Number(code)] = (n as { count: number }).count;
  return {
    connections: 64, seconds, requests: result.requests.total, reqPerSec: result.requests.average, p99: result.latency.p99, statuses, errors: result.errors, timeouts: result.timeouts,
    health: { probes: health.length, p50: Math.round(health[health.length >> 1]), p99: Math.round(health[Math.floor(health.length * 0.99)]), max: Math.round(health[health.length - 1]) },
  };
}

async function memory(s: ChildServer, total: number) {
  const before = await s.stats();
  let sent = 0;
  const statuses: Record<number, number> = {};
  let cp = 0x20;
  const next = (): string => {
    const n = sent++;
    if (n % 2 === 0) {
      // A sweep of all of Unicode, 24 code points per query, skipping surrogates.
      let q = '';
      while ([...q].length < 24) {
        cp = cp >= 0x10ffff ? 0x20 : cp + 1;
        if (cp < 0xd800 || cp > 0xdfff) q += String.fromCodePoint(cp);
      }
      return `/api/suggest?q=${pct(q)}`;
    }
    return `/api/search?q=${pct(`${queries[n % queries.length]} ${n.toString(36)} ${String.fromCodePoint(0x4e00 + (n % 20000))}`)}&size=5`;
  };
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (sent < total) {
      const { status } = await timed(s.base + next());
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }));
  const after = await s.stats();
  return { queries: total, statuses, heapAfterGcBeforeMB: MB(before.heapUsed), heapAfterGcAfterMB: MB(after.heapUsed), rssBeforeMB: MB(before.rss), rssAfterMB: MB(after.rss), gc: after.gc };
}

/** Send raw bytes; resolve with what came back (or '' when the server closed the connection). */
function raw(port: number, send: (sock: net.Socket) => void, waitMs = 15_000): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    const sock = net.connect(port, '127.0.0.1', () => send(sock));
    sock.on('data', (d) => (data += d));
    sock.on('close', () => resolve(data));
    sock.on('error', () => resolve(data));
    setTimeout(() => (sock.destroy(), resolve(data + '[still open]')), waitMs).unref();
  });
}

async function faults(s: ChildServer) {
  const port = Number(new URL(s.base).port);
  const checks: { fault: string; survived: boolean; detail: string }[] = [];
  const healthy = async () => (await timed(`${s.base}/api/health`)).status === 200;
  const record = async (fault: string, detail: string, ok: boolean) => checks.push({ fault, survived: ok && (await healthy()), detail });

  let r = await raw(port, (k) => k.write('GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'));
  await record('malformed header line', r.split('\r\n')[0], /^HTTP\/1.1 400/.test(r));
  r = await raw(port, (k) => k.write(`GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
  await record('20 kB header', r.split('\r\n')[0], /^HTTP\/1.1 431/.test(r));
  const t = performance.now();
  r = await raw(port, (k) => k.write('GET /api/health HTTP/1.1\r\nHost: x\r\n'), 20_000);
  await record('headers never finished (slowloris)', `closed after ${Math.round(performance.now() - t)} ms: ${r.split('\r\n')[0] || 'no answer'}`, !r.includes('[still open]'));
  r = await raw(port, (k) => (k.write(`GET /api/search?q=${pct('海关 退税')} HTTP/1.1\r\nHost: x\r\n\r\n`), k.destroy()));
  await record('client gone before the answer', 'connection reset by the client', true);
  r = await raw(port, (k) => k.write(`POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n${'x'.repeat(100_000)}`));
  await record('100 kB body', r.split('\r\n')[0], /^HTTP\/1.1 413/.test(r));
  r = await raw(port, (k) => k.write('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello to a plain port\r\n\r\n'));
  await record('TLS handshake on the HTTP port', r.split('\r\n')[0] || 'closed', !r.includes('[still open]'));
  const burst = await Promise.all(Array.from({ length: 400 }, () => timed(`${s.base}/api/search?q=${pct('海关 ' + Math.random())}`)));
  const codes = [...new Set(burst.map((b) => b.status))].sort();
  await record('400 searches at once (queue full)', `answers ${codes.join('/')}`, codes.every((c) => c === 200 || c === 503));
  return { total: checks.length, survived: checks.filter((c) => c.survived).length, checks };
}

const started = new Date();
const server = await startChildServer({ rateLimitPerMinute: 0 });
try {
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  const run: Record<string, unknown> = { date: started.toISOString(), commit, machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${MB(os.totalmem())} MB, Node ${process.version}` };
  console.error('fuzz…');
  run.fuzz = await fuzz(server, Number(process.env.SOAK_FUZZ ?? 5000));
  console.error('load…');
  run.load = await load(server, Number(process.env.SOAK_SECONDS ?? 15));
  console.error('flood…');
  run.flood = await flood(server, Number(process.env.SOAK_SECONDS ?? 15));
  console.error('memory…');
  run.memory = await memory(server, Number(process.env.SOAK_QUERIES ?? 20_000));
  console.error('faults…');
  run.faults = await faults(server);
  run.server = await server.stats();
  console.log(JSON.stringify(run, null, 2));
  writeFileSync(join(root, 'docs', 'reliability-run.json'), JSON.stringify(run, null, 2) + '\n');
} finally {
  await server.stop();
}
