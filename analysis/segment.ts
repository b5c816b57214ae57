/**
 * Query-time segmentation without jieba's 20 MB dictionary: a maximum-probability path over the words the
 * corpus actually contains (counted by jieba at index time, carried in the snapshot), plus the user dictionary,
 * synonyms and stop words. Words the corpus never uses cannot match anything anyway; unknown characters stay
 * together as one piece so the search layer can look them up as a substring.
 */
import { CN_DIGITS, scanNumberUnits } from './quantities.js';

export interface Vocabulary {
  /** word → how often jieba produced it over the corpus (dictionary words get a floor count). */
  counts: Map<string, number>;
  total: number;
  maxLength: number;
  /** Every proper prefix of a word (so a scan stops as soon as no longer word can start here). */
  prefixes?: Set<string>;
}

export function buildVocabulary(entries: Iterable<[string, number]>): Vocabulary {
  const counts = new Map<string, number>();
  let total = 0;
  let maxLength = 1;
  // An indexed loop, not `for (const [w, c] of …)`: a server builds this once, at start-up, where the loop runs
  // in V8's interpreter, and destructuring each pair through the iterator protocol there took ~2× as long.
  const list = Array.isArray(entries) ? entries : [...entries];
  for (let i = 0; i < list.length; i++) {
    const w = list[i][0];
    const c = list[i][1];
    if (!w) continue;
    counts.set(w, (counts.get(w) ?? 0) + c);
    total += c;
    if (w.length > maxLength) maxLength = w.length;
  }
  const prefixes = new Set<string>();
  for (const w of counts.keys()) for (let l = 1; l < w.length; l++) prefixes.add(w.slice(0, l));
  return { counts, total: Math.max(total, 1), maxLength, prefixes };
}

export interface SegmentOptions {
  /**
   * Split a stem off the end of a run of unknown characters: its last character and the lone character after it,
   * when the two begin a word (民用 of 民用建筑, which jieba kept whole): 盖民用楼房 is 盖|民用|楼房, not 盖民|用|楼房.
   * Off by default (the indexer's segmentation is unchanged); the query analyser turns it on.
   */
  stems?: boolean;
}

export interface Piece {
  text: string;
  /** 'word' from the vocabulary, 'unknown' run of characters the corpus never used as a word, 'number' with unit, 'latin'. */
  kind: 'word' | 'unknown' | 'number' | 'latin';
}

const HAN = /\p{Script=Han}/u;

/** Whether a text may hold a figure (a digit, full-width too, or a Chinese numeral): one without is never scanned for them. */
export const MAY_HOLD_NUMBER = new RegExp(`[0-9\\uff10-\\uff19${CN_DIGITS}]`);
/** The path's score of a character the vocabulary does not hold as a word (jieba's own unknown cost). */
export const LOG_UNKNOWN = Math.log(0.1);

/** Split a normalised chunk (no spaces) into pieces. */
export function segment(text: string, vocab: Vocabulary, options: SegmentOptions = {}): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  // Every figure the scanner finds has a digit or a Chinese numeral: text with neither (most runs of words) skips it.
  const numbers = MAY_HOLD_NUMBER.test(text) ? scanNumberUnits(text) : [];
  let n = 0;
  while (i < text.length) {
    while (n < numbers.length && numbers[n].start < i) n++;
    if (n < numbers.length && numbers[n].start === i) {
      pieces.push({ text: numbers[n].text.replace(/\s+/g, ''), kind: 'number' });
      i = numbers[n].end;
      continue;
    }
    const ch = text[i];
    if (HAN.test(ch)) {
      let j = i;
      const limit = n < numbers.length ? numbers[n].start : text.length;
      while (j < limit && HAN.test(text[j])) j++;
      pieces.push(...segmentHan(text.slice(i, j), vocab, options));
      i = j;
      continue;
    }
    const latin = /^[a-z0-9]+(?:\.[0-9]+)?/.exec(text.slice(i));
    if (latin) {
      pieces.push({ text: latin[0], kind: 'latin' });
      i += latin[0].length;
      continue;
    }
    i++; // punctuation separates pieces and is never a term
  }
  return pieces;
}

