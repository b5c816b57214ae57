/**
 * Property tests (fast-check, bounded to seconds): random Unicode — lone surrogates, control characters, HTML
 * specials, Han text from the corpus — and random query syntax never make the parser, analyser or search throw;
 * highlights hold nothing but escaped original text and <mark>; every route answers 200 or 4xx.
 */
import { SortedCharMap } from '../analysis/char-map.js';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Normalizer } from '../analysis/normalize.js';
import { scanNumberUnits } from '../analysis/quantities.js';
import { parseQuery } from '../analysis/query.js';
import { buildVocabulary, segment } from '../analysis/segment.js';
import type { SearchService } from '../search/service.js';
import { buildApp } from '../server/app.js';
import { seedService } from './helpers.js';

let service: SearchService;
let app: FastifyInstance;
beforeAll(async () => {
  service = await seedService();
  app = await buildApp({ service });
});
afterAll(async () => {
  await app?.close();
});

const SEED = 20261123;
const normalizer = new Normalizer(SortedCharMap.fromTable({}));
const HAN = ['退税', '海关', '通关', '自贸', '试验区', '企业', '不动产', '登记', '一网通办', '跨境', '电商', '留抵', '审批', '改革', '中', '的'];
const SYNTAX = ['"', '“', '”', '「', '」', '-', ' -', ' OR ', ' | ', 'title:', 'region:', 'department:', '部门:', '(', ')', ':', ' ', '　'];
const WEIRD = ['\uD800', '\uDFFF', '\uDBFF\uDC00', '\u0000', '\u0007', '\u001B', '\u200B', '\u202E', '\uFEFF', '\uFFFD', '<', '>', '&', "'", '"', '<script>', '&amp;', '\n', '\r', '\t', '𠀀', 'Ａ', '１２.６亿元', '95.09%'];

/** One piece of a hostile query: corpus words, query syntax, odd code units, any code point or any UTF-16 unit. */
const piece = fc.oneof(
  fc.constantFrom(...HAN),
  fc.constantFrom(...SYNTAX),
  fc.constantFrom(...WEIRD),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
);
const query = fc.array(piece, { maxLength: 30 }).map((p) => p.join('').slice(0, 500));

