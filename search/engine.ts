/**
 * The search engine over a loaded snapshot: query analysis (analyzer.ts) → matching from the positional index
 * (match.ts over postings.ts) → BM25 per word (score.ts) → combining the words under a matching strategy → an
 * ordered result whose top is re-scored with position bonuses. Highlights (snippet.ts) and facets (facets.ts) are
 * computed only for what is shown. docs/design.md explains the choices.
 */
import type { ReformRecord } from '../indexer/schema.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { NEAR_GAP, QueryAnalyzer, keyOf, type AnalysedClause, type Constraint, type QueryAnalysis } from './analyzer.js';
import { FacetIndex } from './facets.js';
import { SEARCH_FIELDS, type SearchField } from './fields.js';
import { Lru } from '../analysis/lru.js';
import { checkDeadline } from './budget.js';
import { Matcher, slotRange } from './match.js';
import { engineOptions, type EngineOptions } from './options.js';
import { Postings, hash32, isIndexData } from './postings.js';
import type { EngineIndex } from '../indexer/engine-index.js';
import { NO_DOCS, bm25, idf, intersectSum, minimalWindow, topK, union, type DocScores, type FieldStats } from './score.js';
import { Highlighter } from './snippet.js';
import { DOWN_VERBS, UP_VERBS } from '../analysis/outcomes.js';

export { occurrences, nearOccurrences } from './snippet.js';
export { minimalWindow } from './score.js';

/**
 * How records lacking some of the query's words are treated:
 * - `last` (default): records with every word first; then, when those are fewer than a page (`fillTo`), records
 *   with some of the words, ranked by how many are missing and how rare the missing ones are. A record holding only
 *   words that are common for this query (办理 beside 出口退税) is never a result.
 * - `all`: every word is required; only when no record has them all do the records with the most of them come back.
 */
export type MatchingStrategy = 'last' | 'all';

export type { EngineIndex } from '../indexer/engine-index.js';

export interface Hit {
  record: ReformRecord;
  score: number;
  /** How many of the query's words the record has. */
  matched: number;
  /** The query's words it lacks (empty when it has them all). */
  missing: string[];
  highlight: { title: string; snippet: string };
}

export interface RankedEntry {
  index: number;
  score: number;
  matched: number;
  missing: string[];
}

/** One word of the query as matching sees it: a constraint, or an OR group (either side, scored as one word). */
interface Unit {
  text: string;
  ds: DocScores;
  idf: number;
  /** The analysed constraints behind it (the bonus stage looks at their positions). */
  constraints: Constraint[];
}

/** Pages of this size or less are filled with partial matches when too few records have every word. */
export const FILL_TO = 10;

export class SearchResult {
  private all?: RankedEntry[];
  private top?: RankedEntry[];

  constructor(
    private readonly engine: SearchEngine,
    readonly analysis: QueryAnalysis,
    private readonly units: Unit[],
    /** Matched records, in index order. */
    readonly docs: Int32Array,
    readonly scores: Float64Array,
    readonly missingMask: Uint32Array,
    /** Σ idf of the missing words, per record (ranking key of partial matches). */
    private readonly missingIdf: Float64Array,
    readonly strategy: MatchingStrategy,
    /** Some matched record lacks words (the whole set; the service reports it for the shown page). */
    readonly partial: boolean,
  ) {}

  get total(): number {
    return this.docs.length;
  }

  /** Words (query units) the i-th matched record lacks. */
  missing(i: number): string[] {
    const m = this.missingMask[i];
    return m ? this.units.filter((_, u) => m & (1 << u)).map((u) => u.text) : [];
  }

  private missingCount(i: number): number {
    let m = this.missingMask[i];
    let n = 0;
    while (m) {
      m &= m - 1;
      n++;
    }
    return n;
  }

