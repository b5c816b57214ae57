/**
 * What the API serves, as plain functions over one loaded snapshot: ranked faceted search, records, similar
 * reforms, quantified facts, suggestions and statistics. The HTTP layer only validates and formats.
 */
import { indexTerms } from '../analysis/terms.js';
import type { ReformRecord } from '../indexer/schema.js';
import { SearchEngine, occurrences } from './engine.js';
import { applyFilters, computeFacets, type FacetName, type FacetValue, type Filters } from './facets.js';
import { collectFacts, sortValue, type Fact, type IndexedFact } from './facts.js';
import { SimilarityIndex } from './similar.js';
import type { SnapshotBody } from '../snapshot/body.js';

export type SortOrder = 'relevance' | 'source' | 'quantity';
export type FactSort = 'value_desc' | 'value_asc' | 'relevance';

export interface SearchParams {
  q?: string;
  page?: number;
  size?: number;
  filters?: Filters;
  sort?: SortOrder;
}

export interface ApiHit {
  id: string;
  title: string;
  category?: string;
  regions: string[];
  departments: string[];
  source: { file: string; title: string; no: number };
  score: number;
  highlight: { title: string; snippet: string };
}

export interface SearchResponse {
  query: string;
  total: number;
  page: number;
  size: number;
  took_ms: number;
  /** True when no record has every word and these are the best partial matches. */
  partial: boolean;
  hits: ApiHit[];
  facets: Record<FacetName, FacetValue[]>;
}

/** The largest amount of money (in 元) a record reports: how sort=quantity orders records. */
export function largestMoney(r: ReformRecord): number | undefined {
  let best: number | undefined;
  for (const q of r.quantities) if (q.normalized?.unit === '元' && (best === undefined || q.normalized.value > best)) best = q.normalized.value;
  return best;
}

export class SearchService {
  readonly engine: SearchEngine;
  private readonly similarity: SimilarityIndex;
  private readonly facts: IndexedFact[];
  private readonly byId = new Map<string, number>();
  private readonly titleSuggestions: { key: string; title: string; id: string }[];
  private readonly termSuggestions: [string, number][];

  constructor(readonly body: SnapshotBody) {
    this.engine = new SearchEngine(body);
    this.engine.records.forEach((r, i) => this.byId.set(r.id, i));
    this.similarity = new SimilarityIndex(this.engine.records, this.engine.analyzer, body.dictionary.stopwords);
    this.facts = collectFacts(this.engine.records);
    const n = this.engine.analyzer.normalizer;
    this.titleSuggestions = this.engine.records.map((r) => ({ key: n.plain(r.title), title: r.title, id: r.id }));
    const stop = new Set(body.dictionary.stopwords);
    this.termSuggestions = body.analysis.vocabulary.filter(([w]) => w.length >= 2 && !stop.has(w) && !/^[\d.]+$/.test(w));
  }

  get records(): ReformRecord[] {
    return this.engine.records;
  }

  /** Ranked entries after filters and sort: the whole result set. */
  private resultSet(params: SearchParams) {
    const result = this.engine.search(params.q ?? '');
    const filters = params.filters ?? {};
    let entries = applyFilters(result.ranked, this.records, filters);
    const sort = params.sort ?? 'relevance';
    if (sort === 'source' || (sort === 'relevance' && !result.analysis.groups.length)) {
      entries = [...entries].sort((a, b) => a.index - b.index);
    } else if (sort === 'quantity') {
      entries = [...entries].sort((a, b) => (largestMoney(this.records[b.index]) ?? -1) - (largestMoney(this.records[a.index]) ?? -1) || b.score - a.score || a.index - b.index);
    }
    return { result, entries, facets: computeFacets(result.ranked, this.records, filters) };
  }

  search(params: SearchParams): SearchResponse {
    const t0 = performance.now();
    const page = params.page ?? 1;
    const size = params.size ?? 10;
    const { result, entries, facets } = this.resultSet(params);
    const hits = entries.slice((page - 1) * size, page * size).map((e) => {
      const h = this.engine.hit(e, result.analysis);
      const r = h.record;
      return {
        id: r.id,
        title: r.title,
        ...(r.category ? { category: r.category } : {}),
        regions: r.regions,
        departments: r.departments,
        source: { file: r.source.file, title: r.source.title, no: r.source.no },
        score: h.score,
        highlight: h.highlight,
      };
    });
    return {
      query: params.q ?? '',
      total: entries.length,
      page,
      size,
      took_ms: Math.round((performance.now() - t0) * 1000) / 1000,
      partial: result.partial,
      hits,
      facets,
    };
  }

