import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.js';
import { FILES, seedService } from './helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ service: await seedService() });
});
afterAll(async () => {
  await app?.close();
});

const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, headers: res.headers, body: res.body, json: () => res.json() };
};
const enc = encodeURIComponent;

describe('GET /api/health', () => {
  it('reports ok, the record count and the hash of the snapshot served', async () => {
    const r = await get('/api/health');
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: 'ok', records: 300, snapshot: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});

describe('GET /api/search', () => {
  it('returns the documented shape with highlights', async () => {
    const r = await get(`/api/search?q=${enc('退税')}&size=3`);
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ query: '退税', page: 1, size: 3, partial: false });
    expect(body.total).toBeGreaterThan(3);
    expect(typeof body.took_ms).toBe('number');
    expect(body.hits).toHaveLength(3);
    const hit = body.hits[0];
    expect(Object.keys(hit).sort()).toEqual(expect.arrayContaining(['id', 'title', 'regions', 'departments', 'source', 'score', 'highlight']));
    expect(Object.keys(hit.source).sort()).toEqual(['file', 'no', 'title']);
    expect(hit.highlight.title + hit.highlight.snippet).toContain('<mark>退税</mark>');
  });

  it('answers a query of filler characters alone (的) with no hits and filler: true, which a real query never carries', async () => {
    for (const q of ['的', '了 之']) {
      const body = (await get(`/api/search?q=${enc(q)}`)).json();
      expect(body).toMatchObject({ query: q, total: 0, hits: [], partial: false, filler: true });
    }
    expect((await get(`/api/search?q=${enc('退税')}`)).json()).not.toHaveProperty('filler');
  });

  it('returns one hit per reform, copies under copies, and every copy with collapse=false', async () => {
    const collapsed = (await get(`/api/search?q=${enc('中医诊所')}`)).json();
    const all = (await get(`/api/search?q=${enc('中医诊所')}&collapse=false`)).json();
    expect(all.total).toBeGreaterThan(collapsed.total);
    const hit = collapsed.hits.find((h: { copies?: unknown[] }) => h.copies?.length);
    expect(hit.copies[0]).toMatchObject({ id: expect.any(String), title: expect.any(String), source: { file: expect.any(String), no: expect.any(Number) } });
    expect(all.hits.map((h: { id: string }) => h.id)).toContain(hit.copies[0].id);
    expect(all.hits.every((h: { copies?: unknown }) => h.copies === undefined)).toBe(true);
    const bad = await get(`/api/search?q=${enc('中医诊所')}&collapse=maybe`);
    expect(bad.status).toBe(400);
    expect(bad.json().message).toContain('collapse');
  });

  it('answers a repeated search with the same body (its own took_ms), as a server without the answer cache does', async () => {
    const url = `/api/search?q=${enc('海关 监管')}&size=5&region=${enc('辽宁')}`;
    const first = (await get(url)).json();
    const again = await get(url);
    expect(again.status).toBe(200);
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(again.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const strip = (b: { took_ms: number }) => ({ ...b, took_ms: 0 });
    expect(strip(again.json())).toEqual(strip(first));
    expect(typeof again.json().took_ms).toBe('number');
    const uncached = await buildApp({ service: await seedService(), limits: { answerCacheBytes: 0 } });
    try {
      const fresh = (await uncached.inject({ method: 'GET', url })).json();
      expect(strip(fresh)).toEqual(strip(first));
    } finally {
      await uncached.close();
    }
    // Another page or a bad parameter is never served from the answer of another request.
    expect((await get(url.replace('size=5', 'size=2'))).json().hits).toHaveLength(2);
    expect((await get(`${url}&page=0`)).status).toBe(400);
  });

  it('pages through the whole corpus in a stable order when q is empty', async () => {
    const seen = new Set<string>();
    for (let page = 1; page <= 3; page++) {
      const body = (await get(`/api/search?page=${page}&size=100&collapse=false`)).json();
      expect(body.total).toBe(300);
      for (const h of body.hits) seen.add(h.id);
    }
    expect(seen.size).toBe(300);
    const first = (await get('/api/search?size=1')).json().hits[0];
    expect(first.source).toMatchObject({ file: FILES.shandongTable, no: 1 });
  });

  it('computes facets over the whole result set, not just the page', async () => {
    const body = (await get(`/api/search?q=${enc('海关')}&size=1`)).json();
    const regionTotal = body.facets.region.reduce((s: number, v: { count: number }) => s + v.count, 0);
    expect(regionTotal).toBeGreaterThanOrEqual(body.total);
    for (const f of ['region', 'category', 'department', 'source', 'scope']) expect(Array.isArray(body.facets[f])).toBe(true);
    const counts = body.facets.department.map((v: { count: number }) => v.count);
    expect(counts).toEqual([...counts].sort((a: number, b: number) => b - a));
  });

  it('filters by facet: total equals the facet count, and a facet ignores its own filter', async () => {
    const all = (await get(`/api/search?q=${enc('海关')}`)).json();
    const liaoning = all.facets.region.find((v: { value: string }) => v.value === '辽宁');
    const filtered = (await get(`/api/search?q=${enc('海关')}&region=${enc('辽宁')}`)).json();
    expect(filtered.total).toBe(liaoning.count);
    for (const h of filtered.hits) expect(h.regions).toContain('辽宁');
    expect(filtered.facets.region.map((v: { value: string }) => v.value)).toContain('山东');
  });

  it('returns the 50 most frequent values of a facet by default, the top facetSize on request, and all for facetSize=0', async () => {
    const all = (await get(`/api/search?q=${enc('海关')}&facetSize=0`)).json();
    const two = (await get(`/api/search?q=${enc('海关')}&facetSize=2`)).json();
    const byDefault = (await get(`/api/search?q=${enc('海关')}`)).json();
    expect(byDefault.facets.department).toEqual(all.facets.department.slice(0, 50));
    expect(all.facets.department.length).toBeGreaterThan(2);
    expect(two.facets.department).toEqual(all.facets.department.slice(0, 2));
    expect((await get(`/api/search?q=${enc('海关')}&facetSize=-1`)).status).toBe(400);
  });

  it('says which words a partial hit lacks, and matching=all requires every word', async () => {
    const fill = (await get(`/api/search?q=${enc('药品进口')}`)).json();
    expect(fill.partial).toBe(true);
    // A record on a kind of drug (中药) that also says 进口 has both words; the others lack 进口 and say so.
    const lacking = fill.hits.filter((h: { missing: string[] }) => h.missing.length > 0);
    expect(lacking.length).toBeGreaterThan(0);
    for (const h of lacking) expect(h.missing).toEqual(['进口']);
    const strict = (await get(`/api/search?q=${enc('跨境电商 退货')}&matching=all&size=100`)).json();
    expect(strict.partial).toBe(false);
    for (const h of strict.hits) expect(h.missing).toEqual([]);
    expect((await get(`/api/search?q=x&matching=some`)).status).toBe(400);
  });

  it('treats several values of one facet as any of them, and different facets as all', async () => {
    const both = (await get(`/api/search?region=${enc('辽宁')}&region=${enc('湖南')}&size=100`)).json();
    const l = (await get(`/api/search?region=${enc('辽宁')}`)).json().total;
    const h = (await get(`/api/search?region=${enc('湖南')}`)).json().total;
    expect(both.total).toBe(l + h);
    const narrowed = (await get(`/api/search?region=${enc('辽宁')}&category=${enc('最佳实践案例')}`)).json();
    expect(narrowed.total).toBe(1);
  });

  it('sorts by document order and by the largest amount of money', async () => {
    const bySource = (await get(`/api/search?q=${enc('海关')}&sort=source&size=100`)).json().hits;
    const svc = await seedService();
    const order = bySource.map((h: { id: string }) => svc.records.findIndex((r) => r.id === h.id));
    expect(order).toEqual([...order].sort((a: number, b: number) => a - b));
    const byMoney = (await get('/api/search?sort=quantity&size=3')).json().hits;
    const money = (id: string) => Math.max(...svc.reform(id)!.quantities.filter((q) => q.normalized?.unit === '元').map((q) => q.normalized!.value));
    expect(money(byMoney[0].id)).toBeGreaterThanOrEqual(money(byMoney[1].id));
    expect(money(byMoney[0].id)).toBeGreaterThanOrEqual(1e11);
  });

  it('answers a bad parameter with 400 { error, message } naming it', async () => {
    for (const [url, param] of [
      ['/api/search?size=0', 'size'],
      ['/api/search?size=101', 'size'],
      ['/api/search?page=0', 'page'],
      ['/api/search?page=abc', 'page'],
      ['/api/search?page=101&size=100', 'page'],
      ['/api/search?sort=best', 'sort'],
      [`/api/search?q=${'税'.repeat(501)}`, 'q'],
      ['/api/search?colour=red', 'colour'],
    ] as const) {
      const r = await get(url);
      expect(r.status, url).toBe(400);
      const body = r.json();
      expect(Object.keys(body).sort()).toEqual(['error', 'message']);
      expect(body.message, url).toContain(param);
    }
  });

  it('says what a bad parameter allows: the values of a choice, not empty, given once', async () => {
    for (const [url, message] of [
      ['/api/search?sort=best', 'sort: must be one of "relevance", "source", "quantity" (got "best")'],
      ['/api/outcomes?direction=sideways', 'direction: must be one of "down", "up", "none" (got "sideways")'],
      ['/api/outcomes?kind=area', 'kind: must be one of "time", "money", "percent", "count", "other" (got "area")'],
      ['/api/reforms/79c90300-53/similar?scope=near', 'scope: must be one of "other-regions", "all" (got "near")'],
      [`/api/search?q=${enc('退税')}&region=`, 'region: must not be empty'],
      [`/api/search?q=${enc('退税')}&region=${enc('山东')}&region=`, 'region: must not be empty'],
      ['/api/search?size=10&size=20', 'size: given 2 times; give it once'],
      ['/api/reforms/79c90300-53/similar?colour=red', 'colour: unknown parameter (known: size, scope)'],
    ] as const) {
      const r = await get(url);
      expect(r.status, url).toBe(400);
      expect(r.json().message, url).toBe(message);
    }
  });

  it('never turns hostile input into a 500', async () => {
    for (const q of ['"', '-', 'OR', '|||', '\\', '((', '<img src=x onerror=alert(1)>', '%', '\u0000', 'title:', '"-"', '🀄'.repeat(50)]) {
      const r = await get(`/api/search?q=${enc(q)}`);
      expect(r.status, q).toBe(200);
      for (const h of r.json().hits) expect(h.highlight.title + h.highlight.snippet).not.toMatch(/<(?!\/?mark>)/);
    }
  });
});

describe('GET /api/reforms/:id', () => {
  it('returns the whole record with quantities and related copies', async () => {
    const svc = await seedService();
    const rec = svc.records.find((r) => r.source.file === FILES.nationalCases && r.source.no === 1)!;
    const body = (await get(`/api/reforms/${rec.id}`)).json();
    expect(body).toEqual(JSON.parse(JSON.stringify(rec)));
    expect(body.quantities.length).toBeGreaterThan(0);
  });

  it('answers an unknown id with 404 and a malformed one with 400', async () => {
    const missing = await get('/api/reforms/abcdef00-999');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'Not Found' });
    expect((await get(`/api/reforms/${enc('../etc/passwd')}`)).status).toBe(400);
  });
});

