/**
 * The search engine over a loaded snapshot: query analysis (analyzer.ts) → matching from the positional index
 * (match.ts over postings.ts) → BM25 per word (score.ts) → combining the words under a matching strategy → an
 * ordered result whose top is re-scored with position bonuses. Highlights (snippet.ts) and facets (facets.ts) are
 * computed only for what is shown. docs/design.md explains the choices.
 */
import type { Outcome, ReformRecord } from '../indexer/schema.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { NEAR_GAP, QueryAnalyzer, keyOf, type AnalysedClause, type Constraint, type QueryAnalysis } from './analyzer.js';
import { FacetIndex } from './facets.js';
import { SEARCH_FIELDS, type SearchField } from './fields.js';
import { Lru } from '../analysis/lru.js';
import { checkDeadline } from './budget.js';
import { Matcher, gallop, slotEntry } from './match.js';
import { engineOptions, type EngineOptions } from './options.js';
import { Postings, hash32, isIndexData, positionsOf, recordsOf, type IndexData, type Occurrences } from './postings.js';
import type { EngineIndex } from '../indexer/engine-index.js';
import { isWordIndex } from '../indexer/word-postings.js';
import { isNearIndex } from '../indexer/near-postings.js';
import { isLooseIndex } from '../indexer/loose-postings.js';
import { recordsOfSharedSlots } from '../indexer/slot-intersection.js';
import { StoredExpansions } from './loose.js';
import { isRecordBits } from '../indexer/record-bits.js';
import { isDocSkips } from '../indexer/doc-skips.js';
import { isWordSkips, wordsAsIndex } from '../indexer/word-skips.js';
import { BlockTerm, BlockWordScores, DocSkipIndex, recordCount } from './doc-skips.js';
import { RecordMaps, RecordSet, andInto, hasRecord, mapOf, markInto, orInto } from './record-bits.js';
import { ON_HEAP_BYTES, float64Columns, head } from './slab.js';
import { BlockTop, KeptScores, TopK, LazyScores, NO_DOCS, addPairScores, addScores, bm25, idf, intersectSum, scoreAt, union, unionMax, unionRecords, windowAdd, windowOfAdded, windowStart, worthBounding, type DocScores, type FieldStats } from './score.js';
import { Highlighter } from './snippet.js';
import { DOWN_VERBS, UP_VERBS } from '../analysis/outcomes.js';
import { recordStoreOf } from '../snapshot/records.js';
import { ReformPage, reformsOf } from './reforms.js';
import { asksQuestion, isMeasureWord, isSuperlative, namesMeasure, questionAimStart } from '../analysis/ask.js';

/** The longest clause read as a question of manner (进口食品怎么快速通关 is 10): longer text is pasted, not asked. */
export const QUESTION_AIM_MAX_CHARS = 20;

export { occurrences, nearOccurrences } from './snippet.js';
export { minimalWindow } from './score.js';

/**
 * How records lacking some of the query's words are treated:
 * - `last` (default): records with every word first; then, when those make less than a page of reforms
 *   (FILL_TO), records with some of the words, ranked by how many are missing and how rare the missing ones are. A
 *   record holding only words that are common for this query (办理 beside 出口退税) is never a result.
 * - `all`: every word is required; only when no record has them all do the records with the most of them come back.
 */
export type MatchingStrategy = 'last' | 'all';

/** Whether a word of `docs` records and idf `idf` is informative for one query (Engine.informativeTest). */
type InformativeTest = (docs: number, idf: number) => boolean;

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
  /** The figure a question asks for (analysis.ask), matched against outcome facts rather than text. */
  ask?: boolean;
  /**
   * In an outcome query, a change verb, a word naming a measure or a superlative (缩短, 时间 in 退税时间缩短), or the aim
   * of a question of manner (快速 in 进口食品怎么快速通关): it says what about the topic is wanted, so lacking it
   * costs less than lacking a topic word (EngineOptions.qualifierCost).
   */
  qualifier?: boolean;
  /**
   * The idf of the word as printed (it and its equivalents), where narrower terms widen it (药品 → 中药): whether the
   * query's other words are common beside it is judged by how rarely the corpus prints the word, not its kinds.
   */
  ownIdf?: number;
}

/** The occurrences the position bonuses of one query read (SearchEngine.bonusPlan). */
export interface BonusPlan {
  /** Per word (constraint) of the query, its alternatives that are strings: length and occurrences. */
  alternatives: { length: number; occ: Occurrences }[][];
  /** Occurrences of each clause of two or more words written together (verbatim). */
  verbatim: Occurrences[];
  /** Words (units) of the query: a record with all of them can get the title bonus. */
  unitCount: number;
  /**
   * Per word whose kinds were set aside (Constraint.asideKinds), how to tell a record printing one of them: a common kind
   * read by blocks (only the top window's records' blocks are decoded), a rarer one-token kind by its record list.
   */
  kinds: { blocks: Occurrences[]; lists: Int32Array[] }[];
}

/** Whether any of a word's alternatives occurs in a slot (a loop, not a closure made per record and field). */
function anyHasSlot(alts: readonly { occ: Occurrences }[], slot: number): boolean {
  for (let j = 0; j < alts.length; j++) if (slotEntry(alts[j].occ, slot) >= 0) return true;
  return false;
}

/**
 * Whether a text prints one of a unit's alternatives (not one matched by its words): loops, not two closures made per
 * unit for each outcome fact of every candidate record.
 */
function printsUnit(plain: string, u: Unit): boolean {
  for (const c of u.constraints) for (const a of c.alternatives) if (!a.words && plain.includes(a.text)) return true;
  return false;
}

/** The tiers of a result with one tier (SearchResult.bounded never reads it). */
const ONE_TIER = new Uint32Array(0);

/**
 * The records holding every word of a query (SearchEngine.allWords), scored when read: entry i is entry at[b][i] of
 * word b's list, its score the words' scores summed in word order (the sum a merge of the words' lists gives), then
 * `finish`ed (outcome direction, exact title). A filtered view (a region) scores only the records it keeps.
 */
class EveryWordScores extends LazyScores {
  constructor(
    readonly docs: Int32Array,
    private readonly lists: DocScores[],
    private readonly at: Int32Array[],
    private readonly finish: (s: number, d: number) => number,
    /** The only records (indexes into docs) whose finish can change their words' sum; undefined: any may. */
    private readonly finished?: ArrayLike<number>,
  ) {
    super();
  }

  /** No bounds: what finish adds (an outcome's fit) has none, and block bounds of summed words prune little (海关 监管). */
  get bounded(): boolean {
    return false;
  }

  recordBound(_i: number): number {
    return Infinity;
  }

  scoreAt(i: number): number {
    if (this.all) return this.all[i];
    let s = 0;
    for (let b = 0; b < this.lists.length; b++) s += scoreAt(this.lists[b], this.at[b][i]);
    return this.finish(s, this.docs[i]);
  }

  /**
   * Every record's score (a whole ranking): per word, its entries of these records scored in one loop (addScores), not
   * record by record through each word's scoreAt (at 100k, 海关 监管's 52,095 records: about half the time), and not
   * the word's whole list (that would score its records outside the result too).
   */
  get scores(): Float64Array {
    if (this.all) return this.all;
    // The words' sums, each word's in one loop (the same additions in the same order as scoreAt), then finished.
    const out = new Float64Array(this.docs.length);
    if (this.lists.length === 2) addPairScores(this.lists[0], this.at[0], this.lists[1], this.at[1], out);
    else for (let b = 0; b < this.lists.length; b++) addScores(this.lists[b], this.at[b], out);
    const only = this.finished;
    if (only) for (let j = 0; j < only.length; j++) out[only[j]] = this.finish(out[only[j]], this.docs[only[j]]);
    else for (let i = 0; i < out.length; i++) out[i] = this.finish(out[i], this.docs[i]);
    return (this.all = out);
  }

  private all?: Float64Array;
}

/** The result, told which records the query's exclusions removed (the service keeps them out of a hit's copies). */
function withExcluded(result: SearchResult, excluded: RecordSet): SearchResult {
  if (excluded.size) result.excluded = excluded;
  return result;
}

/** Whether typed arrays store the low byte first (a 64-bit integer's low 32-bit half comes first). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** A page: this many distinct reforms (fillsPage). Partial matches fill in when the records with every word make fewer. */
export const FILL_TO = 10;

/** A narrower term's best record scores this share of the lowest record the word itself finds (belowOwn). */
const KIND_BELOW = 0.9;

/** At most this many records (those the query's words score best) are read for the figure a question asks for. */
const ASK_CANDIDATES = 5000;

/** Marks a record found only through the parts of a one-word query (it lacks the word itself). */
const PARTS_BIT = 0x80000000;
/** Marks a record of a keyword list that holds most of a compound's parts (it is kept as a partial match). */
const CREDIT_BIT = 0x40000000;

/** allWords walks a word's list step by step when it is at most this many times the rarest word's, else gallops. */
const DENSE_RATIO = 8;

/** Queries of at most this many words count the parts of their compounds (a longer one is a pasted paragraph). */
const MAX_PARTS_WORDS = 4;

/** A constraint as typed, its narrower terms (Alternative.kind) left out: the same cached lookup wherever it is asked. */
function withoutKinds(c: Constraint): Constraint {
  return { ...c, alternatives: c.alternatives.filter((a) => !a.kind) };
}

/**
 * The k items of `items` with the highest `value[item]`, ties taken in the order of `items`: what a stable sort by
 * value, highest first, cut to k keeps, listed in the order of `items` (not by value), without the sort: for 90k records (服务企业多少家 at 100k) a comparator sort
 * took 75–89 ms and this 5 ms (a micro-benchmark on a loaded machine), since the k-th value is found by quickselect.
 */
export function bestBy(items: readonly number[], value: ArrayLike<number>, k: number): number[] {
  if (items.length <= k) return items.slice();
  const values = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) values[i] = value[items[i]];
  const kth = kthLargest(values, k);
  let above = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > kth) above++;
  let ties = k - above;
  const out: number[] = [];
  for (const d of items) {
    const v = value[d];
    if (v > kth) out.push(d);
    else if (v === kth && ties > 0) {
      out.push(d);
      ties--;
    }
  }
  return out;
}

/** The k-th largest value (1-based) of `a`, by quickselect: `a` is reordered. */
function kthLargest(a: Float64Array, k: number): number {
  const target = a.length - k;
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return a[target];
}

/**
 * The clause of a fact's sentence that holds its figure (服务全国 30 余万家企业): the words printed beside a figure are
 * what it counts or measures, also where the metric the extractor chose names only one of them.
 */
function factClause(o: { sentence: string; sentenceStart: number; start: number; end: number }): string {
  const s = o.sentence;
  let a = Math.max(0, o.start - o.sentenceStart);
  let b = Math.min(s.length, o.end - o.sentenceStart);
  while (a > 0 && !CLAUSE_END.test(s[a - 1])) a--;
  while (b < s.length && !CLAUSE_END.test(s[b])) b++;
  return s.slice(a, b);
}
const CLAUSE_END = /[，,。；;！？!?\n]/;

/**
 * A fact's metric and clause as one text to look for a question's words in, joined by 。, which normalisation keeps:
 * a space or line break between two Han characters is dropped (PDF spacing), and a word could then match across the
 * join, half in the metric and half in the clause.
 */
export function metricAndClause(o: { metric: string; sentence: string; sentenceStart: number; start: number; end: number }): string {
  return o.metric + '。' + factClause(o);
}

/** The direction a change verb states (缩短 down, 提高 up), if the word is one. */
function directionOf(word: string): 'down' | 'up' | undefined {
  return DOWN_VERBS.includes(word) ? 'down' : UP_VERBS.includes(word) ? 'up' : undefined;
}

