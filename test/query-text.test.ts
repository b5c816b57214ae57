import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.js';
import { seedService } from './helpers.js';

// A q whose bytes are not UTF-8 text reached the routes as its undecoded percent-text (the query-string parser keeps
// what it cannot decode) and was searched as the words "ed", "a0", "80" (finding 13 of /work/notes/user20.md).
let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ service: await seedService() });
}, 120_000);
afterAll(async () => {
  await app?.close();
});

const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, json: () => res.json() as { error: string; message: string } };
};

const BAD = {
  'an encoded lone surrogate': '%ED%A0%80',
  '退税 followed by a byte that is no UTF-8': '%E9%80%80%E7%A8%8E%FF',
  'U+FFFD, the trace of a bad decode': '%E9%80%80%EF%BF%BD',
};

describe('a q that is not valid text is a 400 naming q on every route that reads it', () => {
  // Every route whose querystring schema has a q (export and quantities were missed when the check was per route).
  const routes = ['/api/search', '/api/suggest', '/api/analyze', '/api/outcomes', '/api/outcomes/export', '/api/export?format=json', '/api/quantities'];
  for (const route of routes) {
    for (const [what, q] of Object.entries(BAD)) {
      it(`${route} refuses ${what}`, async () => {
        const r = await get(`${route}${route.includes('?') ? '&' : '?'}q=${q}`);
        expect(r.status).toBe(400);
        expect(r.json().message).toMatch(/^q: /);
      });
    }
  }

  it('the list above is every route whose querystring has a q', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, { get?: { parameters?: { in: string; name: string }[] } }> };
    const withQ = Object.entries(spec.paths).filter(([, p]) => p.get?.parameters?.some((x) => x.in === 'query' && x.name === 'q')).map(([path]) => path).sort();
    expect(withQ).toEqual(routes.map((r) => r.split('?')[0]).sort());
  });

  it('export and quantities still answer a valid q', async () => {
    for (const url of [`/api/export?format=json&q=${encodeURIComponent('退税')}`, `/api/quantities?q=${encodeURIComponent('退税')}`]) {
      const r = await get(url);
      expect(r.status, url).toBe(200);
    }
  });

  it('still answers a q of valid UTF-8 with a percent sign, a plus for a space and 繁體', async () => {
    for (const q of ['95%25', '%E9%80%80%E7%A8%8E+%E5%87%BA%E5%8F%A3', encodeURIComponent('退稅')]) {
      const r = await get(`/api/search?q=${q}`);
      expect(r.status, q).toBe(200);
    }
    const r = await get(`/api/search?q=${encodeURIComponent('退税')}`);
    expect((r.json() as unknown as { total: number }).total).toBeGreaterThan(0);
  });
});