  /** a ranks before b (indexes into docs), with score overrides for the re-scored top. */
  private better(a: number, b: number, score: (i: number) => number): boolean {
    if (this.strategy === 'last' && this.missingMask[a] !== this.missingMask[b]) {
      const ma = this.missingCount(a);
      const mb = this.missingCount(b);
      if (ma !== mb) return ma < mb;
      if (this.missingIdf[a] !== this.missingIdf[b]) return this.missingIdf[a] < this.missingIdf[b];
    }
    const sa = score(a);
    const sb = score(b);
    if (sa !== sb) return sa > sb;
    return this.docs[a] < this.docs[b];
  }

  /**
   * The first `k` records in rank order among those `keep` marks (all when absent): a bounded selection, then
   * position bonuses for the top window, then that window re-ordered.
   */
  order(k: number, keep?: Uint8Array): RankedEntry[] {
    // The unfiltered top of a (cached) result is kept: paging and repeated searches read it again.
    if (!keep && this.top && k <= this.top.length) return this.top.slice(0, k);
    const entries = this.select(k, keep);
    if (!keep && k <= this.engine.options.rerankWindow * 4) this.top = entries.slice();
    return entries;
  }

  private select(k: number, keep?: Uint8Array): RankedEntry[] {
    let idx: ArrayLike<number>;
    if (keep) {
      const list: number[] = [];
      for (let i = 0; i < this.docs.length; i++) if (keep[i]) list.push(i);
      idx = list;
    } else idx = { length: this.docs.length } as ArrayLike<number>;
    const at = keep ? (j: number) => idx[j] : (j: number) => j;
    const base = (i: number) => this.scores[i];
    if (!this.units.length) return Array.from({ length: Math.min(k, idx.length) }, (_, j) => this.entry(at(j), 0));
    const window = Math.max(k, this.engine.options.rerankWindow);
    const top = topK(idx.length, window, (a, b) => this.better(at(a), at(b), base)).map(at);
    const boosted = new Map<number, number>();
    checkDeadline(false);
    for (const i of top.slice(0, this.engine.options.rerankWindow)) {
      boosted.set(i, this.scores[i] + this.engine.bonus(this.docs[i], this.analysis, this.units, this.units.length - this.missingCount(i)));
    }
    const score = (i: number) => boosted.get(i) ?? this.scores[i];
    top.sort((a, b) => (this.better(a, b, score) ? -1 : this.better(b, a, score) ? 1 : 0));
    return top.slice(0, k).map((i) => this.entry(i, score(i)));
  }

  private entry(i: number, score: number): RankedEntry {
    return { index: this.docs[i], score, matched: this.units.length - this.missingCount(i), missing: this.missing(i) };
  }

  /** Every matched record in rank order (sorts the whole set: for export and callers that need it all). */
  get ranked(): RankedEntry[] {
    this.all ??= this.order(this.docs.length);
    return this.all;
  }
}

export class SearchEngine {
  readonly records: ReformRecord[];
  readonly analyzer: QueryAnalyzer;
  readonly body: SnapshotBody;
  readonly options: EngineOptions;
  readonly facets: FacetIndex;
  private readonly postings: Postings;
  private readonly matcher: Matcher;
  private readonly highlighter: Highlighter;
  private readonly stats: FieldStats;
  private readonly fieldIndex = new Map<SearchField, number>();
  private readonly analyses: Lru<string, QueryAnalysis>;
  private readonly constraintCache: Lru<string, DocScores>;
  private readonly results: Lru<string, SearchResult>;
  /** Scratch per record, reset after each search (searches run one at a time). */
  private readonly mask: Uint32Array;
  private readonly acc: Float64Array;
  private readonly excluded: Uint8Array;

