/**
 * The stored form of one term's postings (format positional-bigram-3): a byte-aligned run of Rice codes, written by
 * the indexer (indexer/postings.ts) and decoded per term on first use (search/postings.ts). Environment-neutral:
 * Uint8Array only, so the browser decodes the same bytes.
 *
 *   byte 0        kSlot: Rice parameter of the slot gaps
 *   byte 1        kFirst << 4 | kGap: Rice parameters of an entry's first position and of its position gaps
 *   documents     per entry (slots increasing): slot gap − 1 (the first slot itself), positions − 1 (Rice, k = 0:
 *                 one bit when a term occurs once in the field, as most do); then padding to a byte
 *   block table   only when the term has more than POSITION_BLOCK entries: for each later block of POSITION_BLOCK
 *                 entries, where its positions start, in bits from the position stream's start (uint32, little-endian)
 *   positions     per entry: the first position, the gaps − 1
 *
 * Scoring, counting, facets and exclusion need only the document stream, so it is stored apart from the positions
 * (format 2 interleaved them: a first-seen common word decoded every position to count its records). The block table
 * lets a proximity check read one record's positions without decoding the term's others.
 *
 * Bits are read least-significant first. A Rice code is q zeros, a one, then k low bits, with q = v >>> k; a value
 * whose q would be 16 or more is 16 zeros and then the value in 32 bits (no long unary runs for outliers). With k
 * chosen per term from its own values, the postings take about 60 % of the LEB128 varints of format 1.
 *
 * Packed document streams (format 5): a common term (packedFrom) has byte 0 = PACKED and its document stream in
 * fixed-width blocks (writePackedDocs) instead of Rice codes; byte 1, the block table and the positions are as above.
 * Why: a Rice code's place is known only once the code before it is read, so decoding a common word's stream is one
 * serial chain (about 10 ns an entry); in a packed block every entry's place is known, so the reads are independent.
 * At 100k records the streams of 船舶, 登记, 海关, 监管 and 企业 decode in about 0.6 of the time (micro-benchmark,
 * interleaved, arrays reused; CPU), for about 1.2 times the bytes (the 100k snapshot 3 % larger).
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

/** Entries per block of the position stream: a term with more has each block's start recorded (see the layout). */
export const POSITION_BLOCK = 64;

/** Bits of one Rice code (what BitWriter.rice writes). */
function riceBits(v: number, k: number): number {
  const q = k >= 31 ? 0 : v >>> k;
  return q < ESCAPE ? q + 1 + k : ESCAPE + 32;
}

/**
 * One term's codes (the layout at the top), written at a byte boundary: the two parameter bytes, the document stream
 * (per entry the slot gap − 1 and the positions − 1), the block table, then the position stream (per entry the first
 * position and the position gaps − 1, `steps` in order). The indexer (indexer/postings.ts) and the offline postings
 * chunks write through this one function.
 */
export function writeTermCodes(
  out: BitWriter,
  gaps: ArrayLike<number>,
  counts: ArrayLike<number>,
  firsts: ArrayLike<number>,
  steps: ArrayLike<number>,
  entries: number,
  nSteps: number,
  packed = false,
): void {
  const kFirst = Math.min(15, riceParameter(firsts, 0, entries));
  const kGap = Math.min(15, riceParameter(steps, 0, nSteps));
  if (packed && packable(gaps, counts, entries)) {
    out.byte(PACKED);
    out.byte((kFirst << 4) | kGap);
    writePackedDocs(out, gaps, counts, entries);
  } else {
    const kSlot = riceParameter(gaps, 0, entries);
    out.byte(kSlot);
    out.byte((kFirst << 4) | kGap);
    for (let e = 0; e < entries; e++) {
      out.rice(gaps[e], kSlot);
      out.rice(counts[e], 0);
    }
    out.align();
  }
  // Block table: where each block after the first starts in the position stream, in bits from its start (sizes are
  // known before writing, so the table precedes the stream and a reader finds it without decoding positions).
  if (entries > POSITION_BLOCK) {
    let bits = 0;
    let s = 0;
    for (let e = 0; e < entries; e++) {
      if (e > 0 && e % POSITION_BLOCK === 0) {
        out.byte(bits & 0xff);
        out.byte((bits >>> 8) & 0xff);
        out.byte((bits >>> 16) & 0xff);
        out.byte(bits >>> 24);
      }
      bits += riceBits(firsts[e], kFirst);
      for (let c = 0; c < counts[e]; c++) bits += riceBits(steps[s++], kGap);
    }
  }
  let s = 0;
  for (let e = 0; e < entries; e++) {
    out.rice(firsts[e], kFirst);
    for (let c = 0; c < counts[e]; c++) out.rice(steps[s++], kGap);
  }
}