/**
 * Whether a query word, typed plain (one constraint, no phrase or field), says what about the topic is wanted rather
 * than what the topic is: a change verb (缩短), a measure word (时间) or a superlative (最快).
 */
function namesQualifier(u: { text: string; constraints: readonly Constraint[]; ask?: boolean }): boolean {
  const c = u.constraints;
  if (u.ask || c.length !== 1 || c[0].phrase || c[0].fields) return false;
  return directionOf(u.text) !== undefined || isMeasureWord(u.text) || isSuperlative(u.text);
}

/**
 * Whether a query asks for a figure or for what about its topic changed (a qualifier, an asked figure, or a word
 * namesQualifier reads as one): such a query is neither a keyword list nor a description, and keeps its tiers.
 */
function asksForQualifier(units: readonly Unit[]): boolean {
  return units.some((u) => u.qualifier || u.ask || namesQualifier(u));
}

/**
 * Whether a query asks about a topic, so that any printing of a matched reform answers it (its copies in other
 * documents are listed under the hit even where their own text lacks a word: a short printing of the same reform).
 * Not when the words ask about the text itself: a phrase, a field (department:), a number, a figure asked for
 * (多少家) or a change verb of an outcome query (缩短): a printing without them does not answer.
 */
export function asksAboutTopic(analysis: QueryAnalysis): boolean {
  if (analysis.ask) return false;
  const groups = analysis.groups;
  for (let g = 0; g < groups.length; g++) {
    for (let j = 0; j < groups[g].length; j++) {
      const cs = groups[g][j].constraints;
      for (let k = 0; k < cs.length; k++) {
        const c = cs[k];
        if (c.phrase || c.fields || /\d/.test(c.text) || directionOf(c.text)) return false;
      }
    }
  }
  return groups.length > 0;
}

/** Scores computed on demand: all of them, the i-th alone, and (one word with block bounds) the best k. */
interface Scoring {
  all: () => Float64Array;
  at: (i: number) => number;
  top?: (k: number, keep?: Uint8Array) => { idx: Int32Array; scores: Float64Array } | undefined;
}

export class SearchResult {
  private all?: RankedEntry[];
  /** Records the query's exclusions (-word) remove (empty when it has none). */
  excluded: RecordSet = RecordSet.EMPTY;
  private top?: RankedEntry[];
  /** Highlights of the records shown so far (paging back or repeating the search reuses them). */
  readonly highlights = new Map<number, { title: string; snippet: string }>();

  constructor(
    private readonly engine: SearchEngine,
    readonly analysis: QueryAnalysis,
    private readonly units: Unit[],
    /** Matched records, in index order. */
    readonly docs: Int32Array,
    /**
     * Base scores, or how to compute them all and the i-th alone (a filtered view then scores only the records it
     * keeps), and where a word's block bounds allow, the best k without scoring the rest (BlockTop).
     */
    scores: Float64Array | Scoring,
    readonly missingMask: Uint32Array,
    /** Σ idf of the missing words, per record (ranking key of partial matches). */
    private readonly missingIdf: Float64Array,
    readonly strategy: MatchingStrategy,
    /** Some matched record lacks words (the whole set; the service reports it for the shown page). */
    readonly partial: boolean,
  ) {
    if (scores instanceof Float64Array) this.scoreList = scores;
    else this.scoring = scores;
  }

  private scoreList?: Float64Array;
  private scoring?: Scoring;
  /** Per matched record (index into docs) re-ranked so far: its kinds factor and position bonus (select). */
  private bonuses?: Map<number, { corroborated: number; bonus: number; apart: boolean }>;
  /** Whether the query is a list of keywords (SearchEngine.keywordList), asked once per result by select and tiers. */
  private keywords?: boolean;

  private keywordList(): boolean {
    return (this.keywords ??= this.engine.keywordList(this.analysis, this.units));
  }

  /** Every matched record's base score (computed on first use when the result was made with score functions). */
  get scores(): Float64Array {
    if (!this.scoreList) {
      this.scoreList = this.scoring!.all();
      this.scoring = undefined;
    }
    return this.scoreList;
  }

  /** Base scores for the records `keep` marks (others 0 and never read), or every score when nothing is filtered. */
  private scoresFor(keep?: Uint8Array): Float64Array {
    if (this.scoreList || !keep) return this.scores;
    const list = new Float64Array(this.docs.length);
    for (let i = 0; i < list.length; i++) if (keep[i]) list[i] = this.scoring!.at(i);
    return list;
  }

  /** The query's words. */
  private get wordCount(): number {
    return this.units.length;
  }

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
  /**
   * The scale of a record holding every word of a compound typed whole, but apart (EngineOptions.apartCost): what a
   * partial match lacking the query's least rare word at apartCost of its idf is scaled by (coveragePower, `decay`).
   * 0 when the rule does not apply: not one clause typed without a space, fewer than two or more than four words, a
   * phrase or a field prefix, or the option off.
   */
  private apartScale(decay: number): number {
    const o = this.engine.options;
    const U = this.units.length;
    if (o.apartCost <= 0 || U < 2 || U > 4 || this.analysis.groups.length !== 1 || this.analysis.groups[0].length !== 1) return 0;
    const clause = this.analysis.groups[0][0];
    if (/\s/.test(clause.text.trim()) || clause.constraints.some((c) => c.phrase || c.fields)) return 0;
    let least = Infinity;
    for (const u of this.units) least = Math.min(least, u.idf);
    return ((U - 1) / U) ** o.coveragePower * Math.exp(-decay * o.apartCost * least);
  }

