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
import { SIMILAR_SCOPES } from '../../../search/similar.js';
import {
  DECIMAL_INTEGER, DECIMAL_NUMBER, MATCHING_STRATEGIES, MAX_PAGE_SIZE, MAX_QUERY_LENGTH, MAX_WINDOW, OUTCOME_DIRECTIONS, OUTCOME_KINDS,
  OUTCOME_SORTS, SIMILAR_MAX, SORT_ORDERS, decimalMessage, givenTimesMessage, notEmptyMessage, oneOfMessage, qTextError,
  unknownParamMessage, windowMessage,
} from '../../../search/request-rules.js';
import { sha256Hex } from './sha256.js';

export interface Answer { status: number; body: unknown }

class BadParam extends Error {}

function bad(message: string): Answer {
  return { status: 400, body: { error: 'Bad Request', message } };
}
function notFound(message: string): Answer {
  return { status: 404, body: { error: 'Not Found', message } };
}

/** What a route's querystring schema on the server takes: its parameters in order, which are numbers, which repeat. */
interface RouteParams {
  known: readonly string[];
  numeric?: Readonly<Record<string, 'integer' | 'number'>>;
  lists?: readonly string[];
}

const SEARCH_PARAMS: RouteParams = {
  known: ['q', 'page', 'size', 'sort', 'matching', 'facetSize', 'collapse', ...FACETS],
  numeric: { page: 'integer', size: 'integer', facetSize: 'integer' },
  lists: FACETS,
};
const SUGGEST_PARAMS: RouteParams = { known: ['q', 'size'], numeric: { size: 'integer' } };
const OUTCOME_PARAMS: RouteParams = {
  known: ['q', 'direction', 'kind', 'unit', 'minChange', 'maxChange', 'region', 'category', 'sort', 'page', 'size'],
  numeric: { minChange: 'number', maxChange: 'number', page: 'integer', size: 'integer' },
};
const SIMILAR_PARAMS: RouteParams = { known: ['size', 'scope'], numeric: { size: 'integer' } };

/**
 * A request's parameters, refused in the server's order and words (search/request-rules.ts): numbers not written
 * in decimal digits (the server's guard), a q that is not text, an unknown parameter, a single-valued one given
 * twice; then each parameter as its route reads it.
 */
class Query {
  constructor(readonly p: URLSearchParams, url: string, route: RouteParams) {
    for (const [name, kind] of Object.entries(route.numeric ?? {})) {
      const rule = kind === 'integer' ? DECIMAL_INTEGER : DECIMAL_NUMBER;
      const wrong = p.getAll(name).find((v) => !rule.test(v));
      if (wrong !== undefined) throw new BadParam(decimalMessage(name, kind, wrong));
    }
    const notText = qTextError(url);
    if (notText) throw new BadParam(notText);
    for (const name of p.keys()) if (!route.known.includes(name)) throw new BadParam(unknownParamMessage(name, route.known));
    for (const name of route.known) {
      const n = p.getAll(name).length;
      if (n > 1 && !route.lists?.includes(name)) throw new BadParam(givenTimesMessage(name, n));
    }
  }

  int(name: string, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.p.get(name);
    if (v === null) return dflt;
    const n = Number(v);
    if (n < min) throw new BadParam(`${name}: must be >= ${min}`);
    if (n > max) throw new BadParam(`${name}: must be <= ${max}`);
    return n;
  }
  /** A number >= 0 (the outcome route's change bounds). */
  num(name: string): number | undefined {
    const v = this.p.get(name);
    if (v === null) return undefined;
    const n = Number(v);
    if (n < 0) throw new BadParam(`${name}: must be >= 0`);
    return n;
  }
  oneOf<T extends string>(name: string, values: readonly T[], dflt?: T): T | undefined {
    const v = this.p.get(name);
    if (v === null) return dflt;
    if (!values.includes(v as T)) throw new BadParam(oneOfMessage(name, values, v));
    return v as T;
  }
  bool(name: string, dflt: boolean): boolean {
    const v = this.p.get(name);
    if (v === null) return dflt;
    if (v !== 'true' && v !== 'false') throw new BadParam(`${name}: must be boolean`);
    return v === 'true';
  }
  text(name: string, maxLength = MAX_QUERY_LENGTH, minLength = 0): string | undefined {
    const v = this.p.get(name) ?? undefined;
    if (v === undefined) return undefined;
    if (v.length < minLength) throw new BadParam(notEmptyMessage(name));
    if (v.length > maxLength) throw new BadParam(`${name}: must NOT have more than ${maxLength} characters`);
    return v;
  }
  /** A repeatable filter: every value 1–200 characters, at most 50 values. */
  list(name: string): string[] {
    const vs = this.p.getAll(name);
    if (vs.length > 50) throw new BadParam(`${name}: must NOT have more than 50 items`);
    for (const v of vs) {
      if (!v) throw new BadParam(notEmptyMessage(name));
      if (v.length > 200) throw new BadParam(`${name}: must NOT have more than 200 characters`);
    }
    return vs;
  }
}

