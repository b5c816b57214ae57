/**
 * The stored form of the analysis tables and the similar lists in a packed snapshot (container.ts), and back.
 *
 * - The vocabulary ([word, count] by count, then word) is stored as its words in sorted order, with a count column;
 *   loading puts it back in the same order by a stable sort on the counts, so the decoded table is the table
 *   written. A word that is also a term of the index (two-character words are Han bigrams: 3,889 of the seeds'
 *   6,252 words) is stored as that term's number; the others joined (the container front-codes the list:
 *   sorted-strings.ts). Seeds: 30 KB → 17 KB packed.
 * - The user dictionary's words, the mined short forms and the similar lists' term table are words of the vocabulary
 *   (the vocabulary is counted with the user words added; short forms and key terms come from it): stored as
 *   indexes into the sorted words, a word that is not there kept as text.
 * - The traditional → simplified table (character to character) is stored as its keys' code points, increasing (the
 *   container keeps their gaps), and the simplified characters as one string.
 * - Similar scores are shown to three decimals (search/similar.ts): stored as thousandths in 16 bits, loaded as
 *   those thousandths, so every answer is the same.
 *
 * A table that does not fit (a vocabulary in another order, a score out of range) is stored as it is. Environment-
 * neutral; nothing here runs for the unpacked layout the offline export reads.
 */
import type { SnapshotBody } from './body.js';
import type { SimilarData } from '../indexer/similar-data.js';
import { SortedCharMap } from '../analysis/char-map.js';

export const TABLES_FORMAT = 'tables-1';

interface StoredVocabulary {
  $tables: typeof TABLES_FORMAT;
  /** Sorted words joined by U+0000, those that are index terms left out. */
  words: string;
  /** Numbers of the index terms (increasing) that are words too; absent when none is stored this way. */
  terms?: Uint32Array;
  /** Count of each word, in sorted order of all the words. */
  counts: Uint32Array;
}

/** Indexes into the sorted words; NOT_THERE takes the next word of `other`. */
interface StoredWords {
  $words: typeof TABLES_FORMAT;
  ids: Uint32Array;
  other: string[];
}
const NOT_THERE = 0xffffffff;

interface StoredT2s {
  $t2s: typeof TABLES_FORMAT;
  from: Uint32Array;
  to: string;
}

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
    if (!Array.isArray(e) || typeof e[0] !== 'string' || e[0] === '' || e[0].includes('\0') || !Number.isInteger(e[1]) || e[1] < 0 || e[1] > 0xffffffff) return body;
    if (i > 0 && byCount(vocabulary[i - 1], e) >= 0) return body;
  }
  const sorted = vocabulary.map(([w]) => w).sort();
  const index = new Map(sorted.map((w, i) => [w, i]));
  const counts = new Uint32Array(sorted.length);
  for (const [w, c] of vocabulary) counts[index.get(w)!] = c;
  const stored: StoredVocabulary = { $tables: TABLES_FORMAT, words: sorted.join('\0'), counts };
  const terms = indexTerms(body.index);
  if (terms) {
    const ids: number[] = [];
    const rest: string[] = [];
    for (const w of sorted) {
      const t = terms.get(w);
      if (t === undefined) rest.push(w);
      else ids.push(t);
    }
    stored.words = rest.join('\0');
    stored.terms = Uint32Array.from(ids);
  }
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
  out.analysis.t2s = t2s(body.analysis.t2s);
  const forms = body.analysis.forms;
  if (forms && typeof forms === 'object') out.analysis.forms = { ...forms, shorts: words(forms.shorts) as string[] };
  if (body.dictionary) out.dictionary = { ...body.dictionary, userWords: words(body.dictionary.userWords) as string[] };
  const s = body.similar as SimilarData | undefined;
  if (s && typeof s === 'object') {
    out.similar = { ...s, terms: words(s.terms) as string[], all: scores(s.all), otherRegions: scores(s.otherRegions) } as SimilarData;
  }
  return out;
}

/**
 * The index's term list (search/postings.ts: sorted, each term followed by U+0000) as term → number, when the index
 * has one in that form; words stored as term numbers are read back from it (termAt).
 */
function indexTerms(index: unknown): Map<string, number> | undefined {
  const joined = (index as { postings?: { terms?: unknown } } | undefined)?.postings?.terms;
  if (typeof joined !== 'string' || !joined.endsWith('\0')) return undefined;
  const list = joined.slice(0, -1).split('\0');
  for (let i = 1; i < list.length; i++) if (!(list[i - 1] < list[i])) return undefined;
  return new Map(list.map((t, i) => [t, i]));
}