  constructor(body: SnapshotBody, options: Partial<EngineOptions> = {}) {
    this.body = body;
    this.options = engineOptions(options);
    this.records = body.records;
    const index = body.index as EngineIndex;
    if (!index || !isIndexData(index.postings) || index.postings.records !== body.records.length || !index.facets) {
      throw new Error('snapshot index is missing or not a positional index of these records (rebuild the snapshot)');
    }
    this.analyzer = new QueryAnalyzer({ ...body.analysis, synonyms: body.dictionary.synonyms, stopwords: body.dictionary.stopwords });
    this.postings = new Postings(index.postings, this.options.cache.postingsPositions);
    this.matcher = new Matcher(this.postings, this.options.cache.matches, NEAR_GAP);
    this.facets = new FacetIndex(index.facets);
    index.postings.fields.forEach((f, i) => this.fieldIndex.set(f as SearchField, i));
    this.stats = {
      fieldCount: index.postings.fields.length,
      records: this.records.length,
      fieldLengths: index.postings.fieldLengths,
      avgLengths: index.postings.avgLengths,
      weights: Float64Array.from(index.postings.fields, (f) => this.options.fieldWeights[f as SearchField] ?? 0),
    };
    this.highlighter = new Highlighter(this.records, this.analyzer.normalizer, this.options.cache.normalizedRecords, this.options.snippetFields);
    this.analyses = new Lru(this.options.cache.analyses);
    this.constraintCache = new Lru(this.options.cache.matches);
    this.results = new Lru(this.options.cache.results);
    this.mask = new Uint32Array(this.records.length);
    this.acc = new Float64Array(this.records.length);
    this.excluded = new Uint8Array(this.records.length);
  }

  /** Query analysis, cached: a user paging or filtering repeats the same query. */
  analyse(query: string): QueryAnalysis {
    let a = this.analyses.get(query);
    if (!a) this.analyses.set(query, (a = this.analyzer.analyse(query)));
    return a;
  }

  /** Forget cached postings, matches and analyses (benchmarks measure uncached queries with it). */
  clearCache(): void {
    this.analyses.clear();
    this.constraintCache.clear();
    this.results.clear();
    this.matcher.clearCache();
    this.postings.clearCache();
  }

  /** Distinct terms in the positional index. */
  get termCount(): number {
    return this.postings.termCount;
  }

  private fieldIds(fields?: readonly SearchField[]): number[] | undefined {
    return fields?.map((f) => this.fieldIndex.get(f)!).filter((i) => i !== undefined);
  }

  /** Records a constraint matches through any alternative, with the best weighted BM25 per record (cached). */
  private constraintDocs(c: Constraint): DocScores {
    const key = `${c.fields?.join(',') ?? '*'}\u0000${c.alternatives.map((a) => `${a.text}\u0001${a.weight}\u0001${a.near?.join('\u0001') ?? ''}`).join('\u0000')}`;
    const cached = this.constraintCache.get(key);
    if (cached) return cached;
    // The request's time budget, before each constraint is matched; a yield here loses nothing (matches are cached).
    checkDeadline();
    const fields = this.fieldIds(c.fields);
    let out = NO_DOCS;
    for (const alt of c.alternatives) {
      const occ = alt.near ? this.matcher.near(alt.near[0], alt.near[1], fields) : this.matcher.needle(alt.text, fields);
      out = union(out, bm25(occ, this.stats, this.options.bm25, alt.weight), Math.max);
    }
    this.constraintCache.set(key, out);
    return out;
  }

  /** Records a clause matches (all its constraints; any of them for a question), scores summed. */
  private clauseDocs(clause: AnalysedClause): DocScores {
    let out: DocScores | undefined;
    for (const c of clause.constraints) {
      const d = this.constraintDocs(c);
      out = out === undefined ? d : clause.natural ? union(out, d, (x, y) => x + y) : intersectSum(out, d);
    }
    return out ?? NO_DOCS;
  }

  /** The query's words: each constraint of a plain clause, and each OR group as one word. */
  private units(analysis: QueryAnalysis): Unit[] {
    const N = this.records.length;
    const units: Unit[] = [];
    for (const group of analysis.groups) {
      if (group.length === 1) {
        for (const c of group[0].constraints) {
          const ds = this.changeDocs(c, this.constraintDocs(c));
          units.push({ text: c.text, ds, idf: idf(N, ds.docs.length), constraints: [c] });
        }
      } else {
        let ds = NO_DOCS;
        for (const clause of group) ds = union(ds, this.clauseDocs(clause), Math.max);
        units.push({ text: group.map((c) => c.typed).join(' OR '), ds, idf: idf(N, ds.docs.length), constraints: group.flatMap((c) => c.constraints) });
      }
    }
    return units;
  }

