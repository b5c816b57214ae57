/**
 * Matching from the index alone: where a normalised string occurs is the intersection of its tokens' positions,
 * each shifted by the token's offset in the string (退税 at p means 退税 at p; 留抵退税 at p means 留抵 at p, 抵退
 * at p+1, 退税 at p+2). Number and Latin word boundaries come with the tokens (5000 is a whole token, so it never
 * matches inside 15000). A compound typed whole also matches split by a few characters inside one sentence
 * (不动产…登记), from the positions of its two parts and of the sentence breaks. Results are cached (bounded).
 */
import { needleTokens, type NeedleToken } from '../analysis/terms.js';
import { SENTENCE_BREAKS } from '../analysis/compounds.js';
import { Lru } from '../analysis/lru.js';
import { CN_FIGURE_CONTINUES, HAN_PERCENT } from '../analysis/quantities.js';
import { EMPTY, TermOccurrences, positionCount, positionsOf, recordsOf, type BoundSource, type Occurrences, type Postings } from './postings.js';
import { Grow } from '../indexer/grow.js';
import { BlockTerm, type DocSkipIndex } from './doc-skips.js';
import { nearKey } from '../indexer/near-postings.js';
import { gallop } from '../indexer/slot-intersection.js';
import { insertionSort } from './insertion-sort.js';
import { int32Columns } from './slab.js';

/**
 * near() reads a common first part by its blocks (Matcher.blockTerm) when the second part is in fewer than 1 in this
 * many of its entries: each of the second part's fields then decodes at most one block of the first part's entries
 * and positions, instead of the first part's whole list.
 */
export const NEAR_BLOCK_RATIO = 64;

// The one galloping search, shared with the indexer's intersections (indexer/slot-intersection.ts).
export { gallop };

/**
 * The entry of occurrences holding slot `slot` (its index among their entries), or −1 when no position of them is in
 * it. Reads only the slots, never positions, and allocates nothing: the engine asks this per word and field of every
 * record of a page (title and proximity bonuses). A term read by blocks decodes only the slots of the block holding it.
 */
export function slotEntry(o: Occurrences, slot: number): number {
  if (o instanceof BlockTerm) return o.entryOf(slot);
  const i = gallop(o.slots, slot, 0);
  return i < o.slots.length && o.slots[i] === slot && o.starts[i + 1] > o.starts[i] ? i : -1;
}

/** Scratch columns of Matcher.intersect for a rarest list of at most this many entries and positions. */
const SCRATCH_ENTRIES = 1 << 14;
const SCRATCH_POSITIONS = 1 << 16;
const SCRATCH = {
  rec: new Int32Array(SCRATCH_ENTRIES),
  slots: new Int32Array(SCRATCH_ENTRIES),
  starts: new Int32Array(SCRATCH_ENTRIES + 1),
  pos: new Int32Array(SCRATCH_POSITIONS),
};

/** Covering tokens, rarest first (sorted in place by insertionSort: ties keep their order). */
const byCount = (x: { count: number }, y: { count: number }): number => x.count - y.count;

/** Occurrences built in (slot, position) order, in growable typed arrays (a common word's near matches are many). */
class Builder {
  private readonly slots = new Grow(new Int32Array(64));
  private readonly starts = new Grow(new Int32Array(64));
  private readonly pos = new Grow(new Int32Array(256));
  add(slot: number, p: number): void {
    const n = this.slots.length;
    if (n === 0 || this.slots.data[n - 1] !== slot) {
      this.slots.push(slot);
      this.starts.push(this.pos.length);
    }
    this.pos.push(p);
  }
  done(): Occurrences {
    if (!this.slots.length) return EMPTY;
    this.starts.push(this.pos.length);
    return { slots: this.slots.data.slice(0, this.slots.length), starts: this.starts.data.slice(0, this.starts.length), pos: this.pos.data.slice(0, this.pos.length) };
  }
}

/** Some entries of other occurrences (a needle restricted to fields), positions copied from them on first read. */
class RestrictedOccurrences implements Occurrences {
  private positions?: Int32Array;
  constructor(
    readonly slots: Int32Array,
    readonly starts: Int32Array,
    private readonly source: Occurrences,
    /** Entry e here is entry entries[e] of source. */
    private readonly entries: Int32Array,
  ) {}

  get pos(): Int32Array {
    if (this.positions) return this.positions;
    const out = new Int32Array(this.starts[this.slots.length]);
    const { source, entries } = this;
    for (let e = 0; e < entries.length; e++) {
      const i = entries[e];
      out.set(positionsOf(source, i).subarray(source.starts[i], source.starts[i + 1]), this.starts[e]);
    }
    this.positions = out;
    return out;
  }
}

/**
 * scattered() reads a character's common term (one with block starts) by its blocks when the candidate slots are
 * fewer than 1 in this many of its entries: each candidate then decodes at most one block of 64 entries, and the
 * blocks touched hold fewer entries than the whole stream.
 */
