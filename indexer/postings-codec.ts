/**
 * The stored form of one term's postings (format positional-bigram-2): a byte-aligned run of Rice codes, written by
 * the indexer (indexer/postings.ts) and decoded per term on first use (search/postings.ts). Environment-neutral:
 * Uint8Array only, so the browser decodes the same bytes.
 *
 *   byte 0        kSlot: Rice parameter of the slot gaps
 *   byte 1        kFirst << 4 | kGap: Rice parameters of an entry's first position and of its position gaps
 *   bits          per entry (slots increasing): slot gap − 1 (the first slot itself), positions − 1 (Rice, k = 0:
 *                 one bit when a term occurs once in the field, as most do), the first position, the gaps − 1
 *
 * Bits are read least-significant first. A Rice code is q zeros, a one, then k low bits, with q = v >>> k; a value
 * whose q would be 16 or more is 16 zeros and then the value in 32 bits (no long unary runs for outliers). With k
 * chosen per term from its own values, the postings take about 60 % of the LEB128 varints of format 1.
 */

const ESCAPE = 16;

/** Rice parameter minimising the coded size of `values` (checked around the mean's bit length). */
export function riceParameter(values: ArrayLike<number>, from = 0, to = values.length, offset = 0): number {
  const n = to - from;
  if (n <= 0) return 0;
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i] - offset;
  const mean = sum / n;
  const k0 = mean < 1 ? 0 : Math.floor(Math.log2(mean));
  let best = k0;
  let bestCost = Infinity;
  for (let k = Math.max(0, k0 - 1); k <= Math.min(24, k0 + 1); k++) {
    let cost = 0;
    for (let i = from; i < to; i++) {
      const q = Math.floor((values[i] - offset) / 2 ** k);
      cost += q < ESCAPE ? q + 1 + k : ESCAPE + 32;
    }
    if (cost < bestCost) {
      bestCost = cost;
      best = k;
    }
  }
  return best;
}

/**
 * Appends bits to a growing byte buffer. Integer operations only, with the unfinished byte kept in `acc`: the
 * indexer writes one to three codes per stored position (tens of millions at 100k records), and the float
 * arithmetic of a general bit writer made this the build's largest single cost.
 */
export class BitWriter {
  bytes = new Uint8Array(1 << 16);
  /** Whole bytes written. */
  private full = 0;
  /** Bits not yet written out (fewer than 8 between calls), least significant first. */
  private acc = 0;
  private nacc = 0;

  /** Bits written. */
  get bit(): number {
    return this.full * 8 + this.nacc;
  }

  private grow(): void {
    const next = new Uint8Array(this.bytes.length * 2);
    next.set(this.bytes);
    this.bytes = next;
  }

  /** n ≤ 24 low bits of v (v < 2^n). */
  bits(v: number, n: number): void {
    if (this.full + 4 >= this.bytes.length) this.grow();
    // acc < 2^7 and v < 2^24: the sum fits in 31 bits.
    let acc = this.acc | (v << this.nacc);
    let nacc = this.nacc + n;
    const b = this.bytes;
    while (nacc >= 8) {
      b[this.full++] = acc & 0xff;
      acc >>>= 8;
      nacc -= 8;
    }
    this.acc = acc;
    this.nacc = nacc;
  }

  rice(v: number, k: number): void {
    const q = k >= 31 ? 0 : v >>> k;
    if (q < ESCAPE) {
      this.bits(1 << q, q + 1);
      if (k > 16) {
        const low = v - q * 2 ** k;
        this.bits(low & 0xffff, 16);
        this.bits(Math.floor(low / 65536), k - 16);
      } else if (k > 0) this.bits(v & ((1 << k) - 1), k);
    } else {
      this.bits(0, ESCAPE);
      this.bits(v & 0xffff, 16);
      this.bits(Math.floor(v / 65536) & 0xffff, 16);
    }
  }

  byte(v: number): void {
    this.align();
    this.bits(v & 0xff, 8);
  }

  align(): void {
    if (this.nacc > 0) this.bits(0, 8 - this.nacc);
  }

  get length(): number {
    return this.full + (this.nacc > 0 ? 1 : 0);
  }

  finish(): Uint8Array {
    const out = this.bytes.slice(0, this.length);
    if (this.nacc > 0) out[this.full] = this.acc;
    return out;
  }
}

/**
 * One term's codes (the layout at the top), written at a byte boundary: the two parameter bytes, then per entry the
 * slot gap − 1, the positions − 1, the first position, and the position gaps − 1 (`steps`, all entries' in order).
 * The indexer (indexer/postings.ts) and the offline postings chunks write through this one function.
 */
export function writeTermCodes(
  out: BitWriter,
  gaps: ArrayLike<number>,
  counts: ArrayLike<number>,
  firsts: ArrayLike<number>,
  steps: ArrayLike<number>,
  entries: number,
  nSteps: number,
): void {
  const kSlot = riceParameter(gaps, 0, entries);
  const kFirst = Math.min(15, riceParameter(firsts, 0, entries));
  const kGap = Math.min(15, riceParameter(steps, 0, nSteps));
  out.byte(kSlot);
  out.byte((kFirst << 4) | kGap);
  let s = 0;
  for (let e = 0; e < entries; e++) {
    out.rice(gaps[e], kSlot);
    out.rice(counts[e], 0);
    out.rice(firsts[e], kFirst);
    for (let c = 0; c < counts[e]; c++) out.rice(steps[s++], kGap);
  }
}

/** One term's decoded postings (slots increasing; entry e's positions are pos[starts[e]] … pos[starts[e + 1] − 1]). */
export interface TermPostings {
  slots: ArrayLike<number>;
  starts: ArrayLike<number>;
  pos: ArrayLike<number>;
}

