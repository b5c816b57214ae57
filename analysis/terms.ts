/**
 * Index terms. Chinese has no spaces, and a word segmenter cuts the same string differently in different
 * contexts (留抵退税 may be one word in a title and two in a sentence). So the index holds what does not depend on
 * segmentation: overlapping character bigrams of every Han run, whole Latin/number tokens, and whole numbers with
 * units (5000万元, 95.09%, 1-2个工作日). Any substring a user types can be found from these, and the search
 * layer then checks the exact substring in the normalised field (so 退税 finds 留抵退税, never 退…税).
 */
import { scanNumberUnits } from './quantities.js';

const HAN_RUN = /\p{Script=Han}+/gu;
const WORD = /[a-z0-9]+(?:\.[0-9]+)?/g;

/** Terms a normalised field contributes to the inverted index. */
export function indexTerms(text: string): string[] {
  const terms = retrievalTerms(text);
  for (const span of scanNumberUnits(text)) terms.push(span.text.replace(/\s+/g, ''));
  return terms;
}

/** Terms that every occurrence of `text` must contain in the index: Han bigrams and Latin/number tokens. */
export function retrievalTerms(text: string): string[] {
  return terms(text, 1);
}

/**
 * Fewer terms for finding candidates of a substring: every other bigram of each Han run, plus its last bigram.
 * Any text containing the substring contains these; the exact check afterwards removes the rest. Half the
 * index look-ups of retrievalTerms for the same result.
 */
export function candidateTerms(text: string): string[] {
  return [...new Set(terms(text, 2))];
}

/** Han bigrams taken every `step` characters (always ending with the run's last one) and Latin/number tokens. */
function terms(text: string, step: 1 | 2): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(HAN_RUN)) {
    const run = m[0];
    if (run.length === 1) out.push(run);
    for (let i = 0; i + 1 < run.length; i += step) out.push(run.slice(i, i + 2));
    if (step === 2 && run.length > 2 && run.length % 2 === 1) out.push(run.slice(-2));
  }
  for (const m of text.matchAll(WORD)) out.push(m[0]);
  return out;
}

/*
 * Positional tokens: what the positional index stores. Every position of a normalised text carries at most one
 * token, so any substring can be checked from the index alone:
 *   - a Han character followed by another Han character: the bigram of the two;
 *   - a Han character ending its run: the character alone (so a single character is always findable);
 *   - a Latin/number word ([a-z0-9]+ with an optional decimal part): the whole word at its first character (so
 *     5000 never matches inside 15000 or 5000.5, and ai never inside mail);
 *   - any other character (punctuation, a space between Latin words, other scripts): the character itself.
 * Positions are UTF-16 offsets in the normalised text, the offsets highlights map back to the original.
 */

function isHanCode(cp: number): boolean {
  // Fast path for the CJK Unified Ideographs block; the regex for the rest (extensions, compatibility forms).
  if (cp >= 0x4e00 && cp <= 0x9fff) return true;
  if (cp < 0x2e80) return false;
  return HAN_CHAR.test(String.fromCodePoint(cp));
}
const HAN_CHAR = /^\p{Script=Han}$/u;

function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122);
}
function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Call `emit(term, position)` for every positional token of a normalised text, in position order. */
export function positionalTokens(text: string, emit: (term: string, pos: number) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) i = emitToken(text, i, n, emit);
}

/** Emit the token that starts at `i` (a Han bigram or lone character, a Latin/number run, or a symbol); the next start. */
function emitToken(text: string, i: number, n: number, emit: (term: string, pos: number) => void): number {
  const cp = text.codePointAt(i)!;
  const w = cp > 0xffff ? 2 : 1;
  if (isHanCode(cp)) {
    const j = i + w;
    const next = j < n ? text.codePointAt(j)! : -1;
    if (next >= 0 && isHanCode(next)) emit(text.slice(i, j + (next > 0xffff ? 2 : 1)), i);
    else emit(text.slice(i, j), i);
    return j;
  }
  if (isWordCode(cp)) {
    let j = i + 1;
    while (j < n && isWordCode(text.charCodeAt(j))) j++;
    if (j + 1 < n && text.charCodeAt(j) === 46 && isDigitCode(text.charCodeAt(j + 1))) {
      j += 2;
      while (j < n && isDigitCode(text.charCodeAt(j))) j++;
    }
    emit(text.slice(i, j), i);
    return j;
  }
  emit(text.slice(i, i + w), i);
  return i + w;
}

