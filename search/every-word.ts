/**
 * Retrieval of the records holding every word of a query: the rarest word's list walked, the others' stepped through
 * or galloped, two dense lists merged without a branch per step, a common word asked by its blocks at the few records
 * left; and their scores, summed when first read (EveryWordScores). The usual answer of a multi-word query when those
 * records fill a page; apart from the engine's combining of partial matches (engine.ts combine).
 */
import { BlockWordScores, recordCount } from './doc-skips.js';
import { gallop } from './match.js';
import type { EngineOptions } from './options.js';
import type { Unit } from './query-words.js';
import { hasRecord } from './record-bits.js';
import { head } from './slab.js';
import { LazyScores, NO_DOCS, addPairScores, addScores, scoreAt, type DocScores } from './score.js';

/** allWords walks a word's list step by step when it is at most this many times the rarest word's, else gallops. */
const DENSE_RATIO = 8;

/**
 * The records holding every word of a query (EveryWordMatch.allWords), scored when read: entry i is entry at[b][i] of
 * word b's list, its score the words' scores summed in word order (the sum a merge of the words' lists gives), then
 * `finish`ed (outcome direction, exact title). A filtered view (a region) scores only the records it keeps.
 */
export class EveryWordScores extends LazyScores {
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

export class EveryWordMatch {
  /** How many records were asked of a common word by its blocks (SearchEngine.blockAsks). */
  blockAskCount = 0;
  /** How many records two-word merges (bothOf) found (SearchEngine.pairMerges). */
  pairMergeCount = 0;

  constructor(
    private readonly options: EngineOptions,
    /** The map of no excluded record (most queries): allWords then removes none after a merge. */
    private readonly noneExcluded: Int32Array,
  ) {}

  /**
   * Records (not excluded) holding every word, increasing, and where each is in each word's list (at[b][i]: the i-th
   * record's entry in lists[b]). Nothing is scored here: EveryWordScores scores what a ranking reads. A common word
   * read by blocks (BlockWordScores) is asked about last, at the records every other word left in, when they are few
   * beside its records (EngineOptions.blockAskRatio): only their blocks are decoded and only they scored, and its list here is those
   * records with their scores; otherwise it is decoded whole and walked like the others.
   */
  allWords(units: Unit[], excluded: Int32Array): { docs: Int32Array; at: Int32Array[]; lists: DocScores[] } {
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
    if (pair) {
      n = EveryWordMatch.bothOf(driver, lists[order[1]], docs, at[rarest], at[order[1]]);
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
}
