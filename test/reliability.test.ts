/**
 * Promises of docs/reliability.md checked through the HTTP interface on the real seed corpus: strict numeric
 * parameters, one error shape, security headers, the search queue and time budget, the rate limit, relative paths,
 * exclusions kept past the word budget, bounded caches.
 */
import { SortedCharMap } from '../analysis/char-map.js';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lru } from '../analysis/lru.js';
import { NORMALIZER_MEMO_SIZE, Normalizer } from '../analysis/normalize.js';
import { DeadlineExceeded, checkDeadline, withDeadline } from '../search/budget.js';
import { normalizeIP } from '@fastify/rate-limit';
import { buildApp, rateLimitKey } from '../server/app.js';
import { limitsFromEnv, redactPaths } from '../server/guard.js';
import { seedService } from './helpers.js';
import { startChildServer } from '../bench/child.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ service: await seedService() });
});
afterAll(async () => {
  await app?.close();
});

const get = (url: string) => app.inject({ method: 'GET', url });
const enc = encodeURIComponent;

describe('numeric parameters are decimal integers in range, or a 400 naming them', () => {
  const bad = ['Infinity', '-Infinity', '0x10', '1e2', '%2B5', '1.0', '1.5', '', ' 1', '01', 'NaN', '1_000', '١٢'];
  const routes = (v: string) => [
    [`/api/search?q=${enc('退税')}&page=${v}`, 'page'],
    [`/api/search?q=${enc('退税')}&size=${v}`, 'size'],
    [`/api/suggest?q=${enc('退')}&size=${v}`, 'size'],
    [`/api/quantities?page=${v}`, 'page'],
    [`/api/quantities?size=${v}`, 'size'],
  ];

  it.each(bad)('refuses %j on every route with a message naming the parameter', async (v) => {
    for (const [url, name] of routes(v)) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      const body = r.json();
      expect(Object.keys(body).sort(), url).toEqual(['error', 'message']);
      expect(body.message.startsWith(`${name}:`), `${url} → ${body.message}`).toBe(true);
    }
  });

  it('refuses sizes out of range on the similar route, which once returned 165 hits for Infinity', async () => {
    const id = (await get(`/api/search?q=${enc('退税')}&size=1`)).json().hits[0].id;
    for (const v of ['Infinity', '0', '101', '-1', '1e1']) {
      const r = await get(`/api/reforms/${id}/similar?size=${v}`);
      expect(r.statusCode, v).toBe(400);
      expect(r.json().message).toMatch(/^size:/);
    }
  });

  it('accepts plain decimal integers in range', async () => {
    const r = await get(`/api/search?q=${enc('退税')}&page=2&size=5`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ page: 2, size: 5 });
    expect((await get('/api/search?page=10001&size=1')).statusCode).toBe(400);
  });
});

describe('one error shape everywhere', () => {
  it('answers 404, 405-like, 413, bad URLs and unknown parameters with { error, message } only', async () => {
    const cases = [
      await get('/api/nope'),
      await get('/nothing/here.js'),
      await get('/api/search?unknown=1'),
      await get('/api/reforms/%E0%A4%A'),
      await app.inject({ method: 'POST', url: '/api/search', payload: 'x'.repeat(5000), headers: { 'content-type': 'text/plain' } }),
      await app.inject({ method: 'DELETE', url: '/api/health' }),
    ];
    for (const r of cases) {
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      expect(Object.keys(r.json()).sort(), r.body).toEqual(['error', 'message']);
    }
    expect(cases[4].statusCode).toBe(413);
  });

  it('answers a malformed HTTP request on the socket in the same shape', async () => {
    const server = await buildApp({ service: await seedService() });
    await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = server.server.address() as AddressInfo;
      const net = await import('node:net');
      const reply = await new Promise<string>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => s.write('GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n'));
        let data = '';
        s.on('data', (d) => (data += d));
        s.on('end', () => resolve(data));
        s.on('error', reject);
      });
      expect(reply).toMatch(/^HTTP\/1.1 400/);
      expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'Bad Request', message: 'malformed HTTP request' });
    } finally {
      await server.close();
    }
  });
});