  /** Records, per direction, with a quantified outcome that moved that way (built on first use). */
  private changed?: { down: Int32Array; up: Int32Array };

  /** The direction a change verb names (缩短 → down, 提高 → up), or undefined. */
  private static directionOf(word: string): 'down' | 'up' | undefined {
    return DOWN_VERBS.includes(word) ? 'down' : UP_VERBS.includes(word) ? 'up' : undefined;
  }

  /**
   * A change verb typed as a word (缩短, 节省, 提高) also matches a record whose outcomes state a change that way,
   * whatever verb it prints (压缩至, 减少): a reporter's 通关时间缩短 means the outcome, not the verb.
   */
  private changeDocs(c: Constraint, ds: DocScores): DocScores {
    const dir = c.phrase || c.fields ? undefined : SearchEngine.directionOf(c.text);
    if (!dir || !this.options.outcomeChange) return ds;
    this.changed ??= (() => {
      const down: number[] = [];
      const up: number[] = [];
      this.records.forEach((r, i) => {
        if (r.outcomes?.some((o) => o.direction === 'down')) down.push(i);
        if (r.outcomes?.some((o) => o.direction === 'up')) up.push(i);
      });
      return { down: Int32Array.from(down), up: Int32Array.from(up) };
    })();
    const docs = this.changed[dir];
    let mean = 0;
    for (let i = 0; i < ds.scores.length; i++) mean += ds.scores[i];
    mean = ds.scores.length ? mean / ds.scores.length : 1;
    const extra = { docs, scores: new Float64Array(docs.length).fill(mean * this.options.outcomeChange) };
    return union(ds, extra, Math.max);
  }

  /** Rank records for a query. An empty query (or one with only exclusions) lists records in document order. */
  search(query: string, options: { matching?: MatchingStrategy } = {}): SearchResult {
    const strategy = options.matching ?? 'last';
    // A user paging or filtering repeats the query: its result set (records, scores, missing words) is kept.
    const key = `${strategy}\u0000${query}`;
    const cached = this.results.get(key);
    if (cached) return cached;
    const result = this.evaluate(query, strategy);
    this.results.set(key, result, 1 + (result.docs.length >> 10));
    return result;
  }

  private evaluate(query: string, strategy: MatchingStrategy): SearchResult {
    const analysis = this.analyse(query);
    const N = this.records.length;
    const excluded = this.excluded;
    const marked: number[] = [];
    for (const clause of analysis.exclude) {
      const d = this.clauseDocs(clause).docs;
      for (let i = 0; i < d.length; i++) if (!excluded[d[i]]) excluded[d[i]] = 1, marked.push(d[i]);
    }
    try {
      const units = this.units(analysis);
      if (units.length === 0) {
        const docs: number[] = [];
        for (let i = 0; i < N; i++) if (!excluded[i]) docs.push(i);
        return new SearchResult(this, analysis, [], Int32Array.from(docs), new Float64Array(docs.length), new Uint32Array(docs.length), new Float64Array(docs.length), strategy, false);
      }
      return this.combine(analysis, units, strategy);
    } finally {
      for (const d of marked) excluded[d] = 0;
    }
  }

