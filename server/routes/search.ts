import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Lru } from '../../analysis/lru.js';
import type { SearchService } from '../../search/service.js';
import type { Filters } from '../../search/facets.js';
import type { SortOrder } from '../../search/service.js';
import { FACETS, type Filters as FacetFilters } from '../../search/facets.js';
import type { MatchingStrategy } from '../../search/engine.js';
import { AnswerBytes, COMPRESSION, negotiateEncoding } from '../answer-bytes.js';
import { errorSchema, facetsSchema, filterProperties, hitSchema, page, q, size, windowError } from './schemas.js';
import { MATCHING_STRATEGIES, SORT_ORDERS } from '../../search/request-rules.js';

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
  properties: { q, page, size: size(10), sort: { type: 'string', enum: SORT_ORDERS, default: 'relevance' },
    matching: { type: 'string', enum: MATCHING_STRATEGIES, default: 'last', description: 'last: records with every word first, then partial matches fill a short page (each lists its missing words); all: every word required' },
    facetSize: { type: 'integer', minimum: 0, maximum: 10_000, description: 'values per facet, most frequent first (default 50; 0 = all)' },
    collapse: { type: 'boolean', default: true, description: 'one hit per reform, other copies under `copies` (default); false: every copy is a hit' },
    ...filterProperties },
  additionalProperties: false,
} as const;

/**
 * Answers already serialised, per served snapshot (a hot swap starts an empty cache), keyed by the validated
 * query: a repeated search (paging back, a popular query, a page reload) costs a lookup instead of ranking,
 * highlighting, JSON serialisation and compression. Each entry is the JSON up to the `took_ms` value, which is
 * filled in per request (the time this request took, the lookup), in each encoding a client asked for
 * (server/answer-bytes.ts). Bounded by bytes held.
 *
 * Beside it, the request URLs that were answered, each with its validated key: the same URL is the same query
 * after validation, so a URL seen before is answered from the preParsing hook, before Fastify's validation, the
 * strict-number check and the handler chain (about a quarter of the server's CPU for a cached answer). Bounded by
 * characters held (URLs run up to Node's 16 KB header limit); a URL whose answer has left the answer cache takes the
 * ordinary path.
 */
interface Kept {
  answers: Lru<string, AnswerBytes>;
  urls: Lru<string, string>;
}
/** A number no answer takes, written where took_ms goes, then cut out. */
const TOOK_MARK = -7777777.5;
/** Characters of request URLs and keys remembered per snapshot (4 Mi: ~16,000 typical searches). */
const KEPT_URL_CHARS = 4 * 2 ** 20;
const kept = new WeakMap<SearchService, Kept>();

function keptFor(service: SearchService, limit: number): Kept {
  let k = kept.get(service);
  if (!k) kept.set(service, (k = { answers: new Lru(limit), urls: new Lru(KEPT_URL_CHARS) }));
  return k;
}

/**
 * The answer's bytes for this request, in the encoding its Accept-Encoding asks for (each made once per answer, as
 * @fastify/compress would choose it, which is off for this route), with this request's took_ms.
 */
function send(answer: AnswerBytes, request: FastifyRequest, reply: FastifyReply, t0: number): Buffer {
  reply.type('application/json; charset=utf-8');
  const took = Math.round((performance.now() - t0) * 1000) / 1000;
  // x-no-compression: the plugin's own opt-out, honoured alike.
  const wanted = answer.head.length >= COMPRESSION.threshold && request.headers['x-no-compression'] === undefined ? negotiateEncoding(request.headers['accept-encoding']) : undefined;
  if (wanted) {
    reply.header('content-encoding', wanted).header('vary', 'accept-encoding');
    return answer.send(wanted, took);
  }
  return answer.send('identity', took);
}

