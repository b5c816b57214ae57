/**
 * The same reform printed in several documents (a provincial task table and the case collection that describes
 * each of its items; a national case that is also a provincial case). Found from the records themselves: near-
 * identical titles, or near-identical text with similar titles. Never from a hard-coded list.
 *
 * Near-linear in the corpus: no pair of records is compared unless it shares a text shingle that fewer than
 * COMMON_SHINGLE records hold, or a title bigram in both titles' rarest-first prefixes for SAME_TITLE (prefix
 * filtering: a pair that shares no rare shingle can only be the same reform by its title alone, so this finds every
 * such pair). The work per record is capped (MAX_TITLE_VISITS, MAX_LINKS), so a corpus with thousands of copies of
 * one title stays linear; the seeds stay far under both caps. Shingles, lists and marks are typed arrays (a
 * 100,000-record corpus has tens of millions of shingles).
 */
import type { ReformRecord, TextField } from './schema.js';
import { keyOf } from '../analysis/terms.js';
import { Grow } from './grow.js';
import { bitCount } from './record-bits.js';

/** Title similarity (Dice over character bigrams) above which two titles name the same reform. */
export const SAME_TITLE = 0.72;
/** A looser title match (企业登记业务“智能表单” / 企业登记“智能表单”) needs shared text as well. */
export const LOOSE_TITLE = 0.45;
/** Share of the shorter text's character 4-grams found in the other: long shingles are rare between different reforms. */
export const SHARED_TEXT = 0.15;
/** Text this similar is the same reform whatever its title. */
export const SAME_TEXT = 0.5;
/** Shingles shared by more records than this say nothing about sameness and are not compared (keeps linking linear; under 63, where TextShingleTable stops counting). */
export const COMMON_SHINGLE = 40;
/** At most this many title-index entries are visited per record (rarest bigrams first). */
export const MAX_TITLE_VISITS = 2000;
/** At most this many copies are linked to one record (the first found in corpus order). */
export const MAX_LINKS = 32;

const BODY_FIELDS: TextField[] = ['content', 'applicableTo', 'process', 'outcome'];

/** Keep only ideographs, letters and digits, lower-cased: quotes, brackets and spaces vary between printings. */
export function titleKey(title: string): string {
  return keyOf(title).toLowerCase();
}

/**
 * Each UTF-16 unit gets a dense code (< 8192 for any Chinese text: GB2312 has 6,763 ideographs), in order of first
 * sight, so n ≤ 4 codes pack into 52 bits. Past 8,191 distinct units codes wrap, which can only add shared
 * shingles, never lose one.
 */
class UnitCoder {
  private readonly codes = new Int32Array(65536);
  private size = 0;
  /** The codes of a string's units. */
  encode(s: string, out: Int32Array): Int32Array {
    const units = out.length >= s.length ? out : new Int32Array(s.length * 2);
    for (let i = 0; i < s.length; i++) {
      const u = s.charCodeAt(i);
      let c = this.codes[u];
      if (c === 0) c = this.codes[u] = (this.size++ % 8191) + 1;
      units[i] = c;
    }
    return units;
  }
}