  private better(a: number, b: number, score: (i: number) => number, apart?: Set<number>): boolean {
    if (apart?.size && (apart.has(a) || apart.has(b))) {
      // A record holding the words apart ranks in the first tier of partial matches (EngineOptions.apartCost).
      const tier = this.tiers();
      const ta = apart.has(a) ? Math.max(tier[a], 1) : tier[a];
      const tb = apart.has(b) ? Math.max(tier[b], 1) : tier[b];
      if (ta !== tb) return ta < tb;
    } else if (this.strategy === 'last' && this.missingMask[a] !== this.missingMask[b]) {
      const tier = this.tiers();
      if (tier[a] !== tier[b]) return tier[a] < tier[b];
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
  order(k: number, keep?: Uint8Array, kept?: Int32Array): RankedEntry[] {
    // The unfiltered top of a (cached) result is kept: paging and repeated searches read it again. A top holding every
    // record (a result smaller than the window) answers any k.
    if (!keep && this.top && (k <= this.top.length || this.top.length === this.docs.length)) return this.top.slice(0, k);
    const reach = keep ? k : this.engine.prefixReach(k);
    const entries = this.select(reach, keep, keep ? kept : undefined);
    if (!keep && reach <= this.engine.options.rerankWindow * 4) this.top = entries.slice();
    return entries.length > k ? entries.slice(0, k) : entries;
  }

  private select(k: number, keep?: Uint8Array, keptList?: Int32Array): RankedEntry[] {
    // The records a filter keeps, listed only where they are walked (a block ranking reads `keep` itself: listing a
    // common word's tens of thousands of marks for it cost about a tenth of a filtered first-seen query at 100k), or
    // as the filter gave them (`keptList`).
    const kept = (): { idx: ArrayLike<number>; at: (j: number) => number } => {
      if (!keep) return { idx: { length: this.docs.length } as ArrayLike<number>, at: (j) => j };
      if (keptList) return { idx: keptList, at: (j) => keptList[j] };
      const list: number[] = [];
      for (let i = 0; i < this.docs.length; i++) if (keep[i]) list.push(i);
      return { idx: list, at: (j) => list[j] };
    };
    if (!this.units.length) {
      const { idx, at } = kept();
      return Array.from({ length: Math.min(k, idx.length) }, (_, j) => this.entry(at(j), 0));
    }
    const window = Math.max(k, this.engine.options.rerankWindow);
    // A filter keeping few of a word's records (a region: 1,392 of 审批's 42,185 at 100k) has them scored one by one:
    // the word's blocks hold a few each, and ranking through them walked and heaped hundreds of blocks for a page.
    const few = keptList !== undefined && keptList.length * this.engine.options.keptRankRatio <= this.docs.length;
    const best = this.scoreList ? undefined : few && this.scoring!.top ? this.keptTop(window, keptList!) : this.scoring!.top?.(window, keep);
    let base: (i: number) => number;
    let top: number[];
    if (best && !this.partial) {
      // Only the blocks that could reach the window were scored: their records are the window, ranked here with no
      // array the size of the result (one tier: every record has every word).
      top = this.byScore(best.idx, best.scores);
      const scored = new Map<number, number>();
      for (let j = 0; j < best.idx.length; j++) scored.set(best.idx[j], best.scores[j]);
      base = (i) => scored.get(i)!;
    } else {
      // Block rankings come only from one-word results (never partial): here every record of the view is scored.
      const sc = this.scoresFor(keep);
      const { idx, at } = kept();
      top = this.bounded(idx.length, keep ? at : undefined, window, sc);
      base = (i) => sc[i];
    }
    const boosted = new Map<number, number>();
    checkDeadline(false);
    const reranked = top.slice(0, this.engine.options.rerankWindow);
    // A keyword list's partial match had its base scaled by its missing words' rarity (missingIdfDecay): its position
    // bonus is scaled alike, so the bonus does not undo the scaling.
    const decay = this.strategy === 'last' && this.partial && this.engine.options.missingIdfDecay > 0 && this.keywordList() ? this.engine.options.missingIdfDecay : 0;
    // A record's bonuses are a property of the result (its words, the record): worked out once per record and kept,
    // so the service reading a ranking in doubling prefixes (20, then 40 when copies leave too few reforms), a second
    // page or another filter re-ranks without reading positions again.
    const bonuses = (this.bonuses ??= new Map());
    let plan: BonusPlan | undefined;
    // A compound typed whole whose words a record holds apart (EngineOptions.apartCost): that record's scale, or 0.
    const apartScale = decay ? this.apartScale(decay) : 0;
    const apart = apartScale ? new Set<number>() : undefined;
    const met = { met: false };
    for (const i of reranked) {
      let b = bonuses.get(i);
      if (!b) {
        plan ??= this.engine.bonusPlan(this.analysis, this.units);
        const corroborated = plan.kinds.length ? 1 + this.engine.options.bonus.kinds * this.engine.kindsShare(this.docs[i], plan) : 1;
        const every = this.missingMask[i] === 0;
        b = { corroborated, bonus: this.engine.bonus(this.docs[i], plan, plan.unitCount - this.missingCount(i), apart && every ? met : undefined), apart: false };
        b.apart = apart !== undefined && every && !met.met;
        bonuses.set(i, b);
      }
      let v = base(i) * b.corroborated + (decay && b.bonus ? b.bonus * Math.exp(-decay * this.missingIdf[i]) : b.bonus);
      if (b.apart && apart) {
        apart.add(i);
        v *= apartScale;
      }
      boosted.set(i, v);
    }
    const score = (i: number) => boosted.get(i) ?? base(i);
    const cmp = (a: number, b: number) => (this.better(a, b, score, apart) ? -1 : this.better(b, a, score, apart) ? 1 : 0);
    // Only the re-ranked window moves: the records after it were below it and bonuses only raise a record, but a record
    // holding a compound's words apart is lowered, and ranking it below a record the window never read would make a
    // longer prefix of the ranking (20, then 40) order its first records otherwise.
    if (apart?.size) top = reranked.sort(cmp).concat(top.slice(reranked.length));
    else top.sort(cmp);
    return top.slice(0, k).map((i) => this.entry(i, score(i)));
  }

  /**
   * The best k of the records at `kept` (indexes into docs, increasing) by score, then record order, each scored: what
   * a block ranking admitting only them returns (BlockTop.top, the same scores), in no particular order.
   */
  private keptTop(k: number, kept: Int32Array): { idx: Int32Array; scores: Float64Array } {
    this.engine.keptRankings++;
    const at = this.scoring!.at;
    const best = new TopK(Math.min(k, kept.length));
    for (let j = 0; j < kept.length; j++) best.offer(kept[j], at(kept[j]));
    return best.result();
  }

  /**
   * Records (indexes into docs) with their base scores, in rank order when every record has every word (one tier):
   * score, then record order, as `bounded` orders them.
   */
  private byScore(idx: Int32Array, scores: Float64Array): number[] {
    const order = Array.from({ length: idx.length }, (_, j) => j);
    order.sort((a, b) => scores[b] - scores[a] || this.docs[idx[a]] - this.docs[idx[b]]);
    return order.map((j) => idx[j]);
  }

  /** Per matched record, its tier: records rank by tier first (fewer and rarer missing words first), then score. */
  private tierOf?: Uint32Array;
  private oneTierOf?: boolean;

  /**
   * Every record is in one tier: none lacks a word (most multi-word results), or the query describes an idea in the
   * user's own words and ranks by score alone (describesIdea). Worked out once: tiers() and bounded() both read it.
   */
  private get oneTier(): boolean {
    return (this.oneTierOf ??= !(this.strategy === 'last' && this.partial) || this.engine.describesIdea(this.analysis, this.units));
  }

  private tiers(): Uint32Array {
    if (this.tierOf) return this.tierOf;
    const n = this.docs.length;
    const tier = new Uint32Array(n);
    // One tier (every record has every word, or a description ranked by score alone): no pass over the masks.
    if (!this.oneTier) {
      // The missing words' count and idf depend on the mask alone: rank the distinct masks once. A query of at most
      // 16 words looks masks up in a table (two reads per record), a longer one in maps.
      const mm = this.missingMask;
      const table = this.units.length <= 16 ? new Int32Array(1 << this.units.length).fill(-1) : undefined;
      const firstOf = new Map<number, number>();
      const distinct: number[] = [];
      for (let i = 0; i < n; i++) {
        const m = mm[i];
        if (table) {
          if (table[m] < 0) table[m] = i, distinct.push(m);
        } else if (!firstOf.has(m)) firstOf.set(m, i), distinct.push(m);
      }
      if (distinct.length > 1) {
        // Qualifiers (change verbs, measure words, superlatives, a question's aims) and the figure asked for say what
        // is wanted of the topic: a record lacking every topic word answers nothing asked, so it comes after every
        // record that holds one (最快 and a duration, but not 企业开办, is not about opening a business).
        let topicMask = 0;
        this.units.forEach((u, b) => {
          if (!u.qualifier && !u.ask) topicMask |= 1 << b;
        });
        const offTopic = this.units.length <= 31 && topicMask !== 0 && this.units.some((u) => u.qualifier);
        const cost = (m: number) => {
          let c = 0;
          for (let b = 0; m; b++, m >>>= 1) if (m & 1) c += (this.units[b]?.qualifier ? this.engine.options.qualifierCost : 1) * this.rarityShare(b);
          return c;
        };
        // Off topic sorts first, before any cost: a penalty added to the cost would stay above every on-topic record
        // only while lacking a qualifier costs at most 1 (qualifierCost may be more).
        const masks = distinct.map((m) => ({
          m,
          off: offTopic && (m & topicMask) === topicMask ? 1 : 0,
          count: cost(m),
          idf: this.missingIdf[table ? table[m] : firstOf.get(m)!],
        }));
        // In a keyword list with missingIdfDecay on, the missing words' rarity scales the score (SearchEngine.search)
        // instead of making tiers of its own: the count of missing words still does.
        const byIdf = this.engine.options.missingIdfDecay > 0 && this.keywordList() ? 0 : 1;
        masks.sort((a, b) => a.off - b.off || a.count - b.count || byIdf * (a.idf - b.idf));
        const rankOf = new Map<number, number>();
        let rank = 0;
        masks.forEach((x, j) => {
          const prev = masks[j - 1];
          if (j > 0 && (x.off !== prev.off || x.count !== prev.count || (byIdf && x.idf !== prev.idf))) rank++;
          if (table) table[x.m] = rank;
          else rankOf.set(x.m, rank);
        });
        if (table) for (let i = 0; i < n; i++) tier[i] = table[mm[i]];
        else for (let i = 0; i < n; i++) tier[i] = rankOf.get(mm[i])!;
      }
    }
    return (this.tierOf = tier);
  }

  /**
   * The best `k` of n candidates (at(j) → index into docs) in rank order (tier, base score, record order): one pass
   * with a bounded heap whose worst entry is the bar a candidate must clear, checked with two array reads, so a
   * common word's thousands of records are not sorted (or compared through callbacks) to show ten.
   */
  private bounded(n: number, atOf: ((j: number) => number) | undefined, k: number, sc: Float64Array): number[] {
    // One tier: no tier array to allocate, fill and read per record.
    const oneTier = this.oneTier;
    // No filter: the candidates are the records themselves (at(j) = j), read in a loop with no call per record.
    const at = atOf ?? ((j: number) => j);
    const tier = oneTier ? ONE_TIER : this.tiers();
    const docs = this.docs;
    // a ranks below b.
    const worse = oneTier
      ? (a: number, b: number) => (sc[a] !== sc[b] ? sc[a] < sc[b] : docs[a] > docs[b])
      : (a: number, b: number) => (tier[a] !== tier[b] ? tier[a] > tier[b] : sc[a] !== sc[b] ? sc[a] < sc[b] : docs[a] > docs[b]);
    const order = (a: number, b: number) => (worse(b, a) ? -1 : worse(a, b) ? 1 : 0);
    if (k >= n) return Array.from({ length: n }, (_, j) => at(j)).sort(order);
    if (k <= 0) return [];
    // Min-heap on rank: heap[0] is the worst of the best k so far.
    const heap: number[] = [];
    const up = (x: number) => {
      while (x > 0) {
        const p = (x - 1) >> 1;
        if (!worse(heap[x], heap[p])) break;
        [heap[p], heap[x]] = [heap[x], heap[p]];
        x = p;
      }
    };
    const down = (x: number) => {
      for (;;) {
        const l = 2 * x + 1;
        const r = l + 1;
        let m = x;
        if (l < k && worse(heap[l], heap[m])) m = l;
        if (r < k && worse(heap[r], heap[m])) m = r;
        if (m === x) return;
        [heap[m], heap[x]] = [heap[x], heap[m]];
        x = m;
      }
    };
    if (!atOf && oneTier) {
      // The common case (every record has every word, no filter): the bar's score and record held in locals, so a
      // record below it costs one read and one comparison.
      const first = Math.min(k, n);
      for (let i = 0; i < first; i++) {
        heap.push(i);
        up(i);
      }
      let bar = sc[heap[0]];
      let barDoc = docs[heap[0]];
      for (let i = first; i < n; i++) {
        const s = sc[i];
        if (s < bar || (s === bar && docs[i] > barDoc)) continue;
        heap[0] = i;
        down(0);
        bar = sc[heap[0]];
        barDoc = docs[heap[0]];
      }
      return heap.sort(order);
    }
    for (let j = 0; j < n; j++) {
      const i = at(j);
      if (heap.length < k) {
        heap.push(i);
        up(heap.length - 1);
        continue;
      }
      const r = heap[0];
      // Not above the bar: skipped without touching the heap.
      if (oneTier) {
        if (sc[i] < sc[r] || (sc[i] === sc[r] && docs[i] > docs[r])) continue;
      } else if (tier[i] > tier[r] || (tier[i] === tier[r] && (sc[i] < sc[r] || (sc[i] === sc[r] && docs[i] > docs[r])))) continue;
      heap[0] = i;
      down(0);
    }
    return heap.sort(order);
  }

  /**
   * What lacking the b-th word costs beside lacking the rarest topic word some record has
   * (EngineOptions.missingRarityPower): 1 for that word and for a word no record has (every record lacks it alike).
   * A change verb, measure word or asked-for figure is not scaled: what it costs is qualifierCost's business.
   */
  private rarityShare(b: number): number {
    const power = this.engine.options.missingRarityPower;
    // A topic word is neither a qualifier nor the asked figure (tested inline: a named closure here is one more
    // Object.defineProperty per call under tsx's keepNames).
    if (!power || this.units[b].qualifier || this.units[b].ask) return 1;
    const maxIdf = Math.max(0, ...this.units.filter((u) => !u.qualifier && !u.ask && recordCount(u.ds) > 0).map((u) => u.idf));
    return maxIdf > 0 ? Math.min(1, this.units[b].idf / maxIdf) ** power : 1;
  }

  private entry(i: number, score: number): RankedEntry {
    return { index: this.docs[i], score, matched: this.wordCount - this.missingCount(i), missing: this.missing(i) };
  }

  /** Every matched record in rank order (sorts the whole set: for export and callers that need it all). */
  get ranked(): RankedEntry[] {
    this.all ??= this.order(this.docs.length);
    return this.all;
  }
}

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
  /** Stored loose expansions (indexer/loose-postings.ts; absent: every expansion is matched by decoding its words). */
  private readonly loose?: StoredExpansions;
  private readonly highlighter: Highlighter;
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
  /** Record maps of common words (indexer/record-bits.ts; absent on small corpora, in older snapshots and offline). */
  private readonly maps?: RecordMaps;
  /** Scratch per record: sums for the figure pass (askUnit); zero between uses. */
  private readonly sum: Float64Array;
  private readonly count: Uint8Array;
  /** Scratch per field: words of a loose expansion found in each field of one record (inOneField). */
  private readonly fieldTally: Uint8Array;
  /** Rankings answered from block bounds (BlockTop), and the records they scored: read by tests through `boundStats`. */
  private boundRankings = 0;
  private boundScored = 0;
  /** Filtered one-word rankings that scored the few records kept instead of reading blocks (SearchResult.keptTop). */
  keptRankings = 0;
  /** Exclusions answered from a stored record map: read by tests through `mapReads`. */
  private mapReadCount = 0;

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
    this.maps = index.bits ? new RecordMaps(index.bits, (t) => this.postings.termId(t)) : undefined;
    if (index.loose !== undefined && !isLooseIndex(index.loose, this.records.length, index.postings.fields.length)) throw new Error('snapshot stored loose expansions do not fit its index (rebuild the snapshot)');
    this.loose = index.loose ? new StoredExpansions(index.loose) : undefined;
    index.postings.fields.forEach((f, i) => this.fieldIndex.set(f as SearchField, i));
    this.stats = {
      fieldCount: index.postings.fields.length,
      records: this.records.length,
      fieldLengths: index.postings.fieldLengths,
      avgLengths: index.postings.avgLengths,
      weights: Float64Array.from(index.postings.fields, (f) => this.options.fieldWeights[f as SearchField] ?? 0),
      bounded: boundsHold(index.postings, this.options),
    };
    this.highlighter = new Highlighter(this.records, this.analyzer.normalizer, this.options.cache.normalizedRecords, this.options.snippetFields, (words, fields) => this.looseWords(words, fields));
    this.analyses = new Lru(this.options.cache.analyses);
    this.constraintCache = new Lru(this.options.cache.matches);
    this.looseRules = new Lru(this.options.cache.matches);
    this.results = new Lru(this.options.cache.results);
    this.mask = new Uint32Array(this.records.length);
    this.acc = new Float64Array(this.records.length);
    this.noneExcluded = mapOf([], this.records.length);
    this.excluded = this.noneExcluded;
    this.sum = new Float64Array(this.records.length);
    this.count = new Uint8Array(this.records.length);
    this.fieldTally = new Uint8Array(this.stats.fieldCount);
  }

