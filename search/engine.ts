/**
 * The search engine over a loaded snapshot: query analysis (analyzer.ts, widened where words are rare: widening.ts) →
 * each word's scored records from the positional index (word-match.ts over match.ts and postings.ts; loose-match.ts,
 * every-word.ts, exclusions.ts) → combining the words under a matching strategy (here, with partial-fill.ts,
 * outcome-facts.ts and exact-title.ts) → an ordered result whose top is re-scored with position bonuses (result.ts,
 * bonus.ts). This module opens the snapshot's index sections, makes those parts once, holds the caches and per-record
 * scratch, and combines. Highlights (snippet.ts) and facets (facets.ts) are computed only for what is shown.
 * docs/design.md explains the choices.
 */
import type { ReformRecord } from '../indexer/schema.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { NEAR_GAP, QueryAnalyzer, type Constraint, type QueryAnalysis } from './analyzer.js';
import { FacetIndex } from './facets.js';
import type { SearchField } from './fields.js';
import { Lru } from '../analysis/lru.js';
import { Matcher, gallop } from './match.js';
import { engineOptions, type EngineOptions } from './options.js';
import { Postings, hash32, isIndexData, type IndexData } from './postings.js';
import type { EngineIndex } from '../indexer/engine-index.js';
import { isWordIndex } from '../indexer/word-postings.js';
import { isNearIndex } from '../indexer/near-postings.js';
import { isLooseIndex } from '../indexer/loose-postings.js';
import { StoredExpansions } from './loose.js';
import { isRecordBits } from '../indexer/record-bits.js';
import { isDocSkips } from '../indexer/doc-skips.js';
import { isWordSkips, wordsAsIndex } from '../indexer/word-skips.js';
import { DocSkipIndex, recordCount } from './doc-skips.js';
import { RecordMaps, RecordSet, hasRecord, mapOf } from './record-bits.js';
import { ON_HEAP_BYTES, head } from './slab.js';
import { BlockTop, KeptScores, NO_DOCS, idf, scoreAt, union, worthBounding, type DocScores, type FieldStats } from './score.js';
import { Highlighter } from './snippet.js';
import { recordStoreOf } from '../snapshot/records.js';
import { ReformPage, reformsOf } from './reforms.js';
import { asksQuestion } from '../analysis/ask.js';
import { asksForQualifier, directionOf, markQualifiers, markQuestionAims, MAX_PARTS_WORDS, type Unit } from './query-words.js';
import { SearchResult, type MatchingStrategy, type RankedEntry } from './result.js';
import { PositionBonus } from './bonus.js';
import { OutcomeFacts } from './outcome-facts.js';
import { LooseMatch } from './loose-match.js';
import { EveryWordMatch, EveryWordScores } from './every-word.js';
import { Exclusions } from './exclusions.js';
import { ExactTitles } from './exact-title.js';
import { QueryWidening, withoutKinds } from './widening.js';
import { WordMatch } from './word-match.js';
import { FILL_TO, PartialFill, type InformativeTest } from './partial-fill.js';
import { increasing } from './record-lists.js';

export { occurrences, nearOccurrences } from './snippet.js';
export { minimalWindow } from './score.js';
export { SearchResult, type MatchingStrategy, type RankedEntry } from './result.js';

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

/** The result, told which records the query's exclusions removed (the service keeps them out of a hit's copies). */
function withExcluded(result: SearchResult, excluded: RecordSet): SearchResult {
  if (excluded.size) result.excluded = excluded;
  return result;
}

/** Marks a record found only through the parts of a one-word query (it lacks the word itself). */
const PARTS_BIT = 0x80000000;
/** Marks a record of a keyword list that holds most of a compound's parts (it is kept as a partial match). */
const CREDIT_BIT = 0x40000000;

/** The index's block bounds were computed with the scoring these options use (any other scoring ignores them). */
function boundsHold(index: IndexData, options: EngineOptions): boolean {
  const s = index.boundScoring;
  if (!s || !index.blockBounds || s.k1 !== options.bm25.k1 || s.b !== options.bm25.b) return false;
  return index.fields.every((f) => (s.fieldWeights[f] ?? 0) === (options.fieldWeights[f as SearchField] ?? 0));
}