describe('GET /api/reforms/:id/similar', () => {
  it('lists reforms like this one, one entry per reform, never itself or its copies, each with because, reason and copies', async () => {
    const svc = await seedService();
    const rec = svc.records.find((r) => r.title === '增值税留抵退税确认制' && r.source.file === FILES.shandongTable)!;
    const body = (await get(`/api/reforms/${rec.id}/similar?size=5`)).json();
    expect(body.scope).toBe('all');
    expect(body.hits).toHaveLength(5);
    const ids = body.hits.map((h: { id: string }) => h.id);
    expect(ids).not.toContain(rec.id);
    for (const rel of rec.related) expect(ids).not.toContain(rel.id);
    for (const h of body.hits) {
      expect(h.because.length).toBeGreaterThan(0);
      expect(Array.isArray(h.copies)).toBe(true);
      expect(typeof h.reason).toBe('string');
    }
    expect(body.hits[0].because.join()).toMatch(/增值税|留抵|退税|纳税人/);
    const other = (await get(`/api/reforms/${rec.id}/similar?size=5&scope=other-regions`)).json();
    expect(other.scope).toBe('other-regions');
    for (const h of other.hits) expect(h.regions).not.toEqual(['山东']);
  });

  it('names the mechanism two reforms share under different names: 混兑 (crude oil) and 混矿 (iron ore) both blend bulk goods in bond', async () => {
    const svc = await seedService();
    const rec = svc.records.find((r) => r.title === '保税原油混兑调和业务新模式')!;
    const body = (await get(`/api/reforms/${rec.id}/similar?size=10`)).json();
    const ore = body.hits.find((h: { title: string }) => h.title.includes('混矿'));
    expect(ore).toMatchObject({ reason: 'same-mechanism', mechanism: { name: 'bonded-blending', terms: ['混兑', '混矿'] } });
  });

  it('answers 404 for an unknown reform and 400 naming a bad size or scope', async () => {
    expect((await get('/api/reforms/abcdef00-999/similar')).status).toBe(404);
    expect((await get('/api/reforms/abcdef00-1/similar?size=1000')).status).toBe(400);
    expect((await get('/api/reforms/abcdef00-1/similar?size=21')).status).toBe(400);
    const bad = await get('/api/reforms/abcdef00-1/similar?scope=province');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/scope/);
  });
});

