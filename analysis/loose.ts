/**
 * Loose expansions: a thesaurus term or a long form several words long (跨境电子商务 for 跨境电商, 工程建设项目审批制度改革
 * for 工改) is also matched by its content words (跨境|电子|商务), since documents reword a long phrase. Which words a
 * phrase is made of is decided here, on the vocabulary and stop words carried in the snapshot, so that query analysis
 * (search/analyzer.ts) and the indexer (indexer/loose-postings.ts, which stores the records of costly expansions) cut
 * a phrase the same way. Pure: no I/O, no jieba.
 */
import { LOG_UNKNOWN, type Vocabulary } from './segment.js';

/**
 * The most probable cut of a Han word into shorter vocabulary words (single characters where none fits): the words a
 * thesaurus term or a compound is made of, though the vocabulary also holds it whole.
 */
export function subWords(text: string, vocab: Vocabulary): string[] {
  const n = text.length;
  const logTotal = Math.log(vocab.total);
  const best = new Float64Array(n + 1).fill(-Infinity);
  const next = new Int32Array(n + 1);
  best[n] = 0;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j <= Math.min(n, i + vocab.maxLength); j++) {
      if (j - i === n) continue;
      const c = vocab.counts.get(text.slice(i, j));
      if (c === undefined && j > i + 1) continue;
      const score = (c !== undefined ? Math.log(c + 1) : LOG_UNKNOWN) - logTotal + best[j];
      if (score > best[i]) [best[i], next[i]] = [score, j];
    }
  }
  const out: string[] = [];
  for (let i = 0; i < n; i = next[i]) out.push(text.slice(i, next[i]));
  return out;
}

/** Module level: esbuild writes a `\p{Script=Han}` literal as `new RegExp(…)` where it stands (built at every call). */
const HAN_FOUR_OR_MORE = /^\p{Script=Han}{4,}$/u;

/**
 * The content words of a phrase of four or more Han characters (segmented, stop words dropped), for loose matching;
 * empty when the phrase is not a compound of words of two or more characters (经|认证|的|经营者 is a definition with
 * particles, not a compound).
 */
export function contentWords(text: string, vocab: Vocabulary, stopwords: ReadonlySet<string>): string[] {
  if (!HAN_FOUR_OR_MORE.test(text)) return [];
  const pieces = subWords(text, vocab);
  if (pieces.some((w) => w.length < 2)) return [];
  const words = pieces.filter((w) => !stopwords.has(w));
  return [...new Set(words)];
}

/** An expansion's stored name: its words joined by U+0001 (no normalised text holds it). */
export function looseKey(words: readonly string[]): string {
  return words.join('\u0001');
}

/**
 * The loose expansions the given terms make (each term's content words, when two or more), each once, sorted by key
 * (UTF-16 order). The indexer passes every term an alternative can be (the thesaurus's terms, the mined long and short
 * forms): query analysis expands a word only into those.
 */
export function looseExpansions(terms: Iterable<string>, vocab: Vocabulary, stopwords: ReadonlySet<string>): string[][] {
  const out = new Map<string, string[]>();
  for (const t of terms) {
    const words = contentWords(t, vocab, stopwords);
    if (words.length >= 2) out.set(looseKey(words), words);
  }
  return [...out].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([, w]) => w);
}