export class SearchEngine {
  readonly records: ReformRecord[];
  /** The loaded snapshot's record store behind `records` (undefined for plain records): looked up once, not per record. */
  private readonly store: ReturnType<typeof recordStoreOf>;
  readonly analyzer: QueryAnalyzer;
  readonly body: SnapshotBody;
  readonly options: EngineOptions;
  readonly facets: FacetIndex;
  private readonly postings: Postings;
  private readonly matcher: Matcher;
  /** Stored words' postings, read like terms (undefined: every word is matched from bigrams). */
  private readonly words?: Postings;
  /** Stored split compounds' postings (absent: every split is matched from the index). */
  private readonly nears?: Postings;
  /** Loose expansions matched by their words (loose-match.ts). */
  private readonly looseMatch: LooseMatch;
  /** The records holding every word (every-word.ts). */
  private readonly everyWord: EveryWordMatch;
  private readonly highlighter: Highlighter;
  /** Position bonuses of a ranking's top window (bonus.ts), read by SearchResult.select. */
  readonly positions: PositionBonus;
  private readonly stats: FieldStats;
  private readonly fieldIndex = new Map<SearchField, number>();
  private readonly analyses: Lru<string, QueryAnalysis>;
  private readonly constraintCache: Lru<string, DocScores>;
  /** Each loose expansion's rule as its match decided it (looseDocs), read again to highlight its hits. */
  private readonly looseRules: Lru<string, { rare: string[]; need: number } | null>;
  private readonly results: Lru<string, SearchResult>;
  /** Scratch per record, reset after each search (searches run one at a time). */
  private readonly mask: Uint32Array;
  private readonly acc: Float64Array;
  /**
   * Per record, the words it lacks but holds evidence of (bit b: most of word b's parts, its characters together, or
   * an informative broader term: what keeps it as a partial match, CREDIT_BIT): made on first use, reset with mask.
   */
  private evidence?: Uint32Array;
  /** A result's missing words and their idf where no record misses one (a one-word result): zeros, made on first use. */
  private noneMissing?: { mask: Uint32Array; idf: Float64Array };
  /**
   * The records the running search's exclusions remove, one bit per record (hasRecord); a map of none between
   * searches (searches run one at a time).
   */
  private excluded: Int32Array;
  private readonly noneExcluded: Int32Array;
  /** Partial matches through a compound's parts or a broader term (partial-fill.ts). */
  private readonly fill: PartialFill;
  /** Each constraint's scored records (word-match.ts). */
  private readonly wordMatch: WordMatch;
  /** Broader and narrower terms kept where a word is rarely printed (widening.ts). */
  private readonly widening: QueryWidening;
  /** Titles typed in full (exact-title.ts). */
  private readonly titles: ExactTitles;
  /** The records a query's exclusions remove (exclusions.ts). */
  private readonly exclusions: Exclusions;
  /** A question's figure, change verbs and outcome fit from records' outcome facts (outcome-facts.ts). */
  private readonly outcomes: OutcomeFacts;
  /** Scratch per record: the records a compound's parts bring (partsFill) and loose expansions' rare words held (LooseMatch.looseDocs); zero between uses. */
  private readonly count: Uint8Array;
  /** Rankings answered from block bounds (BlockTop), and the records they scored: read by tests through `boundStats`. */
  private boundRankings = 0;
  private boundScored = 0;
  /** Filtered one-word rankings that scored the few records kept instead of reading blocks (SearchResult.keptTop). */
  private keptRankings = 0;

  /** SearchResult.keptTop counts itself here (read by tests through `boundStats`). */
  noteKeptRanking(): void {
    this.keptRankings++;
  }

  constructor(body: SnapshotBody, options: Partial<EngineOptions> = {}) {
    this.body = body;
    this.options = engineOptions(options);
    this.records = body.records;
    this.store = recordStoreOf(body.records);
    const index = body.index as EngineIndex;
    if (!index || !isIndexData(index.postings) || index.postings.records !== body.records.length || !index.facets) {
      throw new Error('snapshot index is missing or not a positional index of these records (rebuild the snapshot)');
    }
    this.analyzer = new QueryAnalyzer(
      { ...body.analysis, synonyms: body.dictionary.synonyms, narrower: body.dictionary.narrower, stopwords: body.dictionary.stopwords },
      (a, b) => this.cooccurrence(a, b),
      // Whether a lone character's join is printed needs no record set: the needle's slot count says it.
      (t) => this.matcher.needle(t).slots.length > 0,
    );
    // Costly words' own postings (indexer/word-postings.ts): a damaged table refuses the snapshot, never half-read.
    if (index.words !== undefined && !isWordIndex(index.words, index.postings)) throw new Error('snapshot stored words do not fit its index (rebuild the snapshot)');
    // One budget of decoded positions for both readers: the stored words take a quarter (each is a few common bigrams'
    // intersection, so fewer positions than the bigrams it spares), the terms the rest.
    // Stored split compounds likewise (indexer/near-postings.ts), used only when found with this engine's gap; an
    // eighth of the budget, taken from the terms' share.
    if (index.nears !== undefined && !isNearIndex(index.nears, index.postings)) throw new Error('snapshot stored split compounds do not fit its index (rebuild the snapshot)');
    const nears = index.nears?.gap === NEAR_GAP ? index.nears : undefined;
    const budget = this.options.cache.postingsPositions;
    const wordBudget = index.words ? Math.floor(budget / 4) : 0;
    const nearBudget = nears ? Math.floor(budget / 8) : 0;
    const termBudget = budget - wordBudget - nearBudget;
    this.postings = this.options.postings?.(index.postings, termBudget) ?? new Postings(index.postings, termBudget);
    this.words = index.words ? new Postings({ ...index.postings, ...index.words }, wordBudget) : undefined;
    // Block starts of common terms (indexer/doc-skips.ts): damaged ones refuse the snapshot; absent ones (small corpora,
    // older snapshots) leave every word decoded whole.
    if (index.skips !== undefined && !isDocSkips(index.skips, index.postings)) throw new Error('snapshot block starts do not fit its index (rebuild the snapshot)');
    const skips = index.skips ? new DocSkipIndex(index.skips, index.postings) : undefined;
    this.nears = nears ? new Postings({ ...index.postings, ...nears }, nearBudget) : undefined;
    // Block starts of common stored words (indexer/word-skips.ts), likewise: damaged ones refuse the snapshot.
    if (index.wordSkips !== undefined && !isWordSkips(index.wordSkips, index.postings, index.words)) throw new Error('snapshot stored words\' block starts do not fit its stored words (rebuild the snapshot)');
    const wordSkips = index.wordSkips && index.words ? new DocSkipIndex(index.wordSkips, wordsAsIndex(index.postings, index.words)) : undefined;
    this.matcher = new Matcher(this.postings, this.options.cache.matches, NEAR_GAP, this.words, skips, this.nears, wordSkips);
    this.facets = new FacetIndex(index.facets, index.counts);
    // Damaged maps refuse the snapshot, never half-read; absent ones leave exclusions to decode record lists.
    if (index.bits !== undefined && !isRecordBits(index.bits, index.postings)) throw new Error('snapshot record maps do not fit its index (rebuild the snapshot)');
    const maps = index.bits ? new RecordMaps(index.bits, (t) => this.postings.termId(t)) : undefined;
    if (index.loose !== undefined && !isLooseIndex(index.loose, this.records.length, index.postings.fields.length)) throw new Error('snapshot stored loose expansions do not fit its index (rebuild the snapshot)');
    const loose = index.loose ? new StoredExpansions(index.loose) : undefined;
    index.postings.fields.forEach((f, i) => this.fieldIndex.set(f as SearchField, i));
    this.stats = {
      fieldCount: index.postings.fields.length,
      records: this.records.length,
      fieldLengths: index.postings.fieldLengths,
      avgLengths: index.postings.avgLengths,
      weights: Float64Array.from(index.postings.fields, (f) => this.options.fieldWeights[f as SearchField] ?? 0),
      bounded: boundsHold(index.postings, this.options),
    };
    this.positions = new PositionBonus(this.matcher, this.stats, this.fieldIndex, this.options);
    this.highlighter = new Highlighter(this.records, this.analyzer.normalizer, this.options.cache.normalizedRecords, this.options.snippetFields, (words, fields) => this.looseMatch.looseWords(words, fields));
    this.analyses = new Lru(this.options.cache.analyses);
    this.constraintCache = new Lru(this.options.cache.matches);
    this.looseRules = new Lru(this.options.cache.matches);
    this.results = new Lru(this.options.cache.results);
    this.mask = new Uint32Array(this.records.length);
    this.acc = new Float64Array(this.records.length);
    this.noneExcluded = mapOf([], this.records.length);
    this.excluded = this.noneExcluded;
    this.everyWord = new EveryWordMatch(this.options, this.noneExcluded);
    this.outcomes = new OutcomeFacts(this.records, this.store, this.analyzer, this.options);
    this.count = new Uint8Array(this.records.length);
    this.looseMatch = new LooseMatch(this.records, this.matcher, this.stats, this.options, loose, this.looseRules, this.count, (fields) => this.fieldIds(fields));
    this.fill = new PartialFill(this.records, this.matcher, this.stats, this.options, this.count, (fields) => this.fieldIds(fields), () => this.reforms);
    this.wordMatch = new WordMatch(this.matcher, this.stats, this.options, this.constraintCache, this.looseMatch, (fields) => this.fieldIds(fields));
    this.widening = new QueryWidening(this.options, this.matcher, this.analyzer, (c) => this.wordMatch.constraintDocs(c), (docs) => this.fillsPage(docs));
    this.titles = new ExactTitles(this.records, this.postings, this.analyzer);
    this.exclusions = new Exclusions(this.records, this.stats, this.matcher, this.postings, maps, this.looseMatch, (fields) => this.fieldIds(fields));
  }

