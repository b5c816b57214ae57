/**
 * The page's view of the API: response types (records and facets from the shared schema),
 * one fetch helper that turns every failure into a Chinese message, and feature detection for parameters the API
 * is gaining (facetSize, scope=other-regions, /api/outcomes): a 400 naming the parameter or a 404 route means
 * "not yet", and the page falls back and remembers.
 */

import type { Outcome, Quantity, ReformRecord, SourceRef } from '../../indexer/schema.js';
import { FACET_LIST } from '../../indexer/facet-columns.js';
import type { FacetName, FacetValue, Filters } from '../../search/facets.js';
import type { SharedMechanism, SimilarReason } from '../../search/similar.js';

// One record schema and one facet list, shared with the indexer and the server (types only reach the bundle as types).
/** The facets the page shows, in order: from the facet columns' list (a module with no value imports, so the page's
 *  build depends on it alone, not on the search engine's modules). */
export const FACETS: readonly FacetName[] = FACET_LIST.map((f) => f.name);
export type { FacetName, FacetValue, Filters, Outcome, Quantity, SourceRef };
export type Reform = ReformRecord;

export interface Copy { id: string; title?: string; source?: Partial<SourceRef>; file?: string; regions?: string[] }

export interface Hit {
  id: string;
  title: string;
  category?: string;
  regions: string[];
  departments: string[];
  source: Pick<SourceRef, 'file' | 'title' | 'no'>;
  score: number;
  highlight: { title: string; snippet: string };
  missing?: string[];
  copies?: Copy[];
  /** Copies the result set holds (copies lists the first ones). */
  copyCount?: number;
}

export interface SearchResponse {
  query: string;
  total: number;
  page: number;
  size: number;
  took_ms: number;
  partial: boolean;
  truncated?: boolean;
  /** The query was filler characters alone (的, 了): nothing was searched. */
  filler?: boolean;
  hits: Hit[];
  facets: Partial<Record<FacetName, FacetValue[]>>;
}

/** A printed amount: 75天, 约5000万元, 1-2个工作日. */
export interface Amount { value: number; unit: string; max?: number; qualifier?: string }

export interface SimilarHit {
  id: string; title: string; regions: string[]; source: Partial<SourceRef>; score: number;
  sameReform?: boolean; because?: string[]; reason?: SimilarReason; mechanism?: SharedMechanism; copies?: Copy[];
}

export interface Suggestion { text: string; kind: 'title' | 'term'; id?: string }

/** One row of the outcomes table, whichever API produced it. */
export interface OutcomeRow {
  reformId: string;
  title: string;
  region?: string;
  regions?: string[];
  category?: string;
  metric?: string;
  direction?: string;
  kind?: string;
  from?: Amount;
  to?: Amount;
  value?: number;
  max?: number;
  unit?: string;
  /** Signed relative change in percent (由30天压缩至6天 → -80). */
  percent?: number;
  qualifier?: string;
  text?: string;
  /** The sentence with the figure in <mark> (escaped by the server). */
  sentence: string;
  citation?: { document?: string; section?: string; no?: number; line?: number; file?: string };
}

export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly detail = '') {
    super(message);
  }
}

/** Chinese message for a failed request; the server's own message is kept as detail. */
function chineseMessage(status: number, detail: string): string {
  if (status === 0) return '无法连接到检索服务，请检查网络后重试。';
  if (status === 400) return /q:.*(longer|more than|characters)/i.test(detail) ? '检索词过长（最多 500 字），请缩短后重试。' : '请求参数有误，请调整检索条件后重试。';
  if (status === 404) return '没有找到这条记录，链接可能已失效。';
  if (status === 429) return '请求过于频繁，请稍后重试。';
  return '检索服务暂时不可用，请稍后重试。';
}

/**
 * Where answers come from: the HTTP API (the served page) or the API answered in the page (the offline bundle,
 * web/src/offline). Either gives a status and the parsed JSON body for a GET of an /api path.
 */
export interface DataSource { get(url: string, signal?: AbortSignal): Promise<{ status: number; body: unknown }> }

const httpSource: DataSource = {
  async get(url, signal) {
    const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      if (res.ok) throw new ApiError(chineseMessage(500, 'not JSON'), res.status, 'not JSON');
    }
    return { status: res.status, body };
  },
};

let source: DataSource = httpSource;

/** Replaces the data source (the offline bundle does this once, before the first request). */
export function setDataSource(s: DataSource): void {
  source = s;
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let answer: { status: number; body: unknown };
  try {
    answer = await source.get(url, signal);
  } catch (e) {
    if ((e as Error).name === 'AbortError' || e instanceof ApiError) throw e;
    throw new ApiError(chineseMessage(0, String(e)), 0, String(e));
  }
  const { status, body } = answer;
  if (status < 200 || status > 299) {
    const detail = (body as { message?: string } | null)?.message ?? `HTTP ${status}`;
    throw new ApiError(chineseMessage(status, detail), status, detail);
  }
  return body as T;
}

export function isAbort(e: unknown): boolean {
  return (e as Error)?.name === 'AbortError';
}

/** What the running API supports, learned from its answers (undefined: not asked yet). */
export const supports: { facetSize?: boolean; similarScope?: boolean; outcomes?: boolean } = {};

