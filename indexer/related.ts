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

function dice(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return (2 * common) / (a.size + b.size);
}

/** Share of the smaller text's shingles found in the larger one: a short table summary inside a long case. */
function containment(a: Set<string>, b: Set<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size < 20) return 0;
  let common = 0;
  for (const x of small) if (large.has(x)) common++;
  return common / small.size;
}

/** Fill `related` on every record, both ways. */
export function linkRelated(records: ReformRecord[]): void {
  const prepared = records.map((r) => ({
    r,
    title: shingles(titleKey(r.title), 2),
    body: shingles(BODY_FIELDS.map((f) => titleKey(r[f] ?? '')).join(''), 4),
  }));
  for (const r of records) r.related = [];
  for (let i = 0; i < prepared.length; i++) {
    for (let j = i + 1; j < prepared.length; j++) {
      const a = prepared[i];
      const b = prepared[j];
      if (a.r.source.file === b.r.source.file) continue;
      const t = dice(a.title, b.title);
      const text = containment(a.body, b.body);
      const same = t >= SAME_TITLE || (t >= LOOSE_TITLE && text >= SHARED_TEXT) || text >= SAME_TEXT;
      if (!same) continue;
      a.r.related.push({ id: b.r.id, file: b.r.source.file });
      b.r.related.push({ id: a.r.id, file: a.r.source.file });
    }
  }
}
