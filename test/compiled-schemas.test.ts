import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRouteSchemas, releaseHeadersModule } from '../scripts/compiled-schemas.js';
import { buildApp } from '../server/app.js';
import type { CompiledSchemas } from '../server/compilers.js';
import { API_HEADERS_LEFT_OUT, probeSecurityHeaders, type SecurityHeaders } from '../server/security-headers.js';
import { ROOT, seedService } from './helpers.js';

/** The module a release bundles as server/compiled-schemas.ts, evaluated here (its requires resolved from the project). */
function evaluate(source: string): CompiledSchemas {
  const body = source.replace('export const compiledSchemas =', 'return');
  return new Function('require', body)(createRequire(join(ROOT, 'package.json'))) as CompiledSchemas;
}

/** The module a release bundles as server/release-headers.ts, evaluated here. */
function evaluateHeaders(source: string): SecurityHeaders {
  return new Function(source.replace('export const releaseSecurityHeaders =', 'return'))() as SecurityHeaders;
}

const admin = { token: 'a-long-enough-admin-token', reload: () => Promise.reject(new Error('no reload in this test')) };
let lazy: FastifyInstance;
let ahead: FastifyInstance;
let releaseHeaders: SecurityHeaders;
let partial: FastifyInstance;
const used = new Set<string>();
const missed = new Set<string>();

beforeAll(async () => {
  const service = await seedService();
  const table = evaluate(await compileRouteSchemas(service));
  // Which entries the server takes from the table, and which schemas it asked for that the table lacks.
  const watched = new Proxy(table, {
    get(t, key: string) {
      const f = t[key];
      if (!f) missed.add(key);
      return f && (() => (used.add(key), f()));
    },
  });
  // No answer cache: it is kept per service, and the two apps share one (ahead would be answered from lazy's).
  lazy = await buildApp({ service, admin, limits: { answerCacheBytes: 0 } });
  releaseHeaders = evaluateHeaders(releaseHeadersModule(await probeSecurityHeaders()));
  ahead = await buildApp({ service, admin, limits: { answerCacheBytes: 0 }, compiledSchemas: watched, securityHeaders: releaseHeaders });
  // A table that lacks the search route's parameter validator (as a release made before a route changed would).
  const { ['validator GET /api/search querystring']: _left, ...rest } = table;
  partial = await buildApp({ service, admin, limits: { answerCacheBytes: 0 }, compiledSchemas: rest });
}, 60_000);

afterAll(async () => {
  await lazy?.close();
  await ahead?.close();
  await partial?.close();
});

const URLS = [
  '/api/search?q=%E9%80%80%E7%A8%8E&size=3',
  '/api/search?q=%E8%B7%A8%E5%A2%83%E7%94%B5%E5%95%86&size=2&page=2&sort=quantity&region=%E4%B8%8A%E6%B5%B7',
  '/api/search?size=abc',
  '/api/search?page=0',
  '/api/search?sort=nonsense',
  `/api/search?q=${'x'.repeat(600)}`,
  '/api/search?q=a&unknown=1',
  '/api/search?size=0',
  '/api/suggest?q=%E7%95%99%E6%8A%B5',
  '/api/suggest',
  '/api/suggest?q=x&size=-1',
  '/api/analyze?q=%E4%BC%81%E4%B8%9A%E5%A6%82%E4%BD%95%E5%8A%9E%E7%90%86%E7%95%99%E6%8A%B5%E9%80%80%E7%A8%8E',
  '/api/outcomes?q=%E6%97%B6%E9%97%B4',
  '/api/outcomes?limit=x',
  '/api/quantities?unit=%E5%A4%A9',
  '/api/quantities?min=abc',
  '/api/stats',
  '/api/health',
  '/api/nothing',
];

describe('route schemas compiled when a release is made', () => {
  it('validate, coerce and serialise every route exactly as the schemas compiled on first use', async () => {
    // Two apps: their answers differ only in time taken and when each was started.
    const withoutTime = (body: string) => body.replace(/"took_ms":[0-9.]+/, '"took_ms":0').replace(/"loadedAt":"[^"]+"/, '"loadedAt":""');
    const first = (await lazy.inject('/api/search?size=1')).json() as { hits: { id: string }[] };
    const id = first.hits[0].id;
    for (const url of [...URLS, `/api/reforms/${id}`, `/api/reforms/${id}/similar?size=3`, '/api/reforms/nope', `/api/reforms/${id}/similar?size=x`]) {
      const [a, b] = [await lazy.inject(url), await ahead.inject(url)];
      expect(b.statusCode, url).toBe(a.statusCode);
      expect(b.headers['content-type'], url).toBe(a.headers['content-type']);
      expect(withoutTime(b.body), url).toBe(withoutTime(a.body));
    }
    for (const method of ['POST', 'GET'] as const) {
      const req = { method, url: '/api/admin/reload', headers: { authorization: 'Bearer wrong' } };
      const [a, b] = [await lazy.inject(req), await ahead.inject(req)];
      expect([b.statusCode, b.body]).toEqual([a.statusCode, a.body]);
    }
    // The answers above came from the release's functions: the search route's validator and serializer among them.
    expect(used).toContain('validator GET /api/search querystring');
    expect(used).toContain('serializer GET /api/search 200 ');
    expect(used).toContain('serializer GET /api/search 400 ');
  });

  it('leave a route missing from the table compiled on first use, the compilers loaded before the first request', async () => {
    for (const url of ['/api/search?size=abc', '/api/search?q=%E9%80%80%E7%A8%8E&size=2', '/api/search?page=0']) {
      const [a, b] = [await lazy.inject(url), await partial.inject(url)];
      expect([b.statusCode, b.json().error, b.json().message], url).toEqual([a.statusCode, a.json().error, a.json().message]);
    }
  });

  it('leave no route schema to compile at run time', () => {
    expect([...missed]).toEqual([]);
    expect(used.size).toBeGreaterThan(5);
  });
});

describe('security headers probed when a release is made', () => {
  it('are the policy helmet sets: CSP from our own origin, no framing, no sniffing, no referrer', () => {
    expect(releaseHeaders['content-security-policy']).toContain("default-src 'self'");
    expect(releaseHeaders['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(releaseHeaders['x-content-type-options']).toBe('nosniff');
    expect(releaseHeaders['referrer-policy']).toBe('no-referrer');
    expect(releaseHeaders['strict-transport-security']).toBeUndefined();
  });

  it('are set on API answers, errors and 404s exactly as by a server that probes them at start-up', async () => {
    for (const url of ['/api/search?q=%E9%80%80%E7%A8%8E&size=3', '/api/search?size=abc', '/api/health', '/api/nothing', '/nothing']) {
      const [a, b] = [await lazy.inject(url), await ahead.inject(url)];
      for (const name of Object.keys(releaseHeaders)) expect(b.headers[name], `${url} ${name}`).toBe(a.headers[name]);
      // API answers leave out the headers that only act on a rendered page; other paths keep them.
      const api = url.startsWith('/api/');
      for (const name of API_HEADERS_LEFT_OUT) if (name in releaseHeaders) expect(b.headers[name] === undefined, `${url} ${name}`).toBe(api);
    }
  });
});
