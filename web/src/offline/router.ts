/**
 * The API answered in the browser: the same request paths and parameters as the server's /api routes, answered
 * by the server's own SearchService over the snapshot decoded in the page. No second implementation of search:
 * this module only reads parameters (with the server's defaults and limits) and picks the service method.
 * Environment-neutral, so Node can run it too (the parity count in bench/offline.ts does).
 */
import { SearchService } from '../../../search/service.js';
import type { SearchParams, SortOrder } from '../../../search/service.js';
import type { MatchingStrategy } from '../../../search/engine.js';
import { FACETS, type Filters } from '../../../search/facets.js';
import type { OutcomeParams } from '../../../search/outcomes.js';
import { decodeSnapshot } from '../../../snapshot/container.js';
import { validateBody } from '../../../snapshot/validate.js';
import { sha256Hex } from './sha256.js';

export interface Answer { status: number; body: unknown }

/** The server's limits (server/routes/schemas.ts), repeated here because that module belongs to the server stage. */
const MAX_QUERY_LENGTH = 500;
const MAX_PAGE_SIZE = 100;
const MAX_WINDOW = 10_000;

class BadParam extends Error {}

function bad(message: string): Answer {
  return { status: 400, body: { error: 'Bad Request', message } };
}
function notFound(message: string): Answer {
  return { status: 404, body: { error: 'Not Found', message } };
}

function int(p: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const v = p.get(name);
  if (v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new BadParam(`${name}: must be integer`);
  if (n < min) throw new BadParam(`${name}: must be >= ${min}`);
  if (n > max) throw new BadParam(`${name}: must be <= ${max}`);
  return n;
}
function num(p: URLSearchParams, name: string): number | undefined {
  const v = p.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new BadParam(`${name}: must be a number >= 0`);
  return n;
}
function oneOf<T extends string>(p: URLSearchParams, name: string, values: readonly T[], dflt?: T): T | undefined {
  const v = p.get(name);
  if (v === null || v === '') return dflt;
  if (!values.includes(v as T)) throw new BadParam(`${name}: must be one of ${values.join(', ')}`);
  return v as T;
}
function text(p: URLSearchParams, name: string): string | undefined {
  const v = p.get(name) ?? undefined;
  if (v !== undefined && v.length > MAX_QUERY_LENGTH) throw new BadParam(`${name}: must NOT have more than ${MAX_QUERY_LENGTH} characters`);
  return v;
}
function windowCheck(page: number, size: number): void {
  if (page * size > MAX_WINDOW) throw new BadParam(`page: page × size must be at most ${MAX_WINDOW} (got ${page} × ${size})`);
}

/** The parameters of /api/search, with the server's defaults and limits (a bad one throws BadParam). */
function searchParams(p: URLSearchParams): SearchParams {
  const page = int(p, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  const size = int(p, 'size', 10, 1, MAX_PAGE_SIZE);
  windowCheck(page, size);
  const filters: Filters = {};
  for (const f of FACETS) {
    const vs = p.getAll(f).filter(Boolean);
    if (vs.length) filters[f] = vs;
  }
  const collapse = oneOf(p, 'collapse', ['true', 'false'] as const, 'true') === 'true';
  const fs = p.get('facetSize');
  return {
    q: text(p, 'q'), page, size, filters, collapse,
    sort: oneOf(p, 'sort', ['relevance', 'source', 'quantity'] as const, 'relevance') as SortOrder,
    matching: oneOf(p, 'matching', ['last', 'all'] as const, 'last') as MatchingStrategy,
    facetSize: fs === null ? undefined : int(p, 'facetSize', 0, 0, 10_000),
  };
}

/** Answers one GET of the API (path with its query string) from the service. */
export function answer(service: SearchService, url: string): Answer {
  const u = new URL(url, 'http://offline.invalid');
  const p = u.searchParams;
  const path = u.pathname;
  try {
    if (path === '/api/search') return { status: 200, body: service.search(searchParams(p)) };
    if (path === '/api/suggest') {
      return { status: 200, body: { suggestions: service.suggest(text(p, 'q') ?? '', int(p, 'size', 8, 1, MAX_PAGE_SIZE)) } };
    }
    if (path === '/api/outcomes') {
      const page = int(p, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
      const size = int(p, 'size', 20, 1, MAX_PAGE_SIZE);
      windowCheck(page, size);
      const params: OutcomeParams = {
        q: text(p, 'q'), unit: text(p, 'unit'), region: text(p, 'region'), category: text(p, 'category'),
        direction: oneOf(p, 'direction', ['down', 'up', 'none'] as const),
        kind: oneOf(p, 'kind', ['time', 'money', 'percent', 'count', 'other'] as const),
        sort: oneOf(p, 'sort', ['change', 'value', 'source'] as const),
        minChange: num(p, 'minChange'), maxChange: num(p, 'maxChange'), page, size,
      };
      if (params.minChange !== undefined && params.maxChange !== undefined && params.minChange > params.maxChange) {
        throw new BadParam(`minChange: must not exceed maxChange (${params.minChange} > ${params.maxChange})`);
      }
      return { status: 200, body: service.outcomes(params) };
    }
    const record = /^\/api\/reforms\/([^/]+)(\/similar)?$/.exec(path);
    if (record) {
      const id = decodeURIComponent(record[1]);
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new BadParam('params/id: must match pattern "^[A-Za-z0-9_-]{1,64}$"');
      if (!record[2]) {
        const r = service.reform(id);
        return r ? { status: 200, body: r } : notFound(`no reform with id ${id}`);
      }
      const scope = oneOf(p, 'scope', ['all', 'other-regions'] as const, 'all')!;
      const hits = service.similar(id, int(p, 'size', 10, 1, 20), scope);
      return hits ? { status: 200, body: { scope, hits } } : notFound(`no reform with id ${id}`);
    }
    return notFound(`Route GET:${path} not found in the offline bundle`);
  } catch (e) {
    if (e instanceof BadParam) return bad(e.message);
    throw e;
  }
}

/**
 * The records whose texts answering `url` will read, as far as the ranking alone tells: the page of hits of a search
 * (their snippets), exactly as the service will list them. The offline page fetches their text chunks together
 * before answering. Reads the index only, never a text.
 */
export function prefetchHint(service: SearchService, url: string): number[] | 'all' {
  const u = new URL(url, 'http://offline.invalid');
  if (u.pathname !== '/api/search') return [];
  try {
    const params = searchParams(u.searchParams);
    // Sorting by amount reads the figures of every match: all chunks in one round rather than one round per chunk.
    return params.sort === 'quantity' ? 'all' : service.pageRecords(params);
  } catch (e) {
    if (e instanceof BadParam) return []; // answered with a 400, nothing to fetch
    throw e;
  }
}

/** Verifies (checksum, structure) and decodes snapshot bytes into the server's search service; a damaged file throws. */
export function serviceFromSnapshot(bytes: Uint8Array): SearchService {
  const { body } = decodeSnapshot(bytes, sha256Hex);
  validateBody(body);
  return new SearchService(body);
}