export const SCATTERED_BLOCK_RATIO = 8;

/** A term of a scattered() character as read for the candidate slots: by its blocks, or its document stream whole. */
type CandidateTerm = BlockTerm | Occurrences;

/** Calls visit(i, entry) for each candidate slot cs[i] (increasing) the term holds, `entry` being the term's entry. */
function eachCandidate(t: CandidateTerm, cs: Int32Array, visit: (i: number, entry: number) => void): void {
  const m = cs.length;
  if (t instanceof BlockTerm) {
    for (let i = 0; i < m; i++) {
      const e = t.entryOf(cs[i]);
      if (e >= 0) visit(i, e);
    }
    return;
  }
  // Galloped both ways: a rare term costs its own few entries, a common one the candidates'.
  const tSlots = t.slots;
  let i = 0;
  let j = 0;
  while (i < m && j < tSlots.length) {
    const a = cs[i];
    const b = tSlots[j];
    if (a < b) i = gallop(cs, b, i + 1);
    else if (b < a) j = gallop(tSlots, a, j + 1);
    else {
      if (t.starts[j + 1] > t.starts[j]) visit(i, j);
      i++;
      j++;
    }
  }
}

/**
 * Pushes entry `entry`'s positions onto `bag`, each labelled position × n + c (character c of n): sorting the labels
 * sorts by position, and no two characters share one, however many characters there are.
 */
function pushLabelled(bag: number[], t: CandidateTerm, entry: number, c: number, n: number): void {
  if (t instanceof BlockTerm) {
    const [from, to, pos] = t.positionsAt(entry);
    for (let x = from; x < to; x++) bag.push(pos[x] * n + c);
    return;
  }
  const pos = positionsOf(t, entry);
  for (let x = t.starts[entry]; x < t.starts[entry + 1]; x++) bag.push(pos[x] * n + c);
}

export class Matcher {
  private readonly cache: Lru<string, Occurrences>;

  constructor(
    readonly postings: Postings,
    cacheSize: number,
    /** At most this many characters may separate the two parts of a split compound. */
    readonly nearGap: number,
    /**
     * Stored words (indexer/word-postings.ts): a string stored there is read as one term, its occurrences the same as
     * intersecting its bigrams would give.
     */
    private readonly words?: Postings,
    /** Block starts of common terms (indexer/doc-skips.ts): such a term can be read by blocks (blockTerm). */
    private readonly skips?: DocSkipIndex,
    /**
     * Stored split compounds (indexer/near-postings.ts), found with this matcher's gap: a split stored there is read as
     * one term, its occurrences the same as `near` computes.
     */
    private readonly nears?: Postings,
    /** Block starts of common stored words (indexer/word-skips.ts): such a word can be read by blocks (commonTerm). */
    private readonly wordSkips?: DocSkipIndex,
  ) {
    this.cache = new Lru(cacheSize);
  }

  /** Common terms read by blocks this query (blockTerm), dropped with the cache (replaced, as Lru.clear says why). */
  private blockTerms = new Map<string, BlockTerm>();

  /**
   * A normalised string that is one common stored token (soleTerm) with block starts, as a term read by blocks: a
   * reader asking about a few records decodes only their blocks. Undefined when the string is anything else, or when
   * its occurrences are decoded already (reading those costs nothing more).
   */
  blockTerm(text: string): BlockTerm | undefined {
    if (!this.skips) return undefined;
    return this.blockRead(text, text, this.skips, () => {
      const term = this.soleTerm(text);
      return term === undefined ? -1 : this.postings.termId(term);
    });
  }

  /**
   * The block reader of `text` kept under `key` this query, or a new one for the term `termId()` names when `skips`
   * has its block starts; undefined when its occurrences are decoded already or it has none.
   */
  private blockRead(key: string, text: string, skips: DocSkipIndex, termId: () => number): BlockTerm | undefined {
    const kept = this.blockTerms.get(key);
    if (kept) return kept;
    if (this.cache.has(`*\u0000${text}`)) return undefined;
    const k = termId();
    const at = k < 0 ? -1 : skips.of(k);
    if (at < 0) return undefined;
    const out = new BlockTerm(skips, at, k, () => this.needle(text));
    this.blockTerms.set(key, out);
    return out;
  }

  /**
   * A normalised string that is one common term with block starts, read by blocks: an index token (blockTerm) or a
   * common stored word (its own postings, indexer/word-skips.ts: 知识产权 at 100k records). Undefined otherwise, or
   * when its occurrences are decoded already. Kept apart from blockTerm, whose answer some analysis steps read as
   * "printed far more often than a page" for index tokens only: a stored word's answer here changes no analysis.
   */
  commonTerm(text: string): BlockTerm | undefined {
    const token = this.blockTerm(text);
    if (token || !this.wordSkips || !this.stored(text)) return token;
    return this.blockRead(`\u0001${text}`, text, this.wordSkips, () => this.words!.termId(text));
  }

