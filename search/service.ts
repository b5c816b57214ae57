/**
 * What the API serves, as plain functions over one loaded snapshot: ranked faceted search, records, similar
 * reforms, quantified facts, suggestions and statistics. The HTTP layer only validates and formats.
 */
import { indexTerms } from '../analysis/terms.js';
import type { OutcomeKind, ReformRecord } from '../indexer/schema.js';
import { SearchEngine, occurrences } from './engine.js';
import type { MatchingStrategy, RankedEntry, SearchResult } from './result.js';
import { asksAboutTopic } from './query-words.js';
import { countPresent, presentMembers, topicalCopies } from './copies.js';
import { Suggester } from './suggest.js';
import { isEveryRecord, type FacetName, type FacetValue, type Filters, type ReformTally } from './facets.js';
import { Lru } from '../analysis/lru.js';
import type { EngineOptions } from './options.js';
import { collectFacts, sortValue, type Fact, type IndexedFact } from './facts.js';
import { reformMembers } from './reforms.js';
import { OutcomeIndex, type OutcomeHit, type OutcomeParams } from './outcomes.js';
import { buildSimilar } from '../indexer/similar.js';
import { SimilarLists, type SharedMechanism, type SimilarReason, type SimilarScope } from './similar.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { recordStoreOf, type RecordStore } from '../snapshot/records.js';

export type SortOrder = 'relevance' | 'source' | 'quantity';
export type FactSort = 'value_desc' | 'value_asc' | 'relevance';

export interface SearchParams {
  q?: string;
  page?: number;
  size?: number;
  filters?: Filters;
  sort?: SortOrder;
  /** last (default): every word first, then partial matches fill a short page; all: every word required. */
  matching?: MatchingStrategy;
  /** Values per facet; 0 (or absent with the engine's default 0) = every value. */
  facetSize?: number;
  /**
   * One hit per reform (default true): copies of the same reform printed in other documents (the records'
   * `related` links) fold into the best-ranked one and are listed under its `copies`; total and facet counts count
   * reforms. false: every copy is a hit of its own.
   */
  collapse?: boolean;
}

/** A copy of the hit's reform, printed in another document, folded into the hit. */
export interface CopyRef {
  id: string;
  title: string;
  source: { file: string; title: string; no: number };
}

export interface ApiHit {
  id: string;
  title: string;
  category?: string;
  regions: string[];
  departments: string[];
  source: { file: string; title: string; no: number };
  score: number;
  /** The query's words this record lacks (a partial match); empty when it has them all. */
  missing: string[];
  highlight: { title: string; snippet: string };
  /**
   * Other copies of this reform, best first, at most `copiesShown` (only when results are collapsed): those in the
   * result set, then, for a query about a topic, its printings that lack a word (not excluded, passing the filters).
   */
  copies?: CopyRef[];
  /** How many such copies there are (`copies` lists the first ones). */
  copyCount?: number;
}

export interface SimilarHit {
  id: string;
  title: string;
  regions: string[];
  source: { file: string; title: string; no: number };
  score: number;
  because: string[];
  reason: SimilarReason;
  /** The mechanism class both name (dict/ideas.txt) and the name each prints, the source's first. */
  mechanism?: SharedMechanism;
  /** The same reform printed in other documents. */
  copies: { id: string; title: string; regions: string[]; source: { file: string; title: string; no: number } }[];
}

export interface SearchResponse {
  query: string;
  total: number;
  page: number;
  size: number;
  took_ms: number;
  /** True when some shown hit lacks some of the query's words (see each hit's `missing`). */
  partial: boolean;
  /** Present (true) when words past the query's word budget were not searched; exclusions are always applied. */
  truncated?: boolean;
  /** Present (true) when the query was filler characters alone (的, 了): no word to search, so none is found. */
  filler?: boolean;
  hits: ApiHit[];
  facets: Record<FacetName, FacetValue[]>;
}