  /** Every word's records combined under the strategy: which records are results, with what base score. */
  private combine(analysis: QueryAnalysis, units: Unit[], strategy: MatchingStrategy): SearchResult {
    const N = this.records.length;
    const U = units.length;
    const all = U >= 32 ? 0xffffffff : (1 << U) - 1;
    const { mask, acc, excluded } = this;
    const touched: number[] = [];
    units.forEach((u, b) => {
      const { docs, scores } = u.ds;
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i];
        if (excluded[d]) continue;
        if (mask[d] === 0) touched.push(d);
        mask[d] |= 1 << b;
        acc[d] += scores[i];
      }
    });
    // Records in index order: a scan of the marks when many records matched, a numeric sort when few did.
    let inOrder: ArrayLike<number>;
    if (touched.length * 8 > N) {
      const dense = new Int32Array(touched.length);
      let k = 0;
      for (let d = 0; d < N; d++) if (mask[d] !== 0) dense[k++] = d;
      inOrder = dense;
    } else inOrder = Int32Array.from(touched).sort();
    try {
      let keep: (m: number) => boolean;
      let partialSet = false;
      if (strategy === 'all') {
        // Every group must hold: a plain clause needs all its words; a question any of its informative words.
        const need: { bits: number; any: boolean }[] = [];
        let b = 0;
        for (const group of analysis.groups) {
          if (group.length === 1) {
            const clause = group[0];
            let bits = 0;
            let informative = 0;
            clause.constraints.forEach((c, k) => {
              bits |= 1 << (b + k);
              if (units[b + k].ds.docs.length <= N * this.options.commonShare) informative |= 1 << (b + k);
            });
            need.push(clause.natural ? { bits: informative || bits, any: true } : { bits, any: false });
            b += clause.constraints.length;
          } else {
            need.push({ bits: 1 << b, any: false });
            b++;
          }
        }
        keep = (m) => need.every((n) => (n.any ? (m & n.bits) !== 0 : (m & n.bits) === n.bits));
        if (U > 1 && !touched.some((d) => keep(mask[d]))) {
          keep = () => true;
          partialSet = true;
        }
      } else {
        // Common for this query: far less rare than its rarest word, or in a large share of all records.
        // A word no record has decides nothing (AEO in AEO认证 when no record says AEO).
        const found = units.filter((u) => u.ds.docs.length > 0);
        const maxIdf = Math.max(0, ...found.map((u) => u.idf));
        let informative = 0;
        units.forEach((u, b) => {
          if (u.ds.docs.length > 0 && u.idf >= this.options.commonIdfRatio * maxIdf && u.ds.docs.length <= N * this.options.commonShare) informative |= 1 << b;
        });
        let full = 0;
        for (const d of touched) if (mask[d] === all) full++;
        if (U === 1) keep = () => true;
        else if (full >= FILL_TO) keep = (m) => m === all;
        else {
          // Too few records have every word: fill with those holding a word that is not common for this query,
          // or failing that the rarest word.
          let bits = informative;
          if (!touched.some((d) => mask[d] === all || (mask[d] & bits) !== 0)) bits = 1 << Math.max(0, units.findIndex((u) => u.ds.docs.length > 0 && u.idf === maxIdf));
          keep = (m) => m === all || (m & bits) !== 0;
        }
      }
      const kept = new Int32Array(inOrder.length);
      let n = 0;
      for (let i = 0; i < inOrder.length; i++) if (keep(mask[inOrder[i]])) kept[n++] = inOrder[i];
      const docs = kept.subarray(0, n);
      const scores = new Float64Array(n);
      const missingMask = new Uint32Array(n);
      const missingIdf = new Float64Array(n);
      const titleKey = analysis.titleKey ? hash32(analysis.titleKey) : -1;
      // A change verb beside metric words (通关 时间 缩短): records whose outcome of that direction names them rank up.
      const dirs = units.map((u) => (u.constraints.length === 1 && !u.constraints[0].phrase ? SearchEngine.directionOf(u.text) : undefined));
      const metricUnits = units.filter((_, b) => !dirs[b]);
      const metricIdf = metricUnits.reduce((x, u) => x + u.idf, 0);
      const dir = this.options.outcomeMetric > 0 && metricIdf > 0 ? dirs.find((x) => x) : undefined;
      let partial = false;
      for (let i = 0; i < n; i++) {
        const d = docs[i];
        const m = mask[d];
        const missing = all & ~m;
        missingMask[i] = missing;
        let matched = U;
        if (missing) {
          partial = true;
          for (let b = 0; b < U; b++) {
            if (missing & (1 << b)) {
              missingIdf[i] += units[b].idf;
              matched--;
            }
          }
        }
        let s = acc[d];
        // A partial match's score shows it: scaled by the share of words it has (its rank comes from its tier).
        if (matched < U) s *= (matched / U) ** this.options.coveragePower;
        if (dir) {
          let best = 0;
          for (const o of this.records[d].outcomes ?? []) {
            if (o.direction !== dir || !o.metric) continue;
            const metric = this.analyzer.normalizer.plain(o.metric);
            let have = 0;
            for (const u of metricUnits) if (u.constraints[0].alternatives.some((a) => metric.includes(a.text))) have += u.idf;
            best = Math.max(best, have / metricIdf);
          }
          s += this.options.outcomeMetric * best;
        }
        if (titleKey >= 0 && this.postings.data.titleKeys[d] === titleKey && keyOf(this.analyzer.normalizer.plain(this.records[d].title)) === analysis.titleKey) {
          s += this.options.bonus.exactTitle;
        }
        scores[i] = s;
      }
      return new SearchResult(this, analysis, units, docs, scores, missingMask, missingIdf, strategy, partial || partialSet);
    } finally {
      for (const d of touched) {
        mask[d] = 0;
        acc[d] = 0;
      }
    }
  }

  /** Positions of a string in one field of one record, as {start, length}. */
  private positions(doc: number, f: number, text: string): { start: number; length: number }[] {
    const occ = this.matcher.needle(text);
    const [s, e] = slotRange(occ, doc * this.stats.fieldCount + f);
    const out: { start: number; length: number }[] = [];
    for (let x = s; x < e; x++) out.push({ start: occ.pos[x], length: text.length });
    return out;
  }

  /** Every word in the title, words close together, a clause found verbatim: from positions, for the top window only. */
  bonus(doc: number, analysis: QueryAnalysis, units: Unit[], matched: number): number {
    const o = this.options;
    const constraints = units.flatMap((u) => u.constraints);
    const title = this.fieldIndex.get('title')!;
    let score = 0;
    if (units.length > 1 && matched === units.length) {
      if (constraints.every((c) => c.alternatives.some((a) => !a.near && this.positions(doc, title, a.text).length))) score += o.bonus.titleHasAll;
    }
    if (matched >= 2) {
      let best = 0;
      for (const name of o.proximityFields) {
        const f = this.fieldIndex.get(name)!;
        const lists = constraints.map((c) => c.alternatives.filter((a) => !a.near).flatMap((a) => this.positions(doc, f, a.text)));
        const present = lists.filter((l) => l.length > 0);
        if (present.length < 2) continue;
        const window = minimalWindow(present);
        const span = present.reduce((s, l) => s + l[0].length, 0);
        if (window > o.proximityWindow + span) continue;
        const closeness = 1 - Math.max(0, window - span) / (o.proximityWindow + 1);
        best = Math.max(best, closeness * (present.length / constraints.length) * o.fieldWeights[name]);
      }
      score += o.bonus.proximity * best;
    }
    for (const clause of analysis.groups.flat()) {
      if (clause.constraints.length < 2) continue;
      const verbatim = clause.text.replace(/\s+/g, '');
      const occ = this.matcher.needle(verbatim);
      for (const name of SEARCH_FIELDS) {
        const f = this.fieldIndex.get(name)!;
        const [s, e] = slotRange(occ, doc * this.stats.fieldCount + f);
        if (e > s) {
          score += o.bonus.verbatim * o.fieldWeights[name];
          break;
        }
      }
    }
    return score;
  }

  /** Build a hit (record, score, highlights) for one ranked entry. */
  hit(entry: RankedEntry, analysis: QueryAnalysis): Hit {
    return {
      record: this.records[entry.index],
      score: Math.round(entry.score * 1000) / 1000,
      matched: entry.matched,
      missing: entry.missing,
      highlight: this.highlighter.highlight(entry.index, analysis),
    };
  }
}
