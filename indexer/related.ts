/**
 * The same reform printed in several documents (a provincial task table and the case collection that describes
 * each of its items; a national case that is also a provincial case). Found from the records themselves: near-
 * identical titles, or near-identical text with similar titles. Never from a hard-coded list.
 *
 * Near-linear in the corpus: no pair of records is compared unless it shares a title bigram in both titles'
 * rarest-first prefixes (prefix filtering: exact for the title thresholds) or a text shingle that fewer than
 * COMMON_SHINGLE records hold. The work per record is capped (MAX_TITLE_VISITS, MAX_LINKS), so a corpus with
 * thousands of copies of one title stays linear; the seeds stay far under both caps.
 */
import type { ReformRecord, TextField } from './schema.js';

/** Title similarity (Dice over character bigrams) above which two titles name the same reform. */
export const SAME_TITLE = 0.72;
/** A looser title match (企业登记业务“智能表单” / 企业登记“智能表单”) needs shared text as well. */
export const LOOSE_TITLE = 0.45;
/** Share of the shorter text's character 4-grams found in the other: long shingles are rare between different reforms. */
export const SHARED_TEXT = 0.15;
/** Text this similar is the same reform whatever its title. */
export const SAME_TEXT = 0.5;
/** Shingles shared by more records than this say nothing about sameness and are not compared (keeps linking linear). */
export const COMMON_SHINGLE = 40;
/** At most this many title-index entries are visited per record (rarest bigrams first). */
export const MAX_TITLE_VISITS = 2000;
/** At most this many copies are linked to one record (the first found in corpus order). */
export const MAX_LINKS = 32;

const BODY_FIELDS: TextField[] = ['content', 'applicableTo', 'process', 'outcome'];

/** Keep only ideographs, letters and digits: quotes, brackets and spaces vary between printings. */
export function titleKey(title: string): string {
  return title.replace(/[^\p{Script=Han}\p{L}\p{N}]/gu, '').toLowerCase();
}

/**
 * Shingles as exact numbers: each UTF-16 unit gets a dense code (< 8192 for any Chinese text: GB2312 has 6,763
 * ideographs), and n ≤ 4 codes pack into 52 bits. Past 8,191 distinct units codes wrap, which can only add
 * shared shingles, never lose one.
 */
class ShingleCoder {
  private codes = new Map<number, number>();
  private code(unit: number): number {
    let c = this.codes.get(unit);
    if (c === undefined) {
      c = (this.codes.size % 8191) + 1;
      this.codes.set(unit, c);
    }
    return c;
  }
  /** Distinct shingles of length n, sorted ascending. */
  shingles(s: string, n: number): Float64Array {
    const units = new Array<number>(s.length);
    for (let i = 0; i < s.length; i++) units[i] = this.code(s.charCodeAt(i));
    const set = new Set<number>();
    for (let i = 0; i + n <= s.length; i++) {
      let k = 0;
      for (let j = 0; j < n; j++) k = k * 8192 + units[i + j];
      set.add(k);
    }
    return Float64Array.from(set).sort();
  }
}

/** |a ∩ b| for ascending arrays. */
function overlap(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      n++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return n;
}

function documentFrequencies(sets: Float64Array[]): Map<number, number> {
  const df = new Map<number, number>();
  for (const set of sets) for (const k of set) df.set(k, (df.get(k) ?? 0) + 1);
  return df;
}

/** shingle → ascending record numbers, for the given shingles of each record. */
function postings(lists: Float64Array[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  lists.forEach((list, i) => {
    for (const k of list) {
      const p = out.get(k);
      if (p) p.push(i);
      else out.set(k, [i]);
    }
  });
  return out;
}

/** Fill `related` on every record, both ways. */
export function linkRelated(records: ReformRecord[]): void {
  const n = records.length;
  const coder = new ShingleCoder();
  const titles = records.map((r) => coder.shingles(titleKey(r.title), 2));

  // Titles: prefix filtering. A Dice ≥ LOOSE_TITLE needs an overlap ≥ τ|A|/(2−τ), so two such titles share a
  // bigram among their first |A| − that + 1 bigrams in a global order; rarest first keeps the lists short.
  const titleDf = documentFrequencies(titles);
  const minShare = (size: number) => Math.ceil((LOOSE_TITLE * size) / (2 - LOOSE_TITLE) - 1e-9);
  const prefixes = titles.map((t) => {
    const byRarity = Array.from(t).sort((a, b) => titleDf.get(a)! - titleDf.get(b)! || a - b);
    return Float64Array.from(byRarity.slice(0, Math.max(0, t.length - minShare(t.length) + 1)));
  });
  const titleIndex = postings(prefixes);

  // Text: only shingles fewer than COMMON_SHINGLE records hold are kept (the share counts only those).
  const bodySizes = new Int32Array(n);
  let bodies: Float64Array[] = records.map((r, i) => {
    const s = coder.shingles(BODY_FIELDS.map((f) => titleKey(r[f] ?? '')).join(''), 4);
    bodySizes[i] = s.length;
    return s;
  });
  const bodyDf = documentFrequencies(bodies);
  bodies = bodies.map((s) => s.filter((k) => bodyDf.get(k)! <= COMMON_SHINGLE));
  bodyDf.clear();
  const bodyIndex = postings(bodies);

  for (const r of records) r.related = [];
  const shared = new Int32Array(n);
  const isTitleCandidate = new Uint8Array(n);
  const touched: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = records[i];
    for (const k of bodies[i]) {
      for (const j of bodyIndex.get(k)!) {
        if (j <= i) continue;
        if (shared[j] === 0 && !isTitleCandidate[j]) touched.push(j);
        shared[j]++;
      }
    }
    let visits = 0;
    for (const k of prefixes[i]) {
      const list = titleIndex.get(k)!;
      for (const j of list) {
        if (j <= i) continue;
        if (++visits > MAX_TITLE_VISITS) break;
        if (shared[j] === 0 && !isTitleCandidate[j]) touched.push(j);
        isTitleCandidate[j] = 1;
      }
      if (visits > MAX_TITLE_VISITS) break;
    }
    touched.sort((x, y) => x - y);
    for (const j of touched) {
      const b = records[j];
      const textShared = shared[j];
      shared[j] = 0;
      isTitleCandidate[j] = 0;
      if (a.source.file === b.source.file) continue;
      if (a.related.length >= MAX_LINKS || b.related.length >= MAX_LINKS) continue;
      const t = titles[i].length && titles[j].length ? (2 * overlap(titles[i], titles[j])) / (titles[i].length + titles[j].length) : 0;
      const smaller = Math.min(bodySizes[i], bodySizes[j]);
      // Share of the smaller text's shingles found in the other (a short table summary inside a long case); shingles
      // common to more than COMMON_SHINGLE records are not counted, which only lowers the share.
      const text = smaller >= 20 ? textShared / smaller : 0;
      const same = t >= SAME_TITLE || (t >= LOOSE_TITLE && text >= SHARED_TEXT) || text >= SAME_TEXT;
      if (!same) continue;
      a.related.push({ id: b.id, file: b.source.file });
      b.related.push({ id: a.id, file: a.source.file });
    }
    touched.length = 0;
  }
}