  /** In how many records each of two strings occurs, and both (query analysis checks a long form's short form with it). */
  private cooccurrence(a: string, b: string): { a: number; b: number; both: number; records: number } {
    const F = this.stats.fieldCount;
    const docsOf = (t: string) => {
      const o = this.matcher.needle(t);
      const out = new Set<number>();
      for (let i = 0; i < o.slots.length; i++) out.add((o.slots[i] / F) | 0);
      return out;
    };
    const A = docsOf(a);
    const B = docsOf(b);
    let both = 0;
    for (const d of A) if (B.has(d)) both++;
    return { a: A.size, b: B.size, both, records: this.records.length };
  }

  private reformOf?: Int32Array;

  /**
   * Every record's reform (search/reforms.ts reformsOf), grouped once on first use: the service groups its hits by
   * the same array, so loading groups the records once.
   */
  get reforms(): Int32Array {
    return (this.reformOf ??= reformsOf(this.records));
  }

  /**
   * Whether records (in any order) make a page of reforms: FILL_TO distinct reforms, since the service shows one hit per
   * reform (its copies in other documents fold under it). Counting records instead left short pages unfilled: ten
   * records that are five reforms printed twice showed five hits and no partial match after them. Stops at the
   * FILL_TO-th reform, so a common word's list costs a few reads. With `holds`, only the records it accepts count
   * (read while scanning, so no list of them is gathered first).
   */
  private fillsPage(docs: ArrayLike<number>, holds?: (d: number) => boolean): boolean {
    if (docs.length < FILL_TO) return false;
    const page = new ReformPage(this.reforms, FILL_TO);
    for (let i = 0; i < docs.length; i++) {
      if (holds && !holds(docs[i])) continue;
      if (page.add(docs[i])) return true;
    }
    return false;
  }

  /**
   * A list of keywords: no clause typed as a sentence (`natural`) or asking a question (asksQuestion on the text as
   * typed: a question's frame is cut from the words searched, so 船舶登记有哪些方式 leaves two words and is not
   * `natural`), and no word that asks for a figure or qualifies (asksForQualifier, as describesIdea reads them).
   */
  keywordList(analysis: QueryAnalysis, units: readonly Unit[]): boolean {
    const clauses = analysis.groups.flat();
    return !clauses.some((c) => c.natural || asksQuestion(c.plain)) && !asksForQualifier(units);
  }

  /**
   * Whether a query describes an idea in the user's own words, so that its partial matches rank by score alone
   * (EngineOptions.descriptionsByScore): a clause typed as a sentence or a run of three or more words (`natural`),
   * no clause asking a question (asksQuestion on `AnalysedClause.plain`, the text as typed, normalised once: a question's frame is cut from the words
   * searched), no figure asked for, and no word of its own that is a change verb, a measure word or a superlative
   * (namesQualifier: read on the words, whatever qualifierCost says: 退税时间缩短 keeps its tiers at 1 too). A
   * paraphrase's words are not a checklist: the records say some of them otherwise (关门 for 注销, 人工 for 无人), so
   * lacking one is no sign of a weaker answer, while a long record can hold every word apart, none of them about the
   * idea. A question keeps its tiers (its topic words are what it asks about), and so does a change or figure query.
   */
  describesIdea(analysis: QueryAnalysis, units: readonly Unit[]): boolean {
    if (!this.options.descriptionsByScore || asksForQualifier(units)) return false;
    const clauses = analysis.groups.flat();
    return clauses.some((c) => c.natural) && !clauses.some((c) => asksQuestion(c.plain));
  }