/** A 400 whose message names `param`: the API does not know that parameter yet. */
function unknownParam(e: unknown, param: string): boolean {
  return e instanceof ApiError && e.status === 400 && e.detail.includes(param);
}

export function searchParams(s: { q: string; filters: Filters; sort: string; page: number }, size: number): URLSearchParams {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  for (const f of FACETS) for (const v of s.filters[f] ?? []) p.append(f, v);
  if (s.sort !== 'relevance') p.set('sort', s.sort);
  p.set('page', String(s.page));
  p.set('size', String(size));
  return p;
}

/** Facet values asked for when the API takes facetSize: enough to show "more" without a second request. */
const FACET_SIZE = 100;

export async function search(s: { q: string; filters: Filters; sort: string; page: number }, size: number, signal?: AbortSignal): Promise<SearchResponse> {
  const p = searchParams(s, size);
  if (supports.facetSize !== false) {
    try {
      const res = await getJson<SearchResponse>(`/api/search?${p}&facetSize=${FACET_SIZE}`, signal);
      supports.facetSize = true;
      return res;
    } catch (e) {
      if (!unknownParam(e, 'facetSize')) throw e;
      supports.facetSize = false;
    }
  }
  return getJson<SearchResponse>(`/api/search?${p}`, signal);
}

export async function similar(id: string, otherRegions: boolean, signal?: AbortSignal): Promise<{ hits: SimilarHit[]; filteredHere: boolean }> {
  const base = `/api/reforms/${encodeURIComponent(id)}/similar?size=10`;
  if (otherRegions && supports.similarScope !== false) {
    try {
      const res = await getJson<{ hits: SimilarHit[] }>(`${base}&scope=other-regions`, signal);
      supports.similarScope = true;
      return { hits: res.hits, filteredHere: false };
    } catch (e) {
      if (!unknownParam(e, 'scope')) throw e;
      supports.similarScope = false;
    }
  }
  const res = await getJson<{ hits: SimilarHit[] }>(base, signal);
  return { hits: res.hits, filteredHere: otherRegions };
}

export interface OutcomeQuery { q: string; direction: string; kind: string; min?: number; sort: string; page: number }

/** Facts as the old /api/quantities gives them, mapped to table rows. */
interface QuantityFact {
  reformId: string; title: string; value: number; max?: number; unit: string; text: string; context: string; qualifier?: string;
  change?: 'from' | 'to'; normalized?: { value: number; unit: string };
}

export function kindOfUnit(unit: string | undefined, normalizedUnit?: string): string {
  if (normalizedUnit === '元' || /元$/.test(unit ?? '')) return 'money';
  if (normalizedUnit === '天' || /^万?个?(天|日|工作日|小时|分钟|秒|周|月|年)$/.test(unit ?? '')) return 'time';
  if (unit === '%' || unit === '个百分点') return 'percent';
  return 'count';
}

export async function outcomes(o: OutcomeQuery, size: number, signal?: AbortSignal): Promise<{ total: number; rows: OutcomeRow[]; fallback: boolean; askedKind?: string }> {
  const p = new URLSearchParams();
  if (o.q) p.set('q', o.q);
  if (supports.outcomes !== false) {
    if (o.direction) p.set('direction', o.direction);
    if (o.kind) p.set('kind', o.kind);
    if (o.min !== undefined) p.set('minChange', String(o.min));
    if (o.sort) p.set('sort', o.sort);
    p.set('page', String(o.page));
    p.set('size', String(size));
    try {
      const res = await getJson<{ total: number; hits: OutcomeRow[]; askedKind?: string }>(`/api/outcomes?${p}`, signal);
      supports.outcomes = true;
      return { total: res.total, rows: res.hits, fallback: false, askedKind: res.askedKind };
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404 && /no route/.test(e.detail))) throw e;
      supports.outcomes = false;
    }
  }
  // Until /api/outcomes exists: the figures from /api/quantities, filtered here on the first 100.
  const fp = new URLSearchParams();
  if (o.q) fp.set('q', o.q);
  fp.set('size', '100');
  fp.set('sort', o.q ? 'relevance' : 'value_desc');
  const res = await getJson<{ total: number; hits: QuantityFact[] }>(`/api/quantities?${fp}`, signal);
  let rows: OutcomeRow[] = res.hits.map((f) => ({
    reformId: f.reformId,
    title: f.title,
    // The old API does not say which way a figure moved; only /api/outcomes does.
    direction: undefined,
    kind: kindOfUnit(f.unit, f.normalized?.unit),
    value: f.value,
    unit: f.unit,
    qualifier: f.qualifier,
    text: f.text,
    sentence: f.context,
  }));
  if (o.kind) rows = rows.filter((r) => r.kind === o.kind);
  if (o.direction) rows = rows.filter((r) => r.direction === o.direction);
  // The old facts carry no relative change: "at least N%" keeps nothing rather than guessing.
  if (o.min !== undefined) rows = rows.filter((r) => r.percent !== undefined && Math.abs(r.percent) >= o.min!);
  if (o.sort === 'value') rows.sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  if (o.sort === 'change') rows.sort((a, b) => Math.abs(b.percent ?? 0) - Math.abs(a.percent ?? 0));
  const total = rows.length;
  return { total, rows: rows.slice((o.page - 1) * size, o.page * size), fallback: true };
}