/** The largest amount of money (in 元) a record reports: how sort=quantity orders records. */
export function largestMoney(r: ReformRecord): number | undefined {
  let best: number | undefined;
  for (const q of r.quantities) if (q.normalized?.unit === '元' && (best === undefined || q.normalized.value > best)) best = q.normalized.value;
  return best;
}

/** The page `params` asks for (page 1 of 10 unless it says) and its entries among a result set's grouped entries. */
function pageOf<T>(params: SearchParams, grouped: (k: number) => T[]): { page: number; size: number; entries: T[] } {
  const page = params.page ?? 1;
  const size = params.size ?? 10;
  return { page, size, entries: grouped(page * size).slice((page - 1) * size) };
}

export class SearchService {
  readonly engine: SearchEngine;
  private similarLists?: SimilarLists;
  private factList?: IndexedFact[];
  private outcomeList?: OutcomeIndex;
  /** Records of a loaded snapshot: columns, each record decoded when read (absent for a body built in memory). */
  private readonly store?: RecordStore;
  /** Completions as the user types (suggest.ts). */
  private readonly suggester: Suggester;
  private byIdMap?: Map<string, number>;
  /** Record index → index of the first record of its reform (copies linked by `related`, transitively). */
  private readonly reformOf: Int32Array;
  private readonly reformMembers: Map<number, number[]>;
  /**
   * A result after filters: its totals and facets, and per reform printed several times that a page has shown, how
   * many of its records the set holds (counted when first shown, from the reform's few records, not for every reform).
   */
  private readonly filtered = new Lru<string, { result: SearchResult; keep?: Uint8Array; keptAt?: Int32Array; total: number; reforms: number; copies: Map<number, number>; facets: Record<FacetName, FacetValue[]> }>(512);

  constructor(readonly body: SnapshotBody, options: Partial<EngineOptions> = {}) {
    this.engine = new SearchEngine(body, options);
    // Loading decodes no record: reforms come from the link columns; facts and outcomes are gathered on first use.
    this.store = recordStoreOf(body.records);
    // The engine's grouping (fillsPage counts reforms by it): the records are grouped once.
    this.reformOf = this.engine.reforms;
    this.reformMembers = reformMembers(this.reformOf);
    this.suggester = new Suggester(body, this.engine.records, this.store, this.engine.analyzer);
  }

  /** Record index by id. */
  private indexOf(id: string): number | undefined {
    if (this.store) {
      const i = this.store.indexOf(id);
      return i < 0 ? undefined : i;
    }
    return this.byId.get(id);
  }

  private get byId(): Map<string, number> {
    if (!this.byIdMap) {
      this.byIdMap = new Map();
      this.engine.records.forEach((r, i) => this.byIdMap!.set(r.id, i));
    }
    return this.byIdMap;
  }

  private get facts(): IndexedFact[] {
    this.factList ??= collectFacts(this.engine.records);
    return this.factList;
  }

  /** Outcome facts (metric, direction, change) for /api/outcomes and its export (gathered on first use). */
  get outcomeIndex(): OutcomeIndex {
    // q is read by the search analyzer (the snapshot's vocabulary, question frames, equivalents), as /api/search reads it.
    this.outcomeList ??= new OutcomeIndex(this.engine.records, (s) => this.engine.analyzer.normalizer.plain(s), (q) => this.engine.analyzer.analyse(q));
    return this.outcomeList;
  }

  get records(): ReformRecord[] {
    return this.engine.records;
  }

  /** Forget every cached result, facet count and match (benchmarks measure first-seen queries with it). */
  clearCache(): void {
    this.engine.clearCache();
    this.filtered.clear();
    this.similarLists?.clearCache();
  }

