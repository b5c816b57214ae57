/**
 * The third pass of the similar-reform build (indexer/similar.ts): each reform's best `C` candidates by the inner
 * product of tf-idf vectors, walked over inverted lists cut to the reforms where a term weighs most. Pure typed-array
 * work over a range of reforms, so a worker thread (indexer/similar-worker.ts) can take the later reforms over
 * shared memory while the build thread takes the first: both run this same code, so the lists are the same.
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
  const { R, C, queryTerms, vecStart, vIds, vW, postStart, postEnd, postDoc, postW, candIds, candS } = input;
  const acc = new Float32Array(R);
  const touched = new Int32Array(R);
  const heap = new TopK(C);
  const qOrder: number[] = [];
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
    heap.clear();
    for (let x = 0; x < nt; x++) {
      const j = touched[x];
      if (j !== r) heap.offer(j, acc[j]);
      acc[j] = 0;
    }
    heap.drainInto(candIds, candS, r * C);
  }
}

/** The same arrays in shared memory, for a worker to write into. */
export function shareCandidates(input: Omit<CandidateInput, 'candIds' | 'candS'>): CandidateInput {
  const shared = <T extends Int32Array | Float32Array>(a: T): T => {
    const b = new (a.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
    b.set(a);
    return b;
  };
  const candIds = new Int32Array(new SharedArrayBuffer(4 * input.R * input.C)).fill(-1);
  const candS = new Float32Array(new SharedArrayBuffer(4 * input.R * input.C));
  return {
    R: input.R,
    C: input.C,
    queryTerms: input.queryTerms,
    vecStart: shared(input.vecStart),
    vIds: shared(input.vIds),
    vW: shared(input.vW),
    postStart: shared(input.postStart),
    postEnd: shared(input.postEnd),
    postDoc: shared(input.postDoc),
    postW: shared(input.postW),
    candIds,
    candS,
  };
}

/** The `size` best (id, score) pairs offered, in a binary min-heap; ties keep the lower id. */
class TopK {
  private ids: Int32Array;
  private s: Float32Array;
  private n = 0;
  constructor(private readonly size: number) {
    this.ids = new Int32Array(size);
    this.s = new Float32Array(size);
  }
  clear() {
    this.n = 0;
  }
  /** a ranks below b */
  private below(a: number, b: number) {
    return this.s[a] < this.s[b] || (this.s[a] === this.s[b] && this.ids[a] > this.ids[b]);
  }
  private swap(a: number, b: number) {
    const i = this.ids[a];
    this.ids[a] = this.ids[b];
    this.ids[b] = i;
    const s = this.s[a];
    this.s[a] = this.s[b];
    this.s[b] = s;
  }
  offer(id: number, score: number) {
    if (this.n < this.size) {
      let c = this.n++;
      this.ids[c] = id;
      this.s[c] = score;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!this.below(c, p)) break;
        this.swap(c, p);
        c = p;
      }
      return;
    }
    const fs = Math.fround(score);
    if (fs < this.s[0] || (fs === this.s[0] && id > this.ids[0])) return;
    this.ids[0] = id;
    this.s[0] = score;
    for (let c = 0; ;) {
      const l = 2 * c + 1;
      const rr = l + 1;
      let m = c;
      if (l < this.n && this.below(l, m)) m = l;
      if (rr < this.n && this.below(rr, m)) m = rr;
      if (m === c) break;
      this.swap(c, m);
      c = m;
    }
  }
  /** Best first into ids/scores at `at` (the rest of the `size` slots stay as they are: -1 = none). */
  drainInto(ids: Int32Array, scores: Float32Array, at: number) {
    const order = Array.from({ length: this.n }, (_, x) => x).sort((a, b) => this.s[b] - this.s[a] || this.ids[a] - this.ids[b]);
    order.forEach((x, slot) => {
      ids[at + slot] = this.ids[x];
      scores[at + slot] = this.s[x];
    });
  }
}