  /**
   * The records in `touched` (each once, each marked non-zero in `marks`) in increasing order: a scan of the marks
   * when they are many, a numeric sort when few (a corpus-sized pass per first-seen query is what this spares).
   */
  private increasing(touched: number[], marks: Uint8Array | Uint32Array): Int32Array {
    const N = this.records.length;
    if (touched.length * 8 <= N) return Int32Array.from(touched).sort();
    const out = new Int32Array(touched.length);
    let k = 0;
    // A touched record is one whose scratch mark is set: read straight from the array (no call per record).
    for (let d = 0; d < N && k < out.length; d++) if (marks[d] !== 0) out[k++] = d;
    return out;
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
    if (!a) this.analyses.set(query, (a = this.withKindsWhereFew(this.withOutcomeHeads(this.analyzer.analyse(query)))));
    return a;
  }

  /**
   * In an outcome query (a change verb typed: 申报材料减少多少), a compound's head noun is one of its broader terms
   * (QueryAnalyzer.headOf: 材料 for 申报材料), so that reforms stating the cut by the head (材料精简 45%) fill in for
   * the compound as 矿产品 does for 铁矿 (Constraint.broader, with its rules: only for a word printed on less than a
   * page, at broaderWeight). Off with EngineOptions.outcomeHeads false.
   */
  private withOutcomeHeads(analysis: QueryAnalysis): QueryAnalysis {
    if (!this.options.outcomeHeads) return analysis;
    const plain = (c: Constraint) => !c.phrase && !c.fields;
    const outcome = analysis.groups.some((g) => g.some((cl) => cl.constraints.some((c) => plain(c) && directionOf(c.text))));
    if (!outcome) return analysis;
    let changed = false;
    const groups = analysis.groups.map((g) =>
      g.map((cl): AnalysedClause => ({
        ...cl,
        constraints: cl.constraints.map((c) => {
          // A word read by blocks (indexer/doc-skips.ts) is printed on far more than a page of reforms: it would lose
          // its broader terms (withKindsWhereFew), and asking costs that check a whole decode of its list.
          if (!plain(c) || directionOf(c.text) || this.matcher.blockTerm(c.text)) return c;
          const head = this.analyzer.headOf(c.text);
          if (!head || isMeasureWord(head) || c.alternatives.some((a) => a.text === head) || c.broader?.includes(head)) return c;
          changed = true;
          return { ...c, broader: [...(c.broader ?? []), head] };
        }),
      })),
    );
    return changed ? { ...analysis, groups } : analysis;
  }

  /**
   * Narrower terms (Alternative.kind: 整车, 二手车 for 汽车), and broader ones (Constraint.broader), are kept only for a word that, with its equivalents, finds
   * less than a page of reforms (FILL_TO): they fill in for a word the corpus rarely prints (药品, 汽车出口), and never
   * dilute one it prints often (融资 beside 贷款), nor cost its query a look-up per kind. Broader terms also go where
   * combine never fills with them (broaderUsable: one word alone, more than MAX_PARTS_WORDS, an OR group's words).
   * Highlights and matching read the same pruned analysis.
   */
  private withKindsWhereFew(analysis: QueryAnalysis): QueryAnalysis {
    const widened = (c: Constraint) => c.broader !== undefined || c.alternatives.some((a) => a.kind);
    if (!analysis.groups.some((g) => g.some((cl) => cl.constraints.some(widened)))) return analysis;
    const usable = this.broaderUsable(analysis);
    const prune = (c: Constraint, ownUnit: boolean): Constraint => {
      // Broader terms the engine never fills with (combine) go first, so highlights mark only what matched.
      // A word read by blocks (indexer/doc-skips.ts) is printed on far more than a page of reforms, so its broader terms
      // would go below anyway: dropped before the page check, which would decode its whole list (a long sentence at
      // scale holds several such words).
      if (c.broader && (!(usable && ownUnit) || this.matcher.blockTerm(c.text))) {
        const { broader: _, ...rest } = c;
        c = rest;
      }
      if (!widened(c)) return c;
      const own = withoutKinds(c);
      if (!this.fillsPage(this.constraintDocs(own).docs)) return c;
      // Its broader terms go too (Constraint.broader): a word printed often has its own records to fill with. Its kinds
      // stay aside for the top window's bonus (Constraint.asideKinds).
      const { broader: _, ...narrow } = own;
      const kinds = c.alternatives.filter((a) => a.kind).map((a) => a.text);
      return kinds.length && this.options.bonus.kinds > 0 ? { ...narrow, asideKinds: kinds } : narrow;
    };
    // A constraint is a word of its own (a unit) in a plain clause, or as an OR group's only constraint.
    const groups = analysis.groups.map((g) => {
      const ownUnit = g.length === 1 || g.reduce((n, cl) => n + cl.constraints.length, 0) === 1;
      return g.map((cl): AnalysedClause => ({ ...cl, constraints: cl.constraints.map((c) => prune(c, ownUnit)) }));
    });
    return { ...analysis, groups };
  }

  /**
   * Whether combine can fill with broader terms for this analysis: a query of two to broaderWords words (an OR
   * group one, a question's asked figure one more), never one word alone, with or without its asked figure.
   */
  private broaderUsable(analysis: QueryAnalysis): boolean {
    if (!this.options.broaderWeight) return false;
    const words = analysis.groups.reduce((n, g) => n + (g.length === 1 ? g[0].constraints.length : 1), 0);
    const asked = analysis.ask && this.options.outcomeMetric && words > 0 ? 1 : 0;
    const sentence = analysis.groups.some((g) => g.some((c) => c.natural));
    return words >= 2 && words + asked <= this.broaderWords(sentence);
  }

  /**
   * The most words a query may have for its broader terms to count: MAX_PARTS_WORDS for a list of keywords; for a
   * sentence (a description in the user's own words) EngineOptions.broaderSentenceWords, as its words are fewer per
   * idea (用专利和商标的未来收益…融资 names 专利 and 商标 where the record says 知识产权), at most 30 (one mask bit each;
   * bits 30 and 31 are CREDIT_BIT and PARTS_BIT).
   */
  private broaderWords(sentence: boolean): number {
    return sentence ? Math.min(30, Math.max(MAX_PARTS_WORDS, this.options.broaderSentenceWords)) : MAX_PARTS_WORDS;
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
    return this.mapReadCount;
  }

  /**
   * How many records since this engine was made were asked of a common word by its blocks (allWords; a test's evidence
   * that the block path ran; clearCache does not reset it).
   */
  get blockAsks(): number {
    return this.blockAskCount;
  }

  private blockAskCount = 0;

  /** How many records two-word merges (bothOf) found since this engine was made: tests tell the merge ran by it. */
  get pairMerges(): number {
    return this.pairMergeCount;
  }

  private pairMergeCount = 0;

  /** How many loose expansions were read from the stored section since this engine was made (tests tell it ran by it). */
  get looseStoredReads(): number {
    return this.looseStoredCount;
  }

  private looseStoredCount = 0;

  /** How many loose expansions' optional common words were read by blocks at the kept records (looseDocs): tests tell it ran by it. */
  get looseBlockReads(): number {
    return this.looseBlockAsks;
  }

  private looseBlockAsks = 0;

  /** How many records' position bonuses were worked out (bonus) since this engine was made: tests tell reuse by it. */
  get bonusReads(): number {
    return this.bonusReadCount;
  }

  private bonusReadCount = 0;

  /** How many fields' proximity the bound let go unread (bonus): tests tell the bound ran by it. */
  get proximitySkips(): number {
    return this.proximitySkipCount;
  }

  private proximitySkipCount = 0;

  /** EngineOptions.proximityFields, heaviest first (bonus). */
  private proximityOrder?: SearchField[];

  /**
   * How many words kept with their narrower terms reused their own alternatives' match (constraintDocs) since this
   * engine was made: tests tell the reuse ran by it.
   */
  get ownReuses(): number {
    return this.ownReuseCount;
  }

  private ownReuseCount = 0;

  /** Distinct terms in the positional index. */
  get termCount(): number {
    return this.postings.termCount;
  }

  private fieldIds(fields?: readonly SearchField[]): number[] | undefined {
    return fields?.map((f) => this.fieldIndex.get(f)!).filter((i) => i !== undefined);
  }

  /** The constraint cache's key: fields, then each alternative's text, weight and near words. */
  private static constraintKey(c: Constraint): string {
    // A loop, not map + join: once per constraint of a first-seen query, and the inlined chain deoptimised (wrong map).
    let key = `${c.fields?.join(',') ?? '*'}`;
    for (let i = 0; i < c.alternatives.length; i++) {
      const a = c.alternatives[i];
      key += `\u0000${a.text}\u0001${a.weight}\u0001${a.near?.join('\u0001') ?? ''}`;
    }
    return key;
  }

  /** Records a constraint matches through any alternative, with the best weighted BM25 per record (cached). */
  private constraintDocs(c: Constraint): DocScores {
    const key = SearchEngine.constraintKey(c);
    const cached = this.constraintCache.get(key);
    if (cached) return cached;
    // The request's time budget, before each constraint is matched; a yield here loses nothing (matches are cached).
    checkDeadline();
    const fields = this.fieldIds(c.fields);
    // One common word, typed as such: read by blocks where only some records are asked about (a question's 企业 beside
    // its rarer words), decoded whole where its list is read (BlockWordScores).
    const lone = c.alternatives.length === 1 && !fields ? c.alternatives[0] : undefined;
    const blocks = lone && !lone.words && !lone.near && !lone.kind ? this.matcher.blockTerm(lone.text) : undefined;
    if (blocks) {
      const out = new BlockWordScores(blocks, this.stats, this.options.bm25, lone!.weight, () => bm25(this.matcher.needle(lone!.text), this.stats, this.options.bm25, lone!.weight));
      this.constraintCache.set(key, out);
      return out;
    }
    // A word kept with its narrower terms (withKindsWhereFew found its own alternatives short of a page) had those
    // matched and scored already, as the constraint without kinds: that list is reused, not matched and scored again
    // (a loose expansion's words each rescored, its fields rejoined). It is the list the loop below builds from them,
    // unless it was read by blocks (a lone common word, above): then they are matched here as before.
    const ownKinds = c.alternatives.some((a) => a.kind);
    const ownDone = ownKinds ? this.constraintCache.get(SearchEngine.constraintKey(withoutKinds(c))) : undefined;
    const reuse = ownDone !== undefined && !(ownDone instanceof BlockWordScores);
    if (reuse) this.ownReuseCount++;
    // The alternatives' lists, joined once each (unionMax: one k-way merge, not a chain of pairwise unions).
    const own: DocScores[] = reuse ? [ownDone] : [];
    const kindParts: DocScores[] = [];
    for (const alt of c.alternatives) {
      if (reuse && !alt.kind) continue;
      if (alt.words) {
        own.push(this.looseDocs(alt.words, fields, alt.weight));
        continue;
      }
      const occ = alt.near ? this.matcher.near(alt.near[0], alt.near[1], fields) : this.matcher.needle(alt.text, fields);
      const ds = bm25(occ, this.stats, this.options.bm25, alt.weight);
      (alt.kind ? kindParts : own).push(ds);
    }
    let out = unionMax(own);
    const kinds = unionMax(kindParts);
    if (kinds.docs.length) out = union(out, SearchEngine.belowOwn(out, kinds), Math.max);
    this.constraintCache.set(key, out);
    return out;
  }