describe('GET /api/quantities', () => {
  it('lists facts with value, unit, normalised value and the sentence with the figure marked', async () => {
    const body = (await get(`/api/quantities?unit=${enc('万元')}&sort=value_desc&size=5`)).json();
    expect(body.total).toBeGreaterThan(5);
    const values = body.hits.map((h: { value: number }) => h.value);
    expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
    for (const h of body.hits) {
      expect(h.unit).toBe('万元');
      expect(h.normalized.unit).toBe('元');
      expect(h.context).toContain(`<mark>${h.text}</mark>`);
    }
  });

  it('searches the facts’ context and reform: where did processing time drop to a fraction', async () => {
    const body = (await get(`/api/quantities?q=${enc('物流成本')}`)).json();
    expect(body.hits.some((h: { text: string }) => h.text === '5000万元')).toBe(true);
    const asc = (await get(`/api/quantities?unit=${enc('天')}&sort=value_asc&size=3`)).json().hits.map((h: { value: number }) => h.value);
    expect(asc).toEqual([...asc].sort((a: number, b: number) => a - b));
  });

  it('rejects a bad sort or size with 400', async () => {
    expect((await get('/api/quantities?sort=biggest')).status).toBe(400);
    expect((await get('/api/quantities?size=0')).status).toBe(400);
  });
});

