/**
 * A query's result set and its ranking: the matched records with their base scores and missing words, ordered by tier
 * (fewer and rarer missing words first, unless the query describes an idea and ranks by score alone), then score, with
 * a bounded selection instead of a sort and the top window re-scored with position bonuses. Apart from the engine
 * (engine.ts finds the records and scores them; this orders what was found), and kept by the engine's result cache, so
 * paging and filtering re-rank without matching again.
 */
import type { QueryAnalysis } from './analyzer.js';
import { checkDeadline } from './budget.js';
import { recordCount } from './doc-skips.js';
import type { BonusPlan } from './bonus.js';
import type { SearchEngine } from './engine.js';
import { MAX_PARTS_WORDS, type Unit } from './query-words.js';
import { RecordSet } from './record-bits.js';
import { TopK } from './score.js';


/**
 * How records lacking some of the query's words are treated:
 * - `last` (default): records with every word first; then, when those make less than a page of reforms
 *   (FILL_TO), records with some of the words, ranked by how many are missing and how rare the missing ones are. A
 *   record holding only words that are common for this query (办理 beside 出口退税) is never a result.
 * - `all`: every word is required; only when no record has them all do the records with the most of them come back.
 */
export type MatchingStrategy = 'last' | 'all';

export interface RankedEntry {
  index: number;
  score: number;
  matched: number;
  missing: string[];
}

/** The tiers of a result with one tier (SearchResult.bounded never reads it). */
const ONE_TIER = new Uint32Array(0);

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

  /**
   * The scale of a record holding every word of a compound typed whole, but apart (EngineOptions.apartCost): what a
   * partial match lacking the query's least rare word at apartCost of its idf is scaled by (coveragePower, `decay`).
   * 0 when the rule does not apply: not one clause typed without a space, fewer than two or more than MAX_PARTS_WORDS
   * (4) words, a phrase or a field prefix, or the option off.
   */
  private apartScale(decay: number): number {
    const o = this.engine.options;
    const U = this.units.length;
    if (o.apartCost <= 0 || U < 2 || U > MAX_PARTS_WORDS || this.analysis.groups.length !== 1 || this.analysis.groups[0].length !== 1) return 0;
    const clause = this.analysis.groups[0][0];
    if (/\s/.test(clause.text.trim()) || clause.constraints.some((c) => c.phrase || c.fields)) return 0;
    let least = Infinity;
    for (const u of this.units) least = Math.min(least, u.idf);
    return ((U - 1) / U) ** o.coveragePower * Math.exp(-decay * o.apartCost * least);
  }

  /** a ranks before b (indexes into docs), with score overrides for the re-scored top. */
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
        plan ??= this.engine.positions.bonusPlan(this.analysis, this.units);
        const corroborated = plan.kinds.length ? 1 + this.engine.options.bonus.kinds * this.engine.positions.kindsShare(this.docs[i], plan) : 1;
        const every = this.missingMask[i] === 0;
        b = { corroborated, bonus: this.engine.positions.bonus(this.docs[i], plan, plan.unitCount - this.missingCount(i), apart && every ? met : undefined), apart: false };
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
    this.engine.noteKeptRanking();
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