  /** Query analysis, cached: a user paging or filtering repeats the same query. */
  analyse(query: string): QueryAnalysis {
    let a = this.analyses.get(query);
    if (!a) this.analyses.set(query, (a = this.widening.withKindsWhereFew(this.widening.withOutcomeHeads(this.analyzer.analyse(query)))));
    return a;
  }

  /** Forget cached postings, matches and analyses (benchmarks measure uncached queries with it). */
  clearCache(): void {
    this.analyses.clear();
    this.constraintCache.clear();
    this.looseRules.clear();
    this.results.clear();
    this.matcher.clearCache();
    this.postings.clearCache();
    this.words?.clearCache();
    this.nears?.clearCache();
    this.facets.clearCache();
  }

  /**
   * How many rankings since this engine was made were chosen from block bounds, and how many records those scored
   * (a test's evidence that the bounded path ran; clearCache does not reset it).
   */
  get boundStats(): { rankings: number; scored: number; kept: number } {
    return { rankings: this.boundRankings, scored: this.boundScored, kept: this.keptRankings };
  }

  /**
   * How many exclusions since this engine was made were answered from a stored record map (a test's evidence that
   * the map path ran; clearCache does not reset it).
   */
  get mapReads(): number {
    return this.exclusions.mapReadCount;
  }

  /**
   * How many records since this engine was made were asked of a common word by its blocks (allWords; a test's evidence
   * that the block path ran; clearCache does not reset it).
   */
  get blockAsks(): number {
    return this.everyWord.blockAskCount;
  }

  /** How many records two-word merges (bothOf) found since this engine was made: tests tell the merge ran by it. */
  get pairMerges(): number {
    return this.everyWord.pairMergeCount;
  }

  /** How many loose expansions were read from the stored section since this engine was made (tests tell it ran by it). */
  get looseStoredReads(): number {
    return this.looseMatch.looseStoredCount;
  }

  /** How many loose expansions' optional common words were read by blocks at the kept records (looseDocs): tests tell it ran by it. */
  get looseBlockReads(): number {
    return this.looseMatch.looseBlockAsks;
  }

  /** How many records' position bonuses were worked out (bonus) since this engine was made: tests tell reuse by it. */
  get bonusReads(): number {
    return this.positions.bonusReadCount;
  }

  /** How many fields' proximity the bound let go unread (bonus): tests tell the bound ran by it. */
  get proximitySkips(): number {
    return this.positions.proximitySkipCount;
  }

  /**
   * How many words kept with their narrower terms reused their own alternatives' match (constraintDocs) since this
   * engine was made: tests tell the reuse ran by it.
   */
  get ownReuses(): number {
    return this.wordMatch.ownReuseCount;
  }

  /** Distinct terms in the positional index. */
  get termCount(): number {
    return this.postings.termCount;
  }

  private fieldIds(fields?: readonly SearchField[]): number[] | undefined {
    return fields?.map((f) => this.fieldIndex.get(f)!).filter((i) => i !== undefined);
  }

  /** The query's words: each constraint of a plain clause, and each OR group as one word. */
  private units(analysis: QueryAnalysis): Unit[] {
    const N = this.records.length;
    const units: Unit[] = [];
    for (const group of analysis.groups) {
      if (group.length === 1) {
        for (const c of group[0].constraints) {
          const ds = this.outcomes.changeDocs(c, this.wordMatch.constraintDocs(c));
          units.push({ text: c.text, ds, idf: idf(N, recordCount(ds)), constraints: [c], ...this.ownIdf(c) });
        }
      } else {
        let ds = NO_DOCS;
        for (const clause of group) ds = union(ds, this.wordMatch.clauseDocs(clause), Math.max);
        units.push({ text: group.map((c) => c.typed).join(' OR '), ds, idf: idf(N, ds.docs.length), constraints: group.flatMap((c) => c.constraints) });
      }
    }
    this.outcomes.withMeasureFacts(units);
    const ask = this.outcomes.askUnit(analysis, units);
    if (ask) units.push(ask);
    markQualifiers(analysis, units, this.options);
    markQuestionAims(analysis, units, this.options);
    return units;
  }

  /** Unit.ownIdf of a constraint widened to narrower terms (its records without them are cached: analyse() counted them). */
  private ownIdf(c: Constraint): { ownIdf?: number } {
    if (!c.alternatives.some((a) => a.kind)) return {};
    return { ownIdf: idf(this.records.length, this.wordMatch.constraintDocs(withoutKinds(c)).docs.length) };
  }

  /** Rank records for a query. An empty query (or one with only exclusions) lists records in document order. */
  search(query: string, options: { matching?: MatchingStrategy } = {}): SearchResult {
    const strategy = options.matching ?? 'last';
    // A user paging or filtering repeats the query: its result set (records, scores, missing words) is kept.
    const key = `${strategy}\u0000${query}`;
    const cached = this.results.get(key);
    if (cached) return cached;
    const result = this.evaluate(query, strategy);
    // Counted by what it holds: the records and, for a query with exclusions, the excluded records' map (a bit per record).
    this.results.set(key, result, 1 + ((result.docs.length + result.excluded.bits.length) >> 10));
    return result;
  }

  private evaluate(query: string, strategy: MatchingStrategy): SearchResult {
    const analysis = this.analyse(query);
    const N = this.records.length;
    const marked = this.exclusions.excludedSet(analysis);
    const excluded = marked.size ? marked.bits : this.noneExcluded;
    this.excluded = excluded;
    try {
      const units = this.units(analysis);
      if (units.length === 0) {
        // Every record not excluded, written straight into its array; none for a query of filler alone (的).
        const docs = new Int32Array(analysis.filler ? 0 : N - marked.size);
        for (let i = 0, k = 0; i < N && k < docs.length; i++) if (!hasRecord(excluded, i)) docs[k++] = i;
        return new SearchResult(this, analysis, [], docs, new Float64Array(docs.length), new Uint32Array(docs.length), new Float64Array(docs.length), strategy, false);
      }
      return withExcluded(this.combine(analysis, units, strategy, marked.size > 0), marked);
    } finally {
      this.excluded = this.noneExcluded;
    }
  }

