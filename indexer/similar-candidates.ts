/**
 * The third and fourth passes of the similar-reform build (indexer/similar.ts): each reform's best `C` candidates by
 * the inner product of tf-idf vectors, walked over inverted lists cut to the reforms where a term weighs most; then its
 * lists (second-order part, shared-word check, diversity re-ranking, both scopes). Pure typed-array work over a range
 * of reforms, so a worker thread (indexer/similar-worker.ts) and the build thread can each take the chunks of reforms
 * they claim, over shared memory (indexer/shared-chunks.ts): both run this same code, so the lists are the same.
 */

/** The vectors and cut inverted lists, and where the candidates go (`C` slots per reform, -1 = none). */
export interface CandidateInput {
  R: number;
  C: number;
  /** A source walks the lists of only its strongest this many terms. */
  queryTerms: number;
  vecStart: Int32Array;
  vIds: Int32Array;
  vW: Float32Array;
  postStart: Int32Array;
  postEnd: Int32Array;
  postDoc: Int32Array;
  postW: Float32Array;
  candIds: Int32Array;
  candS: Float32Array;
}

/** Candidates of reforms [from, to). */
export function findCandidates(input: CandidateInput, from: number, to: number): void {
  candidateRunner(input)(from, to);
}

/** Finds the candidates of a range of reforms at a time, its scratch arrays (four of R entries) made once for every
 *  range it is given (a thread runs many chunks, indexer/shared-chunks.ts). */
export function candidateRunner(input: CandidateInput): (from: number, to: number) => void {
  const { R, C, queryTerms, vecStart, vIds, vW, postStart, postEnd, postDoc, postW, candIds, candS } = input;
  const acc = new Float32Array(R);
  const touched = new Int32Array(R);
  // The reforms reached (not the source) and their scores, of which the best C are selected.
  const reached = new Int32Array(R);
  const reachedS = new Float64Array(R);
  const best = new Strongest();
  const byId = (a: number, b: number) => reached[a] < reached[b];
  const qOrder: number[] = [];
  return (from, to) => {
    for (let r = from; r < to; r++) {
      let nt = 0;
      qOrder.length = 0;
      for (let x = vecStart[r]; x < vecStart[r + 1]; x++) qOrder.push(x);
      if (qOrder.length > queryTerms) {
        qOrder.sort((a, b) => vW[b] - vW[a] || a - b);
        qOrder.length = queryTerms;
      }
      for (const x of qOrder) {
        const f = vIds[x];
        const wi = vW[x];
        for (let p = postStart[f], end = postEnd[f]; p < end; p++) {
          const j = postDoc[p];
          if (acc[j] === 0) touched[nt++] = j;
          acc[j] += wi * postW[p];
        }
      }
      let m = 0;
      for (let x = 0; x < nt; x++) {
        const j = touched[x];
        if (j !== r) {
          reached[m] = j;
          reachedS[m++] = acc[j];
        }
        acc[j] = 0;
      }
      // Best first, ties to the lower id; the rest of the C slots stay -1 (none).
      const top = best.select(reachedS, m, C, byId);
      for (let slot = 0; slot < top.length; slot++) {
        candIds[r * C + slot] = reached[top[slot]];
        candS[r * C + slot] = reachedS[top[slot]];
      }
    }
  };
}

/** The same arrays in shared memory, for a worker to write into. */
export function shareCandidates(input: Omit<CandidateInput, 'candIds' | 'candS'>): CandidateInput {
  const candIds = new Int32Array(new SharedArrayBuffer(4 * input.R * input.C)).fill(-1);
  const candS = new Float32Array(new SharedArrayBuffer(4 * input.R * input.C));
  return {
    R: input.R,
    C: input.C,
    queryTerms: input.queryTerms,
    vecStart: share(input.vecStart),
    vIds: share(input.vIds),
    vW: share(input.vW),
    postStart: share(input.postStart),
    postEnd: share(input.postEnd),
    postDoc: share(input.postDoc),
    postW: share(input.postW),
    candIds,
    candS,
  };
}

