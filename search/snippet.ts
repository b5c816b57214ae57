/**
 * Highlights for the records shown: each shown record's fields are normalised on demand (a bounded cache keeps the
 * last few hundred), the query's strings are located in the normalised text and mapped back to the original, and
 * the snippet comes from the field showing the most different query words.
 */
import type { NormalizedText, Normalizer } from '../analysis/normalize.js';
import type { ReformRecord } from '../indexer/schema.js';
import { NEAR_GAP, type QueryAnalysis } from './analyzer.js';
import type { SearchField } from './fields.js';
import { markRange, mergeSpans, snippet } from './highlight.js';
import { Lru } from '../analysis/lru.js';
import { recordStoreOf } from '../snapshot/records.js';

const TEXT_FIELDS: SearchField[] = ['title', 'content', 'applicableTo', 'process', 'outcome'];

export class Highlighter {
  private readonly cache: Lru<number, Partial<Record<SearchField, NormalizedText>>>;
  /** The snapshot's record store behind `records`, when loaded from one: a record read from it, not through the list's Proxy. */
  private readonly store: ReturnType<typeof recordStoreOf>;
  /** The snippet fields that are text fields, chosen once, not tested per field of every hit. */
  private readonly textFields: readonly SearchField[];

  constructor(
    private readonly records: ReformRecord[],
    private readonly normalizer: Normalizer,
    cacheSize: number,
    snippetFields: readonly SearchField[],
    /** The words deciding a loose expansion's match and how many one field needs (LooseMatch.looseWords). */
    private readonly looseWords: (words: string[], fields?: readonly SearchField[]) => { rare: string[]; need: number } | undefined = () => undefined,
  ) {
    this.cache = new Lru(cacheSize);
    this.store = recordStoreOf(records);
    this.textFields = snippetFields.filter((f) => TEXT_FIELDS.includes(f));
  }

  /** A record's text fields normalised so far (one cache look-up per shown record, not one per field). */
  private fieldsOf(i: number): Partial<Record<SearchField, NormalizedText>> {
    let nf = this.cache.get(i);
    if (!nf) this.cache.set(i, (nf = {}));
    return nf;
  }

  /**
   * A field normalised with its map back to the original, once per record while it stays cached. A method, not a
   * closure made per hit: tsx (npm start, bench/latency.ts) names each closure it makes with Object.defineProperty.
   */
  private field(nf: Partial<Record<SearchField, NormalizedText>>, record: ReformRecord, f: SearchField): NormalizedText {
    return (nf[f] ??= this.normalizer.normalize((record[f as 'title'] as string | undefined) ?? ''));
  }

  /** The strings the last analysis highlights: every hit of a page shares them, so they are gathered once. */
  private needleAnalysis?: QueryAnalysis;
  private needleSet: Needles = { alts: [], nears: [], loose: [], parts: new Map() };

  private needles(analysis: QueryAnalysis): Needles {
    if (this.needleAnalysis === analysis) return this.needleSet;
    // Each string once: an expansion matched by its words has the same text as the expansion itself (跨境电子商务
    // twice), and each would be looked for in every field of every hit for spans the merge drops again.
    const alts = new Set<string>();
    const nears = new Map<string, [string, string]>();
    const loose = new Map<string, LooseNeedle>();
    const parts = new Map<string, string[]>();
    for (const group of analysis.groups) {
      for (const c of group) {
        for (const k of c.constraints) {
          // A hit lacking the word is marked by what it was kept and scored by: the word's parts, its broader terms.
          const fill = [...(k.parts ?? []), ...(k.broader ?? [])];
          if (fill.length) parts.set(k.text, fill);
          for (const a of k.alternatives) {
            if (a.near) nears.set(`${a.near[0]}\u0000${a.near[1]}`, a.near);
            else alts.add(a.text);
            // An expansion matched by its words is marked by those words, where a field holds enough of them: the
            // record may never print the expansion whole (首次违法不予处罚 for 首违不罚 in 首次违法…不予处罚).
            // Keyed as the engine keys its rules, by fields and text: title:首违不罚 首违不罚 has two rules, and the
            // second's (counted over every field) must not be dropped for the first's.
            const key = `${k.fields?.join(',') ?? '*'}\u0000${a.text}`;
            if (a.words && !loose.has(key)) {
              const rule = this.looseWords(a.words, k.fields);
              if (rule) loose.set(key, { text: a.text, words: a.words, ...rule });
            }
          }
        }
        // A clause found verbatim is highlighted whole, not as its separate words only.
        if (c.constraints.length > 1) alts.add(c.text.replace(/\s+/g, ''));
      }
    }
    this.needleAnalysis = analysis;
    return (this.needleSet = { alts: [...alts], nears: [...nears.values()], loose: [...loose.values()], parts });
  }