describe('GET /api/suggest', () => {
  it('completes from titles and terms, prefix first', async () => {
    const body = (await get(`/api/suggest?q=${enc('跨境')}&size=8`)).json();
    expect(body.suggestions.length).toBeGreaterThan(2);
    expect(body.suggestions.length).toBeLessThanOrEqual(8);
    expect(body.suggestions[0].text.startsWith('跨境')).toBe(true);
    expect(body.suggestions[0].kind).toBe('title');
    expect(body.suggestions.some((s: { kind: string }) => s.kind === 'term')).toBe(true);
  });

  it('requires q', async () => {
    expect((await get('/api/suggest')).status).toBe(400);
  });
});

describe('GET /api/stats', () => {
  it('counts records per document, region and category and says how the index was built', async () => {
    const body = (await get('/api/stats')).json();
    expect(body.records).toBe(300);
    expect(body.documents).toHaveLength(5);
    for (const d of body.documents) expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(body.regions.find((r: { value: string }) => r.value === '辽宁').count).toBe(47);
    expect(body.categories.find((c: { value: string }) => c.value === '最佳实践案例').count).toBe(49);
    expect(body.terms.index).toBeGreaterThan(1000);
    expect(body.built.dictionaryVersion).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('GET /api/export', () => {
  it('downloads the result set as CSV in UTF-8 with a BOM, every figure and outcome of a record kept', async () => {
    const r = await get(`/api/export?format=csv&q=${enc('物流成本')}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/csv');
    expect(r.headers['content-disposition']).toMatch(/attachment; filename=".*\.csv"/);
    expect(r.body.charCodeAt(0)).toBe(0xfeff);
    const header = r.body.slice(1).split('\r\n')[0].split(',');
    expect(header).toEqual(expect.arrayContaining(['id', 'title', 'category', 'section', 'policy_areas', 'quantity_count', 'quantities', 'outcome_count', 'outcomes']));
    // An export lists every record (copies too), as the search does with collapse=false.
    const search = (await get(`/api/search?q=${enc('物流成本')}&collapse=false`)).json();
    expect(r.body.trim().split('\r\n').length - 1).toBe(search.total);
  });

  it('downloads JSON and NDJSON with every record of the result set, filters applied', async () => {
    const json = (await get(`/api/export?format=json&region=${enc('辽宁')}`)).json();
    expect(json.total).toBe(47);
    expect(json.records.every((r: { regions: string[] }) => r.regions.includes('辽宁'))).toBe(true);
    const nd = await get(`/api/export?format=ndjson&region=${enc('湖南')}`);
    expect(nd.body.trim().split('\n').map((l) => JSON.parse(l).regions)).toEqual([['湖南'], ['湖南']]);
  });

  it('rejects an unknown format with 400', async () => {
    expect((await get('/api/export?format=xlsx')).status).toBe(400);
  });
});

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3 document generated from the route schemas', async () => {
    const doc = (await get('/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/search', '/api/reforms/{id}', '/api/reforms/{id}/similar', '/api/quantities', '/api/suggest', '/api/stats', '/api/export', '/api/health']) {
      expect(doc.paths[p], p).toBeDefined();
    }
    const size = doc.paths['/api/search'].get.parameters.find((p: { name: string }) => p.name === 'size');
    expect(size.schema).toMatchObject({ minimum: 1, maximum: 100 });
  });
});

describe('GET /api/analyze', () => {
  it('shows how a text is analysed', async () => {
    const body = (await get(`/api/analyze?q=${enc('如何缩短審批时间 5000万元')}`)).json();
    expect(body.normalized).toContain('审批');
    expect(body.query.groups[0][0].dropped.map((d: { text: string }) => d.text)).toContain('如何');
  });
});

describe('unknown routes', () => {
  it('answer 404 { error, message }', async () => {
    const r = await get('/api/nothing');
    expect(r.status).toBe(404);
    expect(Object.keys(r.json()).sort()).toEqual(['error', 'message']);
  });
});