/** A shingle's home slot in a table of mask + 1 slots (both shingle tables hash alike). */
function slotOf(hi: number, lo: number, mask: number): number {
  const h = (Math.imul(hi, 0x9e3779b1) ^ Math.imul(lo + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
  return (h ^ (h >>> 15)) & mask;
}

/**
 * A shingle table's slots (stride 4: hi, lo, id + 1, a fourth word) moved into mask + 1 slots. A key's hi half is its
 * slot's first word's low 26 bits (TextShingleTable keeps a count in the top bits, moved with it).
 */
function regrow(old: Int32Array, mask: number): Int32Array {
  const slots = new Int32Array((mask + 1) * 4);
  for (let s = 0; s < old.length; s += 4) {
    if (old[s + 2] === 0) continue;
    let h = slotOf(old[s] & 0x3ffffff, old[s + 1], mask);
    while (slots[h * 4 + 2] !== 0) h = (h + 1) & mask;
    slots.set(old.subarray(s, s + 4), h * 4);
  }
  return slots;
}

/**
 * Open-addressing table from a shingle (two 26-bit halves) to a dense id, with the number of records holding it.
 * Typed arrays only: millions of shingles at 100k records, where a Map of doubles costs seconds and gigabytes. A
 * slot's key halves and id sit side by side (stride 4: a probe reads one cache line, not three arrays), and an id's
 * record count and stamp likewise (stride 2): the table outgrows the caches, so a look-up is as fast as its misses.
 */
class ShingleTable {
  /** Per slot: hi, lo, id + 1 (0: free), unused. Zero means empty, so a table is free as it is allocated: no fill pass. */
  private slots: Int32Array;
  private mask: number;
  size = 0;
  /** Per id: the number of records holding it, and the record that last counted it, + 1 (a record counts a shingle once). */
  private counts: Int32Array;
  /** The shingle of each id, as one number (its sort key). */
  keys: Float64Array;

  constructor(capacity = 1 << 16) {
    this.slots = new Int32Array(capacity * 4);
    this.mask = capacity - 1;
    this.counts = new Int32Array(capacity);
    this.keys = new Float64Array(capacity >> 1);
  }

  /** Count a shingle for `record` (once per record) and return its id, added when new; -1 when the record counted it already. */
  count(hi: number, lo: number, record: number): number {
    const slots = this.slots;
    let h = slotOf(hi, lo, this.mask);
    let id = -1;
    for (;;) {
      const stored = slots[h * 4 + 2];
      if (stored === 0) break;
      if (slots[h * 4] === hi && slots[h * 4 + 1] === lo) {
        id = stored - 1;
        break;
      }
      h = (h + 1) & this.mask;
    }
    if (id < 0) {
      id = this.size++;
      slots[h * 4] = hi;
      slots[h * 4 + 1] = lo;
      slots[h * 4 + 2] = id + 1;
      if (id * 2 >= this.counts.length) {
        const counts = new Int32Array(this.counts.length * 2);
        counts.set(this.counts);
        this.counts = counts;
        const keys = new Float64Array(this.keys.length * 2);
        keys.set(this.keys);
        this.keys = keys;
      }
      this.keys[id] = hi * 67108864 + lo;
      if (this.size * 2 > this.mask) this.rehash();
    }
    const counts = this.counts;
    if (counts[id * 2 + 1] === record + 1) return -1;
    counts[id * 2 + 1] = record + 1;
    counts[id * 2]++;
    return id;
  }

  /** The number of records holding each id, indexed by id. */
  df(): Int32Array {
    const df = new Int32Array(this.size);
    for (let id = 0; id < this.size; id++) df[id] = this.counts[id * 2];
    return df;
  }

  private rehash(): void {
    this.mask = this.mask * 2 + 1;
    this.slots = regrow(this.slots, this.mask);
  }

  /** Drop the look-up part and the stamps (keys stay; take df() first). */
  release(): void {
    this.slots = this.counts = new Int32Array(0);
  }
}

/**
 * The text shingles' table: like ShingleTable, but all a look-up reads or writes is its slot (the key halves, the
 * record count, the stamp and the id in 16 bytes), since the text's tens of millions of shingles miss the caches on
 * every look-up and ShingleTable's separate counts cost a second miss. The text only asks whether a shingle is rare
 * (held by at most COMMON_SHINGLE records), so the count stops at 63 and sits in the first word's top bits (a key half
 * is 26 bits); no keys are kept (nothing sorts text shingles).
 */
class TextShingleTable {
  /** Per slot: hi | min(records holding it, 63) << 26, lo, id + 1 (0: free), the record that last counted it + 1. */
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 16) {
    this.slots = new Int32Array(capacity * 4);
    this.mask = capacity - 1;
  }

  /** Count a shingle for `record` (once per record) and return its id, added when new; -1 when the record counted it already. */
  count(hi: number, lo: number, record: number): number {
    const slots = this.slots;
    let h = slotOf(hi, lo, this.mask);
    for (;;) {
      const s = h * 4;
      const stored = slots[s + 2];
      if (stored === 0) {
        const id = this.size++;
        slots[s] = hi | (1 << 26);
        slots[s + 1] = lo;
        slots[s + 2] = id + 1;
        slots[s + 3] = record + 1;
        if (this.size * 2 > this.mask) this.rehash();
        return id;
      }
      const first = slots[s];
      if ((first & 0x3ffffff) === hi && slots[s + 1] === lo) {
        if (slots[s + 3] === record + 1) return -1;
        slots[s + 3] = record + 1;
        if (first >>> 26 < 63) slots[s] = first + (1 << 26);
        return stored - 1;
      }
      h = (h + 1) & this.mask;
    }
  }

  /** The number of records holding each id (63 for 63 or more), indexed by id. */
  df(): Int32Array {
    const df = new Int32Array(this.size);
    const slots = this.slots;
    for (let s = 0; s < slots.length; s += 4) if (slots[s + 2] !== 0) df[slots[s + 2] - 1] = slots[s] >>> 26;
    return df;
  }

  private rehash(): void {
    this.mask = this.mask * 2 + 1;
    this.slots = regrow(this.slots, this.mask);
  }

  /** Drop the table (take df() first). */
  release(): void {
    this.slots = new Int32Array(0);
  }
}

/**
 * A table or list size for about `units` entries: a power of two from 1,024 to 2^20 (larger ones grow). Sized by the
 * text, not fixed: the seeds' 74k units of text need a 2^17-slot table, and a fixed 2^20 one (16 MB of slots, 30 MB
 * with the lists) cost the seeds' linking ~60 % of its time in allocating and first touching the memory.
 */
function tableSize(units: number): number {
  let size = 1 << 10;
  while (size < units && size < 1 << 20) size *= 2;
  return size;
}

/**
 * Every record's distinct shingles of length n (2 or 4) as ids into `table`, concatenated: record i's are
 * ids[offsets[i] … offsets[i+1]). Document frequencies are counted on the way.
 */
function shingleIds(texts: Iterable<string>, n: number, count: number, coder: UnitCoder, table: ShingleTable | TextShingleTable, textUnits: number): { ids: Int32Array; offsets: Int32Array } {
  const list = new Grow(new Int32Array(tableSize(textUnits)));
  const offsets = new Int32Array(count + 1);
  let units: Int32Array = new Int32Array(1024);
  let i = 0;
  for (const s of texts) {
    units = coder.encode(s, units);
    for (let p = 0; p + n <= s.length; p++) {
      const id = n === 2 ? table.count(0, units[p] * 8192 + units[p + 1], i) : table.count(units[p] * 8192 + units[p + 1], units[p + 2] * 8192 + units[p + 3], i);
      if (id >= 0) list.push(id);
    }
    offsets[++i] = list.length;
  }
  return { ids: list.data.subarray(0, list.length), offsets };
}

/**
 * Inverted lists over the kept ids of each record: list of id k is records[starts[k] … starts[k+1]), ascending, and
 * where in its record's ids each entry sits (positions).
 */
function invert(ids: Int32Array, offsets: Int32Array, size: number, keep: (r: number, at: number) => boolean): { starts: Int32Array; records: Int32Array; positions: Int32Array } {
  const starts = new Int32Array(size + 1);
  const records = offsets.length - 1;
  for (let r = 0; r < records; r++) for (let at = offsets[r]; at < offsets[r + 1]; at++) if (keep(r, at)) starts[ids[at] + 1]++;
  for (let k = 0; k < size; k++) starts[k + 1] += starts[k];
  const fill = starts.slice(0, size);
  const out = new Int32Array(starts[size]);
  const positions = new Int32Array(starts[size]);
  for (let r = 0; r < records; r++) {
    for (let at = offsets[r]; at < offsets[r + 1]; at++) {
      if (!keep(r, at)) continue;
      positions[fill[ids[at]]] = at - offsets[r];
      out[fill[ids[at]]++] = r;
    }
  }
  return { starts, records: out, positions };
}

/**
 * What the linking loop reads of a record it meets, side by side (STRIDE words a record): the title walk meets up to
 * MAX_TITLE_VISITS records per record (100k records: 87 M meetings), and one cache line each is what it costs, not
 * one per array.
 */
const STRIDE = 8;
/** The record being linked when this one was last met (+1). */
const SEEN = 0;
/** Its document. */
const FILE = 1;
/** Its links so far. */
const LINKS = 2;
/** Its title's bigram count. */
const TITLE_SIZE = 3;
/** Its title signature: 4 words, bit (hash of bigram id) mod 128 set for each of its bigrams. */
const SIGNATURE = 4;

/**
 * Bits set in record b's title signature and not in a's. Each stands for at least one bigram of b's title missing
 * from a's, so the count is a lower bound on b's misses, read from 16 bytes instead of b's bigram list.
 */
function missingBits(state: Int32Array, b: number, a: number): number {
  let count = 0;
  for (let w = SIGNATURE; w < SIGNATURE + 4; w++) count += bitCount(state[b * STRIDE + w] & ~state[a * STRIDE + w]);
  return count;
}

/**
 * How many of B's title bigrams may be missing from A's for Dice ≥ `need` (Dice = 2·overlap / (|A| + |B|): B may miss
 * all but the least overlap that reaches it); −1 when no overlap can.
 */
function allowedMisses(sizeA: number, sizeB: number, need: number): number {
  const least = leastOverlap(sizeA + sizeB, need);
  return least > sizeA || least > sizeB ? -1 : sizeB - least;
}

/** The least overlap with Dice (2·overlap / total) ≥ `need`, by the same division the link test makes. */
function leastOverlap(total: number, need: number): number {
  let least = Math.ceil((need * total) / 2);
  while (least > 0 && (2 * (least - 1)) / total >= need) least--;
  while ((2 * least) / total < need) least++;
  return least;
}

/** Fill `related` on every record, both ways. */
export function linkRelated(records: ReformRecord[]): void {
  const n = records.length;
  const coder = new UnitCoder();

  // Titles: distinct character bigrams per record, sizes and document frequencies.
  const titleKeys = records.map((r) => titleKey(r.title));
  let titleUnits = 0;
  for (const k of titleKeys) titleUnits += k.length;
  const titleTable = new ShingleTable(tableSize(2 * titleUnits));
  const title = shingleIds(titleKeys, 2, n, coder, titleTable, titleUnits);
  const titleDf = titleTable.df();
  titleTable.release();

  // Prefix filtering. A Dice ≥ τ needs an overlap ≥ τ|A|/(2−τ), so two such titles share a bigram among their
  // first |A| − that + 1 bigrams in a global order; rarest first keeps the lists short. Only pairs that share no
  // rare text shingle are looked up by title, and those link at Dice ≥ SAME_TITLE alone, so τ = SAME_TITLE. Each
  // record's bigram ids are sorted in place, rarest first (ties by shingle).
  const minShare = (size: number, tau: number) => Math.ceil((tau * size) / (2 - tau) - 1e-9);
  const sameLength = new Int32Array(n);
  {
    const df = titleDf;
    const keys = titleTable.keys;
    for (let r = 0; r < n; r++) {
      const own = title.ids.subarray(title.offsets[r], title.offsets[r + 1]);
      const sorted = Array.from(own).sort((a, b) => df[a] - df[b] || keys[a] - keys[b]);
      own.set(sorted);
      sameLength[r] = Math.min(own.length, Math.max(0, own.length - minShare(own.length, SAME_TITLE) + 1));
    }
  }

  const sameIndex = invert(title.ids, title.offsets, titleTable.size, (r, at) => at - title.offsets[r] < sameLength[r]);

  // Text: only shingles fewer than COMMON_SHINGLE records hold are kept (the share counts only those).
  let bodyUnits = 0;
  for (const r of records) for (const f of BODY_FIELDS) bodyUnits += r[f]?.length ?? 0;
  const bodyTable = new TextShingleTable(tableSize(2 * bodyUnits));
  const body = shingleIds(
    (function* () {
      for (const r of records) yield BODY_FIELDS.map((f) => titleKey(r[f] ?? '')).join('');
    })(),
    4,
    n,
    coder,
    bodyTable,
    bodyUnits,
  );
  const bodyDf = bodyTable.df();
  bodyTable.release();
  const bodySizes = new Int32Array(n);
  for (let r = 0; r < n; r++) bodySizes[r] = body.offsets[r + 1] - body.offsets[r];
  // Keep the rare ids only, compacted in place.
  const rareOffsets = new Int32Array(n + 1);
  {
    const df = bodyDf;
    let w = 0;
    for (let r = 0; r < n; r++) {
      for (let at = body.offsets[r]; at < body.offsets[r + 1]; at++) if (df[body.ids[at]] <= COMMON_SHINGLE) body.ids[w++] = body.ids[at];
      rareOffsets[r + 1] = w;
    }
  }
  const rareIds = body.ids.slice(0, rareOffsets[n]);
  const bodyIndex = invert(rareIds, rareOffsets, bodyTable.size, () => true);

  for (const r of records) r.related = [];
  // One typed array for the hot loop (STRIDE words a record): which document each record is from, how many links it
  // has, its title's size and signature.
  const state = new Int32Array(n * STRIDE);
  const fileIds = new Map<string, number>();
  for (let r = 0; r < n; r++) {
    let id = fileIds.get(records[r].source.file);
    if (id === undefined) fileIds.set(records[r].source.file, (id = fileIds.size));
    state[r * STRIDE + FILE] = id;
    state[r * STRIDE + TITLE_SIZE] = title.offsets[r + 1] - title.offsets[r];
    for (let at = title.offsets[r]; at < title.offsets[r + 1]; at++) {
      const bit = Math.imul(title.ids[at], 0x9e3779b1) >>> 25;
      state[r * STRIDE + SIGNATURE + (bit >>> 5)] |= 1 << (bit & 31);
    }
  }
  const shared = new Int32Array(n);
  const touched = new Grow(new Int32Array(4096));
  const linked = new Grow(new Int32Array(64));
  // Title bigrams of the record being linked, marked by record number + 1 (no clearing between records).
  const mark = new Int32Array(titleTable.size);
  const tIds = title.ids;
  const tOff = title.offsets;
  const sStarts = sameIndex.starts;
  const sRecords = sameIndex.records;
  // What the walk's necessary tests read of an entry, beside it in list order: B's title size, how many of its
  // bigrams follow the entry's, and its signature. An entry that fails them (most do) costs a sequential read, not a
  // cache miss on its record.
  const entries = sRecords.length;
  const eSizes = new Int32Array(entries * 2);
  const eSigs = new Int32Array(entries * 4);
  let maxTitle = 0;
  for (let x = 0; x < entries; x++) {
    const sj = sRecords[x] * STRIDE;
    const sizeB = state[sj + TITLE_SIZE];
    if (sizeB > maxTitle) maxTitle = sizeB;
    eSizes[x * 2] = sizeB;
    eSizes[x * 2 + 1] = sizeB - sameIndex.positions[x] - 1;
    for (let w = 0; w < 4; w++) eSigs[x * 4 + w] = state[sj + SIGNATURE + w];
  }
  /**
   * By B's size, for the record being linked (stamped): the least bigrams that must follow a first meeting on both
   * sides for the bound to reach SAME_TITLE, and allowedMisses at SAME_TITLE. Filled as sizes are met.
   */
  const walkRest = new Int32Array(maxTitle + 1);
  const walkMisses = new Int32Array(maxTitle + 1);
  const walkStamp = new Int32Array(maxTitle + 1);
  const bStarts = bodyIndex.starts;
  const bRecords = bodyIndex.records;
  /** Per rare shingle: where in its list the record being linked sits (the records before it are done). */
  const bNext = bStarts.slice(0, bodyTable.size);
  for (let k = 0; k < bNext.length; k++) bNext[k]--;
  /** First position of a list (ascending) holding a record after i. */
  const after = (records: Int32Array, lo: number, hi: number, i: number) => {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (records[mid] <= i) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  /** Does B's title (record j) reach Dice `need` with A's (record i, marked)? Stops once it cannot. */
  const titleReaches = (i: number, j: number, need: number) => {
    const sizeA = state[i * STRIDE + TITLE_SIZE];
    const sizeB = state[j * STRIDE + TITLE_SIZE];
    if (!sizeA || !sizeB) return false;
    let misses = allowedMisses(sizeA, sizeB, need);
    if (misses < 0) return false;
    // Each bit B sets that A does not is at least one of B's bigrams missing from A: too many, and B's own bigrams
    // (a cache miss each) need not be read. Most tests end here (100k records: 28.3 M of 31.0 M, the title walk's
    // 24.7 M and the rare-shingle candidates' 6.4 M).
    if (missingBits(state, j, i) > misses) return false;
    for (let at = tOff[j]; at < tOff[j + 1]; at++) {
      if (mark[tIds[at]] !== i + 1 && --misses < 0) return false;
    }
    return true;
  };
  for (let i = 0; i < n; i++) {
    const full = state[i * STRIDE + LINKS] >= MAX_LINKS;
    const fileI = state[i * STRIDE + FILE];
    // Candidates sharing a rare text shingle, with how many they share.
    // A list holds its records in order and records are linked in order, so record i is at its list's cursor once
    // it is moved on: the later records follow it (the earlier ones, half of every list, are never read; nor is i).
    for (let at = rareOffsets[i]; at < rareOffsets[i + 1]; at++) {
      const k = rareIds[at];
      const own = ++bNext[k];
      for (let x = own + 1; x < bStarts[k + 1]; x++) {
        const j = bRecords[x];
        if (shared[j] === 0) touched.push(j);
        shared[j]++;
      }
    }
    for (let at = tOff[i]; at < tOff[i + 1]; at++) mark[tIds[at]] = i + 1;
    // Candidates by title alone (no rare shingle shared) link only at Dice ≥ SAME_TITLE, so they share a bigram of
    // both titles' SAME_TITLE prefixes: walk those lists, rarest bigram first, at most MAX_TITLE_VISITS entries.
    if (!full) {
      let visits = 0;
      const sizeA = tOff[i + 1] - tOff[i];
      const sigA0 = state[i * STRIDE + SIGNATURE];
      const sigA1 = state[i * STRIDE + SIGNATURE + 1];
      const sigA2 = state[i * STRIDE + SIGNATURE + 2];
      const sigA3 = state[i * STRIDE + SIGNATURE + 3];
      for (let at = tOff[i]; at < tOff[i] + sameLength[i] && visits < MAX_TITLE_VISITS; at++) {
        const k = tIds[at];
        const x0 = after(sRecords, sStarts[k], sStarts[k + 1], i);
        const end = Math.min(sStarts[k + 1], x0 + (MAX_TITLE_VISITS - visits));
        visits += end - x0;
        const restA = sizeA - (at - tOff[i]) - 1;
        for (let x = x0; x < end; x++) {
          // First meeting at A's bigram pi and B's pj: no bigram before either is shared (it would be earlier in
          // both prefixes), so the overlap is at most 1 + min(bigrams after each). At a later meeting this bound
          // says nothing, but B was tested (or set aside) at the first, so any test here only saves work: both
          // tests below are necessary conditions and titleReaches decides exactly, whatever order they run in.
          const sizeB = eSizes[x * 2];
          if (walkStamp[sizeB] !== i + 1) {
            walkStamp[sizeB] = i + 1;
            // The least bound with (2·bound) / (|A| + |B|) ≥ SAME_TITLE (past sizeA: none can).
            walkRest[sizeB] = Math.min(Math.max(leastOverlap(sizeA + sizeB, SAME_TITLE), 1), sizeA + 1) - 1;
            walkMisses[sizeB] = allowedMisses(sizeA, sizeB, SAME_TITLE);
          }
          // bound = 1 + min(restA, restB) must reach the least bound.
          const rest = walkRest[sizeB];
          if (restA < rest || eSizes[x * 2 + 1] < rest) continue;
          // The signature test of titleReaches, from the entry's copy of B's signature.
          const missing =
            bitCount(eSigs[x * 4] & ~sigA0) + bitCount(eSigs[x * 4 + 1] & ~sigA1) + bitCount(eSigs[x * 4 + 2] & ~sigA2) + bitCount(eSigs[x * 4 + 3] & ~sigA3);
          if (missing > walkMisses[sizeB]) continue;
          const j = sRecords[x];
          const sj = j * STRIDE;
          if (shared[j] !== 0 || state[sj + SEEN] === i + 1) continue;
          state[sj + SEEN] = i + 1;
          if (fileI === state[sj + FILE] || state[sj + LINKS] >= MAX_LINKS) continue;
          if (titleReaches(i, j, SAME_TITLE)) linked.push(j);
        }
      }
    }
    // Which candidates are the same reform does not depend on the order they are looked at; only the caps
    // (MAX_LINKS) do, so the ones that qualify are linked in record order, as a pairwise scan would.
    for (let x = 0; x < touched.length; x++) {
      const j = touched.data[x];
      const textShared = shared[j];
      shared[j] = 0;
      if (full || fileI === state[j * STRIDE + FILE] || state[j * STRIDE + LINKS] >= MAX_LINKS) continue;
      const smaller = Math.min(bodySizes[i], bodySizes[j]);
      // Share of the smaller text's shingles found in the other (a short table summary inside a long case); shingles
      // common to more than COMMON_SHINGLE records are not counted, which only lowers the share.
      const text = smaller >= 20 ? textShared / smaller : 0;
      if (text >= SAME_TEXT || titleReaches(i, j, text >= SHARED_TEXT ? LOOSE_TITLE : SAME_TITLE)) linked.push(j);
    }
    touched.length = 0;
    if (linked.length) {
      const a = records[i];
      const order = linked.data.subarray(0, linked.length).sort();
      for (const j of order) {
        if (state[i * STRIDE + LINKS] >= MAX_LINKS || state[j * STRIDE + LINKS] >= MAX_LINKS) continue;
        state[i * STRIDE + LINKS]++;
        state[j * STRIDE + LINKS]++;
        const b = records[j];
        a.related.push({ id: b.id, file: b.source.file });
        b.related.push({ id: a.id, file: a.source.file });
      }
      linked.length = 0;
    }
  }

}