  /** The result set after filters, and a way to read its first k entries in the requested order. */
  private resultSet(params: SearchParams): {
    result: SearchResult;
    total: number;
    first: (k: number) => RankedEntry[];
    /** One entry per reform (when collapsed) with the first `copiesShown` of its other copies, best first, and their count. */
    grouped: (k: number) => { entry: RankedEntry; copies: number[]; copyCount: number }[];
    facets: Record<FacetName, FacetValue[]>;
  } {
    const result = this.engine.search(params.q ?? '', { matching: params.matching });
    const filters = params.filters ?? {};
    const collapse = params.collapse ?? true;
    const facetSize = params.facetSize ?? this.engine.options.facetSize;
    // What filters, the reform count and facet counts make of a result is kept with it: paging, switching sort or
    // repeating a search costs no pass over the matched records.
    const key = JSON.stringify([params.q ?? '', params.matching ?? 'last', filters, facetSize, collapse]);
    let set = this.filtered.get(key);
    if (!set || set.result !== result) {
      const kept = this.engine.facets.kept(result.docs, filters);
      const keep = kept?.keep;
      const total = kept ? kept.count : result.docs.length;
      // Counting facets per reform counts the reforms in the same pass. It stays -1 only when the count read no
      // records: every record, unfiltered (the empty query), whose reforms are a property of the snapshot.
      const tallied: ReformTally = { reforms: -1 };
      const facets = this.engine.facets.count(result.docs, filters, facetSize, collapse ? this.reformOf : undefined, tallied);
      set = {
        result,
        keep,
        keptAt: kept?.at,
        total,
        reforms: !collapse ? total : tallied.reforms >= 0 ? tallied.reforms : this.everyReform,
        copies: new Map<number, number>(),
        facets,
      };
      this.filtered.set(key, set, 1 + (result.docs.length >> 12));
    }
    const { keep, keptAt, total } = set;
    const sort = params.sort ?? 'relevance';
    const inOrder = (k: number) => {
      const out: RankedEntry[] = [];
      for (let i = 0; i < result.docs.length && out.length < k; i++) if (!keep || keep[i]) out.push({ index: result.docs[i], score: result.scores[i], matched: 0, missing: result.missing(i) });
      return out;
    };
    let first: (k: number) => RankedEntry[];
    if (sort === 'source' || (sort === 'relevance' && !result.analysis.groups.length)) {
      first = inOrder;
    } else if (sort === 'quantity') {
      first = (k) => {
        const ranked = result.order(total, keep);
        // Each record read once (a loaded snapshot decodes records on access), not once per comparison.
        const money = new Map(ranked.map((e) => [e.index, largestMoney(this.records[e.index]) ?? -1]));
        ranked.sort((a, b) => money.get(b.index)! - money.get(a.index)! || b.score - a.score || a.index - b.index);
        return ranked.slice(0, k);
      };
    } else {
      first = (k) => result.order(k, keep, keptAt);
    }
    const records = total;
    let grouped = (k: number) => first(k).map((entry) => ({ entry, copies: [] as number[], copyCount: 0 }));
    if (collapse) {
      // A topical query's hit also lists the printings of its reform that the result set lacks (a short printing
      // without some word), unless the query's exclusions or the filters remove them.
      const topical = asksAboutTopic(result.analysis);
      const cap = this.engine.options.copiesShown;
      const counts = set.copies;
      // How many records of the set a reform printed several times has (1 for one printed once). Asked only for the
      // reforms a page shows, so counted here from the reform's members rather than for every reform with the facets.
      const printed = (reform: number) => {
        const members = this.reformMembers.get(reform);
        if (!members) return 1;
        if (!keep && isEveryRecord(result.docs, this.reformOf.length)) return members.length;
        let c = counts.get(reform);
        if (c === undefined) counts.set(reform, (c = countPresent(members, result.docs, keep)));
        return c;
      };
      grouped = (k) => {
        // A page of no hits (size 0: totals and facets only) reads nothing; the doubling below would never grow from 0.
        if (k <= 0) return [];
        // Read the ranking in growing prefixes until k reforms are seen (copies make a prefix hold fewer reforms).
        // A topical query's copy counts per shown reform, kept across the prefixes; the filters' marks per record.
        const totals = new Map<number, number>();
        const passes = topical && keep ? this.engine.facets.recordsPassing(filters) : undefined;
        const passingOf = passes && !result.excluded.size ? this.engine.facets.reformPassing(filters, this.reformOf) : undefined;
        for (let m = Math.min(records, k * 2); ; m = Math.min(records, m * 2)) {
          const ranked = first(m);
          // The ranked copies of each reform with several printings, in rank order (its hit first).
          const rankedOf = new Map<number, number[]>();
          for (const e of ranked) {
            const reform = this.reformOf[e.index];
            if (!this.reformMembers.has(reform)) continue;
            const list = rankedOf.get(reform);
            if (list) list.push(e.index);
            else rankedOf.set(reform, [e.index]);
          }
          const out: { entry: RankedEntry; copies: number[]; copyCount: number }[] = [];
          const shown = new Set<number>();
          for (const entry of ranked) {
            const reform = this.reformOf[entry.index];
            if (shown.has(reform)) continue;
            shown.add(reform);
            const members = this.reformMembers.get(reform);
            if (topical && members) {
              out.push({ entry, ...topicalCopies(reform, members, rankedOf.get(reform)!, result, keep, passes, cap, totals, passingOf) });
              if (out.length === k) return out;
              continue;
            }
            // Not about a topic (a phrase, a field, a figure): the hit stands for its reform's printings in the set.
            const copyCount = printed(reform) - 1;
            const copies = (rankedOf.get(reform) ?? []).slice(1, cap + 1);
            const wanted = Math.min(cap, copyCount);
            if (members && copies.length < wanted) {
              // Copies ranked past the prefix read: in index order, as many as are listed.
              const listed = new Set(rankedOf.get(reform));
              for (const i of presentMembers(members, result.docs, keep, wanted + listed.size)) {
                if (copies.length >= wanted) break;
                if (!listed.has(i)) copies.push(i);
              }
            }
            out.push({ entry, copies, copyCount });
            if (out.length === k) return out;
          }
          if (m >= records) return out;
        }
      };
    }
    return { result, total: set.reforms, first, grouped, facets: set.facets };
  }