/** What the lists pass reads and where it writes (`k` slots per record and scope). */
export interface ListInput {
  R: number;
  C: number;
  k: number;
  F: number;
  options: { feedback: number; feedbackDepth: number; pool: number; minShared: number; oneWordFactor: number; mechanismFactor: number; mmrLambda: number; sameDocPenalty: number; plainWeight: number; bigramViewWeight: number };
  /** Distinct source documents (files). */
  files: number;
  candIds: Int32Array;
  candS: Float32Array;
  vecStart: Int32Array;
  vIds: Int32Array;
  vW: Float32Array;
  /** The plain view of each reform (CSR, ids sorted, unit length; empty when `plainWeight` is 0): its words alone. */
  plainStart: Int32Array;
  plainIds: Int32Array;
  plainW: Float32Array;
  /** The bigram view of each reform (indexer/similar-bigram-view.ts; CSR, ids sorted, unit length, over `bigramSize`
   *  ids; empty when `bigramViewWeight` is 0). */
  bigramStart: Int32Array;
  bigramIds: Uint16Array | Int32Array;
  bigramW: Float32Array;
  bigramSize: number;
  /** 1 for a word or slogan feature (WORD_FEATURE), 2 for a mechanism class of dict/ideas.txt (CLASS_FEATURE), else 0. */
  isWord: Uint8Array;
  /** Provinces of each reform (CSR). */
  regStart: Int32Array;
  regIds: Int32Array;
  /** Document of each reform's shown printing. */
  fileOf: Int32Array;
  memberStart: Int32Array;
  memberIdx: Int32Array;
  shown: Int32Array;
  all: { ids: Uint32Array; scores: Float32Array };
  otherRegions: { ids: Uint32Array; scores: Float32Array };
  /** SimilarBuildExtras.pools (this thread only: a function does not pass to a worker). */
  inspect?: (record: number, pool: { record: number; idea: number; plain: number; bigram: number; fused: number }[]) => void;
  /** The two views' likeness of pairs already compared (see PairLikeness); made by shareLists for both threads, or by
   *  listRunner for itself. `false`: every pair's likeness computed (the same lists; for comparing the two). */
  pairs?: PairLikeness | false;
}

/**
 * Each source's plain and bigram likeness to its pool's later reforms (ids above its own; the first `cap` of them, the
 * pool's size: about half a pool of 2 × pool is later), written when its list is made: the same pair comes back when
 * that reform is the source (most pools are mutual), and its likeness is then read here instead of scanning both
 * views' rows again. Exact: a pair's likeness is the same sum both ways (the
 * products of the same two weights, commutative, over the ids both rows hold, added in id order either way). Reform
 * r's entries are `ids`, `plain`, `bigram` [r × cap, r × cap + count[r]); count[r] is -1 until r's are written, and
 * set with Atomics after them, so a thread reading another's entries reads them whole.
 */
export interface PairLikeness {
  cap: number;
  count: Int32Array;
  ids: Int32Array;
  plain: Float64Array;
  bigram: Float64Array;
}

/** An empty pair store for R reforms of pools of at most `cap` entries, in shared memory or not. */
export function pairLikeness(R: number, cap: number, shared: boolean): PairLikeness {
  // Zero bytes for no reforms (an empty build): a one-byte floor would not hold a whole Int32 or Float64.
  const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return { cap, count: new Int32Array(buffer(4 * R)).fill(-1), ids: new Int32Array(buffer(4 * R * cap)), plain: new Float64Array(buffer(8 * R * cap)), bigram: new Float64Array(buffer(8 * R * cap)) };
}

/** The same input with every array in shared memory (the result arrays must be shared already). */
export function shareLists(input: ListInput): ListInput {
  return { ...input, inspect: undefined, pairs: input.pairs === false || !viewsOn(input.options) ? input.pairs : pairLikeness(input.R, input.options.pool, true), isWord: share(input.isWord), regStart: share(input.regStart), regIds: share(input.regIds), fileOf: share(input.fileOf), memberStart: share(input.memberStart), memberIdx: share(input.memberIdx), shown: share(input.shown), plainStart: share(input.plainStart), plainIds: share(input.plainIds), plainW: share(input.plainW), bigramStart: share(input.bigramStart), bigramIds: share(input.bigramIds), bigramW: share(input.bigramW) };
}

