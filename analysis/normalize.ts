/**
 * Text normalisation shared by index time and query time, so both see the same characters:
 * full-width → half-width (NFKC), traditional → simplified (a character table carried in the snapshot),
 * lower case, dashes unified, and spaces that PDF extraction put inside Chinese text removed.
 * Every normalised character remembers the span of the original it came from, so highlights can mark
 * exactly the original text.
 */

export interface NormalizedText {
  /** The normalised text. */
  text: string;
  /** For each UTF-16 unit of `text`, the offset in the original where its source character starts… */
  from: Uint32Array;
  /** …and where it ends. */
  to: Uint32Array;
}

import { Lru } from './lru.js';
import type { SortedCharMap } from './char-map.js';

/**
 * Characters whose normal form is remembered. Real text repeats a few thousand distinct characters; a client
 * sweeping all of Unicode through the API only churns this, it cannot grow it.
 */
export const NORMALIZER_MEMO_SIZE = 20_000;

const CJK_RE = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2014\u2018\u2019\u201c\u201d\u2026]/;
const SPACE_RE = /\s/;
/** plain() writes no offset maps: one shared empty array instead of two per call. */
const NO_MAP = new Uint32Array(0);
const DASHES: Record<string, string> = { '—': '-', '–': '-', '－': '-', '~': '-', '～': '-', '〜': '-' };

export class Normalizer {
  /** Per-character results: texts repeat few distinct characters, and NFKC per character is slow. */
  private readonly memo = new Lru<string, string>(NORMALIZER_MEMO_SIZE);

  /** @param t2s traditional → simplified, one character each. */
  constructor(private readonly t2s: SortedCharMap) {}

  /** Normalise one character (a code point) to zero or more characters. */
  private mapChar(ch: string): string {
    const known = this.memo.get(ch);
    if (known !== undefined) return known;
    let out = '';
    for (const c of ch.normalize('NFKC')) {
      const s = this.t2s.get(c) ?? c;
      out += DASHES[s] ?? s.toLowerCase();
    }
    this.memo.set(ch, out);
    return out;
  }

  /** How many characters are remembered now (at most NORMALIZER_MEMO_SIZE). */
  get memoSize(): number {
    return this.memo.size;
  }

  /**
   * The normalised text with its offset maps (highlights map matches back to the original through them).
   */
  normalize(original: string): NormalizedText {
    return this.walk(original, true);
  }

  /** Per BMP code unit, its normalised form (filled on first sight; 65,536 entries at most). */
  private readonly bmp: (string | undefined)[] = [];
  /** Per BMP code unit: 1 when it is its own normal form, 2 when not, 3 for a space, 0 when not seen yet. */
  private readonly same = new Uint8Array(65536);

  /** First sight of a BMP code unit: remember whether it is a space (3), its own normal form (1) or maps (2, in bmp). */
  private classify(code: number, ch: string): number {
    if (SPACE_RE.test(ch) || ch === '\u3000') return (this.same[code] = 3);
    const m = (this.bmp[code] = this.mapChar(ch));
    return (this.same[code] = m === ch ? 1 : 2);
  }

  /**
   * Just the normalised string (queries, dictionary entries, and every field at index time): the same walk as
   * normalize() without writing the offset maps.
   */
  plain(original: string): string {
    return this.walk(original, false).text;
  }

  /**
   * One code-unit walk for both: runs of characters that are their own normal form (most of a simplified Chinese
   * text) are copied as slices, with no per-character string or memo look-up; with `maps`, each normalised unit also
   * gets its original span (two typed-array writes).
   */
  private walk(original: string, maps: boolean): NormalizedText {
    const n = original.length;
    let text = '';
    // One normalised unit per original unit is the common case; an expanding character (NFKC ㎡ → m2) grows them.
    let from: Uint32Array = maps ? new Uint32Array(n + 8) : NO_MAP;
    let to: Uint32Array = maps ? new Uint32Array(n + 8) : NO_MAP;
    let m = 0;
    // Original offset of a run of spaces not yet written (-1: none); a flag of its own, not a marker string, which a
    // real character such as U+0000 could equal.
    let pendingSpace = -1;
    let run = 0; // start of a run of characters that map to themselves, not yet appended to text
    for (let i = 0; i < n; ) {
      const code = original.charCodeAt(i);
      let mapped: string;
      let width = 1;
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < n && (original.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        // A surrogate pair (a lone surrogate is a character of its own).
        width = 2;
        const ch = original.slice(i, i + 2);
        mapped = SPACE_RE.test(ch) ? ' ' : this.mapChar(ch);
        if (mapped === ' ') {
          if (run < i) text += original.slice(run, i);
          if (pendingSpace < 0) pendingSpace = i;
          i += 2;
          run = i;
          continue;
        }
      } else {
        const same = this.same[code] || this.classify(code, original[i]);
        if (same === 1 && pendingSpace < 0) {
          if (maps) {
            if (m === from.length) [from, to] = [grown(from, m, 1), grown(to, m, 1)];
            from[m] = i;
            to[m++] = i + 1;
          }
          i++;
          continue;
        }
        if (same === 3) {
          if (run < i) text += original.slice(run, i);
          if (pendingSpace < 0) pendingSpace = i;
          i++;
          run = i;
          continue;
        }
        mapped = same === 1 ? original[i] : this.bmp[code]!;
      }
      if (run < i) text += original.slice(run, i);
      const start = i;
      i += width;
      run = i;
      if (!mapped) continue;
      if (pendingSpace >= 0) {
        // A space survives only between two non-CJK characters (two Latin words).
        const prev = text[text.length - 1];
        if (prev !== undefined && prev !== ' ' && !CJK_RE.test(prev) && !CJK_RE.test(mapped[0])) {
          text += ' ';
          if (maps) {
            if (m === from.length) [from, to] = [grown(from, m, 1), grown(to, m, 1)];
            from[m] = pendingSpace;
            to[m++] = start;
          }
        }
        pendingSpace = -1;
      }
      if (maps) {
        if (m + mapped.length > from.length) [from, to] = [grown(from, m, mapped.length), grown(to, m, mapped.length)];
        for (let u = 0; u < mapped.length; u++) {
          from[m] = start;
          to[m++] = i;
        }
      }
      text += mapped;
    }
    if (run < n) text += original.slice(run, n);
    // Views, not copies: the maps are written once and kept with the text (the spare units cost less than a copy).
    return maps ? { text, from: from.subarray(0, m), to: to.subarray(0, m) } : { text, from, to };
  }
}

/** An offset map with room for `extra` more units after its first `m` (doubling). */
function grown(a: Uint32Array, m: number, extra: number): Uint32Array {
  const out = new Uint32Array(Math.max(a.length * 2, m + extra));
  out.set(a.subarray(0, m));
  return out;
}
