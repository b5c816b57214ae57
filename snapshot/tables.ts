/**
 * The stored form of the analysis tables and the similar lists in a packed snapshot (container.ts), and back.
 *
 * - The vocabulary ([word, count] by count, then word) is stored as its words in sorted order, joined (the
 *   container front-codes the list: sorted-strings.ts), with a count column; loading puts it back in the same order
 *   by a stable sort on the counts, so the decoded table is the table written.
 * - The user dictionary's words and the similar lists' term table are words of the vocabulary (the vocabulary is
 *   counted with the user words added; key terms come from it): stored as indexes into the sorted words, a word
 *   that is not there kept as text.
 * - Similar scores are shown to three decimals (search/similar.ts): stored as thousandths in 16 bits, loaded as
 *   those thousandths, so every answer is the same.
 *
 * A table that does not fit (a vocabulary in another order, a score out of range) is stored as it is. Environment-
 * neutral; nothing here runs for the unpacked layout the offline export reads.
 */
import type { SnapshotBody } from './body.js';
import type { SimilarData } from '../search/similar.js';

export const TABLES_FORMAT = 'tables-1';

interface StoredVocabulary {
  $tables: typeof TABLES_FORMAT;
  /** Sorted words joined by U+0000. */
  words: string;
  /** Count of each sorted word. */
  counts: Uint32Array;
}

/** Indexes into the sorted words; NOT_THERE takes the next word of `other`. */
interface StoredWords {
  $words: typeof TABLES_FORMAT;
  ids: Uint32Array;
  other: string[];
}
const NOT_THERE = 0xffffffff;

interface StoredScores {
  $milli: typeof TABLES_FORMAT;
  milli: Uint16Array;
}

const byCount = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** A shallow copy of the body with the tables in their stored form (the body itself is not changed). */
export function storeTables<B extends Omit<SnapshotBody, 'builtAt'>>(body: B): B {
  const vocabulary = body.analysis?.vocabulary;
  if (!Array.isArray(vocabulary) || vocabulary.length < 2) return body;
  for (let i = 0; i < vocabulary.length; i++) {
    const e = vocabulary[i];
    if (!Array.isArray(e) || typeof e[0] !== 'string' || e[0].includes('\0') || !Number.isInteger(e[1]) || e[1] < 0 || e[1] > 0xffffffff) return body;
    if (i > 0 && byCount(vocabulary[i - 1], e) >= 0) return body;
  }
  const sorted = vocabulary.map(([w]) => w).sort();
  const index = new Map(sorted.map((w, i) => [w, i]));
  const counts = new Uint32Array(sorted.length);
  for (const [w, c] of vocabulary) counts[index.get(w)!] = c;
  const stored: StoredVocabulary = { $tables: TABLES_FORMAT, words: sorted.join('\0'), counts };
  const words = (list: unknown): unknown => {
    if (!Array.isArray(list) || !list.every((w) => typeof w === 'string')) return list;
    const ids = new Uint32Array(list.length);
    const other: string[] = [];
    list.forEach((w: string, i) => {
      const id = index.get(w);
      if (id === undefined) other.push(w);
      ids[i] = id ?? NOT_THERE;
    });
    return { $words: TABLES_FORMAT, ids, other } satisfies StoredWords;
  };
  const out = { ...body, analysis: { ...body.analysis, vocabulary: stored as unknown as [string, number][] } };
  if (body.dictionary) out.dictionary = { ...body.dictionary, userWords: words(body.dictionary.userWords) as string[] };
  const s = body.similar as SimilarData | undefined;
  if (s && typeof s === 'object') {
    out.similar = { ...s, terms: words(s.terms) as string[], all: scores(s.all), otherRegions: scores(s.otherRegions) } as SimilarData;
  }
  return out;
}

function scores<L extends { scores: Float32Array }>(list: L): L {
  if (!list || !(list.scores instanceof Float32Array)) return list;
  const milli = new Uint16Array(list.scores.length);
  for (let i = 0; i < milli.length; i++) {
    const m = Math.round(list.scores[i] * 1000);
    if (!(m >= 0 && m <= 0xffff)) return list;
    milli[i] = m;
  }
  return { ...list, scores: { $milli: TABLES_FORMAT, milli } satisfies StoredScores as unknown as Float32Array };
}

/** Put the stored tables back in place (a decoded body, changed in place). Throws on a stored form that is off. */
export function restoreTables(body: SnapshotBody): void {
  const v = body.analysis?.vocabulary as unknown as StoredVocabulary | undefined;
  if (!v || (v as { $tables?: unknown }).$tables === undefined) return;
  if (v.$tables !== TABLES_FORMAT || typeof v.words !== 'string' || !(v.counts instanceof Uint32Array)) throw new Error('the vocabulary is not stored as this reader knows');
  const sorted = v.words.length ? v.words.split('\0') : [];
  if (sorted.length !== v.counts.length) throw new Error('the vocabulary has another number of counts than words');
  const vocabulary: [string, number][] = sorted.map((w, i) => [w, v.counts[i]]);
  // Words are sorted already: a stable sort on the counts gives the order written (count, then word).
  vocabulary.sort((a, b) => b[1] - a[1]);
  body.analysis.vocabulary = vocabulary;
  const words = (x: unknown, what: string): string[] => {
    const s = x as StoredWords;
    if (!s || typeof s !== 'object' || (s as { $words?: unknown }).$words === undefined) return x as string[];
    if (s.$words !== TABLES_FORMAT || !(s.ids instanceof Uint32Array) || !Array.isArray(s.other)) throw new Error(`${what} is not stored as this reader knows`);
    let o = 0;
    const out = new Array<string>(s.ids.length);
    for (let i = 0; i < s.ids.length; i++) {
      const id = s.ids[i];
      const w = id === NOT_THERE ? s.other[o++] : sorted[id];
      if (typeof w !== 'string') throw new Error(`${what} names a word that is not stored`);
      out[i] = w;
    }
    if (o !== s.other.length) throw new Error(`${what} has words left over`);
    return out;
  };
  if (body.dictionary) body.dictionary.userWords = words(body.dictionary.userWords, 'dictionary.userWords');
  const s = body.similar;
  if (s && typeof s === 'object') {
    s.terms = words(s.terms, 'similar.terms');
    for (const list of [s.all, s.otherRegions]) {
      const m = list?.scores as unknown as StoredScores;
      if (!m || (m as { $milli?: unknown }).$milli === undefined) continue;
      if (m.$milli !== TABLES_FORMAT || !(m.milli instanceof Uint16Array)) throw new Error('similar scores are not stored as this reader knows');
      const f = new Float32Array(m.milli.length);
      for (let i = 0; i < f.length; i++) f[i] = m.milli[i] / 1000;
      list.scores = f;
    }
  }
}