/**
 * Byte 0 of a term whose document stream is packed (format 5): above every Rice parameter (at most 24), so one byte
 * tells the two apart and a format-4 term never has it.
 */
export const PACKED = 0x80;

/** Which terms' document streams are packed (writePackedDocs), with their defaults. */
export interface PackingOptions {
  /**
   * A term is packed when it has at least one entry (record × field) per `share` records (default 16, the share that
   * gives a term block starts, indexer/doc-skips.ts: at 100k records, terms of 6,250 entries and more).
   */
  share: number;
  /** And at least this many entries (default 4096): the seeds pack none, and a rarer term decodes in microseconds. */
  minEntries: number;
}

export const DEFAULT_PACKING: PackingOptions = { share: 16, minEntries: 4096 };

/** The fewest entries a term of an index of `records` records needs for its document stream to be packed. */
export function packedFrom(records: number, options: PackingOptions = DEFAULT_PACKING): number {
  return Math.max(options.minEntries, Math.ceil(records / options.share));
}

/** Bits of one packed entry (its gap and its count together): a 4-byte read from its byte covers them (and BitWriter.bits writes them). */
const PACKED_BITS = 24;

/** Bits needed for v ≥ 0 (0 for 0). */
function widthOf(v: number): number {
  return 32 - Math.clz32(v);
}

/** Whether every block's entry fits PACKED_BITS (else the term is written in Rice codes: an outlier slot gap or count). */
function packable(gaps: ArrayLike<number>, counts: ArrayLike<number>, entries: number): boolean {
  for (let j = 0; j < entries; j += POSITION_BLOCK) {
    let g = 0;
    let c = 0;
    for (let e = j, to = Math.min(entries, j + POSITION_BLOCK); e < to; e++) (g |= gaps[e]), (c |= counts[e]);
    if (g < 0 || c < 0 || widthOf(g) + widthOf(c) > PACKED_BITS) return false;
  }
  return true;
}

/**
 * A packed document stream: per block of POSITION_BLOCK entries a byte of the gaps' bit width wg and one of the
 * counts' wc (each the widest of the block's values), then per entry gap − 1 in wg bits and below it count − 1 in wc
 * bits, so entry e of a block is at e × (wg + wc) bits from its third byte; each block ends at a byte. Three zero
 * bytes close the stream, so a 4-byte read at any entry stays within it.
 */
function writePackedDocs(out: BitWriter, gaps: ArrayLike<number>, counts: ArrayLike<number>, entries: number): void {
  for (let j = 0; j < entries; j += POSITION_BLOCK) {
    const to = Math.min(entries, j + POSITION_BLOCK);
    let g = 0;
    let c = 0;
    for (let e = j; e < to; e++) (g |= gaps[e]), (c |= counts[e]);
    const wg = widthOf(g);
    const wc = widthOf(c);
    out.byte(wg);
    out.byte(wc);
    for (let e = j; e < to; e++) out.bits(gaps[e] | (counts[e] << wg), wg + wc);
    out.align();
  }
  out.byte(0);
  out.byte(0);
  out.byte(0);
}

/** Bytes of a packed block of n entries with widths wg and wc (its two width bytes included). */
export function packedBlockBytes(n: number, wg: number, wc: number): number {
  return 2 + ((n * (wg + wc) + 7) >>> 3);
}

/** One term's decoded postings (slots increasing; entry e's positions are pos[starts[e]] … pos[starts[e + 1] − 1]). */
export interface TermPostings {
  slots: ArrayLike<number>;
  starts: ArrayLike<number>;
  pos: ArrayLike<number>;
}

/** The bytes of one term's codes, from its decoded postings (what decodeTerm gives back); `packed` as writeTermCodes. */
export function encodeTerm(occ: TermPostings, packed = false): Uint8Array {
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
  writeTermCodes(w, gaps, counts, firsts, steps, E, nSteps, packed);
  return w.finish();
}