describe('slow clients', () => {
  it('cuts a client whose headers never finish soon after the headers timeout, with a 408', async () => {
    // A short timeout: Node checks it once a second (server/app.ts), so the client is cut at the first check after it.
    const server = await buildApp({ service: await seedService(), limits: { headersTimeoutMs: 200 } });
    await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = server.server.address() as AddressInfo;
      const net = await import('node:net');
      const t = performance.now();
      const reply = await new Promise<string>((resolve) => {
        let data = '';
        const s = net.connect(port, '127.0.0.1', () => s.write('GET /api/health HTTP/1.1\r\nHost: x\r\n'));
        s.on('data', (d) => (data += d));
        s.on('close', () => resolve(data));
      });
      expect(reply).toMatch(/^HTTP\/1.1 408/);
      expect(performance.now() - t).toBeLessThan(3000);
    } finally {
      await server.close();
    }
  });
});

describe('security headers', () => {
  it('sends a CSP without inline script, nosniff, no framing and no referrer on API answers and the page', async () => {
    for (const url of ['/api/health', '/api/nope', `/api/search?q=${enc('退税')}`]) {
      const h = (await get(url)).headers;
      const csp = String(h['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(h['x-content-type-options']).toBe('nosniff');
      expect(h['referrer-policy']).toBe('no-referrer');
      expect(h['x-frame-options']).toBe('SAMEORIGIN');
      expect(h['cross-origin-resource-policy']).toBe('same-origin');
    }
  });

  it('leaves the headers that act only on a rendered document off API answers, and keeps them on every other answer', async () => {
    const documentOnly = ['origin-agent-cluster', 'cross-origin-opener-policy', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection'];
    for (const url of ['/api/health', `/api/search?q=${enc('退税')}`, `/api/search?q=${enc('退税')}`, '/api/nope']) {
      const h = (await get(url)).headers;
      for (const name of documentOnly) expect(h[name], `${name} on ${url}`).toBeUndefined();
    }
    const page = (await get('/no-such-page')).headers;
    expect(page['cross-origin-opener-policy']).toBe('same-origin');
    expect(page['x-dns-prefetch-control']).toBe('off');
    expect(page['content-security-policy']).toContain("script-src 'self'");
  });
});

describe('no server paths in what the API returns', () => {
  it('shortens absolute paths in messages to the file name', () => {
    expect(redactPaths("unreadable: EACCES: permission denied, open '/srv/ftz/seeds/a.txt'")).toBe("unreadable: EACCES: permission denied, open 'a.txt'");
    expect(redactPaths('C:\\data\\seeds\\b.txt is damaged')).toBe('b.txt is damaged');
    expect(redactPaths('page × size / 2 must be at most 1/2')).toBe('page × size / 2 must be at most 1/2');
  });

  it('/api/stats carries no absolute path even when the snapshot’s warnings do', async () => {
    const service = await seedService();
    const body = { ...service.body, warnings: [...service.body.warnings, { file: '/srv/ftz/seeds/x.txt', message: "unreadable: EACCES, open '/srv/ftz/seeds/x.txt'" }] };
    const { SearchService } = await import('../search/service.js');
    const other = await buildApp({ service: new SearchService(body) });
    try {
      const text = (await other.inject('/api/stats')).body;
      expect(text).toContain('x.txt');
      expect(text).not.toMatch(/\/srv\//);
    } finally {
      await other.close();
    }
  });
});

describe('one client cannot take the server down', () => {
  it('answers 503 with Retry-After when the search queue is full, and health meanwhile', async () => {
    const small = await buildApp({ service: await seedService(), limits: { maxPending: 4 } });
    try {
      const qs = Array.from({ length: 12 }, (_, i) => small.inject(`/api/search?q=${enc('海关 退税 ' + i)}`));
      const health = await small.inject('/api/health');
      expect(health.statusCode).toBe(200);
      const results = await Promise.all(qs);
      const busy = results.filter((r) => r.statusCode === 503);
      expect(results.filter((r) => r.statusCode === 200)).toHaveLength(4);
      expect(busy).toHaveLength(8);
      for (const r of busy) {
        expect(r.headers['retry-after']).toBe('1');
        expect(Object.keys(r.json()).sort()).toEqual(['error', 'message']);
        expect(r.json().error).toBe('Service Unavailable');
      }
    } finally {
      await small.close();
    }
  });

  it('answers 503 with Retry-After when a search outlives its time budget', async () => {
    const strict = await buildApp({ service: await seedService(), limits: { searchBudgetMs: 0 } });
    try {
      const r = await strict.inject(`/api/search?q=${enc('海关 退税 通关')}`);
      expect(r.statusCode).toBe(503);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.json().message).toMatch(/budget/);
      expect((await strict.inject('/api/health')).statusCode).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('stops search work at the deadline between constraints, and not outside a budget', () => {
    expect(() => withDeadline(performance.now() - 1, 5, () => checkDeadline())).toThrow(DeadlineExceeded);
    expect(() => withDeadline(performance.now() + 60_000, 5, () => checkDeadline())).not.toThrow();
    expect(() => checkDeadline()).not.toThrow();
  });

  it('rate limits a client past its quota with a 429 in the one shape; health is never limited', async () => {
    const limited = await buildApp({ service: await seedService(), limits: { rateLimitPerMinute: 3, rateLimitExemptLoopback: false } });
    try {
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await limited.inject('/api/stats')).statusCode);
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const r = await limited.inject('/api/stats');
      expect(Object.keys(r.json()).sort()).toEqual(['error', 'message']);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      for (let i = 0; i < 5; i++) expect((await limited.inject('/api/health')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('rate limits a repeated search too, though its answer is kept and sent before validation', async () => {
    const limited = await buildApp({ service: await seedService(), limits: { rateLimitPerMinute: 3, rateLimitExemptLoopback: false } });
    try {
      const url = `/api/search?q=${enc('海关')}`;
      const replies = [];
      for (let i = 0; i < 5; i++) replies.push(await limited.inject(url));
      expect(replies.map((r) => r.statusCode)).toEqual([200, 200, 200, 429, 429]);
      expect(replies[2].json().hits[0].title).toContain('海关');
      expect(replies[4].headers['content-security-policy']).toContain("frame-ancestors 'none'");
    } finally {
      await limited.close();
    }
  });

  it('counts a client as the rate limit plugin does: an IPv6 client by its /64, an IPv4-mapped one as its IPv4 address', async () => {
    const addresses = ['10.0.0.1', '127.0.0.1', '::1', '::ffff:10.0.0.1', '2001:db8:1:2::5', '2001:DB8:1:2:ffff::9', 'fe80::1%eth0'];
    for (const ip of addresses) expect(rateLimitKey({ ip }), ip).toBe(normalizeIP(ip));
    const limited = await buildApp({ service: await seedService(), limits: { rateLimitPerMinute: 2, rateLimitExemptLoopback: false } });
    try {
      const status = async (remoteAddress: string) => (await limited.inject({ url: '/api/stats', remoteAddress })).statusCode;
      // One quota for two addresses of one /64, and for an IPv4 address with and without its IPv6 mapping.
      expect([await status('2001:db8:1:2::5'), await status('2001:db8:1:2::6'), await status('2001:db8:1:2::7')]).toEqual([200, 200, 429]);
      expect([await status('10.0.0.1'), await status('::ffff:10.0.0.1'), await status('10.0.0.1')]).toEqual([200, 200, 429]);
      expect([await status('10.0.0.2'), await status('2001:db8:1:3::5')]).toEqual([200, 200]);
    } finally {
      await limited.close();
    }
  });

  it('does not rate limit loopback clients by default', async () => {
    const local = await buildApp({ service: await seedService(), limits: { rateLimitPerMinute: 2 } });
    try {
      for (let i = 0; i < 5; i++) expect((await local.inject('/api/stats')).statusCode).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('reads limits from the environment and refuses malformed values', () => {
    expect(limitsFromEnv({ RATE_LIMIT_PER_MINUTE: '0', SEARCH_BUDGET_MS: '250', RATE_LIMIT_EXEMPT_LOOPBACK: 'false' })).toMatchObject({ rateLimitPerMinute: 0, searchBudgetMs: 250, rateLimitExemptLoopback: false });
    expect(() => limitsFromEnv({ SEARCH_BUDGET_MS: '1e3' })).toThrow(/SEARCH_BUDGET_MS/);
    expect(() => limitsFromEnv({ RATE_LIMIT_EXEMPT_LOOPBACK: 'yes' })).toThrow(/RATE_LIMIT_EXEMPT_LOOPBACK/);
  });

  it('answers /api/health between search slices during a flood of long distinct queries, not behind the flood', async () => {
    // The server runs in a process of its own, as in production: the flooding client must not share its event loop.
    const server = await startChildServer();
    try {
      const service = await seedService();
      const words = service.body.analysis.vocabulary.filter(([w]) => w.length >= 2).map(([w]) => w);
      const longQuery = (k: number) => {
        let q = '';
        for (let i = 0; q.length < 480; i++) q += words[(k * 7919 + i * 104729) % words.length];
        return q.slice(0, 500);
      };
      await (await fetch(`${server.base}/api/health`)).json();
      let done = 0;
      const statuses = new Map<number, number>();
      const searchMs: number[] = [];
      const flood = Array.from({ length: 48 }, async (_, c) => {
        for (let j = 0; j < 4; j++) {
          const t = performance.now();
          const res = await fetch(`${server.base}/api/search?q=${enc(longQuery(c * 10 + j))}`);
          await res.arrayBuffer();
          searchMs.push(performance.now() - t);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          done++;
        }
      });
      const healthMs: number[] = [];
      await new Promise((r) => setTimeout(r, 30));
      while (done < 48 * 4 - 24) {
        const t = performance.now();
        const res = await fetch(`${server.base}/api/health`);
        await res.json();
        healthMs.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 10));
      }
      await Promise.all(flood);
      const stats = await server.stats();
      expect(healthMs.length).toBeGreaterThan(5);
      // The property, not a wall-clock figure (that is npm run soak's flood step, docs/reliability.md): a probe waits
      // for at most the search slice that is running, while each search waits for its own slices among 48 others'.
      // Without the queue a probe waited behind the whole flood (13.6 s measured), as long as the searches themselves;
      // a loaded machine stretches both alike, so the ratio holds where a fixed bound in ms did not (p90 107–114 ms
      // against 100 in two of three fresh-clone CI runs of session 11, with another test file beside it on 2 cores).
      const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)];
      const why = `health ms: ${healthMs.map((t) => t.toFixed(0)).join(',')}; search p50 ${p(searchMs, 0.5).toFixed(0)} ms; longest search slice ${stats.longestJobMs.toFixed(0)} ms; ${stats.yields} yields`;
      expect(p(healthMs, 0.9) * 5, why).toBeLessThan(p(searchMs, 0.5));
      // And the searches were cut into slices: a search run whole would keep the ratio (health behind one search, each
      // search behind many) but break the promise of the name (checked: it fails with a slice of 60 s).
      expect(stats.yields, why).toBeGreaterThan(0);
      // Every flood request was answered: 200, or 503 with Retry-After when it outlived its budget; never another 5xx.
      expect([...statuses.keys()].filter((s) => s !== 200 && s !== 503)).toEqual([]);
      expect(statuses.get(200)).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
    // 192 searches of 500 characters each in a child process: 12.7 s at load 5, but past the default 60 s twice at load
    // ~15 (session 14); the assertions are ratios, not times, so a loaded machine needs only the longer limit.
  }, 180_000);
});

describe('exclusions before the word budget', () => {
  it('applies -海关 after 40 words and says the query was truncated', async () => {
    const service = await seedService();
    const words = service.body.analysis.vocabulary.filter(([w]) => w.length >= 2 && !w.includes('海关') && !/\d/.test(w)).slice(0, 40).map(([w]) => w);
    const q = `${words.join(' ')} -海关`;
    expect(q.length).toBeLessThanOrEqual(500);
    const r = await get(`/api/search?q=${enc(q)}&size=100`);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.truncated).toBe(true);
    expect(body.hits.length).toBeGreaterThan(0);
    const n = service.engine.analyzer.normalizer;
    for (const h of body.hits) {
      const rec = service.reform(h.id)!;
      expect(n.plain([rec.title, rec.content, rec.applicableTo, rec.process, rec.outcome, rec.departments.join()].join())).not.toContain('海关');
    }
    expect((await get(`/api/search?q=${enc('退税')}`)).json().truncated).toBeUndefined();
  });
});

describe('bounded memory from user input', () => {
  it('an LRU keeps at most its capacity and the entries used recently', () => {
    const lru = new Lru<number, number>(100);
    for (let i = 0; i < 10_000; i++) {
      lru.set(i, i);
      lru.get(0); // used all along: kept
      expect(lru.size).toBeLessThanOrEqual(100);
    }
    expect(lru.get(0)).toBe(0);
    expect(lru.get(9_999)).toBe(9_999);
    expect(lru.get(5)).toBeUndefined();
  });

  it('an LRU evicts in order of last use, counts a re-set key once at its new cost, and starts empty after clear', () => {
    const lru = new Lru<string, string>(10);
    for (const k of ['a', 'b', 'c', 'd']) lru.set(k, k.toUpperCase(), 2);
    lru.get('a'); // a is now the most recent: b is the least
    lru.set('c', 'C2', 4); // replaces c (cost 2 → 4), moves it last: a 2 + b 2 + d 2 + c 4 = 10, nothing leaves
    expect(lru.size).toBe(4);
    lru.set('e', 'E', 2); // 12 > 10: the least recently used (b) leaves, then nothing more is needed
    expect(lru.has('b')).toBe(false);
    expect(['a', 'c', 'd', 'e'].map((k) => lru.get(k))).toEqual(['A', 'C2', 'D', 'E']);
    lru.set('f', 'F', 6); // order a, c, d, e, f and 16: a (2) and c (4) leave, which is enough (10)
    expect([lru.has('a'), lru.has('c')]).toEqual([false, false]);
    expect([lru.get('d'), lru.get('e'), lru.get('f'), lru.size]).toEqual(['D', 'E', 'F', 3]);
    lru.clear();
    expect([lru.size, lru.get('e')]).toEqual([0, undefined]);
    lru.set('g', 'G', 11); // over the limit alone: the newest entry always stays
    expect([lru.get('g'), lru.size]).toEqual(['G', 1]);
  });

  it('the normaliser remembers at most NORMALIZER_MEMO_SIZE characters after a sweep of all of Unicode', () => {
    const n = new Normalizer(SortedCharMap.fromTable({ 齊: '齐' }));
    let chunk = '';
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      chunk += String.fromCodePoint(cp);
      if (chunk.length > 4096) (n.plain(chunk), (chunk = ''));
    }
    n.plain(chunk);
    expect(n.memoSize).toBeLessThanOrEqual(NORMALIZER_MEMO_SIZE);
    expect(n.plain('齊ＡＢ')).toBe('齐ab');
  });
});