/** Terms number ids[0] < ids[1] < … of the index's term list, read in one pass. */
function termsAt(index: unknown, ids: Uint32Array): string[] {
  const joined = (index as { postings?: { terms?: unknown } } | undefined)?.postings?.terms;
  if (typeof joined !== 'string') throw new Error('the vocabulary names index terms and the index has none');
  const out = new Array<string>(ids.length);
  let term = 0;
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    if (i > 0 && ids[i] <= ids[i - 1]) throw new Error('the vocabulary\'s term numbers are not increasing');
    for (; term < ids[i]; term++) {
      at = joined.indexOf('\0', at) + 1;
      if (at === 0) throw new Error('the vocabulary names a term the index does not have');
    }
    const end = joined.indexOf('\0', at);
    if (end < 0) throw new Error('the vocabulary names a term the index does not have');
    out[i] = joined.slice(at, end);
  }
  return out;
}

function t2s(table: SortedCharMap): SortedCharMap {
  return { $t2s: TABLES_FORMAT, from: table.from, to: table.to } satisfies StoredT2s as unknown as SortedCharMap;
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

/**
 * The character table as the one form the code reads (analysis/char-map.ts): a packed file's stored columns and the
 * unpacked layout's (the map's own two fields) kept as they are, checked (keys increasing, one value each); the plain
 * object of older files turned into them, checked entry by entry. A damaged table is refused here. Also for a body
 * that went through a structured clone (v8 serialize, a worker message), which keeps the fields but not the class.
 */
export function restoreCharTable(body: SnapshotBody): void {
  const analysis = body.analysis as { t2s?: unknown } | undefined;
  if (!analysis || typeof analysis !== 'object') return; // the body check after this names what is missing
  const t = analysis.t2s;
  if (t instanceof SortedCharMap) return;
  if (!t || typeof t !== 'object' || Array.isArray(t)) throw new Error('analysis.t2s is not a character table');
  if ((t as { $t2s?: unknown }).$t2s === undefined) {
    const { from, to } = t as { from?: unknown; to?: unknown };
    // A valid plain table has one-character keys only, so these two names mean the columns.
    if (from instanceof Uint32Array && typeof to === 'string') analysis.t2s = new SortedCharMap(from, to);
    else analysis.t2s = SortedCharMap.fromTable(t as Record<string, unknown>);
    return;
  }
  const s = t as StoredT2s;
  if (s.$t2s !== TABLES_FORMAT || !(s.from instanceof Uint32Array) || typeof s.to !== 'string' || s.to.length !== s.from.length) throw new Error('analysis.t2s is not stored as this reader knows');
  analysis.t2s = new SortedCharMap(s.from, s.to);
}

/** Put the stored tables back in place (a decoded body, changed in place). Throws on a stored form that is off. */
export function restoreTables(body: SnapshotBody): void {
  restoreCharTable(body);
  const v = body.analysis?.vocabulary as unknown as StoredVocabulary | undefined;
  if (!v || (v as { $tables?: unknown }).$tables === undefined) return;
  if (v.$tables !== TABLES_FORMAT || typeof v.words !== 'string' || !(v.counts instanceof Uint32Array)) throw new Error('the vocabulary is not stored as this reader knows');
  const rest = v.words.length ? v.words.split('\0') : [];
  let sorted = rest;
  if (v.terms !== undefined) {
    if (!(v.terms instanceof Uint32Array)) throw new Error('the vocabulary is not stored as this reader knows');
    // Both lists are sorted: merged, they are the sorted words.
    const fromTerms = termsAt(body.index, v.terms);
    sorted = new Array<string>(rest.length + fromTerms.length);
    let a = 0;
    let b = 0;
    for (let i = 0; i < sorted.length; i++) sorted[i] = b >= rest.length || (a < fromTerms.length && fromTerms[a] < rest[b]) ? fromTerms[a++] : rest[b++];
  }
  if (sorted.length !== v.counts.length) throw new Error('the vocabulary has another number of counts than words');
  // Words are sorted already: a stable sort on the counts gives the order written (count, then word), done as a
  // numeric sort of (count descending, sorted index) keys, several times faster than comparing pairs.
  const n = sorted.length;
  const keys = new Float64Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, v.counts[i]);
  for (let i = 0; i < n; i++) keys[i] = (max - v.counts[i]) * n + i;
  keys.sort();
  const vocabulary = new Array<[string, number]>(n);
  for (let r = 0; r < n; r++) {
    const i = keys[r] % n;
    vocabulary[r] = [sorted[i], v.counts[i]];
  }
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
  const forms = body.analysis.forms;
  if (forms && typeof forms === 'object') forms.shorts = words(forms.shorts, 'analysis.forms.shorts');
  const s = body.similar;
  if (s && typeof s === 'object') {
    s.terms = words(s.terms, 'similar.terms');
    for (const list of [s.all, s.otherRegions]) {
      const m = list?.scores as unknown as StoredScores;
      if (!m || (m as { $milli?: unknown }).$milli === undefined) continue;
      if (m.$milli !== TABLES_FORMAT || !(m.milli instanceof Uint16Array)) throw new Error('similar scores are not stored as this reader knows');
      const milli = m.milli;
      const f = new Float32Array(milli.length);
      for (let i = 0; i < milli.length; i++) f[i] = milli[i] / 1000;
      list.scores = f;
    }
  }
}