/** A cached answer for this request (by its validated query), or undefined. */
function cachedAnswer(service: SearchService, limit: number, key: string, request: FastifyRequest, reply: FastifyReply): Buffer | undefined {
  if (limit <= 0) return undefined;
  const t0 = performance.now();
  const k = keptFor(service, limit);
  const answer = k.answers.get(key);
  if (!answer) return undefined;
  k.urls.set(request.url, key, request.url.length + key.length);
  return sendKept(k, key, answer, request, reply, t0);
}

/** A cached answer for a request URL answered before, or undefined (asked before validation: see Kept). */
function answerByUrl(service: SearchService, limit: number, request: FastifyRequest, reply: FastifyReply): Buffer | undefined {
  if (limit <= 0) return undefined;
  const t0 = performance.now();
  const k = keptFor(service, limit);
  const key = k.urls.get(request.url);
  const answer = key === undefined ? undefined : k.answers.get(key);
  return answer && sendKept(k, key!, answer, request, reply, t0);
}

function sendKept(k: Kept, key: string, answer: AnswerBytes, request: FastifyRequest, reply: FastifyReply, t0: number): Buffer {
  const held = answer.bytes;
  const out = send(answer, request, reply, t0);
  // A first request in another encoding compressed the answer: the cache counts those bytes too.
  if (answer.bytes !== held) k.answers.set(key, answer, answer.bytes);
  return out;
}

/** Compute, serialise and (when the cache is on) keep the answer. */
function freshAnswer(service: SearchService, limit: number, key: string, request: FastifyRequest, reply: FastifyReply, compute: () => object): Buffer {
  const t0 = performance.now();
  const answer = AnswerBytes.fromJson(reply.serialize({ ...compute(), took_ms: TOOK_MARK }) as string, TOOK_MARK);
  const out = send(answer, request, reply, t0);
  if (limit > 0) {
    const k = keptFor(service, limit);
    k.answers.set(key, answer, answer.bytes);
    k.urls.set(request.url, key, request.url.length + key.length);
  }
  return out;
}

export function filtersOf(query: Filters): Filters {
  return Object.fromEntries(FACETS.map((f) => [f, query[f]])) as FacetFilters;
}

export const searchRoutes: FastifyPluginAsync<{ answerCacheBytes?: number }> = async (app, options) => {
  const answerCacheBytes = options.answerCacheBytes ?? 0;
  app.get<{ Querystring: SearchQuery }>('/search', {
    // A repeated search is answered from the cache without queueing behind search work (server/guard.ts).
    // A URL answered before: sent here, before validation. preParsing, not onRequest: every onRequest hook (security
    // headers, the rate limit, which @fastify/rate-limit appends to the route's own) has run by then. Callback
    // style: replying without calling done() ends the request in the hook.
    preParsing: (request, reply, _payload, done) => {
      const answer = answerByUrl(app.service, answerCacheBytes, request, reply);
      if (answer === undefined) return done();
      reply.send(answer);
    },
    config: { readyAnswer: (request, reply) => cachedAnswer(app.service, answerCacheBytes, JSON.stringify(request.query), request, reply) },
    // Every answer leaves send() already encoded and a GET has no body: @fastify/compress's three hooks per request
    // (onRequest, preParsing, onSend) would only find nothing to do.
    compress: false,
    decompress: false,
    schema: {
      summary: 'Ranked, faceted full-text search',
      querystring: searchQuerystring,
      response: {
        200: {
          type: 'object',
          properties: {
            query: { type: 'string' }, total: { type: 'integer' }, page: { type: 'integer' }, size: { type: 'integer' },
            partial: { type: 'boolean' }, truncated: { type: 'boolean' }, filler: { type: 'boolean' }, hits: { type: 'array', items: hitSchema }, facets: facetsSchema,
            // Last, so a kept answer is its JSON up to this value (server/answer-bytes.ts).
            took_ms: { type: 'number' },
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
    return cachedAnswer(service, answerCacheBytes, key, request, reply) ?? freshAnswer(service, answerCacheBytes, key, request, reply, () =>
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