/** The bytes of one term's codes, from its decoded postings (what decodeTerm gives back). */
export function encodeTerm(occ: TermPostings): Uint8Array {
  const E = occ.slots.length;
  const P = occ.pos.length;
  const gaps = new Int32Array(E);
  const counts = new Int32Array(E);
  const firsts = new Int32Array(E);
  const steps = new Int32Array(Math.max(0, P - E));
  let nSteps = 0;
  for (let e = 0; e < E; e++) {
    gaps[e] = occ.slots[e] - (e ? occ.slots[e - 1] : -1) - 1;
    const from = occ.starts[e];
    const to = occ.starts[e + 1];
    counts[e] = to - from - 1;
    firsts[e] = occ.pos[from];
    for (let j = from + 1; j < to; j++) steps[nSteps++] = occ.pos[j] - occ.pos[j - 1] - 1;
  }
  const w = new BitWriter();
  writeTermCodes(w, gaps, counts, firsts, steps, E, nSteps);
  return w.finish();
}

/** Where riceAt left the bit cursor (a module variable: a closure over the cursor decodes 2× slower). */
let cursor = 0;

function peekAt(b: Uint8Array, bit: number): number {
  const at = bit >>> 3;
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> (bit & 7);
}

/** The Rice code with parameter k at `bit`; the next code starts at `cursor`. */
function riceAt(b: Uint8Array, bit: number, k: number): number {
  let w = peekAt(b, bit);
  if ((w & 0xffff) === 0) {
    const lo = peekAt(b, bit + ESCAPE) & 0xffff;
    const hi = peekAt(b, bit + ESCAPE + 16) & 0xffff;
    cursor = bit + ESCAPE + 32;
    return lo + hi * 65536;
  }
  const q = 31 - Math.clz32(w & -w);
  bit += q + 1;
  if (k === 0) {
    cursor = bit;
    return q;
  }
  if (q + 1 + k <= 25) {
    cursor = bit + k;
    return q * (1 << k) + ((w >>> (q + 1)) & ((1 << k) - 1));
  }
  w = peekAt(b, bit);
  if (k > 16) {
    cursor = bit + k;
    return q * 2 ** k + (w & 0xffff) + (peekAt(b, bit + 16) & ((1 << (k - 16)) - 1)) * 65536;
  }
  cursor = bit + k;
  return q * (1 << k) + (w & ((1 << k) - 1));
}

/**
 * Decode one term's postings (the layout at the top) into exact-size arrays: `slots` (E), `starts` (E + 1), `pos`.
 * Returns the number of positions decoded. Runs once per stored position on a first-seen query, so the common code
 * (no escape; unary part and low bits within the 25 bits one 4-byte read gives) is decoded inline with the bit
 * cursor in a local; riceAt (through the module cursor) takes escapes, long codes and the last bytes of the buffer.
 * About 15 % faster than a riceAt call per code (100k corpus, its 50 largest terms, CPU time).
 */
export function decodeTerm(b: Uint8Array, byteOffset: number, slots: Int32Array, starts: Int32Array, pos: Int32Array): number {
  const E = slots.length;
  const kSlot = b[byteOffset];
  const kFirst = b[byteOffset + 1] >>> 4;
  const kGap = b[byteOffset + 1] & 15;
  const mSlot = (1 << kSlot) - 1;
  const mFirst = (1 << kFirst) - 1;
  const mGap = (1 << kGap) - 1;
  const end = b.length - 4;
  let bit = (byteOffset + 2) * 8;
  let slot = -1;
  let m = 0;
  let at = 0;
  let w = 0;
  let q = 0;
  let v = 0;
  for (let e = 0; e < E; e++) {
    at = bit >>> 3;
    w = at < end ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> (bit & 7) : 0;
    if ((w & 0xffff) !== 0 && (q = 31 - Math.clz32(w & -w)) + 1 + kSlot <= 25) {
      v = q * (mSlot + 1) + ((w >>> (q + 1)) & mSlot);
      bit += q + 1 + kSlot;
    } else {
      v = riceAt(b, bit, kSlot);
      bit = cursor;
    }
    slot += v + 1;
    slots[e] = slot;
    starts[e] = m;
    at = bit >>> 3;
    w = at < end ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> (bit & 7) : 0;
    let more = 0;
    if ((w & 0xffff) !== 0) {
      more = 31 - Math.clz32(w & -w);
      bit += more + 1;
    } else {
      more = riceAt(b, bit, 0);
      bit = cursor;
    }
    at = bit >>> 3;
    w = at < end ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> (bit & 7) : 0;
    if ((w & 0xffff) !== 0 && (q = 31 - Math.clz32(w & -w)) + 1 + kFirst <= 25) {
      v = (q << kFirst) | ((w >>> (q + 1)) & mFirst);
      bit += q + 1 + kFirst;
    } else {
      v = riceAt(b, bit, kFirst);
      bit = cursor;
    }
    let p = v;
    pos[m++] = p;
    for (let c = 0; c < more; c++) {
      at = bit >>> 3;
      w = at < end ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> (bit & 7) : 0;
      if ((w & 0xffff) !== 0 && (q = 31 - Math.clz32(w & -w)) + 1 + kGap <= 25) {
        v = (q << kGap) | ((w >>> (q + 1)) & mGap);
        bit += q + 1 + kGap;
      } else {
        v = riceAt(b, bit, kGap);
        bit = cursor;
      }
      p += v + 1;
      pos[m++] = p;
    }
  }
  starts[E] = m;
  return m;
}