const ENTITY = /&(amp|lt|gt|quot|#39);/g;
const unescape = (s: string) => s.replace(ENTITY, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);

/** Highlight HTML is escaped text and <mark>…</mark> only: returns its text, or throws saying what is wrong. */
function highlightText(html: string): string {
  const bare = html.replace(/<\/?mark>/g, '');
  if (/[<>"']/.test(bare)) throw new Error(`unescaped character in ${JSON.stringify(html)}`);
  if (/&(?!(amp|lt|gt|quot|#39);)/.test(bare)) throw new Error(`bare & in ${JSON.stringify(html)}`);
  const marks = html.match(/<\/?mark>/g) ?? [];
  marks.forEach((m, i) => {
    if (m !== (i % 2 === 0 ? '<mark>' : '</mark>')) throw new Error(`unbalanced <mark> in ${JSON.stringify(html)}`);
  });
  if (marks.length % 2) throw new Error(`unclosed <mark> in ${JSON.stringify(html)}`);
  return unescape(bare);
}

describe('the query parser and analyser take any input', () => {
  it('never throw, and every exclusion typed survives analysis however long the query', () => {
    fc.assert(
      fc.property(query, (q) => {
        const parsed = parseQuery(q);
        const analysis = service.engine.analyzer.analyse(q);
        expect(analysis.exclude.length).toBeLessThanOrEqual(parsed.not.length);
        const words = analysis.groups.flat().reduce((n, c) => n + c.constraints.length, 0);
        expect(words).toBeLessThanOrEqual(32);
        service.analyze(q);
        service.suggest(q, 8);
      }),
      { numRuns: 400, seed: SEED },
    );
  });
});

describe('search and highlights take any input', () => {
  it('never throws; highlights are the record’s own text, escaped, with balanced <mark>', () => {
    fc.assert(
      fc.property(query, (q) => {
        const res = service.search({ q, size: 5 });
        expect(res.total).toBeGreaterThanOrEqual(res.hits.length);
        for (const h of res.hits) {
          const r = service.reform(h.id)!;
          expect(highlightText(h.highlight.title)).toBe(r.title);
          const snippet = highlightText(h.highlight.snippet).replace(/^…/, '').replace(/…$/, '');
          if (snippet) {
            const fields = Object.values(r).filter((v): v is string => typeof v === 'string');
            expect(fields.some((f) => f.includes(snippet)), `snippet ${JSON.stringify(snippet.slice(0, 60))} of ${r.id}`).toBe(true);
          }
        }
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('marks what HTML specials and script tags in a query match as text, never as markup', () => {
    for (const q of ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' OR 1=1 --", '&lt;mark&gt;']) {
      for (const h of service.search({ q }).hits) {
        highlightText(h.highlight.title);
        highlightText(h.highlight.snippet);
      }
    }
  });
});

/** Parameter values a client might send: numbers in odd notations, huge, negative, text, repeated, empty. */
const paramValue = fc.oneof(
  fc.integer({ min: -5, max: 200 }).map(String),
  fc.constantFrom('Infinity', '-Infinity', 'NaN', '0x10', '1e2', '+3', '1.5', '', '9'.repeat(30), 'null', '[]', '{}', 'true', 'relevance', 'source', 'quantity', 'csv', 'json', 'ndjson', 'value_desc', '%raw:%', '%raw:%E0%A4%A', '%raw:%ED%A0%80', '%raw:%FF%FE', '%raw:a%00b'),
  query,
);
/** Every UTF-8 byte percent-encoded (a lone surrogate becomes U+FFFD, as a browser sends it). */
const pct = (v: string) => [...Buffer.from(v, 'utf8')].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');

const ROUTES = ['/api/search', '/api/suggest', '/api/analyze', '/api/quantities', '/api/export', '/api/stats', '/api/health', '/api/reforms/{id}', '/api/reforms/{id}/similar', '/api/outcomes'];
const PARAMS = ['q', 'page', 'size', 'sort', 'format', 'unit', 'region', 'category', 'department', 'source', 'scope', 'facetSize', 'matching', 'collapse', 'direction', 'kind', 'minChange', 'maxChange', 'scope', 'x'];

describe('every route answers 200 or 4xx under random parameters', () => {
  it('never a 5xx, and every error is { error, message }', async () => {
    const ids = service.records.slice(0, 3).map((r) => r.id);
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.constantFrom(...ids, 'nope', '..%2F..%2Fetc%2Fpasswd', '%00', 'x'.repeat(80)),
        fc.array(fc.tuple(fc.constantFrom(...PARAMS), paramValue), { maxLength: 5 }),
        async (route, id, params) => {
          const qs = params.map(([k, v]) => `${k}=${v.startsWith('%raw:') ? v.slice(5) : pct(v)}`).join('&');
          const url = route.replace('{id}', id) + (qs ? `?${qs}` : '');
          const res = await app.inject({ method: 'GET', url });
          requests++;
          expect(res.statusCode, url).toBeLessThan(500);
          if (res.statusCode >= 400) expect(Object.keys(res.json()).sort(), url).toEqual(['error', 'message']);
        },
      ),
      { numRuns: 600, seed: SEED },
    );
    expect(requests).toBe(600);
  });
});

describe('the segmenter keeps every figure whole', () => {
  // The segmenter skips the figure scanner on text with no digit and no Chinese numeral; this holds it to the scanner.
  const FIGURE_PIECES = ['三', '十', '百分之', '分之', '二', '个工作日', '天', '１２', '6', '.', '5', '%', '亿元', '压缩至', '海关', '通关', '留抵退税', '一网通办', '零', '两', '千', '万'];
  it('cuts out exactly the figures the quantity scanner finds, in text with and without numerals', () => {
    const vocab = buildVocabulary([['海关', 5], ['通关', 5], ['留抵', 3], ['退税', 4], ['一网通办', 2], ['压缩', 3]]);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...FIGURE_PIECES), { maxLength: 12 }), (parts) => {
        const text = normalizer.plain(parts.join(''));
        const figures = segment(text, vocab).filter((p) => p.kind === 'number').map((p) => p.text);
        expect(figures).toEqual(scanNumberUnits(text).map((f) => f.text.replace(/\s+/g, '')));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