  /** Distinct reforms over every record (the empty query's total): a property of the snapshot, counted once. */
  private get everyReform(): number {
    if (this.everyReformCount === undefined) {
      const seen = new Uint8Array(this.reformOf.length);
      let n = 0;
      for (let i = 0; i < this.reformOf.length; i++) if (!seen[this.reformOf[i]]) (seen[this.reformOf[i]] = 1), n++;
      this.everyReformCount = n;
    }
    return this.everyReformCount;
  }

  private everyReformCount?: number;

  search(params: SearchParams): SearchResponse {
    const t0 = performance.now();
    const { result, total, grouped, facets } = this.resultSet(params);
    const { page, size, entries } = pageOf(params, grouped);
    const hits = entries.map(({ entry: e, copies, copyCount }) => {
      const h = this.engine.hit(e, result);
      const r = h.record;
      return {
        id: r.id,
        title: r.title,
        ...(r.category ? { category: r.category } : {}),
        regions: r.regions,
        departments: r.departments,
        source: { file: r.source.file, title: r.source.title, no: r.source.no },
        score: h.score,
        missing: h.missing,
        highlight: h.highlight,
        ...(copyCount ? { copies: copies.map((i) => this.copyRef(i)), copyCount } : {}),
      };
    });
    return {
      query: params.q ?? '',
      total,
      page,
      size,
      took_ms: Math.round((performance.now() - t0) * 1000) / 1000,
      partial: hits.some((h) => h.missing.length > 0),
      ...(result.analysis.truncated ? { truncated: true } : {}),
      ...(result.analysis.filler ? { filler: true } : {}),
      hits,
      facets,
    };
  }

  /**
   * The record indexes a search's page of hits shows, in order, as search() would list them: ranking, filters, sort
   * and collapse only, no record text read (the offline page fetches the texts of these records ahead with it).
   */
  pageRecords(params: SearchParams): number[] {
    return pageOf(params, this.resultSet(params).grouped).entries.map((g) => g.entry.index);
  }