/** Max-probability path over the vocabulary (jieba's own algorithm, over a corpus-sized dictionary). */
function segmentHan(run: string, vocab: Vocabulary, options: SegmentOptions): Piece[] {
  const stems = options.stems === true && vocab.prefixes !== undefined;
  const len = run.length;
  const logTotal = Math.log(vocab.total);
  const best = new Float64Array(len + 1);
  const next = new Int32Array(len + 1);
  const known = new Uint8Array(len + 1);
  best[len] = 0;
  for (let i = len - 1; i >= 0; i--) {
    best[i] = -Infinity;
    for (let j = i + 1; j <= Math.min(len, i + vocab.maxLength); j++) {
      const w = run.slice(i, j);
      const c = vocab.counts.get(w);
      // No word is longer than this one and starts with it: nothing further from i can be a word.
      const last = vocab.prefixes !== undefined && !vocab.prefixes.has(w);
      if (c === undefined && j > i + 1) {
        if (last) break;
        continue;
      }
      // An unknown single character is possible but costly, so known words win.
      const score = (c !== undefined ? Math.log(c + 1) : LOG_UNKNOWN) - logTotal + best[j];
      if (score > best[i]) {
        best[i] = score;
        next[i] = j;
        known[i] = c !== undefined ? 1 : 0;
      }
      if (last) break;
    }
  }
  const pieces: Piece[] = [];
  for (let i = 0; i < len; i = next[i]) {
    const w = run.slice(i, next[i]);
    const prev = pieces[pieces.length - 1];
    // An unknown character that begins a word with the lone character after it (民 of 民用建筑 before 用) is that
    // word's stem, not the tail of the unknown run before it (盖民用楼房: 盖|民用|楼房, not 盖民|用|楼房).
    if (stems && known[i] && w.length === 1 && prev?.kind === 'unknown' && prev.text.length >= 2 && vocab.prefixes!.has(prev.text.slice(-1) + w)) {
      const stem = prev.text.slice(-1) + w;
      prev.text = prev.text.slice(0, -1);
      pieces.push({ text: stem, kind: 'word' });
      continue;
    }
    if (!known[i] && prev?.kind === 'unknown') prev.text += w; // keep unknown characters together
    else pieces.push({ text: w, kind: known[i] ? 'word' : 'unknown' });
  }
  return pieces;
}

/** The longest string printedSpans asks about: coined FTZ words are two to four characters. */
const PRINTED_SPAN_MAX = 4;

/**
 * The words the records print in a stretch of characters the vocabulary cannot cut (lone characters and runs of
 * characters it never cut alone: 过|境石|油 of 过境石油, where a corpus prints 过境 and 石油 only inside longer words
 * jieba kept whole): the cut covering the most characters with printed strings of two to PRINTED_SPAN_MAX characters, fewer
 * words on a tie. `printed` answers whether some record prints a string (a string is only asked when every bigram before
 * its end is printed). Returns the words' [start, end) spans in order; characters outside them are left to the caller.
 */
export function printedSpans(text: string, printed: (s: string) => boolean): [number, number][] {
  const n = text.length;
  // Characters covered, less a hundredth per word: the most covered wins, then the cut into fewer (longer) words.
  const best = new Float64Array(n + 1);
  const next = new Int32Array(n + 1);
  for (let a = n - 1; a >= 0; a--) {
    best[a] = best[a + 1];
    next[a] = a + 1;
    for (let b = a + 2; b <= Math.min(n, a + PRINTED_SPAN_MAX); b++) {
      // A string whose last bigram no record prints is printed by none, nor is any longer one from a.
      if (!printed(text.slice(b - 2, b))) break;
      if (b - a > 2 && !printed(text.slice(a, b))) continue;
      const score = b - a - 0.01 + best[b];
      if (score > best[a]) {
        best[a] = score;
        next[a] = b;
      }
    }
  }
  const spans: [number, number][] = [];
  for (let a = 0; a < n; a = next[a]) if (next[a] - a >= 2) spans.push([a, next[a]]);
  return spans;
}