  /** Start positions of every occurrence of a normalised string, per slot; restricted to `fields` (indexes) when given. */
  needle(text: string, fields?: readonly number[]): Occurrences {
    const key = `${fields?.join(',') ?? '*'}\u0000${text}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const occ = fields ? this.restrict(this.needle(text), fields) : this.wholeFigure(text, this.intersect(text));
    this.cache.set(key, occ);
    return occ;
  }

  /**
   * A percentage spelled in Chinese (百分之三十, a printing of 30%) only where no Chinese digit continues it: Han text is
   * indexed by bigrams, so 百分之三十 also occurs inside 百分之三十五, a different value. Digit figures need no such
   * check (a number is one whole token). The positions followed by a digit are those where the bigram of the
   * needle's last character and that digit starts at the needle's last character.
   */
  private wholeFigure(text: string, o: Occurrences): Occurrences {
    if (!HAN_PERCENT.test(text) || o.slots.length === 0) return o;
    const last = text.length - 1;
    const after = this.postings.union([...CN_FIGURE_CONTINUES].map((d) => this.postings.term(text[last] + d)));
    if (after.slots.length === 0) return o;
    const out = new Builder();
    let removed = false;
    let j = 0;
    for (let i = 0; i < o.slots.length; i++) {
      const slot = o.slots[i];
      const pos = positionsOf(o, i);
      j = gallop(after.slots, slot, j);
      const held = j < after.slots.length && after.slots[j] === slot;
      const apos = held ? positionsOf(after, j) : EMPTY.pos;
      let y = held ? after.starts[j] : 0;
      const yEnd = held ? after.starts[j + 1] : 0;
      for (let x = o.starts[i]; x < o.starts[i + 1]; x++) {
        const at = pos[x] + last;
        while (y < yEnd && apos[y] < at) y++;
        if (y < yEnd && apos[y] === at) removed = true;
        else out.add(slot, pos[x]);
      }
    }
    return removed ? out.done() : o;
  }

  /**
   * The records a normalised string occurs in (in the fields `keep` marks), increasing, unscored: a string that is one
   * stored token is listed from the token's document stream alone (Postings.termRecords), anything else from its
   * occurrences.
   */
  records(text: string, keep?: Uint8Array): Int32Array {
    const F = this.postings.fieldCount;
    const cached = this.cache.get(`*\u0000${text}`);
    if (cached) return recordsOf(cached, F, keep);
    // A Chinese percentage is checked for what follows it (wholeFigure): only through its occurrences.
    if (HAN_PERCENT.test(text)) return recordsOf(this.needle(text), F, keep);
    if (this.stored(text)) return this.words!.termRecords(text, keep);
    const term = oneToken(text);
    if (term !== undefined) return this.postings.termRecords(term, keep);
    return recordsOf(this.needle(text), F, keep);
  }

  /**
   * The index term whose records are exactly a normalised string's records, when it is one stored token (records()
   * reads that token's list; an exclusion reads its record map where the snapshot has one). Undefined otherwise.
   */
  soleTerm(text: string): string | undefined {
    // A Chinese percentage (百分之三十) is never one token, so wholeFigure's check has nothing to do here.
    return this.stored(text) ? undefined : oneToken(text);
  }

  /**
   * Occurrences of a…b with 1 to nearGap characters between, inside one sentence; positions are a's starts. Only the
   * fields both parts are in are looked at: the shorter slot list leads, the other is galloped. A common `a` with
   * block starts (blockTerm) beside a much rarer `b` is read by blocks at b's fields (工程 of 工程…建设项目 at 100k
   * records: its whole list is never decoded).
   */
  near(a: string, b: string, fields?: readonly number[]): Occurrences {
    const key = `${fields?.join(',') ?? '*'}\u0000${a}\u0000${b}\u0000near`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const split = this.nears ? nearKey(a, b) : '';
    if (this.nears && this.nears.termId(split) >= 0) {
      // The split's own postings: per field, the same starts as checking a's and b's positions there.
      const whole = this.nears.term(split);
      const occ = fields ? this.restrict(whole, fields) : whole;
      this.cache.set(key, occ);
      return occ;
    }
    const B = this.needle(b, fields);
    const blocks = fields ? undefined : this.blockTerm(a);
    const byBlocks = blocks !== undefined && B.slots.length * NEAR_BLOCK_RATIO < blocks.entries;
    const A = byBlocks ? undefined : this.needle(a, fields);
    const breaks = this.breaks();
    const bpos = breaks.pos;
    const out = new Builder();
    // A's entries that hold a…b, one per slot; mapped to record numbers only if a ranking reads the bound.
    const rec: number[] = [];
    let lastSlot = -1;
    // The lists are read into locals once: A, B and the breaks are objects of several shapes (terms, stored words,
    // intersections, field-restricted views), and property reads inside these loops were most of the check's time.
    const bSlots = B.slots;
    const bStarts = B.starts;
    const kSlots = breaks.slots;
    const kStarts = breaks.starts;
    const gap = this.nearGap;
    const aLen = a.length;
    // The breaks' entry is found from the last one's (slots increase): a common part's slots would otherwise each
    // gallop from the start of the corpus's sentence breaks.
    let k = 0;
    /** Slot `slot`: a's positions apos[xFrom … xEnd) (its entry `entry`), b's entry j. */
    const check = (slot: number, entry: number, apos: Int32Array, xFrom: number, xEnd: number, j: number) => {
      // The slot's breaks are looked up only once a b follows an a closely enough (few slots of common parts do).
      let bs = -1;
      let be = 0;
      // Positions of only the slots both hold (a lazily read term decodes just their blocks).
      const Bpos = positionsOf(B, j);
      const yFrom = bStarts[j];
      const yEnd = bStarts[j + 1];
      for (let x = xFrom; x < xEnd; x++) {
        const end = apos[x] + aLen;
        // The first b that starts 1…nearGap characters after a ends.
        let y = yFrom;
        while (y < yEnd && Bpos[y] < end + 1) y++;
        if (y >= yEnd || Bpos[y] > end + gap) continue;
        // No sentence break between the parts.
        if (bs < 0) {
          k = gallop(kSlots, slot, k);
          const held = k < kSlots.length && kSlots[k] === slot;
          bs = held ? kStarts[k] : 0;
          be = held ? kStarts[k + 1] : 0;
        }
        let broken = false;
        for (let z = bs; z < be; z++) {
          if (bpos[z] >= end && bpos[z] < Bpos[y]) {
            broken = true;
            break;
          }
        }
        if (!broken) {
          out.add(slot, apos[x]);
          if (slot !== lastSlot) rec.push(entry);
          lastSlot = slot;
        }
      }
    };
    if (byBlocks) {
      for (let j = 0; j < bSlots.length; j++) {
        const entry = blocks!.entryOf(bSlots[j]);
        if (entry < 0) continue;
        const [xFrom, xEnd, apos] = blocks!.positionsAt(entry);
        check(bSlots[j], entry, apos, xFrom, xEnd, j);
      }
    } else {
      const aSlots = A!.slots;
      const aStarts = A!.starts;
      let i = 0;
      let j = 0;
      while (i < aSlots.length && j < bSlots.length) {
        const sa = aSlots[i];
        const sb = bSlots[j];
        if (sa < sb) i = gallop(aSlots, sb, i + 1);
        else if (sb < sa) j = gallop(bSlots, sa, j + 1);
        else {
          check(sa, i, positionsOf(A!, i), aStarts[i], aStarts[i + 1], j);
          i++;
          j++;
        }
      }
    }
    const occ = out.done();
    // a…b occurs in a's fields, at most as often as a: a's bounds (its own or its driving term's) bound it.
    const ownBounds = byBlocks ? blocks!.bounds : A instanceof TermOccurrences ? A.bounds : undefined;
    if (occ.slots.length > 0 && ownBounds) {
      const whole = byBlocks ? () => blocks!.slots : () => A!.slots;
      occ.bound = new DrivingBound(ownBounds, whole, Int32Array.from(rec), this.postings.fieldCount);
    } else if (occ.slots.length > 0 && A?.bound) {
      const aRec = A.bound.record;
      occ.bound = { blocks: A.bound.blocks, entries: rec.length, record: Int32Array.from(rec, (i) => aRec[i]) };
    }
    this.cache.set(key, occ);
    return occ;
  }

  /**
   * Occurrences of every character of `chars` inside a span of at most `span` characters, in any order, within one
   * sentence: a short form no record prints as typed, spelled out the way the records write its subject (修船 in
   * 船舶修理, 技贸 in 技术性贸易措施). Positions are the spans' starts, one per span (the first span found, then the next
   * starting after it ends). Each character's occurrences are a lone character's (every token starting with it).
   *
   * The work grows with the records holding every character, not with how common each is: only the rarest character
   * (fewest positions, counted from the index without decoding) is united whole; each other character's terms are read
   * for their documents against the candidate slots left (rarest character next), and their positions decoded only in
   * the slots holding them all. A term's documents are its stream decoded whole and galloped, or, for a common term
   * with block starts beside few candidates, only the blocks the candidates fall in (candidateTerm); none enters the
   * postings' cache, and each is read once. At 100k records 技贸措施 had united every term starting with 技, 贸, 措
   * and 施 (millions of positions) to find ~1k records.
   */
  scattered(chars: string, span: number, fields?: readonly number[]): Occurrences {
    const key = `${fields?.join(',') ?? '*'}\u0000${chars}\u0000${span}\u0000scattered`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const wanted = [...new Set(chars)];
    const listed = wanted.map((c) => this.postings.prefixTerms(c));
    const occ = listed.every((l) => l !== undefined) ? this.scatteredFromRarest(wanted, listed as { terms: string[]; positions: number }[], span, fields) : this.scatteredUnited(wanted, span, fields);
    this.cache.set(key, occ);
    return occ;
  }

  /** scattered() where the terms are listed: the rarest character's union drives, the others are read per slot. */
  private scatteredFromRarest(wanted: string[], listed: { terms: string[]; positions: number }[], span: number, fields?: readonly number[]): Occurrences {
    const order = wanted.map((_, c) => c).sort((x, y) => listed[x].positions - listed[y].positions || x - y);
    const lead = this.needle(wanted[order[0]], fields);
    let m = lead.slots.length;
    if (m === 0) return EMPTY;
    // Candidates: the lead's entries still holding every character read so far (entry indexes, increasing).
    let cand = new Int32Array(m);
    const candSlots = new Int32Array(m);
    for (let i = 0; i < m; i++) cand[i] = i;
    candSlots.set(lead.slots);
    const has = new Uint8Array(m);
    // Per other character (in `order`), its terms that hold a candidate: read once, their positions taken below.
    const held: CandidateTerm[][] = [];
    for (let o = 1; o < order.length && m > 0; o++) {
      has.fill(0, 0, m);
      const cs = candSlots.subarray(0, m);
      const kept: CandidateTerm[] = [];
      for (const t of listed[order[o]].terms) {
        const occ = this.candidateTerm(t, m);
        let hit = false;
        eachCandidate(occ, cs, (i) => {
          has[i] = 1;
          hit = true;
        });
        if (hit) kept.push(occ);
      }
      held.push(kept);
      let n = 0;
      for (let i = 0; i < m; i++) {
        if (!has[i]) continue;
        cand[n] = cand[i];
        candSlots[n++] = candSlots[i];
      }
      m = n;
    }
    if (m === 0) return EMPTY;
    cand = cand.subarray(0, m);
    const cs = candSlots.subarray(0, m);
    // Positions of the slots left, labelled by character (pushLabelled).
    const n = wanted.length;
    const bags: number[][] = Array.from({ length: m }, () => []);
    for (let i = 0; i < m; i++) pushLabelled(bags[i], lead, cand[i], order[0], n);
    for (let o = 1; o < order.length; o++) {
      for (const occ of held[o - 1]) eachCandidate(occ, cs, (i, e) => pushLabelled(bags[i], occ, e, order[o], n));
    }
    return this.spans(cs, bags, n, span);
  }

  /** scattered() from every character's whole union (a reader whose terms are not listed). */
  private scatteredUnited(wanted: string[], span: number, fields?: readonly number[]): Occurrences {
    const lists = wanted.map((c) => this.needle(c, fields));
    const entry = new Int32Array(lists.length);
    const lead = lists.reduce((a, b) => (b.slots.length < a.slots.length ? b : a));
    const slots: number[] = [];
    const bags: number[][] = [];
    for (const slot of lead.slots) {
      let all = true;
      for (let c = 0; c < lists.length && all; c++) {
        entry[c] = gallop(lists[c].slots, slot, entry[c]);
        all = lists[c].slots[entry[c]] === slot;
      }
      if (!all) continue;
      const bag: number[] = [];
      for (let c = 0; c < lists.length; c++) pushLabelled(bag, lists[c], entry[c], c, lists.length);
      slots.push(slot);
      bags.push(bag);
    }
    return this.spans(slots, bags, wanted.length, span);
  }

  /** The spans of scattered(): per slot (increasing), its characters' labelled positions, sorted here. */
  private spans(slots: ArrayLike<number>, bags: number[][], chars: number, span: number): Occurrences {
    const out = new Builder();
    const window = new SpanWindow(this.breaks(), chars, span);
    for (let i = 0; i < slots.length; i++) window.run(slots[i], bags[i].sort((x, y) => x - y), out);
    return out.done();
  }

  /**
   * A term of a scattered() character, read for `candidates` slots: by its blocks (BlockTerm) when it has block starts
   * and the candidates are fewer than 1 in SCATTERED_BLOCK_RATIO of its entries, else its document stream decoded
   * whole. Either way it stays out of the postings' cache (Postings.termOnce), unless it is cached already.
   */
  private candidateTerm(term: string, candidates: number): CandidateTerm {
    if (this.skips && !this.postings.hasCached(term)) {
      const k = this.postings.termId(term);
      const at = k < 0 ? -1 : this.skips.of(k);
      if (at >= 0 && candidates * SCATTERED_BLOCK_RATIO < this.skips.index.termEntries[k]) return new BlockTerm(this.skips, at, k, () => this.postings.term(term));
    }
    return this.postings.termOnce(term);
  }

  /**
   * Sentence breaks of the whole corpus, merged once and kept for the engine's lifetime: they are structure of the
   * indexed text, not of any query, so clearing the query caches does not drop them.
   */
  private sentenceBreaks?: Occurrences;

  private breaks(): Occurrences {
    if (this.sentenceBreaks) return this.sentenceBreaks;
    const before = this.postings.provisionalReads;
    const breaks = this.postings.union(SENTENCE_BREAKS.map((t) => this.postings.term(t)));
    // A break's term read as absent for now (the offline page's chunk not loaded yet) is read again in the next round
    // once loaded: kept, it would let every later split compound run across sentences.
    if (this.postings.provisionalReads === before) this.sentenceBreaks = breaks;
    return breaks;
  }

  /** The entries of `o` in the given fields; their positions are copied only when read (scoring reads none). */
  private restrict(o: Occurrences, fields: readonly number[]): Occurrences {
    const F = this.postings.fieldCount;
    const keep = new Uint8Array(F);
    for (const f of fields) keep[f] = 1;
    const entries = new Int32Array(o.slots.length);
    let n = 0;
    for (let i = 0; i < o.slots.length; i++) if (keep[o.slots[i] % F]) entries[n++] = i;
    if (n === 0) return EMPTY;
    if (n === o.slots.length) return o;
    const slots = new Int32Array(n);
    const starts = new Int32Array(n + 1);
    for (let e = 0; e < n; e++) {
      const i = entries[e];
      slots[e] = o.slots[i];
      starts[e + 1] = starts[e] + o.starts[i + 1] - o.starts[i];
    }
    return new RestrictedOccurrences(slots, starts, o, entries.subarray(0, n));
  }

  /** Whether a string has its own stored postings (only words of three or more characters are stored). */
  private stored(text: string): boolean {
    return !!this.words && text.length >= 3 && this.words.termId(text) >= 0;
  }

  /**
   * Occurrences of a whole string: a stored word's own postings, or its rarest token's positions, kept where every
   * other token sits at its offset.
   */
  private intersect(text: string): Occurrences {
    if (this.stored(text)) return this.words!.term(text);
    const tokens = needleTokens(text);
    if (tokens.length === 0) return EMPTY;
    // Only the covering tokens are read at all, rarest first, their sizes from the index (a prefix's union is made to
    // know its size); each is decoded only when the candidates reach it.
    // Each token's size looked up once (the cover asks about a run's bigrams, the sort about the cover's).
    const counts = new Map<NeedleToken, number>();
    const countOf = (t: NeedleToken) => {
      let n = counts.get(t);
      if (n === undefined) counts.set(t, (n = this.postings.positionsOfTerm(t.term)));
      return n;
    };
    const sized = coveringTokens(tokens, countOf).map((t) => {
      const occ = t.prefix ? this.postings.prefix(t.term) : undefined;
      return { token: t, count: occ ? positionCount(occ) : countOf(t), occ };
    });
    insertionSort(sized, byCount);
    // A one-token word is its term's postings as they are: positions stay undecoded until something reads them.
    if (sized[0].count === 0) return EMPTY;
    const lists: { offset: number; occ: Occurrences }[] = [];
    const listAt = (k: number) => (lists[k] ??= { offset: sized[k].token.offset, occ: (sized[k].occ ??= this.postings.term(sized[k].token.term)) });
    const first = listAt(0);
    if (sized.length === 1 && first.offset === 0) return first.occ;
    // Candidates: (slot, start of the string) from the rarest token, narrowed token by token in place (typed arrays
    // the size of the rarest list: candidates only ever shrink, so a first-seen word allocates no growing lists).
    const fOcc = first.occ;
    const fSlots = fOcc.slots;
    const fStarts = fOcc.starts;
    const E0 = fSlots.length;
    // Which of the driving term's entries each candidate is: its block bounds then bound the string (BoundSource),
    // through record numbers worked out only if a ranking reads them (a phrase alone is scored whole).
    // Worked in shared scratch columns when the rarest list is small (nearly every needle of a query): the result is
    // copied out at the end, so a needle costs the few arrays it keeps, not four more the size of the rarest list.
    const scratch = E0 <= SCRATCH_ENTRIES && fStarts[E0] <= SCRATCH_POSITIONS;
    const rec = fOcc instanceof TermOccurrences && fOcc.bounds ? (scratch ? SCRATCH.rec : new Int32Array(E0)) : undefined;
    const slots = scratch ? SCRATCH.slots : new Int32Array(E0);
    const starts = scratch ? SCRATCH.starts : new Int32Array(E0 + 1);
    const pos = scratch ? SCRATCH.pos : new Int32Array(fStarts[E0]);
    let E = 0;
    if (sized.length === 1) {
      // One token at an offset: its positions, shifted.
      const firstPos = fOcc.pos;
      const n = fStarts[E0];
      for (let x = 0; x < n; x++) pos[x] = firstPos[x] - first.offset;
      slots.set(fSlots);
      starts.set(fStarts);
      if (rec) for (let e = 0; e < E0; e++) rec[e] = e;
      E = E0;
    } else {
      // The first narrowing reads the rarest token's positions only in the slots the next token also holds (its
      // blocks alone): a string printed nowhere, such as a question typed whole, reads few or none; the later tokens
      // are decoded only if candidates remain.
      const { offset, occ } = listAt(1);
      const oSlots = occ.slots;
      const oStarts = occ.starts;
      let np = 0;
      let j = 0;
      for (let i = 0; i < E0; i++) {
        const slot = fSlots[i];
        j = gallop(oSlots, slot, j);
        if (j >= oSlots.length) break;
        if (oSlots[j] !== slot) continue;
        const fpos = positionsOf(fOcc, i);
        const opos = positionsOf(occ, j);
        let y = oStarts[j];
        const yEnd = oStarts[j + 1];
        const before = np;
        const xEnd = fStarts[i + 1];
        for (let x = fStarts[i]; x < xEnd; x++) {
          const p = fpos[x] - first.offset;
          const want = p + offset;
          while (y < yEnd && opos[y] < want) y++;
          if (y >= yEnd) break;
          if (opos[y] === want) pos[np++] = p;
        }
        if (np > before) {
          if (rec) rec[E] = i;
          slots[E] = slot;
          starts[E] = before;
          E++;
        }
      }
      starts[E] = np;
    }
    for (let k = 2; k < sized.length && E > 0; k++) {
      const { offset, occ } = listAt(k);
      let ns = 0;
      let np = 0;
      let j = 0;
      for (let i = 0; i < E; i++) {
        j = gallop(occ.slots, slots[i], j);
        if (j >= occ.slots.length) break;
        if (occ.slots[j] !== slots[i]) continue;
        // Only the blocks of a common token's positions that a candidate falls in are decoded.
        const opos = positionsOf(occ, j);
        let y = occ.starts[j];
        const yEnd = occ.starts[j + 1];
        const before = np;
        // Kept positions are written at np ≤ x: never over one still to be read.
        const xEnd = starts[i + 1];
        for (let x = starts[i]; x < xEnd; x++) {
          const want = pos[x] + offset;
          while (y < yEnd && opos[y] < want) y++;
          if (y >= yEnd) break;
          if (opos[y] === want) pos[np++] = pos[x];
        }
        if (np > before) {
          if (rec) rec[ns] = rec[i];
          slots[ns] = slots[i];
          // ns ≤ i: entries are only ever moved down, after they have been read.
          starts[ns] = before;
          ns++;
        }
      }
      starts[ns] = np;
      E = ns;
    }
    if (E === 0) return EMPTY;
    // Copied out into one buffer: one off-heap buffer for a scavenge to sweep instead of three (search/slab.ts).
    const P = starts[E];
    const [keptSlots, keptStarts, keptPos] = int32Columns(E, E + 1, P);
    keptSlots.set(slots.subarray(0, E));
    keptStarts.set(starts.subarray(0, E + 1));
    keptPos.set(pos.subarray(0, P));
    const out: Occurrences = { slots: keptSlots, starts: keptStarts, pos: keptPos };
    if (rec) out.bound = new DrivingBound((first.occ as TermOccurrences).bounds!, first.occ.slots, rec.slice(0, E), this.postings.fieldCount);
    return out;
  }

  clearCache(): void {
    this.cache.clear();
    this.blockTerms = new Map();
  }
}

/** A string's bounds through the term it was found by (BoundSource): `record` counted from that term's slots when first read. */
class DrivingBound implements BoundSource {
  private numbers?: Int32Array;

  constructor(
    readonly blocks: Float32Array,
    /** The term's slots (a function: a term read by blocks is decoded whole only if a ranking reads its bound). */
    private readonly slots: Int32Array | (() => Int32Array),
    /** The term's entry each of the string's entries is (increasing). */
    private readonly from: Int32Array,
    private readonly F: number,
  ) {}

  get entries(): number {
    return this.from.length;
  }

  get record(): Int32Array {
    if (this.numbers) return this.numbers;
    // The term's record numbers, picked at the string's entries.
    const all = recordNumbers(typeof this.slots === 'function' ? this.slots() : this.slots, this.F);
    const out = new Int32Array(this.from.length);
    for (let x = 0; x < out.length; x++) out[x] = all[this.from[x]];
    return (this.numbers = out);
  }
}

/** Per entry, the number of its record among the records of the list (slots increasing, F slots a record). */
function recordNumbers(slots: Int32Array, F: number): Int32Array {
  const out = new Int32Array(slots.length);
  let n = -1;
  let end = 0;
  for (let e = 0; e < slots.length; e++) {
    if (slots[e] >= end) {
      n++;
      end = ((slots[e] / F) | 0) * F + F;
    }
    out[e] = n;
  }
  return out;
}

/** The one index term a normalised string is, when it is exactly one whole token (not a prefix); else undefined. */
function oneToken(text: string): string | undefined {
  const tokens = needleTokens(text);
  return tokens.length === 1 && tokens[0].offset === 0 && !tokens[0].prefix ? tokens[0].term : undefined;
}

/** A Han bigram token (both characters in the range the index pairs: analysis/terms.ts positionalTokenKeys). */
function isBigram(term: string): boolean {
  if (term.length !== 2) return false;
  const a = term.charCodeAt(0);
  const b = term.charCodeAt(1);
  return a >= 0x4e00 && a <= 0x9fff && b >= 0x4e00 && b <= 0x9fff;
}

/**
 * The tokens a string's occurrence must be checked against: every token except the Han bigrams that others cover.
 * The index holds a bigram wherever two Han characters are adjacent, so bigrams at offsets covering every character
 * of a Han run fix that run's text, and the run's other bigrams then occur there too: 知识产权 is 知识 at 0 and 产权 at
 * 2 (识产 follows), 告知承诺制 告知 + 知承 + 诺制 (承诺 follows). Per run of consecutive bigrams, the cover with the
 * fewest positions is kept (the run's first and last bigram always, between them no gap of two), so a common middle
 * bigram's positions are never decoded.
 */
function coveringTokens(tokens: NeedleToken[], positions: (t: NeedleToken) => number): NeedleToken[] {
  const out: NeedleToken[] = [];
  let i = 0;
  while (i < tokens.length) {
    if (tokens[i].prefix || !isBigram(tokens[i].term)) {
      out.push(tokens[i++]);
      continue;
    }
    // A run: bigrams at consecutive offsets.
    let j = i + 1;
    while (j < tokens.length && !tokens[j].prefix && isBigram(tokens[j].term) && tokens[j].offset === tokens[j - 1].offset + 1) j++;
    const m = j - i;
    if (m <= 2) {
      for (let k = i; k < j; k++) out.push(tokens[k]);
      i = j;
      continue;
    }
    // cost[k]: least positions of a cover of the run's characters up to k + 1 whose last bigram is k (k = 0 always in;
    // the one before k is k − 1 or k − 2, so no character is left out).
    const cost = new Float64Array(m);
    const prev = new Int32Array(m).fill(-1);
    for (let k = 0; k < m; k++) {
      const own = positions(tokens[i + k]);
      if (k === 0) cost[k] = own;
      else if (k === 1) (cost[k] = own + cost[0]), (prev[k] = 0);
      else {
        const from = cost[k - 2] <= cost[k - 1] ? k - 2 : k - 1;
        cost[k] = own + cost[from];
        prev[k] = from;
      }
    }
    const kept: NeedleToken[] = [];
    for (let k = m - 1; k >= 0; k = prev[k]) kept.push(tokens[i + k]);
    out.push(...kept.reverse());
    i = j;
  }
  return out;
}

/**
 * The spans of Matcher.scattered in one slot: a sliding window over the slot's positions labelled by character
 * (position × n + character for n characters, pushLabelled; in order), the shortest cover of every character ending
 * at each position, kept when it is at most `span` long, starts after the last span kept ends and holds no sentence
 * break. Slots come in order.
 */
class SpanWindow {
  private k = 0;
  private readonly last: Int32Array;
  constructor(
    private readonly breaks: Occurrences,
    chars: number,
    private readonly span: number,
  ) {
    this.last = new Int32Array(chars);
  }

  run(slot: number, merged: readonly number[], out: Builder): void {
    const { breaks, last, span } = this;
    const kSlots = breaks.slots;
    this.k = gallop(kSlots, slot, this.k);
    const k = this.k;
    const held = k < kSlots.length && kSlots[k] === slot;
    const bpos = breaks.pos;
    const bFrom = held ? breaks.starts[k] : 0;
    const bEnd = held ? breaks.starts[k + 1] : 0;
    last.fill(-1);
    let after = -1;
    // Labels are position × n + character, n the characters counted (pushLabelled).
    const n = last.length;
    for (let x = 0; x < merged.length; x++) {
      const to = Math.floor(merged[x] / n);
      last[merged[x] % n] = to;
      let from = Infinity;
      for (let c = 0; c < last.length; c++) from = Math.min(from, last[c] < 0 ? -Infinity : last[c]);
      if (from === -Infinity || from <= after || to - from + 1 > span) continue;
      let broken = false;
      for (let z = bFrom; z < bEnd && !broken; z++) broken = bpos[z] > from && bpos[z] < to;
      if (broken) continue;
      out.add(slot, from);
      after = to;
    }
  }
}
