/**
 * The same reform printed in several documents (a provincial task table and the case collection that describes
 * each of its items; a national case that is also a provincial case). Found from the records themselves: near-
 * identical titles, or near-identical text with similar titles. Never from a hard-coded list.
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

const BODY_FIELDS: TextField[] = ['content', 'applicableTo', 'process', 'outcome'];

/** Keep only ideographs, letters and digits: quotes, brackets and spaces vary between printings. */
export function titleKey(title: string): string {
  return title.replace(/[^\p{Script=Han}\p{L}\p{N}]/gu, '').toLowerCase();
}

function shingles(s: string, n: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= s.length; i++) out.add(s.slice(i, i + n));
  return out;
}

/** Shingles shared by more records than this say nothing about sameness and are not compared (keeps linking near-linear). */
export const COMMON_SHINGLE = 40;

/**
 * For each record, how many shingles it shares with every other record, counted through an inverted index of
 * shingle → records (pairs that share nothing are never visited).
 */
function sharedCounts(sets: Set<string>[], skipCommon: boolean): Map<number, number>[] {
  const postings = new Map<string, number[]>();
  sets.forEach((set, i) => {
    for (const g of set) {
      const list = postings.get(g);
      if (list) list.push(i);
      else postings.set(g, [i]);
    }
  });
  const out = sets.map(() => new Map<number, number>());
  for (const list of postings.values()) {
    if (list.length < 2 || (skipCommon && list.length > COMMON_SHINGLE)) continue;
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const [i, j] = [list[a], list[b]];
        out[i].set(j, (out[i].get(j) ?? 0) + 1);
      }
    }
  }
  return out;
}

/** Fill `related` on every record, both ways. */
export function linkRelated(records: ReformRecord[]): void {
  const titles = records.map((r) => shingles(titleKey(r.title), 2));
  const bodies = records.map((r) => shingles(BODY_FIELDS.map((f) => titleKey(r[f] ?? '')).join(''), 4));
  const titleShared = sharedCounts(titles, false);
  const bodyShared = sharedCounts(bodies, true);
  for (const r of records) r.related = [];
  records.forEach((a, i) => {
    const candidates = new Set([...titleShared[i].keys(), ...bodyShared[i].keys()]);
    for (const j of [...candidates].sort((x, y) => x - y)) {
      const b = records[j];
      if (a.source.file === b.source.file) continue;
      const t = titles[i].size && titles[j].size ? (2 * (titleShared[i].get(j) ?? 0)) / (titles[i].size + titles[j].size) : 0;
      const smaller = Math.min(bodies[i].size, bodies[j].size);
      // Share of the smaller text's shingles found in the other (a short table summary inside a long case); shingles
      // common to more than COMMON_SHINGLE records are not counted, which only lowers the share.
      const text = smaller >= 20 ? (bodyShared[i].get(j) ?? 0) / smaller : 0;
      const same = t >= SAME_TITLE || (t >= LOOSE_TITLE && text >= SHARED_TEXT) || text >= SAME_TEXT;
      if (!same) continue;
      a.related.push({ id: b.id, file: b.source.file });
      b.related.push({ id: a.id, file: a.source.file });
    }
  });
}