  /** The needles plus the parts of the words a hit lacks (the same needles when it lacks none with parts). */
  private withParts(needles: Needles, missing: readonly string[]): Needles {
    // Most hits lack no word with parts (a question's 办理): no list is made for them.
    let extra: string[] | undefined;
    for (let i = 0; i < missing.length; i++) {
      const parts = needles.parts.get(missing[i]);
      if (parts) (extra ??= []).push(...parts);
    }
    return extra?.length ? { ...needles, alts: [...new Set([...needles.alts, ...extra])] } : needles;
  }

  /** Merged original-text spans of the needles in one field (NO_SPANS, shared, when there are none). */
  private spansIn(nf: NormalizedText, { alts, nears, loose }: Needles): [number, number][] {
    let spans: [number, number][] | undefined;
    const { text, from, to } = nf;
    // Mapped to the original as found: no intermediate list of normalised spans.
    // Most strings are absent from most fields: one indexOf says so before a list of occurrences is made.
    for (const a of alts) {
      const first = a ? text.indexOf(a) : -1;
      if (first < 0) continue;
      // From its first place on: the text before it was read already.
      for (const s of occurrences(text, a, first)) (spans ??= []).push([from[s], to[s + a.length - 1]]);
    }
    for (const [a, b] of nears) {
      if (!text.includes(a) || !text.includes(b)) continue;
      for (const [s1, e1, s2, e2] of nearOccurrences(text, a, b)) {
        if (e1 > s1) (spans ??= []).push([from[s1], to[e1 - 1]]);
        if (e2 > s2) (spans ??= []).push([from[s2], to[e2 - 1]]);
      }
    }
    // The engine's rule, per field: enough of the deciding words in this one field, then every word of the
    // expansion printed there is marked (each counted in the record's score). A field printing the expansion whole
    // is marked by it already (电子 of 跨境电子商务 is not marked again in its 电子清单).
    for (const { text: whole, words, rare, need } of loose) {
      if (text.includes(whole)) continue;
      let held = 0;
      for (const w of rare) if (text.includes(w)) held++;
      if (held < need) continue;
      for (const w of words) for (const s of occurrences(text, w)) (spans ??= []).push([from[s], to[s + w.length - 1]]);
    }
    return spans ? mergeSpans(spans) : NO_SPANS;
  }

  /**
   * A hit's title and snippet. `missing` (the hit's missing words) marks, for a record that fills the page through a
   * word's parts (partial-fill.ts partsFill: 首次, 违法 … for 首违不罚), the parts it was found and scored by.
   */
  highlight(i: number, analysis: QueryAnalysis, missing: readonly string[] = []): { title: string; snippet: string } {
    const record = this.store ? this.store.record(i) : this.records[i];
    const needles = this.withParts(this.needles(analysis), missing);
    const nf = this.fieldsOf(i);
    const title = markRange(record.title, this.spansIn(this.field(nf, record, 'title'), needles));
    let bestField: SearchField | undefined;
    let bestSpans = NO_SPANS;
    let bestDistinct = 0;
    for (const f of this.textFields) {
      if (!record[f as keyof ReformRecord]) continue;
      const spans = this.spansIn(this.field(nf, record, f), needles);
      const distinct = distinctTexts(record[f as 'content'] as string, spans);
      if (bestField === undefined || distinct > bestDistinct || (distinct === bestDistinct && spans.length > bestSpans.length)) {
        bestField = f;
        bestSpans = spans;
        bestDistinct = distinct;
      }
    }
    return { title, snippet: bestField === undefined ? '' : snippet(record[bestField as keyof ReformRecord] as string, bestSpans) };
  }
}

interface Needles {
  /** Strings highlighted wherever found. */
  alts: string[];
  /** Compound parts highlighted where they stand a few characters apart (see Alternative.near). */
  nears: [string, string][];
  /** Expansions matched by their words (see Alternative.words). */
  loose: LooseNeedle[];
  /** Per word with parts or broader terms (Constraint.parts, .broader), those: marked only in a hit that lacks the word. */
  parts: Map<string, string[]>;
}

interface LooseNeedle {
  /** The expansion as printed whole. */
  text: string;
  /** The expansion's words, each marked in a field that holds enough of the deciding ones. */
  words: string[];
  /** The words the engine requires (LooseMatch.looseWords) and how many of them one field must hold. */
  rare: string[];
  need: number;
}

/** The spans of a field the query's strings do not occur in: most fields of most hits, so shared, never written. */
const NO_SPANS: [number, number][] = [];

/** How many different texts the spans mark (the snippet shows the field with the most). */
function distinctTexts(text: string, spans: [number, number][]): number {
  if (spans.length < 2) return spans.length;
  const seen = new Set<string>();
  for (const [s, e] of spans) seen.add(text.slice(s, e));
  return seen.size;
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
 * `start`: where to begin looking (a caller that found the first place with indexOf passes it).
 */
export function occurrences(hay: string, needle: string, start = 0): number[] {
  const out: number[] = [];
  if (!needle) return out;
  const checkStart = isAlnum(needle.charCodeAt(0));
  const checkEnd = isAlnum(needle.charCodeAt(needle.length - 1));
  let from = start;
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
