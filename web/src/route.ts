/**
 * Everything the user sees is in the URL, so Back/Forward, reload and a shared link restore it:
 *   /?q=&region=…&sort=&page=                 search
 *   /reforms/:id?q=…&only=all                 one record (the search it was opened from rides along); its 相似改革
 *                                             list other regions' reforms unless only=all (README, issue 14)
 *   /outcomes?q=&direction=&kind=&min=&sort=&page=   outcomes table
 * Pure parse/format functions; App owns pushState/popstate.
 */
import { FACETS, type Filters } from './api';
import { OFFLINE } from './mode';

export type SearchSort = 'relevance' | 'source' | 'quantity';
export const SEARCH_SORTS: SearchSort[] = ['relevance', 'source', 'quantity'];

export interface SearchState { q: string; filters: Filters; sort: SearchSort; page: number }
export interface OutcomesState { q: string; direction: string; kind: string; min?: number; sort: string; page: number }

export type Route =
  | { view: 'search'; search: SearchState }
  | { view: 'record'; id: string; otherRegions: boolean; search: SearchState }
  | { view: 'outcomes'; outcomes: OutcomesState };

function pageOf(v: string | null): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

export function parseSearch(p: URLSearchParams): SearchState {
  const filters: Filters = {};
  for (const f of FACETS) {
    const vs = [...new Set(p.getAll(f).filter(Boolean))];
    if (vs.length) filters[f] = vs;
  }
  const sort = p.get('sort') as SearchSort;
  return { q: p.get('q') ?? '', filters, sort: SEARCH_SORTS.includes(sort) ? sort : 'relevance', page: pageOf(p.get('page')) };
}

export function searchQuery(s: SearchState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  for (const f of FACETS) for (const v of s.filters[f] ?? []) p.append(f, v);
  if (s.sort !== 'relevance') p.set('sort', s.sort);
  if (s.page > 1) p.set('page', String(s.page));
  return p;
}

export function parseRoute(pathname: string, search: string): Route {
  const p = new URLSearchParams(search);
  const record = /^\/reforms\/([^/]+)\/?$/.exec(pathname);
  // Other regions by default (the page's 相似改革 answers "who else did this"); only=all lists every region.
  if (record) return { view: 'record', id: decodeURIComponent(record[1]), otherRegions: p.get('only') !== 'all', search: parseSearch(p) };
  if (/^\/outcomes\/?$/.test(pathname)) {
    const min = p.get('min');
    const n = min === null || min === '' ? undefined : Number(min);
    return {
      view: 'outcomes',
      outcomes: {
        q: p.get('q') ?? '',
        direction: p.get('direction') ?? '',
        kind: p.get('kind') ?? '',
        min: n !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined,
        sort: p.get('sort') ?? '',
        page: pageOf(p.get('page')),
      },
    };
  }
  return { view: 'search', search: parseSearch(p) };
}

function withQuery(path: string, p: URLSearchParams): string {
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

/** The link for a route: a path (/reforms/:id?q=…) or, in the offline bundle, the same path as a hash (#/reforms/:id?q=…). */
export function formatRoute(r: Route): string {
  const path = formatPath(r);
  return OFFLINE ? `#${path}` : path;
}

/** The route of a hash link (#/reforms/x?q=…) as the path and query it stands for; undefined for a plain anchor (#main). */
export function hashLocation(hash: string): { pathname: string; search: string } | undefined {
  if (hash === '' || hash === '#') return { pathname: '/', search: '' };
  if (!hash.startsWith('#/')) return undefined;
  const i = hash.indexOf('?');
  return i < 0 ? { pathname: hash.slice(1), search: '' } : { pathname: hash.slice(1, i), search: hash.slice(i) };
}

function formatPath(r: Route): string {
  if (r.view === 'search') return withQuery('/', searchQuery(r.search));
  if (r.view === 'record') {
    const p = searchQuery(r.search);
    if (!r.otherRegions) p.set('only', 'all');
    return withQuery(`/reforms/${encodeURIComponent(r.id)}`, p);
  }
  const o = r.outcomes;
  const p = new URLSearchParams();
  if (o.q) p.set('q', o.q);
  if (o.direction) p.set('direction', o.direction);
  if (o.kind) p.set('kind', o.kind);
  if (o.min !== undefined) p.set('min', String(o.min));
  if (o.sort) p.set('sort', o.sort);
  if (o.page > 1) p.set('page', String(o.page));
  return withQuery('/outcomes', p);
}

export function recordHref(id: string, search?: SearchState): string {
  return formatRoute({ view: 'record', id, otherRegions: true, search: search ?? { q: '', filters: {}, sort: 'relevance', page: 1 } });
}

export const emptySearch = (): SearchState => ({ q: '', filters: {}, sort: 'relevance', page: 1 });
export const emptyOutcomes = (): OutcomesState => ({ q: '', direction: '', kind: '', sort: '', page: 1 });