  /** Every record of the result set, in order, with its score (for export). */
  exportRecords(params: SearchParams): { record: ReformRecord; score: number }[] {
    // An export lists every record of the result set, copies included.
    const { total, first } = this.resultSet({ ...params, collapse: false });
    return first(total).map((e) => ({ record: this.records[e.index], score: Math.round(e.score * 1000) / 1000 }));
  }

  private copyRef(i: number): CopyRef {
    // Copies are listed by id, title and source only: read from the columns, the record is not decoded.
    if (this.store) return { id: this.store.id(i), title: this.store.title(i), source: this.store.source(i) };
    const r = this.records[i];
    return { id: r.id, title: r.title, source: { file: r.source.file, title: r.source.title, no: r.source.no } };
  }

  reform(id: string): ReformRecord | undefined {
    const i = this.indexOf(id);
    return i === undefined ? undefined : this.records[i];
  }

  /** Similar-reform lists: the snapshot's precomputed ones; built here only for a body made without them. */
  private get similarity(): SimilarLists {
    this.similarLists ??= new SimilarLists(this.records, this.body.similar ?? buildSimilar(this.body), {
      ideas: this.body.dictionary.ideas ?? [],
      normalize: (text) => this.engine.analyzer.normalizer.plain(text),
    }, { reformOf: this.reformOf, members: this.reformMembers });
    return this.similarLists;
  }

  /**
   * Reforms like this one, one entry per reform (its copies listed under it), never the reform itself or its own
   * copies; `other-regions` keeps reforms from a province that is not the source's. At most `k` (20) entries.
   */
  similar(id: string, size: number, scope: SimilarScope = 'all'): SimilarHit[] | undefined {
    const i = this.indexOf(id);
    if (i === undefined) return undefined;
    const lists = this.similarity;
    const store = this.store;
    const ref = (j: number) => {
      if (store) return { id: store.id(j), title: store.title(j), regions: store.list(j, 'regions'), source: store.source(j) };
      const r = this.records[j];
      return { id: r.id, title: r.title, regions: r.regions, source: { file: r.source.file, title: r.source.title, no: r.source.no } };
    };
    return lists.similar(i, size, scope).map((h) => ({
      ...ref(h.index),
      score: h.score,
      because: h.because,
      reason: h.reason,
      ...(h.mechanism ? { mechanism: h.mechanism } : {}),
      copies: lists.copiesOf(h.index).map(ref),
    }));
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

  /** Outcome facts selected by their own metric or sentence, filtered and sorted (see search/outcomes.ts). */
  outcomes(params: OutcomeParams): { total: number; hits: OutcomeHit[]; askedKind?: OutcomeKind } {
    return this.outcomeIndex.search(params);
  }

  /** Completions: titles starting with the text, then terms starting with it, then titles containing it. */
  suggest(q: string, size: number): { text: string; kind: 'title' | 'term'; id?: string }[] {
    return this.suggester.suggest(q, size);
  }

  /** How a text is analysed, for the debug route: normalised form, segmentation, index terms, query constraints. */
  analyze(text: string) {
    const normalized = this.engine.analyzer.normalizer.plain(text);
    return {
      text,
      normalized,
      segments: this.engine.analyzer.segment(text),
      indexTerms: indexTerms(normalized),
      // As the engine searches it (narrower terms kept only where the word is rarely printed).
      query: this.engine.analyse(text),
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
      regions: count(this.store ? Array.from({ length: this.store.length }, (_, i) => this.store!.list(i, 'regions')).flat() : this.records.flatMap((r) => r.regions)),
      categories: count(this.store ? Array.from({ length: this.store.length }, (_, i) => this.store!.category(i)) : this.records.map((r) => r.category)),
      quantities: this.facts.length,
      outcomes: this.outcomeIndex.size,
      terms: { index: this.engine.termCount, vocabulary: this.body.analysis.vocabulary.length },
      built: { at: this.body.builtAt, dictionaryVersion: this.body.dictionary.version, warnings: this.body.warnings },
    };
  }
}