function share<T extends Int32Array | Float32Array | Uint8Array | Uint16Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const b = new (a.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(Math.max(1, a.byteLength)));
  b.set(a);
  return (a.length === b.length ? b : b.subarray(0, a.length)) as T;
}

/** The plain or the bigram view is weighed in: the pool's likeness in them is computed (and worth keeping). */
const viewsOn = (o: ListInput['options']) => o.plainWeight > 0 || o.bigramViewWeight > 0;

/** Values of ListInput.isWord. */
export const WORD_FEATURE = 1;
export const CLASS_FEATURE = 2;

/** Lists of reforms [from, to), both scopes, written for each of their printings. */
export function buildLists(input: ListInput, from: number, to: number): void {
  listRunner(input)(from, to);
}

/** Builds the lists of a range of reforms at a time, its scratch arrays (of R entries, and one of F) made once for
 *  every range it is given. */
export function listRunner(input: ListInput): (from: number, to: number) => void {
  const { R, C, k, F, candIds, candS, vecStart, vIds, vW, isWord, regStart, regIds, fileOf, memberStart, memberIdx, shown, all, otherRegions } = input;
  const o = input.options;
  /** Reform j has a province that reform i does not. */
  const elsewhere = (i: number, j: number) => {
    for (let y = regStart[j]; y < regStart[j + 1]; y++) {
      let mine = false;
      for (let x = regStart[i]; x < regStart[i + 1] && !mine; x++) mine = regIds[x] === regIds[y];
      if (!mine) return true;
    }
    return false;
  };
  const merge = (a: number, b: number): number => sparseDot(vecStart, vIds, vW, a, b);
  const { plainStart, plainIds, plainW } = input;
  /** The source's plain view spread over feature ids (0 elsewhere; its float32 weights exactly), while its candidates
   *  are compared with it. */
  const plainDense = new Float32Array(o.plainWeight > 0 ? F : 0);
  const { bigramStart, bigramIds, bigramW } = input;
  /** The source's bigram view spread over bigram ids, as `plainDense` for the plain view. */
  const bigramDense = new Float32Array(o.bigramViewWeight > 0 ? input.bigramSize : 0);
  let longest = 0;
  for (let j = 0; j < R; j++) longest = Math.max(longest, plainStart[j + 1] - plainStart[j], bigramStart[j + 1] - bigramStart[j]);
  /** A candidate row's nonzero products, in row order (see plainLikeness). */
  const products = new Float64Array(longest);
  /**
   * Cosine of the spread source's plain view with reform j's: one pass over j's words, no merge. A candidate's plain
   * vector holds hundreds of words and the pool up to 2 × pool candidates, so the merge's branch on every step was a
   * third of the lists pass at 100,000 records (12.3 → 8.1 s CPU, docs/design.md). The same products are added in the
   * same (id) order as `sparseDot` would; the unmatched ones, +0 (weights are positive), would add +0 to a sum that
   * starts at +0 and only grows, so they are left out: the same value to the bit. They are left out without a branch
   * (each product is stored, and the count moves on only past a nonzero one), so most of the pass no longer waits on
   * one long chain of additions, and the few that matter are summed after.
   */
  const plainLikeness = (j: number): number => {
    let n = 0;
    for (let q = plainStart[j], qe = plainStart[j + 1]; q < qe; q++) {
      const p = plainDense[plainIds[q]] * plainW[q];
      products[n] = p;
      n += Number(p > 0);
    }
    let s = 0;
    for (let x = 0; x < n; x++) s += products[x];
    return s;
  };
  /** The same for the bigram view (a copy, not a shared loop: one loop fed both Int32Array and Uint16Array ids would
   *  see two array types in the hottest loop of the pass). */
  const bigramLikeness = (j: number): number => {
    let n = 0;
    for (let q = bigramStart[j], qe = bigramStart[j + 1]; q < qe; q++) {
      const p = bigramDense[bigramIds[q]] * bigramW[q];
      products[n] = p;
      n += Number(p > 0);
    }
    let s = 0;
    for (let x = 0; x < n; x++) s += products[x];
    return s;
  };
  const pairs = input.pairs === false ? undefined : (input.pairs ?? (viewsOn(o) ? pairLikeness(R, o.pool, false) : undefined));
  /** Pool entries whose likeness was read from `pairs` (1), not computed here (0). */
  const known = new Uint8Array(2 * o.pool);
  const touched = new Int32Array(R);
  const score = new Float32Array(R);
  const listed = new Uint8Array(R);
  // Candidates of one reform: at most its `pool` plus `feedbackDepth` × `pool` reached through its closest.
  const candJ = new Int32Array(R);
  const candW = new Float64Array(R);
  const candSelect = new Strongest();
  let nt = 0;
  const bump = (j: number, s: number) => {
    if (!listed[j]) {
      listed[j] = 1;
      touched[nt++] = j;
    }
    score[j] += s;
  };
  const fileCount = new Int32Array(input.files);
  const mark = new Int32Array(F);
  /** The source's mechanism classes, marked per pass like its words. */
  const markClass = new Int32Array(F);
  let markPass = 0;
  /** Shared words or slogans between the marked source and reform j, counted up to `upTo`. */
  const cap = Math.max(2, o.minShared);
  const sharedWords = (j: number, upTo: number): number => {
    let n = 0;
    for (let x = vecStart[j], e = vecStart[j + 1]; x < e; x++) if (mark[vIds[x]] === markPass && ++n >= upTo) return n;
    return n;
  };
  return (from, to) => {
    for (let r = from; r < to; r++) {
      nt = 0;
      for (let x = 0; x < C && candIds[r * C + x] >= 0; x++) bump(candIds[r * C + x], candS[r * C + x]);
      if (o.feedback > 0) {
        // What the closest reforms are like counts a little too: it bridges ideas printed in different words.
        for (let x = 0; x < o.feedbackDepth && candIds[r * C + x] >= 0; x++) {
          const m = candIds[r * C + x];
          const sm = candS[r * C + x];
          for (let y = 0; y < C && candIds[m * C + y] >= 0; y++) {
            const j = candIds[m * C + y];
            if (j !== r) bump(j, o.feedback * sm * candS[m * C + y]);
          }
        }
      }
      for (let x = 0; x < nt; x++) {
        const j = touched[x];
        candJ[x] = j;
        candW[x] = score[j];
        score[j] = 0;
        listed[j] = 0;
      }
      // Only the best 2 × pool are read below: selected, not the whole set sorted.
      const best = candSelect.select(candW, nt, 2 * o.pool, (a, b) => candJ[a] < candJ[b]);
      // The source's words and slogans, marked once: each candidate then counts what it shares in one pass over its
      // own vector (and stops once the count can no longer change the outcome).
      markPass++;
      // Most reforms carry no class: then no candidate is read for one.
      let classes = 0;
      for (let x = vecStart[r]; x < vecStart[r + 1]; x++) {
        if (isWord[vIds[x]] === WORD_FEATURE) mark[vIds[x]] = markPass;
        else if (isWord[vIds[x]] === CLASS_FEATURE) {
          markClass[vIds[x]] = markPass;
          classes++;
        }
      }
      /** Reform j carries a mechanism class the source carries. */
      const sameMechanism = (j: number): boolean => {
        for (let x = vecStart[j], e = vecStart[j + 1]; x < e; x++) if (markClass[vIds[x]] === markPass) return true;
        return false;
      };
      // An entry must share a word or slogan with the source (not only bigrams or an outcome kind), so it can say why;
      // one that shares a single word is likely alike by that word only, and ranks lower.
      const pool: { j: number; s: number; p: number; b: number; idea: number }[] = [];
      const otherPool: { j: number; s: number; p: number; b: number; idea: number }[] = [];
      for (let x = 0; x < best.length; x++) {
        const c = { j: candJ[best[x]], s: candW[best[x]], p: 0, b: 0, idea: 0 };
        const shared = sharedWords(c.j, cap);
        if (shared < o.minShared) continue;
        if (shared === 1) c.s *= o.oneWordFactor;
        // A reform of the same mechanism (a class of dict/ideas.txt both carry) is what an official asks for ("the
        // same idea"); in the cosine the class is one term among forty, and reforms alike by their field's words
        // outrank it.
        if (classes > 0 && o.mechanismFactor !== 1 && sameMechanism(c.j)) c.s *= o.mechanismFactor;
        pool.push(c);
        if (elsewhere(r, c.j)) otherPool.push(c);
      }
      // The two views fused (`plainWeight`): each normalised by its best candidate here, so neither's scale rules; the
      // result is kept on the idea view's scale (the diversity penalties below are relative to it). otherPool holds
      // the same entries, so it is fused with them.
      if (input.inspect) for (const c of pool) c.idea = c.s;
      // An earlier source's likeness to this one, where this one was in its pool (PairLikeness): read, not computed.
      let unknown = pool.length;
      if (pairs) {
        for (let x = 0; x < pool.length; x++) {
          known[x] = 0;
          const j = pool[x].j;
          if (j > r) continue;
          for (let y = j * pairs.cap, e = y + Atomics.load(pairs.count, j); y < e; y++) {
            if (pairs.ids[y] !== r) continue;
            pool[x].p = pairs.plain[y];
            pool[x].b = pairs.bigram[y];
            known[x] = 1;
            unknown--;
            break;
          }
        }
      }
      if (o.plainWeight > 0 && pool.length) {
        let top = 0;
        let topPlain = 0;
        if (unknown > 0) for (let x = plainStart[r]; x < plainStart[r + 1]; x++) plainDense[plainIds[x]] = plainW[x];
        for (let x = 0; x < pool.length; x++) {
          const c = pool[x];
          if (!known[x]) c.p = plainLikeness(c.j);
          if (c.s > top) top = c.s;
          if (c.p > topPlain) topPlain = c.p;
        }
        if (unknown > 0) for (let x = plainStart[r]; x < plainStart[r + 1]; x++) plainDense[plainIds[x]] = 0;
        const w = o.plainWeight;
        for (const c of pool) c.s = (1 - w) * c.s + (topPlain > 0 ? w * top * (c.p / topPlain) : 0);
      }
      // The bigram view fused the same way, over the two views' fusion (`bigramViewWeight`).
      if (o.bigramViewWeight > 0 && pool.length) {
        let top = 0;
        let topB = 0;
        if (unknown > 0) for (let x = bigramStart[r]; x < bigramStart[r + 1]; x++) bigramDense[bigramIds[x]] = bigramW[x];
        for (let x = 0; x < pool.length; x++) {
          const c = pool[x];
          if (!known[x]) c.b = bigramLikeness(c.j);
          const b = c.b;
          if (c.s > top) top = c.s;
          if (b > topB) topB = b;
        }
        if (unknown > 0) for (let x = bigramStart[r]; x < bigramStart[r + 1]; x++) bigramDense[bigramIds[x]] = 0;
        const w = o.bigramViewWeight;
        for (const c of pool) c.s = (1 - w) * c.s + (topB > 0 ? w * top * (c.b / topB) : 0);
      }
      // This source's likeness to its pool's later reforms, for when they are the source.
      if (pairs) {
        let n = 0;
        for (let x = 0, base = r * pairs.cap; x < pool.length; x++) {
          const c = pool[x];
          if (c.j < r) continue;
          if (n === pairs.cap) break;
          pairs.ids[base + n] = c.j;
          pairs.plain[base + n] = c.p;
          pairs.bigram[base + n] = c.b;
          n++;
        }
        Atomics.store(pairs.count, r, n);
      }
      pool.sort((a, b) => b.s - a.s || a.j - b.j);
      otherPool.sort((a, b) => b.s - a.s || a.j - b.j);
      if (input.inspect) input.inspect(shown[r], pool.map((c) => ({ record: shown[c.j], idea: c.idea, plain: c.p, bigram: c.b, fused: c.s })));
      if (pool.length > o.pool) pool.length = o.pool;
      if (otherPool.length > o.pool) otherPool.length = o.pool;
      const listAll = rerank(pool);
      const listOther = rerank(otherPool);
      for (let m = memberStart[r]; m < memberStart[r + 1]; m++) {
        fill(all, memberIdx[m], listAll);
        fill(otherRegions, memberIdx[m], listOther);
      }
    }
  };

  /** MMR over the pool: each next entry trades its similarity for unlikeness to those listed. */
  function rerank(pool: { j: number; s: number }[]): { j: number; s: number }[] {
    if (o.mmrLambda >= 1 && o.sameDocPenalty === 0) return pool.slice(0, k);
    const chosen: { j: number; s: number }[] = [];
    const maxSim = new Float32Array(pool.length);
    const used = new Uint8Array(pool.length);
    while (chosen.length < k && chosen.length < pool.length) {
      let best = -1;
      let bestScore = -Infinity;
      for (let c = 0; c < pool.length; c++) {
        // The pool is in similarity order and every penalty is ≥ 0, so no later entry can beat the best found.
        if (o.mmrLambda * pool[c].s <= bestScore) break;
        if (used[c]) continue;
        const same = fileCount[fileOf[pool[c].j]];
        const s = o.mmrLambda * pool[c].s - (1 - o.mmrLambda) * maxSim[c] - o.sameDocPenalty * same * pool[c].s;
        if (s > bestScore) [best, bestScore] = [c, s];
      }
      used[best] = 1;
      chosen.push(pool[best]);
      fileCount[fileOf[pool[best].j]]++;
      if (o.mmrLambda < 1) for (let c = 0; c < pool.length; c++) if (!used[c]) maxSim[c] = Math.max(maxSim[c], merge(pool[c].j, pool[best].j));
    }
    for (const c of chosen) fileCount[fileOf[c.j]] = 0;
    return chosen;
  }

  function fill(target: { ids: Uint32Array; scores: Float32Array }, i: number, list: { j: number; s: number }[]) {
    for (let slot = 0; slot < list.length && slot < k; slot++) {
      target.ids[i * k + slot] = shown[list[slot].j] + 1;
      target.scores[i * k + slot] = list[slot].s;
    }
  }
}