/** The number positionalTokenKeys gives a bigram of two CJK Unified Ideographs (U+4E00–U+9FFF), below 2^30. */
export function hanBigramKey(a: number, b: number): number {
  return (a - 0x4e00) * 0x5200 + (b - 0x4e00);
}

/** The text of a hanBigramKey. */
export function hanBigramText(key: number): string {
  return String.fromCharCode(0x4e00 + Math.floor(key / 0x5200), 0x4e00 + (key % 0x5200));
}

/**
 * positionalTokens for the index builder: the same tokens at the same positions, except that a bigram of two CJK
 * Unified Ideographs (most tokens of a Chinese text) comes as its hanBigramKey, a small integer, instead of a new
 * string, so interning it costs no allocation.
 */
export function positionalTokenKeys(text: string, emit: (term: string | number, pos: number) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 0x4e00 && c <= 0x9fff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0x4e00 && d <= 0x9fff) {
        emit(hanBigramKey(c, d), i);
        i++;
        continue;
      }
    }
    i = emitToken(text, i, n, emit);
  }
}

/** One token a needle's occurrence must have at `offset` from its start. */
export interface NeedleToken {
  term: string;
  offset: number;
  /**
   * A lone Han character at the needle's end: the text may continue with another Han character there, so any
   * token starting with this character matches (the bigrams that start with it, or the character alone).
   */
  prefix: boolean;
}

/**
 * The tokens every occurrence of `needle` (normalised) has, at their offsets: the needle's own positional tokens,
 * except that a Han run's last character is covered by the bigram before it, and a lone Han character at the end
 * may be followed by more Han text. A needle with no tokens (empty) matches nothing.
 */
export function needleTokens(needle: string): NeedleToken[] {
  const out: NeedleToken[] = [];
  const n = needle.length;
  positionalTokens(needle, (term, offset) => {
    const cp = term.codePointAt(0)!;
    if (isHanCode(cp) && term.length === (cp > 0xffff ? 2 : 1)) {
      // A single Han character: the end of a run. Inside a longer run the bigram before covers it.
      const prevCp = offset > 0 ? needle.codePointAt(offset - 1 - (offset > 1 && /[\uDC00-\uDFFF]/.test(needle[offset - 1]) ? 1 : 0))! : -1;
      if (prevCp >= 0 && isHanCode(prevCp)) return;
      out.push({ term, offset, prefix: offset + term.length === n });
      return;
    }
    out.push({ term, offset, prefix: false });
  });
  return out;
}

/** Letters, digits and Han characters only: how titles are compared when typed in full. */
export function keyOf(normalised: string): string {
  // Same as replacing /[^\p{Script=Han}\p{L}\p{N}]/gu with '' (a property test holds it), without a regex pass per
  // text: runs of kept characters are copied as slices; whether a BMP unit is kept is decided once per unit.
  let out = '';
  let run = 0;
  const n = normalised.length;
  for (let i = 0; i < n; ) {
    const c = normalised.charCodeAt(i);
    let keep: boolean;
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (normalised.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      width = 2;
      keep = KEPT.test(normalised.slice(i, i + 2));
    } else {
      let k = keptUnit[c];
      if (k === 0) k = keptUnit[c] = KEPT.test(normalised[i]) ? 1 : 2;
      keep = k === 1;
    }
    if (!keep) {
      if (run < i) out += normalised.slice(run, i);
      run = i + width;
    }
    i += width;
  }
  return run === 0 ? normalised : run < n ? out + normalised.slice(run) : out;
}
const KEPT = /^[\p{Script=Han}\p{L}\p{N}]$/u;
/** Per BMP code unit: 1 kept, 2 dropped, 0 not decided yet. */
const keptUnit = new Uint8Array(65536);