  /**
   * A word's records that are not excluded, scored through the word's own list when read: a filtered view scores only
   * the records it keeps, a whole ranking reads the word's scores in one pass, and a page ranks through the word's
   * blocks (KeptScores.blocks), scoring only the records they let in.
   */
  private notExcluded(ds: DocScores, any: boolean): DocScores {
    if (!any) return ds;
    // Read once: `ds` is one of several score-list classes, and its `docs` looked up per record cost more than the test.
    const docs = ds.docs;
    const from = new Int32Array(docs.length);
    let n = 0;
    const excluded = this.excluded;
    // Without a branch per record (which records an exclusion removes follows no pattern the CPU predicts): each
    // writes its index at the next free entry, and only a kept one (its bit clear, as hasRecord reads it) moves past it.
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i];
      from[n] = i;
      n += ((excluded[d >>> 5] >>> d) & 1) ^ 1;
    }
    return new KeptScores(ds, from.slice(0, n));
  }

  /**
   * A one-word result's block ranking (its best k by base score, with the title bonus, from the word's block
   * bounds): records whose title is the query are scored first (the bound does not include their bonus), then the
   * blocks in order of bound until none can enter. Its `top` is undefined when the word has no bounds (few records, an old snapshot, other
   * scoring) or the window is a large share of its records.
   */
  private singleTop(single: DocScores, keep: Uint8Array | undefined, titleKey: number, titled: (i: number) => boolean, at: (i: number) => number): BlockTop {
    const forced: number[] = [];
    if (titleKey >= 0) {
      // The records titled with the query's key, found in the title index, not by reading every matched record's key.
      for (const d of this.titles.recordsTitled(titleKey)) {
        const i = gallop(single.docs, d, 0);
        if (single.docs[i] === d && titled(i)) forced.push(i);
      }
    }
    return new BlockTop(single, at, forced, keep ? (i) => keep[i] !== 0 : undefined);
  }

  /** The best k from block bounds (undefined: none to use), counted in boundStats. */
  private rankedTop(ranking: BlockTop, k: number) {
    const top = ranking.top(k);
    if (top) {
      this.boundRankings++;
      this.boundScored += top.scored;
    }
    return top;
  }

  /**
   * How far to rank when k are asked for, unfiltered: a window of max(k, rerankWindow) is selected and re-ranked
   * anyway (SearchResult.select), so all of it is kept (the service reads a ranking in doubling prefixes, 20 then 40;
   * a longer one resumes the kept BlockTop). Ranking max(k, rerankWindow) selects the same window and gives the same
   * records the same bonuses as ranking k, so its first k are the ranking of k: this changes no answer, only work.
   */
  prefixReach(k: number): number {
    return Math.max(k, this.options.rerankWindow);
  }

  /**
   * Every word's records combined under the strategy: which records are results, with what base score. `anyExcluded`:
   * whether the exclusions remove a record (a `-word` matching nothing leaves the lists as they are).
   */
  private combine(analysis: QueryAnalysis, units: Unit[], strategy: MatchingStrategy, anyExcluded: boolean): SearchResult {
    const N = this.records.length;
    const U = units.length;
    const all = U >= 32 ? 0xffffffff : (1 << U) - 1;
    const { mask, acc, excluded } = this;
    const evidence = (this.evidence ??= new Uint32Array(N));
    // Which words are informative for this query: the same test for the query's words and for broader terms, made once.
    let informativeOnce: InformativeTest | undefined;
    const informative = () => (informativeOnce ??= this.informativeTest(analysis, units));
    // Under `last`, when the records with every word make at least a page of reforms, those are the result: found by
    // walking the rarest word's records and galloping through the others', never visiting the records of a common
    // word that lack the rare one. Otherwise (or under `all`) every word's records are merged.
    const every = strategy === 'last' && U > 1 && U < 32 ? this.everyWord.allWords(units, this.excluded) : undefined;
    if (every && this.fillsPage(every.docs)) return this.everyWordResult(analysis, units, strategy, every);
    const touched: number[] = [];
    // One word whose records make at least a page of reforms: its record list and scores are the result, already in
    // index order (no parts fill, no marks, no list of touched records, no pass over the corpus); less the excluded
    // records, and those are never scored.
    // One word, or one word and the figure it asks about (一业一证效果如何: the ask is read from the records of the
    // query's words, so it brings none in): its parts bring records in as a one-word query's do (below).
    const lone = U === 1 || (U === 2 && units[1].ask === true);
    // Whether the one word's records make a page of reforms: asked once, for the single-word result and the parts fill.
    const lonePaged = lone && this.fillsPage(units[0].ds.docs);
    const single = U === 1 && lonePaged ? this.notExcluded(units[0].ds, anyExcluded) : undefined;
    if (single) {
      // Nothing to mark: every record of the list has the one word.
    } else {
      // A description of four or more words: each word counts at most descriptionWordCap × its idf
      // (EngineOptions.descriptionWordCap), so a common word printed in a title does not outweigh a rare one held in text.
      const capped = this.options.descriptionWordCap > 0 && U >= this.options.descriptionCapMinWords && strategy === 'last' && this.describesIdea(analysis, units);
      for (let b = 0; b < U; b++) {
        const { docs, scores } = units[b].ds;
        const cap = capped ? this.options.descriptionWordCap * units[b].idf : Infinity;
        for (let i = 0; i < docs.length; i++) {
          const d = docs[i];
          if (hasRecord(excluded, d)) continue;
          if (mask[d] === 0) touched.push(d);
          mask[d] |= 1 << b;
          acc[d] += scores[i] < cap ? scores[i] : cap;
        }
      }
    }
    // Less than a page has every word: the words a compound of the query is made of (汽车, 出口 of 汽车出口) count
    // for the records lacking it, which still list it as missing. In a one-word query they bring records in; with
    // several words they only add to the score of records holding another word, so the total still counts records
    // with a word that answers (如何办理出口退税: records with 出口退税, never those with only 退税; 人民防空 审批:
    // never 中国人民银行 through 人民). In a keyword list, one exception below (CREDIT_BIT): a record holding another
    // word and most of the compound's parts, by idf, is kept as a partial match of its own. Tried on the development
    // half: keeping records that share any one part gained 0.003 overall, all of it through records sharing a single
    // part (确认 of 确认制), so a lesser part alone never keeps one.
    const sentence = analysis.groups.some((g) => g.some((c) => c.natural));
    // Each compound's parts are matched anew: bounded to short queries, so a pasted paragraph costs what it did. A
    // description typed as a sentence reaches its broader terms up to broaderSentenceWords (broaderUsable pruned them
    // beyond): only its parts stop at MAX_PARTS_WORDS.
    if (strategy === 'last' && (lone ? !lonePaged : U <= this.widening.broaderWords(sentence))) {
      for (let b = 0; b < U && (lone || U <= MAX_PARTS_WORDS); b++) {
        const u = units[b];
        if (lone ? b !== 0 : u.ask || u.constraints.length !== 1) continue;
        const fill = this.fill.partsFill(u.constraints[0], lone);
        for (let i = 0; i < fill.docs.length; i++) {
          const d = fill.docs[i];
          if (hasRecord(excluded, d) || (mask[d] & (1 << b)) !== 0) continue;
          if (lone) {
            if (mask[d] === 0) touched.push(d);
            mask[d] |= PARTS_BIT;
          } else if ((mask[d] & all) === 0) continue;
          // A list of keywords (水产品 出口): a record holding another word and most of the compound's parts, by
          // idf, is a partial match of its own (鲜活水生动物出口 … 产品), after every record holding the compound;
          // one sharing only a lesser part never is (人民 of 人民防空: 中国人民银行).
          else if (!sentence && fill.shares![i] >= 0.5) {
            mask[d] |= CREDIT_BIT;
            evidence[d] |= 1 << b;
          }
          acc[d] += fill.scores[i];
        }
      }
      // A broader term of a word a record lacks (进口矿产品 for 铁矿进口, 汽车出口 for 二手车怎么出口) is more than a
      // compound's part: the record is about a class the word is a kind of. Held with another word of the query it
      // makes a partial match of its own, after every record with the word, in a sentence too (an is-a line, unlike a
      // part, never brings in 退税 for 出口退税). Never in a one-word query: a record about minerals in general does
      // not answer 铁矿 alone.
      if (!lone) {
        for (let b = 0; b < U; b++) {
          const u = units[b];
          // A word printed on a page of reforms or more has no broader terms left (withKindsWhereFew): its own records
          // fill the page, and its broader terms (融资 for 贷款) would cost a look-up each.
          if (u.ask || u.constraints.length !== 1 || !u.constraints[0].broader) continue;
          const fill = this.fill.broaderFill(u.constraints[0], informative());
          for (let i = 0; i < fill.docs.length; i++) {
            const d = fill.docs[i];
            if (hasRecord(excluded, d) || (mask[d] & (1 << b)) !== 0 || (mask[d] & all) === 0) continue;
            if (fill.brings[i]) {
              mask[d] |= CREDIT_BIT;
              evidence[d] |= 1 << b;
            }
            acc[d] += fill.scores[i];
          }
        }
      }
    }
    // Records in index order: a scan of the marks when many records matched, a numeric sort when few did.
    let inOrder: ArrayLike<number>;
    if (single) inOrder = single.docs;
    else inOrder = increasing(touched, mask, this.records.length);
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
            let informativeBits = 0;
            clause.constraints.forEach((c, k) => {
              bits |= 1 << (b + k);
              if (units[b + k].ds.docs.length <= N * this.options.commonShare) informativeBits |= 1 << (b + k);
            });
            need.push(clause.natural ? { bits: informativeBits || bits, any: true } : { bits, any: false });
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
        const isInformative = informative();
        // A field clause (region:湖南, title:确认制) is a filter, as region= is: every kept record holds it, under any
        // strategy; only the plain words may be missing. A field clause cut into several words (title:进口食品怎么快速通关)
        // is held by a record holding one of them in the field: within the clause the default matching still ranks.
        const fieldClauses: number[] = [];
        for (let g = 0, b = 0; g < analysis.groups.length; g++) {
          const group = analysis.groups[g];
          const width = group.length === 1 ? group[0].constraints.length : 1;
          if (group.length === 1 && width > 0 && group[0].constraints.every((c) => c.fields)) fieldClauses.push(((1 << width) - 1) << b);
          b += width;
        }
        // With a plain word typed beside them, the field clauses are the filter and never the evidence: a record
        // holding only region:湖南 is no partial match of region:湖南 由75个工作日压缩至25个工作日 (that would turn the
        // filter into "every record in the field"). Their bits are left out of what keeps a record below.
        const fieldMask = fieldClauses.reduce((a, bits) => a | bits, 0);
        // A figure asked for is no word typed beside them (title:留抵退税 多少钱): the field clauses stay the evidence and
        // the ask only ranks, as it does beside plain words.
        const askMask = units.reduce((a, u, b) => (u.ask ? a | (1 << b) : a), 0);
        const plainBits = (fieldMask | askMask) === all ? all : all & ~fieldMask;
        let informativeBits = 0;
        units.forEach((u, b) => {
          if (isInformative(u.ds.docs.length, u.ownIdf ?? u.idf)) informativeBits |= 1 << b;
        });
        if (U === 1) keep = (m) => (m & (all | PARTS_BIT)) !== 0;
        else if (this.fillsPage(touched, (d) => (mask[d] & all) === all)) keep = (m) => (m & all) === all;
        else {
          // Too few records have every word: fill with those holding a word that is not common for this query,
          // or failing that the rarest word.
          let bits = informativeBits & plainBits;
          if (!touched.some((d) => (mask[d] & all) === all || (mask[d] & bits) !== 0)) {
            const held = (u: Unit, b: number) => u.ds.docs.length > 0 && (plainBits & (1 << b)) !== 0;
            const rarest = Math.max(...units.map((u, b) => (held(u, b) ? u.idf : -1)));
            const at = units.findIndex((u, b) => held(u, b) && u.idf === rarest);
            bits = at < 0 ? 0 : 1 << at;
          }
          keep = (m) => (m & all) === all || (m & (bits | CREDIT_BIT | (lone ? PARTS_BIT : 0))) !== 0;
          // A change verb, measure word or figure asked for (Unit.qualifier, ask) says what about the topic is wanted:
          // when no record holds any topic word (由75个工作日压缩至25个工作日: no record states either figure), a record
          // holding only 压缩 answers nothing. Only evidence of a topic word (its parts, a broader term) keeps one.
          let topicTyped = false;
          let topicFound = false;
          for (let b = 0; b < U; b++) {
            // A field clause is the filter, not the topic: region:湖南 cannot stand for the figures typed beside it.
            if (units[b].qualifier || units[b].ask || (plainBits & (1 << b)) === 0) continue;
            topicTyped = true;
            if (units[b].ds.docs.length) topicFound = true;
          }
          if (topicTyped && !topicFound) keep = (m) => (m & all) === all || (m & (CREDIT_BIT | (lone ? PARTS_BIT : 0))) !== 0;
        }
        if (fieldClauses.length && U > 1) {
          const loose = keep;
          keep = (m) => fieldClauses.every((bits) => (m & bits) !== 0) && loose(m);
        }
      }
      let docs: Int32Array;
      if (single) docs = single.docs;
      else {
        const kept = new Int32Array(inOrder.length);
        let k = 0;
        for (let i = 0; i < inOrder.length; i++) if (keep(mask[inOrder[i]])) kept[k++] = inOrder[i];
        docs = head(kept, k);
      }
      const n = docs.length;
      const titleKey = analysis.titleKey ? hash32(analysis.titleKey) : -1;
      const { dir, finish } = this.beyondWords(analysis, units);
      let partial = false;
      if (single && !dir) {
        // No record misses a word: views of one zeroed pair kept by the engine, not two arrays of a common word's
        // tens of thousands of records allocated and zeroed per query (nothing writes them).
        const none = (this.noneMissing ??= { mask: new Uint32Array(this.mask.length), idf: new Float64Array(this.mask.length) });
        const missingMask = none.mask.subarray(0, n);
        const missingIdf = none.idf.subarray(0, n);
        // One word (every record has it, none is partial): its scores, plus the bonus where the title is the query.
        // Scored when read: a filtered view (a region) scores only the records it keeps.
        const bonus = this.options.bonus.exactTitle;
        const exact = this.titles.exactTitle(analysis);
        const titled = (i: number) => exact !== undefined && exact(docs[i]);
        const all = () => {
          const out = single.scores.slice();
          if (titleKey >= 0) for (let i = 0; i < n; i++) if (titled(i)) out[i] += bonus;
          return out;
        };
        const at = (i: number) => scoreAt(single, i) + (titled(i) ? bonus : 0);
        // The unfiltered ranking is kept and resumed when a longer prefix is asked for; a filtered view ranks anew.
        let whole: BlockTop | undefined;
        const top = (k: number, keep?: Uint8Array) => {
          if (!worthBounding(k, single.docs.length)) return undefined;
          return this.rankedTop(keep ? this.singleTop(single, keep, titleKey, titled, at) : (whole ??= this.singleTop(single, undefined, titleKey, titled, at)), k);
        };
        return new SearchResult(this, analysis, units, docs, { all, at, top }, missingMask, missingIdf, strategy, false);
      }
      // The result's three columns in one buffer: one off-heap buffer for a scavenge to sweep instead of three
      // (search/slab.ts); they are the result set's and die with it.
      // (Apart while small enough for V8's heap, where they need no sweeping.)
      const columns = 8 * n > ON_HEAP_BYTES ? new ArrayBuffer(20 * n) : undefined;
      const missingIdf = columns ? new Float64Array(columns, 0, n) : new Float64Array(n);
      const scores = columns ? new Float64Array(columns, 8 * n, n) : new Float64Array(n);
      const missingMask = columns ? new Uint32Array(columns, 16 * n, n) : new Uint32Array(n);
      const decay = this.options.missingIdfDecay > 0 && strategy === 'last' && this.keywordList(analysis, units) ? this.options.missingIdfDecay : 0;
      for (let i = 0; i < n; i++) {
        const d = docs[i];
        const m = single ? all : mask[d];
        const missing = all & ~m;
        missingMask[i] = missing;
        let matched = U;
        if (missing) {
          partial = true;
          // In a keyword list, lacking a word the record holds evidence of (its parts, its characters together, a
          // broader term: EngineOptions.evidenceCost) costs that share of its idf in the decay: 船舶安检's 船舶安全检查
          // record before records that only print 船舶.
          const held = decay && !single ? evidence[d] : 0;
          for (let b = 0; b < U; b++) {
            if (missing & (1 << b)) {
              missingIdf[i] += held & (1 << b) ? this.options.evidenceCost * units[b].idf : units[b].idf;
              matched--;
            }
          }
        }
        let s = single ? scoreAt(single, i) : acc[d];
        // A partial match's score shows it: scaled by the share of the words it has (its rank comes from its tier).
        // A record found through a word's parts is already scaled by the share of parts it holds.
        if (matched < U && !(m & PARTS_BIT)) s *= (matched / U) ** this.options.coveragePower;
        // A keyword list: lacking a word costs about the share of records that print it (EngineOptions.missingIdfDecay).
        if (decay && missingIdf[i] > 0) s *= Math.exp(-decay * missingIdf[i]);
        scores[i] = finish(s, d);
      }
      return new SearchResult(this, analysis, units, docs, scores, missingMask, missingIdf, strategy, partial || partialSet);
    } finally {
      for (const d of touched) {
        mask[d] = 0;
        acc[d] = 0;
        evidence[d] = 0;
      }
    }
  }

  /**
   * Common for this query: a word whose idf is below this, far less rare than the query's rarest word (or, as
   * checked beside it, in a large share of all records). A word no record has decides nothing (宇宙 in 元宇宙 区块链:
   * no record says 宇宙). A sentence spreads its meaning over more words than a list of keywords: its rarest word
   * decides less.
   */
  private commonBelow(analysis: QueryAnalysis, units: Unit[]): number {
    const found = units.filter((u) => u.ds.docs.length > 0);
    // A word a single record prints is no yardstick (EngineOptions.rarestYardstickRecords): its idf is one mention's.
    const maxIdf = Math.min(Math.max(0, ...found.map((u) => u.ownIdf ?? u.idf)), idf(this.records.length, this.options.rarestYardstickRecords));
    const ratio = analysis.groups.some((g) => g.some((c) => c.natural)) ? this.options.commonIdfRatioNatural : this.options.commonIdfRatio;
    return ratio * maxIdf;
  }

  /**
   * The informative-word rule of a query: a word (or a broader term) of `docs` records and idf `idf` informs when some
   * record holds it, at most commonShare of all records do, and its idf is not below commonBelow's.
   */
  private informativeTest(analysis: QueryAnalysis, units: Unit[]): InformativeTest {
    const minIdf = this.commonBelow(analysis, units);
    const most = this.records.length * this.options.commonShare;
    return (docs, wordIdf) => docs > 0 && docs <= most && wordIdf >= minIdf;
  }

  /**
   * What a record's score gains beside its words, added to a base score: an outcome moving the way a change verb of
   * the query asks (通关 时间 缩短: records whose outcome of that direction names the other words rank up), then the
   * bonus of a title that is the query typed in full. `dir` is that direction, if the query has one.
   */
  private beyondWords(analysis: QueryAnalysis, units: Unit[]): { dir?: 'down' | 'up'; finish: (s: number, d: number) => number } {
    // Loops, not map/filter/reduce/find: once per first-seen query, and the inlined chain deoptimised (wrong map) here.
    let first: 'down' | 'up' | undefined;
    const metricUnits: Unit[] = [];
    let metricIdf = 0;
    for (let b = 0; b < units.length; b++) {
      const u = units[b];
      const d = u.constraints.length === 1 && !u.constraints[0].phrase ? directionOf(u.text) : undefined;
      if (first === undefined && d) first = d; // the first unit with a direction gives the query's
      if (!d && !u.ask) {
        metricUnits.push(u);
        metricIdf += u.idf;
      }
    }
    const dir = this.options.outcomeMetric > 0 && metricIdf > 0 ? first : undefined;
    const store = dir ? this.store : undefined;
    const exact = this.titles.exactTitle(analysis);
    const bonus = this.options.bonus.exactTitle;
    // The outcome-direction column spares decoding a record that has no outcome moving that way.
    const moved = (d: number) => dir !== undefined && (!store || store.moved(d, dir));
    // Outcome metrics repeat across records (时间, 成本): each distinct one is normalised once per query.
    const metrics = new Map<string, string>();
    const finish = (s: number, d: number) => {
      if (moved(d)) s += this.options.outcomeMetric * this.outcomes.outcomeFit(d, dir, undefined, metricUnits, metricIdf, metrics);
      if (exact?.(d)) s += bonus;
      return s;
    };
    return { dir, finish };
  }

  /**
   * The result when the records holding every word make at least a page of reforms (strategy `last`): those records,
   * none partial, each scored by its words' sum and what it gains beside them, when first read (EveryWordScores). No
   * marks, no list of touched records, no pass to sort them: allWords found them in index order.
   */
  private everyWordResult(analysis: QueryAnalysis, units: Unit[], strategy: MatchingStrategy, every: { docs: Int32Array; at: Int32Array[]; lists: DocScores[] }): SearchResult {
    const n = every.docs.length;
    const docs = every.docs;
    const { dir, finish } = this.beyondWords(analysis, units);
    // Without an outcome direction, finish adds only the exact-title bonus: the records titled as typed, found in the
    // title index, are the only ones it can change (the others' sums are their scores, with no call per record).
    let titled: number[] | undefined;
    if (!dir) {
      titled = [];
      if (analysis.titleKey) {
        for (const d of this.titles.recordsTitled(hash32(analysis.titleKey))) {
          const i = gallop(docs, d, 0);
          if (docs[i] === d) titled.push(i);
        }
      }
    }
    const ds = new EveryWordScores(docs, every.lists, every.at, finish, titled);
    const all = () => ds.scores;
    const at = (i: number) => ds.scoreAt(i);
    return new SearchResult(this, analysis, units, docs, { all, at }, new Uint32Array(n), new Float64Array(n), strategy, false);
  }

  /** Build a hit (record, score, highlights) for one ranked entry of a result (its highlights are kept with it). */
  hit(entry: RankedEntry, result: SearchResult): Hit {
    let highlight = result.highlights.get(entry.index);
    if (!highlight) result.highlights.set(entry.index, (highlight = this.highlighter.highlight(entry.index, result.analysis, entry.missing)));
    return {
      record: this.records[entry.index],
      score: Math.round(entry.score * 1000) / 1000,
      matched: entry.matched,
      missing: entry.missing,
      highlight,
    };
  }
}