  /** Every record of the result set, in order, with its score (for export). */
  exportRecords(params: SearchParams): { record: ReformRecord; score: number }[] {
    return this.resultSet(params).entries.map((e) => ({ record: this.records[e.index], score: Math.round(e.score * 1000) / 1000 }));
  }

  reform(id: string): ReformRecord | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.records[i];
  }

  similar(id: string, size: number) {
    const i = this.byId.get(id);
    if (i === undefined) return undefined;
    return this.similarity.similar(i, size).map((h) => {
      const r = this.records[h.index];
      return { id: r.id, title: r.title, regions: r.regions, source: { file: r.source.file, title: r.source.title, no: r.source.no }, score: h.score, sameReform: h.sameReform, because: h.because };
    });
  }

  quantities(params: { q?: string; unit?: string; sort?: FactSort; page?: number; size?: number }): { total: number; hits: Fact[] } {
    const page = params.page ?? 1;
    const size = params.size ?? 20;
    let facts = this.facts;
    if (params.unit) facts = facts.filter((f) => f.fact.unit === params.unit || f.fact.normalized?.unit === params.unit);
    const relevance = new Map<IndexedFact, number>();
    const q = params.q?.trim();
    if (q) {
      // A fact matches when its reform matches; facts whose own sentence holds the words come first.
      const result = this.engine.search(q);
      const recordScore = new Map(result.ranked.map((e) => [e.index, e.score]));
      const words = result.analysis.groups.flat().flatMap((c) => c.constraints.flatMap((k) => k.alternatives.map((a) => a.text)));
      const n = this.engine.analyzer.normalizer;
      facts = facts.filter((f) => {
        const s = recordScore.get(f.recordIndex);
        if (s === undefined) return false;
        const sentence = n.plain(f.sentence);
        const inSentence = words.filter((w) => occurrences(sentence, w).length > 0).length;
        relevance.set(f, inSentence * 1000 + s);
        return true;
      });
    }
    const sort = params.sort ?? (q ? 'relevance' : 'value_desc');
    const sorted = [...facts];
    if (sort === 'value_desc') sorted.sort((a, b) => sortValue(b.fact) - sortValue(a.fact));
    else if (sort === 'value_asc') sorted.sort((a, b) => sortValue(a.fact) - sortValue(b.fact));
    else sorted.sort((a, b) => (relevance.get(b) ?? 0) - (relevance.get(a) ?? 0));
    return { total: sorted.length, hits: sorted.slice((page - 1) * size, page * size).map((f) => f.fact) };
  }

  /** Completions: titles starting with the text, then terms starting with it, then titles containing it. */
  suggest(q: string, size: number): { text: string; kind: 'title' | 'term'; id?: string }[] {
    const key = this.engine.analyzer.normalizer.plain(q).replace(/\s+/g, '');
    if (!key) return [];
    const out: { text: string; kind: 'title' | 'term'; id?: string }[] = [];
    const seen = new Set<string>();
    const push = (s: { text: string; kind: 'title' | 'term'; id?: string }) => {
      if (out.length >= size || seen.has(s.text)) return;
      seen.add(s.text);
      out.push(s);
    };
    for (const t of this.titleSuggestions) if (t.key.startsWith(key)) push({ text: t.title, kind: 'title', id: t.id });
    for (const [w] of this.termSuggestions) {
      if (out.length >= size) break;
      if (w.startsWith(key) && w !== key) push({ text: w, kind: 'term' });
    }
    for (const t of this.titleSuggestions) if (!t.key.startsWith(key) && t.key.includes(key)) push({ text: t.title, kind: 'title', id: t.id });
    return out;
  }

  /** How a text is analysed, for the debug route: normalised form, segmentation, index terms, query constraints. */
  analyze(text: string) {
    const normalized = this.engine.analyzer.normalizer.plain(text);
    return {
      text,
      normalized,
      segments: this.engine.analyzer.segment(text),
      indexTerms: indexTerms(normalized),
      query: this.engine.analyzer.analyse(text),
    };
  }

  stats() {
    const count = (values: (string | undefined)[]) => {
      const m = new Map<string, number>();
      for (const v of values) if (v) m.set(v, (m.get(v) ?? 0) + 1);
      return [...m].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value, 'zh'));
    };
    return {
      records: this.records.length,
      documents: this.body.sources.map((s) => ({ file: s.file, title: s.title, format: s.format, encoding: s.encoding, records: s.records, sha256: s.sha256, bytes: s.bytes })),
      regions: count(this.records.flatMap((r) => r.regions)),
      categories: count(this.records.map((r) => r.category)),
      quantities: this.facts.length,
      terms: { index: this.engine.termCount, vocabulary: this.body.analysis.vocabulary.length },
      built: { at: this.body.builtAt, dictionaryVersion: this.body.dictionary.version, warnings: this.body.warnings },
    };
  }
}