  /**
   * Records found through narrower terms, scored below every record the word itself (or an equivalent) finds: a
   * record about 综合保税区 answers 特殊监管区 after the one that names 海关特殊监管区域, however often its title says
   * 综合保税区 (NARROWER_WEIGHT alone cannot promise that against a title match). Scaled as a whole, so the kinds keep
   * their order among themselves. Kinds are kept only for words that find less than a page, so both lists are short.
   */
  private static belowOwn(own: DocScores, kinds: DocScores): DocScores {
    if (!own.docs.length) return kinds;
    // The lowest positive score: a record matched only in a field of weight 0 must not zero every kind.
    let low = Infinity;
    for (let i = 0; i < own.docs.length; i++) {
      const x = scoreAt(own, i);
      if (x > 0 && x < low) low = x;
    }
    let high = 0;
    for (let i = 0; i < kinds.docs.length; i++) high = Math.max(high, scoreAt(kinds, i));
    if (high < low || low === Infinity) return kinds;
    const scale = (KIND_BELOW * low) / high;
    const scores = new Float64Array(kinds.docs.length);
    for (let i = 0; i < scores.length; i++) scores[i] = scoreAt(kinds, i) * scale;
    return { docs: kinds.docs, scores };
  }

  /**
   * Which of a loose expansion's words a record must hold (`rare`: not common beside the rarest, or never printed)
   * and how many of them in one field (`need`), from each word's record count; undefined when no record can qualify.
   */
  private looseRule(counts: number[]): { rare: boolean[]; need: number } | undefined {
    const N = this.records.length;
    const idfs = counts.map((n) => idf(N, n));
    const maxIdf = Math.max(0, ...counts.map((n, k) => (n ? idfs[k] : 0)));
    const rare = counts.map((n, k) => n > 0 && n <= N * this.options.commonShare && idfs[k] >= this.options.commonIdfRatio * maxIdf);
    // One word of a phrase is not the phrase: the rarest printed words are required up to looseMinWords.
    const want = Math.min(this.options.looseMinWords, counts.filter((n) => n > 0).length);
    for (let held = rare.filter(Boolean).length; held < want; held++) {
      let next = -1;
      counts.forEach((n, k) => {
        if (n > 0 && !rare[k] && (next < 0 || n < counts[next])) next = k;
      });
      rare[next] = true;
    }
    // A word the corpus never prints is the rarest of all: it counts as required, and no record holds it (全国通关一体化
    // is not found through 全国 alone when 通关一体化 is printed nowhere).
    const absent = counts.filter((n) => n === 0).length;
    const present = rare.filter(Boolean).length;
    const required = present + absent;
    if (present === 0) return undefined;
    const need = required >= 4 ? required - 1 : required;
    if (need > present) return undefined;
    return { rare, need };
  }

  /**
   * For highlighting a record found through a loose expansion: the words that decide the match and how many of them
   * one field must hold (looseDocs's rule), or undefined when the expansion matches nothing. Record counts come from
   * the words' occurrences (cached by the match just made), with no scoring.
   */
  looseWords(words: string[], fields?: readonly SearchField[]): { rare: string[]; need: number } | undefined {
    const ids = this.fieldIds(fields);
    const key = SearchEngine.looseRuleKey(words, ids);
    const kept = this.looseRules.get(key);
    if (kept !== undefined) return kept ?? undefined;
    // Not kept (evicted): counted again from the words' occurrences, with no scoring.
    const F = this.stats.fieldCount;
    const counts = words.map((w) => recordsOf(this.matcher.needle(w, ids), F).length);
    return this.keepLooseRule(key, words, this.looseRule(counts)) ?? undefined;
  }

  /** A kept loose rule's cache key: the fields searched and the words (not analysis/loose.ts looseKey, a stored expansion's name). */
  private static looseRuleKey(words: string[], fields: number[] | undefined): string {
    return `${fields?.join(',') ?? '*'}\u0000${words.join('\u0000')}`;
  }

  private keepLooseRule(key: string, words: string[], rule: { rare: boolean[]; need: number } | undefined): { rare: string[]; need: number } | null {
    const kept = rule ? { rare: words.filter((_, k) => rule.rare[k]), need: rule.need } : null;
    this.looseRules.set(key, kept);
    return kept;
  }

  /**
   * An expansion matched by its words (analyzer.ts `words`): a record must hold the phrase's rare words — those not
   * common beside its rarest (the same test as filling a page), and those the corpus never prints — all of them, or
   * all but one when there are four or more, in one field; its score is the mean weighted BM25 of the words it holds.
   */
  private looseDocs(words: string[], fields: number[] | undefined, weight: number): DocScores {
    // A stored expansion (indexer/loose-postings.ts) is the answer where every word is required in one field: its
    // records are those recordsOfSharedSlots finds below, scored as gather scores them. Anywhere else (a field prefix,
    // a word not required) the words are matched as before.
    const stored = fields === undefined && this.loose ? this.loose.find(words) : -1;
    if (stored >= 0) {
      const rule = this.looseRule(this.loose!.counts(stored));
      this.keepLooseRule(SearchEngine.looseRuleKey(words, fields), words, rule);
      if (!rule) return NO_DOCS;
      if (rule.need === words.length) {
        this.looseStoredCount++;
        return this.loose!.scores(stored, this.stats, this.options.bm25, weight / words.length);
      }
    }
    // A common word (one with block starts: an index token or a stored word, Matcher.commonTerm) is counted from its
    // stored record count and decoded only if the rule requires it: a word the rule leaves optional only adds its score
    // at the records the rarer words keep, read below from the blocks holding them (知识产权 of 知识产权质押贷款).
    const w = weight / words.length;
    const common = words.map((t) => (fields === undefined ? this.matcher.commonTerm(t) : undefined));
    const lists: (DocScores | undefined)[] = words.map((t, k) => (common[k] ? undefined : bm25(this.matcher.needle(t, fields), this.stats, this.options.bm25, w)));
    const rule = this.looseRule(words.map((_, k) => lists[k]?.docs.length ?? common[k]!.records));
    this.keepLooseRule(SearchEngine.looseRuleKey(words, fields), words, rule);
    if (!rule) return NO_DOCS;
    const { rare, need } = rule;
    const wholeList = (k: number) => (lists[k] ??= bm25(this.matcher.needle(words[k], fields), this.stats, this.options.bm25, w));
    const present = rare.filter(Boolean).length;
    const rareOccs = words.filter((_, k) => rare[k]).map((t) => this.matcher.needle(t, fields));
    let docs: Int32Array;
    if (need === present) {
      // Every rare word required in one field: the records of the fields all of them hold, from their slots (no
      // record lists intersected, no field count per record: 跨境电子商务 by its words reads 跨境, 电子 and 商务, tens of
      // thousands of fields each at 100k).
      docs = recordsOfSharedSlots(rareOccs.map((o) => o.slots), this.stats.fieldCount);
    } else {
      const { count } = this;
      const touched: number[] = [];
      // Only the rare words' records can qualify: they are the ones marked (a record in no rare list has count 0).
      words.forEach((_, k) => {
        if (!rare[k]) return;
        const l = wholeList(k);
        for (let i = 0; i < l.docs.length; i++) {
          const d = l.docs[i];
          if (count[d] === 0) touched.push(d);
          count[d]++;
        }
      });
      const candidates = this.increasing(touched, count);
      const kept: number[] = [];
      const cursors = new Int32Array(rareOccs.length);
      for (let i = 0; i < candidates.length; i++) {
        const d = candidates[i];
        if (count[d] >= need && this.inOneField(d, rareOccs, cursors, need)) kept.push(d);
      }
      for (const d of touched) count[d] = 0;
      docs = Int32Array.from(kept);
    }
    // Scored for the records kept only: a common word of the phrase adds to theirs, its other records are not scored.
    // Word by word in the words' order (the same additions in the same order as one gather over every list): a common
    // word left optional is read by its blocks when the kept records are few beside its own (blockAskRatio, as
    // allWords), else decoded whole. A required word is decoded whole: its occurrences were decoded to keep the
    // records (rareOccs), and asking its blocks again would decode the same postings twice.
    const scores = new Float64Array(docs.length);
    for (let k = 0; k < words.length; k++) {
      const term = common[k];
      if (!rare[k] && !lists[k] && term && docs.length * this.options.blockAskRatio < term.records) {
        const ask = new BlockWordScores(term, this.stats, this.options.bm25, w, () => wholeList(k));
        for (let i = 0; i < docs.length; i++) {
          const s = ask.recordScore(docs[i]);
          if (s === s) scores[i] += s;
        }
        this.looseBlockAsks++;
        continue;
      }
      const l = wholeList(k);
      SearchEngine.gather(docs, [l], (_, j, i) => (scores[i] += scoreAt(l, j)));
    }
    return { docs, scores };
  }

  /**
   * Whether at least `need` of the words' occurrences sit in one field of record d. A reworded phrase keeps its words
   * together; words scattered over title, process and outcome (特殊 in 特殊项目, 监管 in a title, 区域 in 区域行业) are
   * not the phrase 特殊监管区域. Records are asked about in increasing order: `cursors` carry each list's place.
   * Slots only, no positions: requiring one sentence as well removed a few more loose matches on the seeds (574 → 513
   * over the thesaurus's terms) but decoded common words' positions, 13 → 26 ms CPU for 降成本 at 100k records.
   */
  private inOneField(d: number, occs: Occurrences[], cursors: Int32Array, need: number): boolean {
    const F = this.stats.fieldCount;
    const perField = this.fieldTally.fill(0, 0, F);
    for (let k = 0; k < occs.length; k++) {
      const slots = occs[k].slots;
      let j = (cursors[k] = gallop(slots, d * F, cursors[k]));
      for (; j < slots.length && slots[j] < (d + 1) * F; j++) if (++perField[slots[j] - d * F] >= need) return true;
    }
    return false;
  }

  /**
   * For records (increasing), each list holding each, in list order: one galloping walk per list, so work is per
   * record asked about, not per record of the lists (a sum made this way adds in the same order as a pass per list).
   */
  private static gather(docs: Int32Array, lists: DocScores[], found: (k: number, j: number, i: number) => void): void {
    for (let k = 0; k < lists.length; k++) {
      const l = lists[k];
      for (let i = 0, j = 0; i < docs.length && j < l.docs.length; i++) {
        j = gallop(l.docs, docs[i], j);
        if (l.docs[j] === docs[i]) found(k, j, i);
      }
    }
  }

  /**
   * Records holding the parts of a word (Constraint.parts: 证照 and 分离 of 证照分离, 首次, 违法 … of its expansion
   * 首次违法不予处罚): one of the rarest parts, scored at partsWeight × Σ BM25 of
   * the parts held × (share of the parts' idf held)^coveragePower.
   */
  private partsFill(c: Constraint): DocScores & { shares?: Float64Array } {
    const parts = c.parts ?? [];
    const span = c.scattered && this.options.scatteredSpan > 0 ? this.options.scatteredSpan * c.scattered.length : 0;
    if ((!parts.length && !span) || !this.options.partsWeight) return NO_DOCS;
    const N = this.records.length;
    const fields = this.fieldIds(c.fields);
    // Loops and a typed column, not map/reduce: the inlined chain's arrays (idfs all Smi zeros or doubles) deoptimised
    // this function and the gather callback (wrong map) in the kinds' measured rounds.
    const lists: DocScores[] = [];
    for (let k = 0; k < parts.length; k++) lists.push(bm25(this.matcher.needle(parts[k], fields), this.stats, this.options.bm25, this.options.partsWeight));
    // An unprinted short form's characters found together (Constraint.scattered) count as one more part.
    if (span) lists.push(bm25(this.matcher.scattered(c.scattered!, span, fields), this.stats, this.options.bm25, this.options.partsWeight));
    const idfs = new Float64Array(lists.length);
    let total = 0;
    for (let k = 0; k < lists.length; k++) {
      idfs[k] = lists[k].docs.length ? idf(N, lists[k].docs.length) : 0;
      total += idfs[k];
    }
    const rare = this.count;
    const brought: number[] = [];
    // The rarest parts bring records in, as many as it takes to fill a page (FILL_TO reforms, counted as fillsPage
    // counts them, while bringing rather than recounted from the start for each part); a part in a large share of all
    // records never does (it only adds to the score).
    const page = new ReformPage(this.reforms, FILL_TO);
    for (const l of [...lists].sort((a, b) => a.docs.length - b.docs.length)) {
      if (page.full || l.docs.length > N * this.options.commonShare) break;
      for (let i = 0; i < l.docs.length; i++) {
        const d = l.docs[i];
        if (rare[d]) continue;
        rare[d] = 1;
        brought.push(d);
        page.add(d);
      }
    }
    const docs = this.increasing(brought, rare);
    for (const d of brought) rare[d] = 0;
    // The parts each brought record holds, scored for those records only (a common part's others are not scored).
    // Its four columns in one buffer (search/slab.ts).
    const n = docs.length;
    const columns = float64Columns(n, n, n, n);
    const held = columns[0];
    const sum = columns[1];
    const scores = columns[2];
    const shares = columns[3];
    SearchEngine.gather(docs, lists, (k, j, i) => {
      held[i] += idfs[k];
      sum[i] += scoreAt(lists[k], j);
    });
    for (let i = 0; i < docs.length; i++) {
      scores[i] = sum[i] * (held[i] / total) ** this.options.coveragePower;
      shares[i] = held[i] / total;
    }
    return { docs, scores, shares };
  }

