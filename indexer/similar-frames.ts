/**
 * Title frame words, learned from where words stand in the corpus's titles: reform titles are coined from a formula
 * (探索境外投资新路径, 打造新型研发机构创新发展模式, 构建……新机制), and the words that open or close many titles (新路径,
 * 新型, 新机制, 模式, 创新) name the formula, not what the reform does. Unrelated reforms share them by chance, and a title
 * word weighs twice a body word in the similar-reform vectors, so such a shared word led lists (four unrelated 新路径
 * titles for 境外投资一件事). A frame word is weighed in a title as in the body text (indexer/similar-features.ts).
 * No hand list: a word is a frame word when it stands at a title's edge (its first or last word) in at least
 * `titleFrameShare` of the titles printing it, and at the edge of at least `titleFrameMin` titles.
 */
import { segment, buildVocabulary } from '../analysis/segment.js';
import { isHan } from './similar-ideas.js';

export interface FrameRule {
  /** Least share of the titles printing a word that print it first or last. 0 turns frame words off. */
  share: number;
  /** Least number of titles printing the word first or last. */
  min: number;
  /** Whether a title's first word is an edge too (else only its last word is). */
  start: boolean;
}

/** The words of a normalised title, in order: every run of two or more Han characters segmented, stop words and
 *  single characters left out (as the feature reader reads them). */
function titleWords(title: string, segmentRun: (run: string) => string[]): string[] {
  const words: string[] = [];
  for (let a = 0; a < title.length;) {
    if (!isHan(title.charCodeAt(a))) {
      a++;
      continue;
    }
    let b = a + 1;
    while (b < title.length && isHan(title.charCodeAt(b))) b++;
    if (b - a >= 2) words.push(...segmentRun(title.slice(a, b)));
    a = b;
  }
  return words;
}

/** The frame words of a corpus's titles (one title per reform, normalised), sorted. */
export function titleFrameWords(titles: Iterable<string>, vocabulary: [string, number][], stopwords: string[], rule: FrameRule): string[] {
  if (rule.share <= 0) return [];
  const vocab = buildVocabulary(vocabulary);
  const stop = new Set(stopwords);
  const memo = new Map<string, string[]>();
  const segmentRun = (run: string) => {
    let out = memo.get(run);
    if (!out) memo.set(run, (out = segment(run, vocab).map((p) => p.text).filter((w) => w.length >= 2 && !stop.has(w))));
    return out;
  };
  const printed = new Map<string, number>();
  const edge = new Map<string, number>();
  for (const title of titles) {
    const words = titleWords(title, segmentRun);
    if (!words.length) continue;
    for (const w of new Set(words)) printed.set(w, (printed.get(w) ?? 0) + 1);
    const ends = new Set(rule.start ? [words[0], words[words.length - 1]] : [words[words.length - 1]]);
    for (const w of ends) edge.set(w, (edge.get(w) ?? 0) + 1);
  }
  const out: string[] = [];
  for (const [w, e] of edge) if (e >= rule.min && e >= rule.share * printed.get(w)!) out.push(w);
  return out.sort();
}