/**
 * The strongest `limit` of n weighted entries, best first: weight descending, ties by `before`. A bounded heap
 * (worst of the kept at its root) instead of sorting every entry: most entries lose to the root at once. The kept
 * entries are then taken off the root worst first into the answer's tail (a heap sort, no comparator sort). The
 * comparison is a method over fields, not closures made per call: this runs several times per reform.
 */
export class Strongest {
  private heap = new Int32Array(64);
  private w: Float64Array = new Float64Array(0);
  private before: (a: number, b: number) => boolean = () => false;
  private len = 0;

  select(w: Float64Array, n: number, limit: number, before: (a: number, b: number) => boolean): Int32Array {
    this.w = w;
    this.before = before;
    const size = Math.min(n, limit);
    if (this.heap.length < size) this.heap = new Int32Array(2 * size);
    const h = this.heap;
    this.len = 0;
    for (let x = 0; x < n; x++) {
      if (this.len < size) {
        let c = this.len++;
        h[c] = x;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (!this.below(h[c], h[p])) break;
          const t = h[c];
          h[c] = h[p];
          h[p] = t;
          c = p;
        }
      } else if (size > 0 && this.below(h[0], x)) {
        h[0] = x;
        this.down(0);
      }
    }
    const out = new Int32Array(this.len);
    while (this.len > 0) {
      out[this.len - 1] = h[0];
      h[0] = h[--this.len];
      this.down(0);
    }
    return out;
  }

  /** Entry a ranks below entry b. */
  private below(a: number, b: number): boolean {
    const w = this.w;
    return w[a] < w[b] || (w[a] === w[b] && this.before(b, a));
  }

  private down(c: number) {
    const h = this.heap;
    const len = this.len;
    for (;;) {
      const l = 2 * c + 1;
      let m = c;
      if (l < len && this.below(h[l], h[m])) m = l;
      if (l + 1 < len && this.below(h[l + 1], h[m])) m = l + 1;
      if (m === c) return;
      const t = h[c];
      h[c] = h[m];
      h[m] = t;
      c = m;
    }
  }
}

/** The dot product of rows a and b of a CSR matrix whose rows' ids increase (the idea and plain views' likeness). */
function sparseDot(start: Int32Array, ids: Int32Array, w: Float32Array, a: number, b: number): number {
  let s = 0;
  for (let p = start[a], q = start[b], pe = start[a + 1], qe = start[b + 1]; p < pe && q < qe;) {
    if (ids[p] === ids[q]) {
      s += w[p] * w[q];
      p++;
      q++;
    } else if (ids[p] < ids[q]) p++;
    else q++;
  }
  return s;
}