  /**
   * Records holding a broader term of a word (Constraint.broader: 矿产品 for 铁矿), each scored at broaderWeight × the
   * best of its broader terms' BM25 (a record about minerals in general is no better for naming two kinds of them);
   * `brings` marks those holding a broader term informative for the query (`informative`, see informativeTest).
   */
  private broaderFill(c: Constraint, informative: InformativeTest): DocScores & { brings: Uint8Array } {
    const terms = c.broader ?? [];
    if (!terms.length || !this.options.broaderWeight) return { ...NO_DOCS, brings: new Uint8Array(0) };
    const N = this.records.length;
    const fields = this.fieldIds(c.fields);
    const lists = terms.map((w) => bm25(this.matcher.needle(w, fields), this.stats, this.options.bm25, this.options.broaderWeight));
    const best = new Map<number, number>();
    const brought = new Set<number>();
    for (const l of lists) {
      // A broader term common for this query (as a word of it would be) adds to a record's score but keeps none.
      const brings = informative(l.docs.length, idf(N, l.docs.length));
      for (let i = 0; i < l.docs.length; i++) {
        const s = scoreAt(l, i);
        if (s > (best.get(l.docs[i]) ?? 0)) best.set(l.docs[i], s);
        if (brings) brought.add(l.docs[i]);
      }
    }
    const docs = Int32Array.from(best.keys()).sort();
    return { docs, scores: Float64Array.from(docs, (d) => best.get(d)!), brings: Uint8Array.from(docs, (d) => (brought.has(d) ? 1 : 0)) };
  }

  /**
   * The records a constraint matches, unscored (what an exclusion needs), as a record map: a common word's stored map
   * where the snapshot has one (any field), else each alternative's occurrences filtered by field while listing
   * records, so neither BM25 nor a field-restricted copy of the positions is computed.
   */
  private constraintRecords(c: Constraint): Int32Array {
    const F = this.stats.fieldCount;
    const N = this.records.length;
    let keep: Uint8Array | undefined;
    if (c.fields) {
      keep = new Uint8Array(F);
      for (const f of this.fieldIds(c.fields)!) keep[f] = 1;
    }
    let out = NO_DOCS.docs;
    let bits: Int32Array | undefined;
    for (const alt of c.alternatives) {
      if (alt.words) {
        out = unionRecords(out, this.looseDocs(alt.words, this.fieldIds(c.fields), alt.weight).docs);
        continue;
      }
      const term = this.maps && this.mapsFit(keep) && !alt.near ? this.matcher.soleTerm(alt.text) : undefined;
      const map = term === undefined ? undefined : this.maps!.of(term);
      if (map) {
        // The stored map is the snapshot's own: read, never written.
        bits = orInto(bits ?? new Int32Array(map.length), map);
        this.mapReadCount++;
        continue;
      }
      out = unionRecords(out, alt.near ? recordsOf(this.matcher.near(alt.near[0], alt.near[1]), F, keep) : this.matcher.records(alt.text, keep));
    }
    return bits ? markInto(bits, out) : mapOf(out, N);
  }

  /** Whether the stored record maps count exactly the fields `keep` marks (all fields when absent). */
  private mapsFit(keep: Uint8Array | undefined): boolean {
    const mask = (this.mapFields ??= this.maps!.fieldMask(this.postings.data.fields));
    for (let f = 0; f < mask.length; f++) if (mask[f] !== (keep ? keep[f] : 1)) return false;
    return true;
  }

  private mapFields?: Uint8Array;

  /** Every record the query's exclusions remove: the clauses' maps joined a word at a time. */
  private excludedSet(analysis: QueryAnalysis): RecordSet {
    if (analysis.exclude.length === 0) return RecordSet.EMPTY;
    let out: Int32Array | undefined;
    for (const clause of analysis.exclude) {
      const bits = this.excludedRecords(clause);
      out = out ? orInto(out, bits) : bits;
    }
    return RecordSet.of(out!);
  }

