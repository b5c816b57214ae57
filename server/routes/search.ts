import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Lru } from '../../analysis/lru.js';
import type { SearchService } from '../../search/service.js';
import type { Filters } from '../../search/facets.js';
import type { SortOrder } from '../../search/service.js';
import { FACETS, type Filters as FacetFilters } from '../../search/facets.js';
import type { MatchingStrategy } from '../../search/engine.js';
import { errorSchema, facetsSchema, filterProperties, hitSchema, page, q, size, windowError } from './schemas.js';

export interface SearchQuery extends Filters {
  q?: string;
  page: number;
  size: number;
  sort: SortOrder;
  matching: MatchingStrategy;
  facetSize?: number;
  collapse: boolean;
}

export const searchQuerystring = {
  type: 'object',
  properties: { q, page, size: size(10), sort: { type: 'string', enum: ['relevance', 'source', 'quantity'], default: 'relevance' },
    matching: { type: 'string', enum: ['last', 'all'], default: 'last', description: 'last: records with every word first, then partial matches fill a short page (each lists its missing words); all: every word required' },
    facetSize: { type: 'integer', minimum: 0, maximum: 10_000, description: 'values per facet, most frequent first (default 50; 0 = all)' },
    collapse: { type: 'boolean', default: true, description: 'one hit per reform, other copies under `copies` (default); false: every copy is a hit' },
    ...filterProperties },
  additionalProperties: false,
} as const;

/**
 * Answers already serialised, per served snapshot (a hot swap starts an empty cache), keyed by the validated
 * query: a repeated search (paging back, a popular query, a page reload) costs a lookup instead of ranking,
 * highlighting and JSON serialisation. Each entry is the JSON text around the `took_ms` value, which is filled in
 * per request (the time this request took, the lookup). Bounded by bytes held.
 */
/** A number no answer takes, written where took_ms goes, then cut out. */
const TOOK_MARK = -7777777.5;
const answers = new WeakMap<SearchService, Lru<string, [Buffer, Buffer]>>();

function answerCache(service: SearchService, limit: number): Lru<string, [Buffer, Buffer]> {
  let cache = answers.get(service);
  if (!cache) answers.set(service, (cache = new Lru(limit)));
  return cache;
}

/** The answer as UTF-8 bytes (sent as they are: no second serialisation, encoding or length count per request). */
function send(parts: [Buffer, Buffer], reply: FastifyReply, t0: number): Buffer {
  reply.type('application/json; charset=utf-8');
  const took = Buffer.from(String(Math.round((performance.now() - t0) * 1000) / 1000));
  return Buffer.concat([parts[0], took, parts[1]], parts[0].length + took.length + parts[1].length);
}

/** A cached answer for this request, or undefined. */
function cachedAnswer(service: SearchService, limit: number, key: string, reply: FastifyReply): Buffer | undefined {
  if (limit <= 0) return undefined;
  const t0 = performance.now();
  const parts = answerCache(service, limit).get(key);
  return parts && send(parts, reply, t0);
}

/** Compute, serialise and (when the cache is on) keep the answer. */
function freshAnswer(service: SearchService, limit: number, key: string, reply: FastifyReply, compute: () => object): Buffer {
  const t0 = performance.now();
  const json = reply.serialize({ ...compute(), took_ms: TOOK_MARK }) as string;
  const mark = `"took_ms":${TOOK_MARK}`;
  const at = json.indexOf(mark);
  const parts: [Buffer, Buffer] = [Buffer.from(json.slice(0, at + 10)), Buffer.from(json.slice(at + mark.length))];
  if (limit > 0) answerCache(service, limit).set(key, parts, parts[0].length + parts[1].length);
  return send(parts, reply, t0);
}

export function filtersOf(query: Filters): Filters {
  return Object.fromEntries(FACETS.map((f) => [f, query[f]])) as FacetFilters;
}

export const searchRoutes: FastifyPluginAsync<{ answerCacheBytes?: number }> = async (app, options) => {
  const answerCacheBytes = options.answerCacheBytes ?? 0;
  app.get<{ Querystring: SearchQuery }>('/search', {
    // A repeated search is answered from the cache without queueing behind search work (server/guard.ts).
    config: { readyAnswer: (request, reply) => cachedAnswer(app.service, answerCacheBytes, JSON.stringify(request.query), reply) },
    schema: {
      summary: 'Ranked, faceted full-text search',
      querystring: searchQuerystring,
      response: {
        200: {
          type: 'object',
          properties: {
            query: { type: 'string' }, total: { type: 'integer' }, page: { type: 'integer' }, size: { type: 'integer' },
            took_ms: { type: 'number' }, partial: { type: 'boolean' }, truncated: { type: 'boolean' }, hits: { type: 'array', items: hitSchema }, facets: facetsSchema,
          },
        },
        400: errorSchema,
      },
    },
  }, async (request, reply) => {
    const { q: text, page: p, size: s, sort, matching, facetSize, collapse } = request.query;
    const tooDeep = windowError(p, s);
    if (tooDeep) return reply.status(400).send({ error: 'Bad Request', message: tooDeep });
    const service = app.service;
    const key = JSON.stringify(request.query);
    // Asked again while it waited in the queue: answered by then.
    return cachedAnswer(service, answerCacheBytes, key, reply) ?? freshAnswer(service, answerCacheBytes, key, reply, () =>
      service.search({ q: text, page: p, size: s, sort, matching, facetSize, collapse, filters: filtersOf(request.query) }));
  });

  app.get<{ Querystring: { q: string; size: number } }>('/suggest', {
    schema: {
      summary: 'Completions from titles and indexed terms, prefix first',
      querystring: { type: 'object', properties: { q: { ...q, minLength: 0 }, size: size(8) }, required: ['q'], additionalProperties: false },
      response: {
        200: { type: 'object', properties: { suggestions: { type: 'array', items: { type: 'object', properties: { text: { type: 'string' }, kind: { type: 'string', enum: ['title', 'term'] }, id: { type: 'string' } } } } } },
        400: errorSchema,
      },
    },
  }, async (request) => ({ suggestions: app.service.suggest(request.query.q, request.query.size) }));

  app.get<{ Querystring: { q: string } }>('/analyze', {
    schema: {
      summary: 'How a text is analysed: normalised form, segmentation, index terms and the constraints a query becomes',
      querystring: { type: 'object', properties: { q }, required: ['q'], additionalProperties: false },
      response: { 400: errorSchema },
    },
  }, async (request) => app.service.analyze(request.query.q));
};