/** What a user past the paging window can do in the offline bundle, which has no export route. */
const OFFLINE_WINDOW_ADVICE = 'narrow the query or the filters to see the rest (the offline bundle has no export)';

function windowCheck(page: number, size: number): void {
  // The server names its export route here; the offline bundle has none, so it names what the user can do instead.
  const tooDeep = windowMessage(page, size, OFFLINE_WINDOW_ADVICE);
  if (tooDeep) throw new BadParam(tooDeep);
}

/** The parameters of /api/search, with the server's defaults and limits (a bad one throws BadParam). */
function searchParams(url: string, p: URLSearchParams): SearchParams {
  const query = new Query(p, url, SEARCH_PARAMS);
  const q = query.text('q');
  const page = query.int('page', 1, 1, MAX_WINDOW);
  const size = query.int('size', 10, 1, MAX_PAGE_SIZE);
  const sort = query.oneOf('sort', SORT_ORDERS, 'relevance') as SortOrder;
  const matching = query.oneOf('matching', MATCHING_STRATEGIES, 'last') as MatchingStrategy;
  const facetSize = p.has('facetSize') ? query.int('facetSize', 0, 0, 10_000) : undefined;
  const collapse = query.bool('collapse', true);
  const filters: Filters = {};
  for (const f of FACETS) {
    const vs = query.list(f);
    if (vs.length) filters[f] = vs;
  }
  windowCheck(page, size);
  return { q, page, size, filters, collapse, sort, matching, facetSize };
}

/** Answers one GET of the API (path with its query string) from the service. */
export function answer(service: SearchService, url: string): Answer {
  const u = new URL(url, 'http://offline.invalid');
  const p = u.searchParams;
  const path = u.pathname;
  try {
    if (path === '/api/search') return { status: 200, body: service.search(searchParams(url, p)) };
    if (path === '/api/suggest') {
      const query = new Query(p, url, SUGGEST_PARAMS);
      const q = query.text('q');
      if (q === undefined) throw new BadParam("q: must have required property 'q'");
      return { status: 200, body: { suggestions: service.suggest(q, query.int('size', 8, 1, MAX_PAGE_SIZE)) } };
    }
    if (path === '/api/outcomes') {
      const query = new Query(p, url, OUTCOME_PARAMS);
      const page = query.int('page', 1, 1);
      const size = query.int('size', 20, 1, MAX_PAGE_SIZE);
      const params: OutcomeParams = {
        q: query.text('q'),
        direction: query.oneOf('direction', OUTCOME_DIRECTIONS),
        kind: query.oneOf('kind', OUTCOME_KINDS),
        unit: query.text('unit', 20, 1), minChange: query.num('minChange'), maxChange: query.num('maxChange'),
        region: query.text('region', 20, 1), category: query.text('category', 20, 1),
        sort: query.oneOf('sort', OUTCOME_SORTS),
        page, size,
      };
      windowCheck(page, size);
      if (params.minChange !== undefined && params.maxChange !== undefined && params.minChange > params.maxChange) {
        throw new BadParam(`minChange: must not exceed maxChange (${params.minChange} > ${params.maxChange})`);
      }
      return { status: 200, body: service.outcomes(params) };
    }
    const record = /^\/api\/reforms\/([^/]+)(\/similar)?$/.exec(path);
    if (record) {
      const id = decodeURIComponent(record[1]);
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new BadParam('id: must match pattern "^[A-Za-z0-9_-]{1,64}$"');
      if (!record[2]) {
        const r = service.reform(id);
        return r ? { status: 200, body: r } : notFound(`no reform with id ${id}`);
      }
      const query = new Query(p, url, SIMILAR_PARAMS);
      const size = query.int('size', 10, 1, SIMILAR_MAX);
      const scope = query.oneOf('scope', SIMILAR_SCOPES, 'all')!;
      const hits = service.similar(id, size, scope);
      return hits ? { status: 200, body: { scope, hits } } : notFound(`no reform with id ${id}`);
    }
    return notFound(`no route GET ${path.slice(0, 200)}`);
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
    const params = searchParams(url, u.searchParams);
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