  /** Records an excluded clause matches (every constraint of it; any of them for a question), unscored, as a map. */
  private excludedRecords(clause: AnalysedClause): Int32Array {
    let out: Int32Array | undefined;
    for (const c of clause.constraints) {
      checkDeadline();
      const d = this.constraintRecords(c);
      out = out === undefined ? d : clause.natural ? orInto(out, d) : andInto(out, d);
    }
    return out ?? mapOf([], this.records.length);
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
          units.push({ text: c.text, ds, idf: idf(N, recordCount(ds)), constraints: [c], ...this.ownIdf(c) });
        }
      } else {
        let ds = NO_DOCS;
        for (const clause of group) ds = union(ds, this.clauseDocs(clause), Math.max);
        units.push({ text: group.map((c) => c.typed).join(' OR '), ds, idf: idf(N, ds.docs.length), constraints: group.flatMap((c) => c.constraints) });
      }
    }
    const ask = this.askUnit(analysis, units);
    if (ask) units.push(ask);
    this.markQualifiers(analysis, units);
    this.markQuestionAims(analysis, units);
    return units;
  }

  /** Unit.ownIdf of a constraint widened to narrower terms (its records without them are cached: analyse() counted them). */
  private ownIdf(c: Constraint): { ownIdf?: number } {
    if (!c.alternatives.some((a) => a.kind)) return {};
    return { ownIdf: idf(this.records.length, this.constraintDocs(withoutKinds(c)).docs.length) };
  }

  /**
   * In a question of manner typed after its topic (进口食品怎么快速通关), the words after the question word say what is
   * wanted of the topic, as a change verb does: they are qualifiers (Unit.qualifier), so in the tiers of partial
   * matches a record on 食品 lacking 快速 and 通关 comes before one that lacks only 食品. Counting every word alike put
   * 关保通 (通关 fast, no food) first. Only when the clause types words both before and after the question word, and
   * only in a question: not in a field clause (title:…如何…) or a quoted phrase, which name what a text says, nor in a
   * clause longer than a question (QUESTION_AIM_MAX_CHARS: a pasted paragraph's 如何 frames none of its words).
   */
  private markQuestionAims(analysis: QueryAnalysis, units: Unit[]): void {
    if (!this.options.questionAims || this.options.qualifierCost === 1) return;
    const unitOf = new Map(units.map((u) => [u.text, u] as const));
    for (const group of analysis.groups) {
      if (group.length !== 1) continue;
      const clause = group[0];
      if (clause.text.replace(/\s+/g, '').length > QUESTION_AIM_MAX_CHARS || clause.constraints.some((c) => c.fields || c.phrase)) continue;
      const start = questionAimStart(clause.text);
      if (start === undefined) continue;
      const at = clause.constraints.map((c) => clause.text.indexOf(c.text));
      if (!at.some((x) => x >= 0 && x < start) || !at.some((x) => x >= start)) continue;
      clause.constraints.forEach((c, k) => {
        const u = unitOf.get(c.text);
        if (u && !u.ask && at[k] >= start) u.qualifier = true;
      });
    }
  }

  /**
   * Marks the change verbs, measure words and superlatives of an outcome query (Unit.qualifier); not when nothing
   * else is typed.
   */
  private markQualifiers(analysis: QueryAnalysis, units: Unit[]): void {
    if (this.options.qualifierCost === 1) return;
    // Loops, not map/some chains (once per first-seen query; the chain's boolean arrays deoptimised it: wrong map).
    let verb = false;
    for (let b = 0; b < units.length && !verb; b++) verb = namesQualifier(units[b]) && directionOf(units[b].text) !== undefined;
    if (!analysis.ask && !verb) return;
    // A superlative (最快 of 企业开办最快多久) says which figure of the topic is wanted, as a measure word does.
    let other = false;
    for (let b = 0; b < units.length && !other; b++) other = !units[b].ask && !namesQualifier(units[b]);
    if (!other) return;
    for (let b = 0; b < units.length; b++) if (namesQualifier(units[b])) units[b].qualifier = true;
  }

  /**
   * A query asking for a figure (服务企业多少家, 审批时间压缩到几个工作日) has one more word: the figure. Records
   * holding a word of the query and an outcome fact of that figure have it, scored outcomeMetric × how well the fact fits (outcomeFit); so the
   * records that state the asked-for figure come first, then, to fill the page, those that only use the words.
   */
  private askUnit(analysis: QueryAnalysis, units: Unit[]): Unit | undefined {
    const ask = analysis.ask;
    if (!ask || !this.options.outcomeMetric || units.length === 0) return undefined;
    const dir = units.map((u) => (u.constraints.length === 1 && !u.constraints[0].phrase ? directionOf(u.text) : undefined)).find((x) => x);
    const metricUnits = units.filter((u) => !(u.constraints.length === 1 && directionOf(u.text)));
    const metricIdf = metricUnits.reduce((x, u) => x + u.idf, 0);
    // Only records holding a word of the query can state its figure; of those, the best-scored few thousand are
    // read (a fact lives in the record, which a large snapshot decodes on demand).
    const sum = this.sum;
    const seen: number[] = [];
    for (const u of units) {
      for (let i = 0; i < u.ds.docs.length; i++) {
        const d = u.ds.docs[i];
        if (sum[d] === 0) seen.push(d);
        sum[d] += u.ds.scores[i] || Number.MIN_VALUE;
      }
    }
    const candidates = seen.length > ASK_CANDIDATES ? bestBy(seen, sum, ASK_CANDIDATES) : seen.slice();
    for (const d of seen) sum[d] = 0;
    candidates.sort((a, b) => a - b);
    const docs: number[] = [];
    const scores: number[] = [];
    const metrics = new Map<string, string>();
    for (const d of candidates) {
      const fit = this.outcomeFit(d, dir, ask, metricUnits, metricIdf, metrics);
      if (fit > 0) {
        docs.push(d);
        scores.push(this.options.outcomeMetric * fit);
      }
    }
    return { text: ask.text, ds: { docs: Int32Array.from(docs), scores: Float64Array.from(scores) }, idf: idf(this.records.length, docs.length), constraints: [], ask: true };
  }

  /** Records, per direction, with a quantified outcome that moved that way (built on first use). */
  private changed?: { down: Int32Array; up: Int32Array };

  /**
   * A change verb typed as a word (缩短, 节省, 提高) also matches a record whose outcomes state a change that way,
   * whatever verb it prints (压缩至, 减少): a reporter's 通关时间缩短 means the outcome, not the verb.
   */
  private changeDocs(c: Constraint, ds: DocScores): DocScores {
    const dir = c.phrase || c.fields ? undefined : directionOf(c.text);
    if (!dir || !this.options.outcomeChange) return ds;
    this.changed ??= (() => {
      const down: number[] = [];
      const up: number[] = [];
      // A loaded snapshot keeps each record's outcome directions as a column: no record is decoded for this.
      const store = this.store;
      if (store) {
        for (let i = 0; i < store.length; i++) {
          if (store.moved(i, 'down')) down.push(i);
          if (store.moved(i, 'up')) up.push(i);
        }
        return { down: Int32Array.from(down), up: Int32Array.from(up) };
      }
      this.records.forEach((r, i) => {
        if (r.outcomes?.some((o) => o.direction === 'down')) down.push(i);
        if (r.outcomes?.some((o) => o.direction === 'up')) up.push(i);
      });
      return { down: Int32Array.from(down), up: Int32Array.from(up) };
    })();
    const docs = this.changed[dir];
    // No record moved that way (a corpus without outcome facts): the union would be ds itself, and the mean below
    // would have scored every record of the verb (缩短 at 100k: an eighth of a first-seen question) for nothing.
    if (docs.length === 0) return ds;
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
    // Counted by what it holds: the records and, for a query with exclusions, the excluded records' map (a bit per record).
    this.results.set(key, result, 1 + ((result.docs.length + result.excluded.bits.length) >> 10));
    return result;
  }

  private evaluate(query: string, strategy: MatchingStrategy): SearchResult {
    const analysis = this.analyse(query);
    const N = this.records.length;
    const marked = this.excludedSet(analysis);
    const excluded = marked.size ? marked.bits : this.noneExcluded;
    this.excluded = excluded;
    try {
      const units = this.units(analysis);
      if (units.length === 0) {
        // Every record not excluded, written straight into its array.
        const docs = new Int32Array(N - marked.size);
        for (let i = 0, k = 0; i < N; i++) if (!hasRecord(excluded, i)) docs[k++] = i;
        return new SearchResult(this, analysis, [], docs, new Float64Array(docs.length), new Uint32Array(docs.length), new Float64Array(docs.length), strategy, false);
      }
      return withExcluded(this.combine(analysis, units, strategy, marked.size > 0), marked);
    } finally {
      this.excluded = this.noneExcluded;
    }
  }

  /**
   * Records (not excluded) holding every word, increasing, and where each is in each word's list (at[b][i]: the i-th
   * record's entry in lists[b]). Nothing is scored here: EveryWordScores scores what a ranking reads. A common word
   * read by blocks (BlockWordScores) is asked about last, at the records every other word left in, when they are few
   * beside its records (EngineOptions.blockAskRatio): only their blocks are decoded and only they scored, and its list here is those
   * records with their scores; otherwise it is decoded whole and walked like the others.
   */
  private allWords(units: Unit[]): { docs: Int32Array; at: Int32Array[]; lists: DocScores[] } {
    const U = units.length;
    // Filled by a loop (a map chain's arrays deoptimised the sort here: wrong map); the rarest word first.
    const counts: number[] = [];
    const order: number[] = [];
    for (let b = 0; b < U; b++) {
      counts.push(recordCount(units[b].ds));
      order.push(b);
    }
    order.sort((x, y) => counts[x] - counts[y]);
    const rarest = order[0];
    const driver = units[rarest].ds.docs;
    // A list not much longer than the rarest is walked step by step (two common words' lists are dense: the next
    // record is a step or two away, where galloping costs a call and a binary search); a much longer one is galloped.
    const dense = units.map((u, b) => counts[b] <= DENSE_RATIO * driver.length);
    // Two words whose lists are dense are merged (bothOf), both decoded whole: asking the second by blocks never pays
    // there (it would be asked about every record of the rarest, at least 1 in DENSE_RATIO of its own).
    const pair = U === 2 && dense[order[1]];
    // The words read by blocks, rarest first, set apart for the second pass.
    const later = pair ? [] : order.filter((b) => b !== rarest && units[b].ds instanceof BlockWordScores);
    const walked = order.filter((b) => !later.includes(b));
    const cursor = new Int32Array(U);
    const lists = units.map((u, b) => (later.includes(b) ? NO_DOCS.docs : u.ds.docs));
    // At most the rarest word's records: typed arrays of that size, no growing lists.
    const docs = new Int32Array(driver.length);
    const at = units.map(() => new Int32Array(driver.length));
    let n = 0;
    const excluded = this.excluded;
    if (pair) {
      n = SearchEngine.bothOf(driver, lists[order[1]], docs, at[rarest], at[order[1]]);
      this.pairMergeCount += n;
      // Exclusions, if any, removed after the walk (most queries have none: no test per record).
      if (excluded !== this.noneExcluded) {
        let k = 0;
        for (let i = 0; i < n; i++) {
          const d = docs[i];
          if (hasRecord(excluded, d)) continue;
          docs[k] = d;
          at[0][k] = at[0][i];
          at[1][k] = at[1][i];
          k++;
        }
        n = k;
      }
    } else next: for (let i = 0; i < driver.length; i++) {
      const d = driver[i];
      if (hasRecord(excluded, d)) continue;
      for (let k = 1; k < walked.length; k++) {
        const b = walked[k];
        const list = lists[b];
        let j = cursor[b];
        if (dense[b]) while (j < list.length && list[j] < d) j++;
        else j = gallop(list, d, j);
        cursor[b] = j;
        if (j >= list.length) break next;
        if (list[j] !== d) continue next;
      }
      for (let b = 0; b < U; b++) at[b][n] = b === rarest ? i : cursor[b];
      docs[n++] = d;
    }
    // The records still in, asked of each word read by blocks: by its blocks when they are few beside its records,
    // else through its whole list. Kept records move down in place (m ≤ i), their entries and scores with them.
    const own: (Float64Array | undefined)[] = units.map(() => undefined);
    for (const b of later) {
      const ds = units[b].ds as BlockWordScores;
      const byBlocks = n * this.options.blockAskRatio < counts[b];
      const list = byBlocks ? undefined : ds.docs;
      const scores = byBlocks ? new Float64Array(n) : undefined;
      let m = 0;
      let j = 0;
      for (let i = 0; i < n; i++) {
        const d = docs[i];
        if (scores) {
          const s = ds.recordScore(d);
          if (s !== s) continue;
          scores[m] = s;
        } else {
          j = gallop(list!, d, j);
          if (j >= list!.length) break;
          if (list![j] !== d) continue;
          at[b][m] = j;
        }
        docs[m] = d;
        for (let c = 0; c < U; c++) if (c !== b) at[c][m] = at[c][i];
        for (const o of own) if (o) o[m] = o[i];
        m++;
      }
      if (scores) {
        own[b] = scores;
        this.blockAskCount += n;
      }
      n = m;
    }
    // A word asked by blocks lists exactly the records kept, in order: its entry for the i-th is i.
    for (let b = 0; b < U; b++) if (own[b]) for (let i = 0; i < n; i++) at[b][i] = i;
    // The result is cached: views of arrays sized for the rarest word would keep all of them alive, so a result of
    // at most half of them is copied out (and a small one: head).
    const cut = <T extends Int32Array | Float64Array>(a: T): T => (2 * n <= driver.length ? (a.slice(0, n) as T) : head(a, n));
    const every = cut(docs);
    return { docs: every, at: at.map(cut), lists: units.map((u, b) => (own[b] ? { docs: every, scores: cut(own[b]!) } : u.ds)) };
  }

  /**
   * The records in both of two increasing lists, written to docs with where each is in a (atA) and in b (atB); returns
   * how many. A merge without a branch per step: each step writes its candidate at the next free entry and moves past
   * it only when both lists hold it, and advances whichever list (or both) has the smaller record, by arithmetic on
   * the sign bits of the difference (record numbers are below 2^31). Two common words' lists (海关 监管 at 100k: 68k
   * and 70k records, 52k in both) interleave with no pattern a branch predictor can learn; the merge took half the
   * time the step-by-step walk did in a micro-benchmark (0.99 → 0.49 ms).
   */
  private static bothOf(a: Int32Array, b: Int32Array, docs: Int32Array, atA: Int32Array, atB: Int32Array): number {
    const na = a.length;
    const nb = b.length;
    let n = 0;
    let i = 0;
    let j = 0;
    while (i < na && j < nb) {
      const x = a[i];
      const y = b[j];
      docs[n] = x;
      atA[n] = i;
      atB[n] = j;
      // x === y: neither difference is negative.
      n += 1 - (((x - y) | (y - x)) >>> 31);
      // x ≤ y: y − x is not negative; y ≤ x likewise.
      i += ((y - x) >>> 31) ^ 1;
      j += ((x - y) >>> 31) ^ 1;
    }
    return n;
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
      for (const d of this.recordsTitled(titleKey)) {
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
   * The records in title-key order, ties by record, sorted on first use: a property of the snapshot, like the sentence
   * breaks, so clearing the query caches keeps it.
   */
  private titleOrder?: Int32Array;

  /** The records whose title key is `key`, increasing. */
  private recordsTitled(key: number): number[] {
    const keys = this.postings.data.titleKeys;
    const N = keys.length;
    if (!this.titleOrder) {
      // Each record as the 64-bit integer key × 2^32 + record, written as two 32-bit halves and sorted numerically:
      // exact for any record count (key × N + record as a double is exact only below about 2M records), and faster
      // than sorting record numbers with a comparator (at 100k random keys: 7 ms against 28 ms; 11 ms as doubles).
      const pairs = new BigUint64Array(N);
      const halves = new Uint32Array(pairs.buffer);
      const low = LITTLE_ENDIAN ? 0 : 1;
      for (let d = 0; d < N; d++) {
        halves[2 * d + low] = d;
        halves[2 * d + 1 - low] = keys[d];
      }
      pairs.sort();
      const order = new Int32Array(N);
      for (let x = 0; x < N; x++) order[x] = halves[2 * x + low];
      this.titleOrder = order;
    }
    const order = this.titleOrder;
    let lo = 0;
    let hi = N;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[order[mid]] < key) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let x = lo; x < N && keys[order[x]] === key; x++) out.push(order[x]);
    return out;
  }

  /**
   * Whether a record's title is the query typed in full (EngineOptions.bonus.exactTitle): the stored title key
   * first (an integer compare), the title itself only where that matches. Undefined when the query has no title key.
   */
  private exactTitle(analysis: QueryAnalysis): ((d: number) => boolean) | undefined {
    if (!analysis.titleKey) return undefined;
    const titleKey = hash32(analysis.titleKey);
    const titleKeys = this.postings.data.titleKeys;
    return (d) => titleKeys[d] === titleKey && keyOf(this.analyzer.normalizer.plain(this.records[d].title)) === analysis.titleKey;
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
    const every = strategy === 'last' && U > 1 && U < 32 ? this.allWords(units) : undefined;
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
      for (let b = 0; b < U; b++) {
        const { docs, scores } = units[b].ds;
        for (let i = 0; i < docs.length; i++) {
          const d = docs[i];
          if (hasRecord(excluded, d)) continue;
          if (mask[d] === 0) touched.push(d);
          mask[d] |= 1 << b;
          acc[d] += scores[i];
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
    if (strategy === 'last' && (lone ? !lonePaged : U <= this.broaderWords(sentence))) {
      for (let b = 0; b < U && (lone || U <= MAX_PARTS_WORDS); b++) {
        const u = units[b];
        if (lone ? b !== 0 : u.ask || u.constraints.length !== 1) continue;
        const fill = this.partsFill(u.constraints[0]);
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
          const fill = this.broaderFill(u.constraints[0], informative());
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
    else inOrder = this.increasing(touched, mask);
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
        let informativeBits = 0;
        units.forEach((u, b) => {
          if (isInformative(u.ds.docs.length, u.ownIdf ?? u.idf)) informativeBits |= 1 << b;
        });
        if (U === 1) keep = (m) => (m & (all | PARTS_BIT)) !== 0;
        else if (this.fillsPage(touched, (d) => (mask[d] & all) === all)) keep = (m) => (m & all) === all;
        else {
          // Too few records have every word: fill with those holding a word that is not common for this query,
          // or failing that the rarest word.
          let bits = informativeBits & all;
          if (!touched.some((d) => (mask[d] & all) === all || (mask[d] & bits) !== 0)) {
            const rarest = Math.max(...units.map((u, b) => (u.ds.docs.length > 0 ? u.idf : -1)));
            bits = 1 << Math.max(0, units.findIndex((u) => u.ds.docs.length > 0 && u.idf === rarest));
          }
          keep = (m) => (m & all) === all || (m & (bits | CREDIT_BIT | (lone ? PARTS_BIT : 0))) !== 0;
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
        const exact = this.exactTitle(analysis);
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
    const exact = this.exactTitle(analysis);
    const bonus = this.options.bonus.exactTitle;
    // The outcome-direction column spares decoding a record that has no outcome moving that way.
    const moved = (d: number) => dir !== undefined && (!store || store.moved(d, dir));
    // Outcome metrics repeat across records (时间, 成本): each distinct one is normalised once per query.
    const metrics = new Map<string, string>();
    const finish = (s: number, d: number) => {
      if (moved(d)) s += this.options.outcomeMetric * this.outcomeFit(d, dir, undefined, metricUnits, metricIdf, metrics);
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
        for (const d of this.recordsTitled(hash32(analysis.titleKey))) {
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

  /** What the position bonuses of one query need, looked up once per ranking (not once per record). */
  bonusPlan(analysis: QueryAnalysis, units: Unit[]): BonusPlan {
    // Loops, not map/filter chains: once per first-seen query, and the inlined chains deoptimised (wrong map) here.
    const alternatives: BonusPlan['alternatives'] = [];
    for (let u = 0; u < units.length; u++) {
      const cs = units[u].constraints;
      for (let k = 0; k < cs.length; k++) alternatives.push(this.bonusAlternatives(cs[k]));
    }
    // A clause no record prints verbatim is dropped here, not checked per record and field.
    const verbatim: Occurrences[] = [];
    for (let g = 0; g < analysis.groups.length; g++) {
      const group = analysis.groups[g];
      for (let j = 0; j < group.length; j++) {
        if (group[j].constraints.length < 2) continue;
        const o = this.matcher.needle(group[j].text.replace(/\s+/g, ''));
        if (o.slots.length > 0) verbatim.push(o);
      }
    }
    const kinds: BonusPlan['kinds'] = [];
    for (let u = 0; u < units.length; u++) {
      const cs = units[u].constraints;
      for (let k = 0; k < cs.length; k++) if (cs[k].asideKinds) kinds.push(this.kindReaders(cs[k].asideKinds!));
    }
    return { alternatives, verbatim, unitCount: units.length, kinds };
  }

  /**
   * Readers of a word's set-aside kinds for the top window, never a kind's positions across the corpus: one with block
   * starts (a common word) by blocks, another that is one index token by its record list (rare, so short). A kind of
   * several tokens (供应链金融) would need its positions intersected, tens of milliseconds at 100k records with the
   * caches cleared: it is not read.
   */
  private kindReaders(kinds: string[]): { blocks: Occurrences[]; lists: Int32Array[] } {
    const blocks: Occurrences[] = [];
    const lists: Int32Array[] = [];
    for (const k of kinds) {
      if (this.matcher.soleTerm(k) === undefined) continue;
      const b = this.matcher.blockTerm(k);
      if (b) {
        if (b.records > 0) blocks.push(b);
      } else {
        const l = this.matcher.records(k);
        if (l.length > 0) lists.push(l);
      }
    }
    return { blocks, lists };
  }

  /**
   * The share of the query's words whose set-aside kinds (Constraint.asideKinds) a record prints in any field: its
   * base score grows by bonus.kinds × that share in the top window (SearchResult.select).
   */
  kindsShare(doc: number, plan: BonusPlan): number {
    if (plan.kinds.length === 0) return 0;
    const F = this.stats.fieldCount;
    let held = 0;
    for (const { blocks, lists } of plan.kinds) {
      let found = lists.some((l) => {
        const i = gallop(l, doc, 0);
        return i < l.length && l[i] === doc;
      });
      for (let f = 0; f < F && !found; f++) found = blocks.some((b) => slotEntry(b, doc * F + f) >= 0);
      if (found) held++;
    }
    return held / plan.unitCount;
  }

  /**
   * A word's alternatives that are strings and occur somewhere: one that occurs nowhere (most narrower terms of a word
   * printed rarely, 集成电路布图设计质押融资) can give no record a bonus, so the top window never looks it up.
   */
  private bonusAlternatives(c: Constraint): { length: number; occ: Occurrences }[] {
    const out: { length: number; occ: Occurrences }[] = [];
    for (const a of c.alternatives) {
      if (a.near) continue;
      // A common word read by blocks: the top window's records' blocks are decoded, not the word's whole list.
      const blocks = this.matcher.blockTerm(a.text);
      if (blocks) {
        if (blocks.records > 0) out.push({ length: a.text.length, occ: blocks });
        continue;
      }
      const occ = this.matcher.needle(a.text);
      if (occ.slots.length > 0) out.push({ length: a.text.length, occ });
    }
    return out;
  }

  /**
   * How well a record's outcome facts answer an outcome query (0…1): among facts moving the asked way (a change
   * verb) and of the asked figure (多少家: a count in 家; 多久: a duration), the best share (by idf) of the query's
   * other words that the fact's metric names; a fact of the asked figure that names none still counts a little
   * (askBase), because it states the figure the reporter wants.
   */
  private outcomeFit(d: number, dir: 'down' | 'up' | undefined, ask: QueryAnalysis['ask'], metricUnits: Unit[], metricIdf: number, metrics?: Map<string, string>): number {
    let best = 0;
    for (const o of this.outcomesOf(d)) {
      if (dir && o.direction !== dir) continue;
      if (ask?.kind && o.kind !== ask.kind) continue;
      if (ask?.unit) {
        const unit = o.unit ?? o.to?.unit ?? '';
        if (!unit.endsWith(ask.unit) && o.normalized?.unit !== ask.unit && o.to?.normalized?.unit !== ask.unit) continue;
      }
      // The metric first (distinct metrics repeat: normalised once per query); for a figure asked for, the clause too
      // where the metric names fewer than all of the words (the figure cited is read with its clause). Not for every
      // record a change verb ranks: reading each fact's clause there cost the seeds' question about 0.95 → 1.15 ms.
      let have = o.metric ? this.wordsNamed(o.metric, o, metricUnits, metrics) : 0;
      if (ask && have < metricIdf) have = Math.max(have, this.wordsNamed(metricAndClause(o), o, metricUnits, metrics));
      else if (!ask && !o.metric) continue;
      const share = have / metricIdf;
      best = Math.max(best, ask && !dir ? this.options.askBase + (1 - this.options.askBase) * share : share);
    }
    return best;
  }

  /** A record's outcome facts; from a loaded snapshot without decoding the record's other fields. */
  private outcomesOf(d: number): Outcome[] {
    return this.store ? this.store.outcomes(d) : this.records[d].outcomes ?? [];
  }

  /** The idf of the query's words that a fact's text (its metric, or its metric and clause) names, or whose measure it is. */
  private wordsNamed(text: string, o: Outcome, metricUnits: Unit[], cache?: Map<string, string>): number {
    let plain = cache?.get(text);
    if (plain === undefined) {
      plain = this.analyzer.normalizer.plain(text);
      cache?.set(text, plain);
    }
    let have = 0;
    for (const u of metricUnits) {
      if (printsUnit(plain, u)) have += u.idf;
      else if (this.options.measureWords && namesMeasure(u.text, o)) have += u.idf;
    }
    return have;
  }

  /**
   * Every word in the title, words close together, a clause found verbatim: from positions, for the top window only.
   * With `met`, also whether the words meet: some word in the title, or two of them close together in one field.
   */
  bonus(doc: number, plan: BonusPlan, matched: number, met?: { met: boolean }): number {
    this.bonusReadCount++;
    const o = this.options;
    const F = this.stats.fieldCount;
    const title = this.fieldIndex.get('title')!;
    let score = 0;
    if (met) {
      met.met = false;
      for (const alts of plan.alternatives) if (anyHasSlot(alts, doc * F + title)) met.met = true;
    }
    if (plan.unitCount > 1 && matched === plan.unitCount) {
      const slot = doc * F + title;
      let all = true;
      for (const alts of plan.alternatives) {
        if (!anyHasSlot(alts, slot)) {
          all = false;
          break;
        }
      }
      if (all) score += o.bonus.titleHasAll;
    }
    if (matched >= 2) {
      let best = 0;
      // Heaviest field first: the bonus is the best field's, and a field's can be no more than its share of the words
      // held × its weight (closeness is at most 1), so a field whose share cannot beat the best so far has its
      // positions never read (a title holding the words close together leaves the long text fields unread). The
      // maximum is the same in any order.
      for (const name of (this.proximityOrder ??= [...o.proximityFields].sort((a, b) => o.fieldWeights[b] - o.fieldWeights[a]))) {
        const slot = doc * F + this.fieldIndex.get(name)!;
        // A field holding fewer than two of the words adds nothing: found out from the slots alone, before any
        // position is read or listed (most fields of most records).
        let holding = 0;
        for (const alts of plan.alternatives) if (anyHasSlot(alts, slot)) holding++;
        if (holding < 2 || (holding / plan.alternatives.length) * o.fieldWeights[name] <= best) {
          if (holding >= 2) this.proximitySkipCount++;
          continue;
        }
        // Each word present in the field is one list of the window, its alternatives' positions given straight to
        // the window's columns (score.ts windowAdd); `span` adds each present word's first occurrence's length.
        windowStart();
        let present = 0;
        let span = 0;
        for (const alts of plan.alternatives) {
          let first = -1;
          for (const a of alts) {
            const occ = a.occ;
            const entry = slotEntry(occ, slot);
            if (entry < 0) continue;
            let s: number;
            let e: number;
            let pos: Int32Array;
            if (occ instanceof BlockTerm) [s, e, pos] = occ.positionsAt(entry);
            // A list read in place (no [from, to, positions] triple per word, field and record); a term decoded lazily
            // decodes only the block of positions holding the entry.
            else (s = occ.starts[entry]), (e = occ.starts[entry + 1]), (pos = positionsOf(occ, entry));
            if (first < 0) first = a.length;
            for (let x = s; x < e; x++) windowAdd(present, pos[x], a.length);
          }
          if (first >= 0) {
            present++;
            span += first;
          }
        }
        if (present < 2) continue;
        const window = windowOfAdded(present);
        if (window > o.proximityWindow + span) continue;
        const closeness = 1 - Math.max(0, window - span) / (o.proximityWindow + 1);
        best = Math.max(best, closeness * (present / plan.alternatives.length) * o.fieldWeights[name]);
      }
      score += o.bonus.proximity * best;
      if (met && best > 0) met.met = true;
    }
    for (const occ of plan.verbatim) {
      for (const name of SEARCH_FIELDS) {
        if (slotEntry(occ, doc * F + this.fieldIndex.get(name)!) >= 0) {
          score += o.bonus.verbatim * o.fieldWeights[name];
          break;
        }
      }
    }
    return score;
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