/**
 * A DataView of the postings bytes, kept for the last array asked about (one snapshot's postings, nearly always): the
 * decoders read a code's 4 bytes with one little-endian getUint32 instead of four byte loads, shifts and ors (on the
 * 100k corpus the document streams of 登记, 船舶, 海关, 监管 and 企业 decoded 11-13 % faster, same output; A/B in one
 * process on a loaded machine).
 */
let viewBytes: Uint8Array | undefined;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

function viewOf(b: Uint8Array): DataView<ArrayBufferLike> {
  if (b !== viewBytes) {
    viewBytes = b;
    view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  return view;
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
 * Decode one term's postings in format 2 (positional-bigram-2, snapshot versions 4 and 5 before the document stream
 * was split from the positions: per entry the slot gap, the positions − 1, the first position and the gaps, all
 * interleaved) into exact-size arrays. Kept so those snapshots still load. Returns the number of positions decoded.
 */
export function decodeTermInterleaved(b: Uint8Array, byteOffset: number, slots: Int32Array, starts: Int32Array, pos: Int32Array): number {
  const dv = viewOf(b);
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
    w = at < end ? dv.getUint32(at, true) >>> (bit & 7) : 0;
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
    w = at < end ? dv.getUint32(at, true) >>> (bit & 7) : 0;
    let more = 0;
    if ((w & 0xffff) !== 0) {
      more = 31 - Math.clz32(w & -w);
      bit += more + 1;
    } else {
      more = riceAt(b, bit, 0);
      bit = cursor;
    }
    at = bit >>> 3;
    w = at < end ? dv.getUint32(at, true) >>> (bit & 7) : 0;
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
      w = at < end ? dv.getUint32(at, true) >>> (bit & 7) : 0;
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

/**
 * The document stream of one term (the layout at the top): slots (E) and starts (E + 1, from the position counts).
 * Returns the byte where the block table (or, with one block, the position stream) begins. This is all that scoring,
 * counting, facets and exclusion read, so a first-seen query over a common word decodes two codes per entry and no
 * positions; the count is a k = 0 code, usually one bit. decodeRecords reads the same codes in a loop of its own
 * (specialised, not shared, on the hot path): a change to the code format changes both. With `runs`, the records of
 * the entries are listed in the same pass (RecordRuns).
 */
export function decodeDocs(b: Uint8Array, byteOffset: number, slots: Int32Array, starts: Int32Array, runs?: RecordRuns): number {
  if (b[byteOffset] === PACKED) return decodePackedDocs(b, byteOffset, slots, starts, runs);
  const dv = viewOf(b);
  const E = slots.length;
  const kSlot = b[byteOffset];
  const mSlot = (1 << kSlot) - 1;
  const end = b.length - 4;
  let bit = (byteOffset + 2) * 8;
  let slot = -1;
  let m = 0;
  let at = 0;
  let w = 0;
  let q = 0;
  let v = 0;
  // Records listed without a branch per slot (as search/score.ts recordRuns): every slot writes its record and entry
  // at the next free place, and only a slot of a new record (above the last) moves past it. Which slots start a
  // record follows no pattern a branch predictor learns; at 100k records, 海关 监管 企业 登记 船舶 退货 decoded
  // 28 % faster (A/B in one process, same output). `listing` never changes within a call: its branch is predicted.
  const listing = runs !== undefined;
  const F = runs ? runs.F : 1;
  const docs = runs ? runs.docs : NO_RUNS;
  const first = runs ? runs.first : NO_RUNS;
  let last = -1;
  let n = 0;
  let d = 0;
  for (let e = 0; e < E; e++) {
    at = bit >>> 3;
    w = at < end ? dv.getUint32(at, true) >>> (bit & 7) : 0;
    if ((w & 0xffff) !== 0 && (q = 31 - Math.clz32(w & -w)) + 1 + kSlot <= 25) {
      v = q * (mSlot + 1) + ((w >>> (q + 1)) & mSlot);
      bit += q + 1 + kSlot;
      // The count usually follows in the same 4-byte read (a slot code of at most 17 bits leaves 8 to look at).
      w >>>= q + 1 + kSlot;
      if ((w & 0xff) !== 0 && q + 1 + kSlot <= 17) {
        slot += v + 1;
        slots[e] = slot;
        starts[e] = m;
        if (listing) (d = (slot / F) | 0), (docs[n] = d), (first[n] = e), (n += (last - d) >>> 31), (last = d);
        q = 31 - Math.clz32(w & -w);
        m += q + 1;
        bit += q + 1;
        continue;
      }
    } else {
      v = riceAt(b, bit, kSlot);
      bit = cursor;
    }
    slot += v + 1;
    slots[e] = slot;
    starts[e] = m;
    if (listing) (d = (slot / F) | 0), (docs[n] = d), (first[n] = e), (n += (last - d) >>> 31), (last = d);
    at = bit >>> 3;
    w = at < end ? dv.getUint32(at, true) >>> (bit & 7) : 0;
    if ((w & 0xffff) !== 0) {
      q = 31 - Math.clz32(w & -w);
      bit += q + 1;
    } else {
      q = riceAt(b, bit, 0);
      bit = cursor;
    }
    m += q + 1;
  }
  starts[E] = m;
  if (runs) (first[n] = E), (runs.n = n);
  return (bit + 7) >>> 3;
}

/**
 * decodeDocs for a packed document stream (writePackedDocs): no code's place depends on the one before it, so the
 * reads of a block's entries are independent and only the running slot and position count are carried.
 */
function decodePackedDocs(b: Uint8Array, byteOffset: number, slots: Int32Array, starts: Int32Array, runs?: RecordRuns): number {
  const dv = viewOf(b);
  const E = slots.length;
  const F = runs ? runs.F : 1;
  const docs = runs ? runs.docs : NO_RUNS;
  const first = runs ? runs.first : NO_RUNS;
  // A record from its slot by a multiplication: 1 / F rounded up by far more than the product's rounding, and far
  // less than (F − (slot mod F)) / F over any slot below 2^40, so the floor is the division's; a division per entry
  // was a third of this loop.
  const inv = (1 / F) * (1 + 2 ** -40);
  let at = byteOffset + 2;
  let slot = -1;
  let m = 0;
  let last = -1;
  let n = 0;
  for (let j = 0; j < E; j += POSITION_BLOCK) {
    const to = Math.min(E, j + POSITION_BLOCK);
    const wg = b[at];
    const wc = b[at + 1];
    const W = wg + wc;
    const mg = (1 << wg) - 1;
    const mc = (1 << wc) - 1;
    let bit = (at + 2) * 8;
    if (runs) {
      for (let e = j; e < to; e++) {
        const x = dv.getUint32(bit >>> 3, true) >>> (bit & 7);
        bit += W;
        slot += (x & mg) + 1;
        slots[e] = slot;
        starts[e] = m;
        m += ((x >>> wg) & mc) + 1;
        // Records listed without a branch per slot, as in decodeDocs.
        const d = (slot * inv) | 0;
        docs[n] = d;
        first[n] = e;
        n += (last - d) >>> 31;
        last = d;
      }
    } else {
      for (let e = j; e < to; e++) {
        const x = dv.getUint32(bit >>> 3, true) >>> (bit & 7);
        bit += W;
        slot += (x & mg) + 1;
        slots[e] = slot;
        starts[e] = m;
        m += ((x >>> wg) & mc) + 1;
      }
    }
    at += packedBlockBytes(to - j, wg, wc);
  }
  starts[E] = m;
  if (runs) (first[n] = E), (runs.n = n);
  return at + 3;
}

/**
 * A term's records, listed while its document stream is decoded: `docs[0 … n)` the distinct records of the entries
 * (increasing), `first[i]` the entry where record docs[i]'s slots begin (`first[n]` = E), for slots of `F` fields a
 * record. Given E and E + 1 long; decodeDocs sets `n`. Scoring reads every entry's record, and listing them in a second
 * pass over the slots cost about as much as decoding them (a common word's 100,000 entries at 100k records).
 */
export interface RecordRuns {
  F: number;
  docs: Int32Array;
  first: Int32Array;
  n: number;
}

const NO_RUNS = new Int32Array(0);

/**
 * The records of one term's document stream (formats 3-5), increasing, each once, in the fields `keep` marks (all
 * when absent), written into `out` (at least E long); returns how many. What an exclusion needs: the same codes as
 * decodeDocs, with no slots or starts written and no second pass to turn slots into records. Its loop repeats
 * decodeDocs's reading of the codes on purpose (the hot path of an exclusion): the two change together.
 */
export function decodeRecords(b: Uint8Array, byteOffset: number, E: number, F: number, out: Int32Array, keep?: Uint8Array): number {
  if (b[byteOffset] === PACKED) return decodePackedRecords(b, byteOffset, E, F, out, keep);
  const dv = viewOf(b);
  const kSlot = b[byteOffset];
  const mSlot = (1 << kSlot) - 1;
  const end = b.length - 4;
  let bit = (byteOffset + 2) * 8;
  let slot = -1;
  let n = 0;
  // Slots of a record are adjacent: a record is written at its first kept slot, once.
  let last = -1;
  let at = 0;
  let w = 0;
  let q = 0;
  let v = 0;
  // The current slot's record, and where its slots end: a division only when a slot passes that.
  let cur = -1;
  let next = 0;
  for (let e = 0; e < E; e++) {
    at = bit >>> 3;
    w = at < end ? dv.getUint32(at, true) >>> (bit & 7) : 0;
    if ((w & 0xffff) !== 0 && (q = 31 - Math.clz32(w & -w)) + 1 + kSlot <= 17) {
      // The gap and, usually, the position count (k = 0, skipped) in one 4-byte read, as in decodeDocs.
      slot += q * (mSlot + 1) + ((w >>> (q + 1)) & mSlot) + 1;
      bit += q + 1 + kSlot;
      w >>>= q + 1 + kSlot;
      if ((w & 0xff) !== 0) bit += 32 - Math.clz32(w & -w);
      else {
        riceAt(b, bit, 0);
        bit = cursor;
      }
    } else {
      v = riceAt(b, bit, kSlot);
      bit = cursor;
      slot += v + 1;
      at = bit >>> 3;
      w = at < end ? dv.getUint32(at, true) >>> (bit & 7) : 0;
      if ((w & 0xffff) !== 0) bit += 32 - Math.clz32(w & -w);
      else {
        riceAt(b, bit, 0);
        bit = cursor;
      }
    }
    // A new record is never the last one written; a further slot of a record matters only if it was not written yet.
    if (slot >= next) {
      cur = (slot / F) | 0;
      next = (cur + 1) * F;
    } else if (cur === last) continue;
    if (keep && !keep[slot - cur * F]) continue;
    out[n++] = cur;
    last = cur;
  }
  return n;
}

/** decodeRecords for a packed document stream (writePackedDocs). */
function decodePackedRecords(b: Uint8Array, byteOffset: number, E: number, F: number, out: Int32Array, keep?: Uint8Array): number {
  const dv = viewOf(b);
  const inv = (1 / F) * (1 + 2 ** -40);
  let at = byteOffset + 2;
  let slot = -1;
  let n = 0;
  let last = -1;
  for (let j = 0; j < E; j += POSITION_BLOCK) {
    const to = Math.min(E, j + POSITION_BLOCK);
    const wg = b[at];
    const wc = b[at + 1];
    const W = wg + wc;
    const mg = (1 << wg) - 1;
    let bit = (at + 2) * 8;
    for (let e = j; e < to; e++) {
      slot += ((dv.getUint32(bit >>> 3, true) >>> (bit & 7)) & mg) + 1;
      bit += W;
      const d = (slot * inv) | 0;
      if (d === last || (keep && !keep[slot - d * F])) continue;
      out[n++] = d;
      last = d;
    }
    at += packedBlockBytes(to - j, wg, wc);
  }
  return n;
}

/** Where a term's position stream starts, from where its document stream ends (after the block table). */
export function positionStreamStart(entries: number, tableByte: number): number {
  return tableByte + (entries > POSITION_BLOCK ? 4 * (Math.ceil(entries / POSITION_BLOCK) - 1) : 0);
}

/**
 * Decode the positions of entries [from, to) of one term into pos[starts[from]] …, from the start of its block
 * (`from` a multiple of POSITION_BLOCK, or 0). `paramByte` is the term's first byte (its Rice parameters follow it),
 * `tableByte` what decodeDocs returned. Phrases, adjacency and proximity read positions; nothing else does.
 */
export function decodePositions(b: Uint8Array, paramByte: number, tableByte: number, starts: Int32Array, pos: Int32Array, from: number, to: number): void {
  decodePositionRun(b, paramByte, positionBit(b, tableByte, starts.length - 1, from), starts, from, pos, starts[from], to - from);
}

/** The bit where the positions of entry `from` (a multiple of POSITION_BLOCK, or 0) start, of a term of E entries. */
function positionBit(b: Uint8Array, tableByte: number, E: number, from: number): number {
  let bit = positionStreamStart(E, tableByte) * 8;
  if (from > 0) {
    const t = tableByte + 4 * (from / POSITION_BLOCK - 1);
    bit += (b[t] | (b[t + 1] << 8) | (b[t + 2] << 16) | (b[t + 3] << 24)) >>> 0;
  }
  return bit;
}

/**
 * The positions of `n` entries from `bit` into pos[m] …: entry e's end is starts[at + e + 1] (its positions' place in
 * `pos`). A code's 4 bytes are read at once where they hold it, as in decodeDocs.
 */
function decodePositionRun(b: Uint8Array, paramByte: number, bit: number, starts: Int32Array, at: number, pos: Int32Array, m: number, n: number): void {
  const dv = viewOf(b);
  const kFirst = b[paramByte + 1] >>> 4;
  const kGap = b[paramByte + 1] & 15;
  const mFirst = (1 << kFirst) - 1;
  const mGap = (1 << kGap) - 1;
  const end = b.length - 4;
  let i = 0;
  let w = 0;
  let q = 0;
  let v = 0;
  for (let e = at; e < at + n; e++) {
    i = bit >>> 3;
    w = i < end ? dv.getUint32(i, true) >>> (bit & 7) : 0;
    if ((w & 0xffff) !== 0 && (q = 31 - Math.clz32(w & -w)) + 1 + kFirst <= 25) {
      v = (q << kFirst) | ((w >>> (q + 1)) & mFirst);
      bit += q + 1 + kFirst;
    } else {
      v = riceAt(b, bit, kFirst);
      bit = cursor;
    }
    let p = v;
    pos[m++] = p;
    const mEnd = starts[e + 1];
    while (m < mEnd) {
      i = bit >>> 3;
      w = i < end ? dv.getUint32(i, true) >>> (bit & 7) : 0;
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
}

/**
 * Decode one term's postings (the layout at the top) into exact-size arrays: `slots` (E), `starts` (E + 1), `pos`.
 * Returns the number of positions the document stream states (the position stream is decoded into `pos` when that
 * is its length). The offline chunks and tests decode whole terms with it; the server decodes positions lazily.
 */
export function decodeTerm(b: Uint8Array, byteOffset: number, slots: Int32Array, starts: Int32Array, pos: Int32Array): number {
  const table = decodeDocs(b, byteOffset, slots, starts);
  const P = starts[slots.length];
  if (P === pos.length) decodePositions(b, byteOffset, table, starts, pos, 0, slots.length);
  return P;
}

/**
 * Where each block of POSITION_BLOCK entries starts in one term's document stream (formats 3-5): for block j, the
 * bit its first entry's code starts at (from the term's first byte), the slot before it (−1 for the first block) and
 * the positions before it, written to `bit`, `slotBefore` and `positionsBefore` at `at + j`; also the term's records
 * (each counted once) and where its document stream ends (the byte decodeDocs returns). What indexer/doc-skips.ts
 * stores so a reader can decode one block of a common word's entries.
 */
export function docBlockStarts(b: Uint8Array, byteOffset: number, E: number, F: number, bit: Uint32Array, slotBefore: Int32Array, positionsBefore: Int32Array, at: number): { records: number; tableByte: number } {
  if (b[byteOffset] === PACKED) return packedBlockStarts(b, byteOffset, E, F, bit, slotBefore, positionsBefore, at);
  const kSlot = b[byteOffset];
  let cur = (byteOffset + 2) * 8;
  let slot = -1;
  let m = 0;
  let records = 0;
  let end = 0;
  for (let e = 0; e < E; e++) {
    if (e % POSITION_BLOCK === 0) {
      const j = at + e / POSITION_BLOCK;
      bit[j] = cur - byteOffset * 8;
      slotBefore[j] = slot;
      positionsBefore[j] = m;
    }
    slot += riceAt(b, cur, kSlot) + 1;
    m += riceAt(b, cursor, 0) + 1;
    cur = cursor;
    if (slot >= end) {
      records++;
      end = (((slot / F) | 0) + 1) * F;
    }
  }
  return { records, tableByte: (cur + 7) >>> 3 };
}

/** docBlockStarts for a packed document stream: a block's start is the byte of its widths. */
function packedBlockStarts(b: Uint8Array, byteOffset: number, E: number, F: number, bit: Uint32Array, slotBefore: Int32Array, positionsBefore: Int32Array, at: number): { records: number; tableByte: number } {
  const slots = new Int32Array(E);
  const starts = new Int32Array(E + 1);
  const tableByte = decodePackedDocs(b, byteOffset, slots, starts);
  let cur = byteOffset + 2;
  let records = 0;
  let end = 0;
  for (let e = 0; e < E; e++) {
    if (e % POSITION_BLOCK === 0) {
      const j = at + e / POSITION_BLOCK;
      bit[j] = (cur - byteOffset) * 8;
      slotBefore[j] = e > 0 ? slots[e - 1] : -1;
      positionsBefore[j] = starts[e];
      cur += packedBlockBytes(Math.min(POSITION_BLOCK, E - e), b[cur], b[cur + 1]);
    }
    if (slots[e] >= end) {
      records++;
      end = (((slots[e] / F) | 0) + 1) * F;
    }
  }
  return { records, tableByte };
}

/**
 * Decode entries [from, from + n) of one term's document stream from a block start docBlockStarts recorded (`bit`
 * from the term's first byte, `slotBefore`): their slots into slots[0 … n) and their position counts into counts[0 … n).
 */
export function decodeDocBlock(b: Uint8Array, byteOffset: number, bit: number, slotBefore: number, n: number, slots: Int32Array, counts: Int32Array): void {
  const dv = viewOf(b);
  if (b[byteOffset] === PACKED) {
    // A packed block: its widths, then its entries at fixed strides (writePackedDocs).
    const at = byteOffset + (bit >>> 3);
    const wg = b[at];
    const wc = b[at + 1];
    const W = wg + wc;
    const mg = (1 << wg) - 1;
    const mc = (1 << wc) - 1;
    let p = (at + 2) * 8;
    let slot = slotBefore;
    for (let e = 0; e < n; e++) {
      const x = dv.getUint32(p >>> 3, true) >>> (p & 7);
      p += W;
      slot += (x & mg) + 1;
      slots[e] = slot;
      counts[e] = ((x >>> wg) & mc) + 1;
    }
    return;
  }
  // decodeDocs's reading of the codes (a 4-byte read serves most codes), from a block start and writing counts.
  const kSlot = b[byteOffset];
  const mSlot = (1 << kSlot) - 1;
  const end = b.length - 4;
  let cur = byteOffset * 8 + bit;
  let slot = slotBefore;
  let at = 0;
  let w = 0;
  let q = 0;
  let v = 0;
  for (let e = 0; e < n; e++) {
    at = cur >>> 3;
    w = at < end ? dv.getUint32(at, true) >>> (cur & 7) : 0;
    if ((w & 0xffff) !== 0 && (q = 31 - Math.clz32(w & -w)) + 1 + kSlot <= 25) {
      v = q * (mSlot + 1) + ((w >>> (q + 1)) & mSlot);
      cur += q + 1 + kSlot;
    } else {
      v = riceAt(b, cur, kSlot);
      cur = cursor;
    }
    slot += v + 1;
    slots[e] = slot;
    at = cur >>> 3;
    w = at < end ? dv.getUint32(at, true) >>> (cur & 7) : 0;
    if ((w & 0xffff) !== 0) {
      q = 31 - Math.clz32(w & -w);
      cur += q + 1;
    } else {
      q = riceAt(b, cur, 0);
      cur = cursor;
    }
    counts[e] = q + 1;
  }
}

/**
 * Decode the positions of entries [from, from + n) of one term (`from` a multiple of POSITION_BLOCK; E the term's
 * entries, `tableByte` where its document stream ends): entry e's positions into pos[starts[e − from]] …, where
 * `starts` holds the n + 1 local starts (0 first). The block form of decodePositions, for a term read by blocks, in
 * its loop (decodePositionRun): with a riceAt call per code, a page's proximity bonus decoded a common word's blocks
 * 10-20 % slower (船舶, 登记, 海关 at 100k, every block, interleaved micro-benchmark, same output).
 */
export function decodePositionBlock(b: Uint8Array, paramByte: number, tableByte: number, E: number, from: number, n: number, starts: Int32Array, pos: Int32Array): void {
  decodePositionRun(b, paramByte, positionBit(b, tableByte, E, from), starts, 0, pos, 0, n);
}
