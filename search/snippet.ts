/**
 * Highlights for the records shown: each shown record's fields are normalised on demand (a bounded cache keeps the
 * last few hundred), the query's strings are located in the normalised text and mapped back to the original, and
 * the snippet comes from the field showing the most different query words.
 */
import type { NormalizedText, Normalizer } from '../analysis/normalize.js';
import type { ReformRecord } from '../indexer/schema.js';
import { NEAR_GAP, type QueryAnalysis } from './analyzer.js';
import type { SearchField } from './fields.js';
import { markRange, snippet, toOriginal } from './highlight.js';
import { Lru } from '../analysis/lru.js';

const TEXT_FIELDS: SearchField[] = ['title', 'content', 'applicableTo', 'process', 'outcome'];

export class Highlighter {
  private readonly cache: Lru<number, Partial<Record<SearchField, NormalizedText>>>;

  constructor(
    private readonly records: ReformRecord[],
    private readonly normalizer: Normalizer,
    cacheSize: number,
    private readonly snippetFields: readonly SearchField[],
  ) {
    this.cache = new Lru(cacheSize);
  }

  /** A record's text field, normalised with its map back to the original (cached). */
  normalized(i: number, f: SearchField): NormalizedText {
    let nf = this.cache.get(i);
    if (!nf) this.cache.set(i, (nf = {}));
    let t = nf[f];
    if (!t) nf[f] = t = this.normalizer.normalize((this.records[i][f as 'title'] as string | undefined) ?? '');
    return t;
  }

  highlight(i: number, analysis: QueryAnalysis): { title: string; snippet: string } {
    const record = this.records[i];
    const alts = analysis.groups.flat().flatMap((c) => [
      ...c.constraints.flatMap((k) => k.alternatives.filter((a) => !a.near).map((a) => a.text)),
      // A clause found verbatim is highlighted whole, not as its separate words only.
      ...(c.constraints.length > 1 ? [c.text.replace(/\s+/g, '')] : []),
    ]);
    const nears = analysis.groups.flat().flatMap((c) => c.constraints.flatMap((k) => k.alternatives.flatMap((a) => (a.near ? [a.near] : []))));
    const spansIn = (f: SearchField) => {
      const nf = this.normalized(i, f);
      const spans: [number, number][] = [];
      for (const a of alts) for (const s of occurrences(nf.text, a)) spans.push([s, s + a.length]);
      for (const [a, b] of nears) for (const [s1, e1, s2, e2] of nearOccurrences(nf.text, a, b)) spans.push([s1, e1], [s2, e2]);
      return toOriginal(nf, spans);
    };
    const title = markRange(record.title, spansIn('title'));
    let best: { field: SearchField; spans: [number, number][]; distinct: number } | undefined;
    for (const f of this.snippetFields) {
      if (!TEXT_FIELDS.includes(f) || !record[f as keyof ReformRecord]) continue;
      const spans = spansIn(f);
      const text = record[f as 'content'] as string;
      const distinct = new Set(spans.map(([s, e]) => text.slice(s, e))).size;
      if (!best || distinct > best.distinct || (distinct === best.distinct && spans.length > best.spans.length)) best = { field: f, spans, distinct };
    }
    const text = best ? (record[best.field as keyof ReformRecord] as string) : '';
    return { title, snippet: best ? snippet(text, best.spans) : '' };
  }
}

/** [start of a, end of a, start of b, end of b] of every a…b with 1 to NEAR_GAP characters between, in one sentence. */
export function nearOccurrences(hay: string, a: string, b: string): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (const at of occurrences(hay, a)) {
    const gapStart = at + a.length;
    const from = gapStart + 1;
    const k = hay.slice(from, from + NEAR_GAP - 1 + b.length).indexOf(b);
    if (k >= 0 && !/[。；！？;!?\n]/.test(hay.slice(gapStart, from + k))) out.push([at, gapStart, from + k, from + k + b.length]);
  }
  return out;
}

/** a–z or 0–9, by char code. */
function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122);
}
function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Start offsets of `needle` in `hay`, respecting number and Latin word boundaries (5000 not inside 15000 or
 * 5000.5, ai not inside mail): the same rule the index's tokens give matching, for locating matches in a shown text.
 */
export function occurrences(hay: string, needle: string): number[] {
  const out: number[] = [];
  if (!needle) return out;
  const checkStart = isAlnum(needle.charCodeAt(0));
  const checkEnd = isAlnum(needle.charCodeAt(needle.length - 1));
  let from = 0;
  for (;;) {
    const at = hay.indexOf(needle, from);
    if (at < 0) break;
    from = at + 1;
    if (checkStart && at > 0) {
      const prev = hay.charCodeAt(at - 1);
      if (isAlnum(prev) || (prev === 46 && at > 1 && isDigit(hay.charCodeAt(at - 2)))) continue;
    }
    const end = at + needle.length;
    if (checkEnd && end < hay.length) {
      const next = hay.charCodeAt(end);
      if (isAlnum(next) || (next === 46 && end + 1 < hay.length && isDigit(hay.charCodeAt(end + 1)))) continue;
    }
    out.push(at);
  }
  return out;
}
