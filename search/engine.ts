/**
 * The search engine over a loaded snapshot. Candidates come from the inverted index (MiniSearch over Han bigrams
 * and Latin/number tokens); every candidate is then checked for the exact normalised substring, so results never
 * depend on how a segmenter happened to cut a sentence. Scoring is BM25 over those exact occurrences, per field,
 * with field weights, scaled by the share of the query's words a record has, plus bonuses for a title typed in
 * full, words close together, a clause found verbatim, and a title that holds every word. docs/design.md explains.
 */
import MiniSearch from 'minisearch';
import type { NormalizedText } from '../analysis/normalize.js';
import { candidateTerms } from '../analysis/terms.js';
import type { ReformRecord } from '../indexer/schema.js';
import { NEAR_GAP, QueryAnalyzer, keyOf, type AnalysedClause, type Constraint, type QueryAnalysis } from './analyzer.js';
import { INDEX_OPTIONS, SEARCH_FIELDS, searchTexts, type IndexDocument, type SearchField } from './fields.js';
import { markRange, snippet, toOriginal } from './highlight.js';
import type { SnapshotBody } from '../snapshot/body.js';

/** Field weights: title above outcome above content above process and departments. */
export const FIELD_WEIGHTS: Readonly<Record<SearchField, number>> = {
  title: 6,
  outcome: 2.2,
  content: 2,
  applicableTo: 1.4,
  process: 1.2,
  departments: 1.2,
  copyDepartments: 1.2,
  regions: 1.2,
  category: 0.6,
  scope: 0.4,
};

/** BM25 parameters (the classic defaults, as MiniSearch uses). */
export const BM25 = { k1: 1.2, b: 0.7 };

/** Bonuses, in units of one typical title match. */
export const BONUS = {
  /** The whole query is the record's title. */
  exactTitle: 1000,
  /** Every word of the query is in the title. */
  titleHasAll: 8,
  /** A multi-word clause occurs verbatim (adjacent) in a field, weighted by the field. */
  verbatim: 1.5,
  /** The query's words occur close together (within PROXIMITY_WINDOW characters), weighted by the field. */
  proximity: 2,
};

/** How many of the corpus's most frequent words have their matches computed at load. */
export const PRECOMPUTED_WORDS = 200;

/** In a question, a word found in more than this share of all records is too common to bring in candidates. */
export const COMMON_SHARE = 0.4;

/** Records re-scored with position bonuses (proximity, verbatim, title holds every word): the top of the ranking. */
export const RERANK_WINDOW = 30;

/** Words this close (in characters, about a sentence) count as used together. */
export const PROXIMITY_WINDOW = 40;
const PROXIMITY_FIELDS: SearchField[] = ['title', 'content', 'applicableTo', 'process', 'outcome'];

/** How strongly the share of query words a record has scales its score (records with all words are not scaled). */
export const COVERAGE_POWER = 2;

/** Fields a snippet is taken from, in order of preference when matches tie. */
const SNIPPET_FIELDS: SearchField[] = ['content', 'outcome', 'process', 'applicableTo'];

type FieldCounts = Partial<Record<SearchField, number>>;

interface AltMatches {
  /** record index → occurrences per field */
  docs: Map<number, FieldCounts>;
  idf: number;
}

export interface Hit {
  record: ReformRecord;
  score: number;
  /** How many of the query's constraints the record matches (all of them unless the result is partial). */
  matched: number;
  highlight: { title: string; snippet: string };
}

export interface SearchResult {
  analysis: QueryAnalysis;
  /** Record indexes in rank order (the whole result set, for facets and paging). */
  ranked: { index: number; score: number; matched: number }[];
  /** Nothing matched every word: these are the best partial matches. */
  partial: boolean;
}

export class SearchEngine {
  readonly records: ReformRecord[];
  readonly analyzer: QueryAnalyzer;
  readonly body: SnapshotBody;
  private readonly index: MiniSearch<IndexDocument>;
  private readonly normalized: Record<SearchField, NormalizedText>[];
  private readonly avgLength: Record<SearchField, number>;
  private readonly altCache = new Map<string, AltMatches>();
  private readonly precomputed = new Map<string, AltMatches>();
  private readonly titleKeys: string[];

  constructor(body: SnapshotBody) {
    this.body = body;
    this.records = body.records;
    this.analyzer = new QueryAnalyzer({ ...body.analysis, synonyms: body.dictionary.synonyms, stopwords: body.dictionary.stopwords });
    this.index = MiniSearch.loadJS(body.index as never, INDEX_OPTIONS);
    const n = this.analyzer.normalizer;
    this.normalized = searchTexts(this.records).map((texts) => {
      const out = {} as Record<SearchField, NormalizedText>;
      for (const f of SEARCH_FIELDS) out[f] = n.normalize(texts[f]);
      return out;
    });
    this.avgLength = {} as Record<SearchField, number>;
    for (const f of SEARCH_FIELDS) {
      const total = this.normalized.reduce((s, nf) => s + nf[f].text.length, 0);
      this.avgLength[f] = Math.max(1, total / Math.max(1, this.records.length));
    }
    this.titleKeys = this.normalized.map((nf) => keyOf(nf.title.text));
    // The corpus's most frequent words are the costliest to match (they are in most records) and the most often
    // typed: their exact matches are computed once, at load, and kept.
    const stop = new Set(body.dictionary.stopwords);
    const frequent = body.analysis.vocabulary.filter(([w]) => w.length >= 2 && !stop.has(w)).slice(0, PRECOMPUTED_WORDS);
    for (const [w] of frequent) this.precomputed.set(w, this.altMatches(w));
    this.altCache.clear();
  }

  private readonly analysisCache = new Map<string, QueryAnalysis>();

  /** Query analysis, cached: a user paging or filtering repeats the same query. */
  private analyser(query: string): QueryAnalysis {
    let a = this.analysisCache.get(query);
    if (!a) {
      a = this.analyzer.analyse(query);
      if (this.analysisCache.size > 1000) this.analysisCache.clear();
      this.analysisCache.set(query, a);
    }
    return a;
  }

  /** Forget cached per-term matches (benchmarks measure uncached queries with it); the frequent words computed at load stay. */
  clearCache(): void {
    this.altCache.clear();
    this.analysisCache.clear();
  }

  /** Distinct terms in the inverted index. */
  get termCount(): number {
    return this.index.termCount;
  }

  /** Rank records for a query. An empty query (or one with only exclusions) lists records in document order. */
  search(query: string): SearchResult {
    const analysis = this.analyser(query);
    // Each constraint's matches are computed once per search and shared by matching and scoring.
    const memo = new Map<Constraint, Map<number, number>>();
    const docsOf = (c: Constraint) => {
      let d = memo.get(c);
      if (!d) memo.set(c, (d = this.constraintDocs(c)));
      return d;
    };
    const excluded = new Set<number>();
    for (const clause of analysis.exclude) for (const i of this.clauseDocs(clause, docsOf)) excluded.add(i);

    const constraints = analysis.groups.flat().flatMap((c) => c.constraints);
    if (constraints.length === 0) {
      const ranked = this.records.map((_, index) => ({ index, score: 0, matched: 0 })).filter((h) => !excluded.has(h.index));
      return { analysis, ranked, partial: false };
    }

    // All groups must match; a group matches through any of its clauses; a clause needs all its constraints.
    let result: Set<number> | undefined;
    for (const group of analysis.groups) {
      const docs = new Set<number>();
      for (const clause of group) for (const i of this.clauseDocs(clause, docsOf)) docs.add(i);
      result = result ? new Set([...result].filter((i) => docs.has(i))) : docs;
    }
    let partial = false;
    let candidates = [...(result ?? [])].filter((i) => !excluded.has(i));
    if (candidates.length === 0 && constraints.length > 1) {
      // Nothing has every word: fall back to records with some of them, ranked by how many, and say so.
      partial = true;
      const any = new Set<number>();
      for (const c of constraints) for (const i of docsOf(c).keys()) any.add(i);
      candidates = [...any].filter((i) => !excluded.has(i));
    }

    const ranked = candidates.map((index) => {
      const { score, matched } = this.baseScore(index, analysis, constraints, docsOf);
      return { index, score, matched };
    });
    ranked.sort((a, b) => b.score - a.score || a.index - b.index);
    // Bonuses for words close together or verbatim look at positions: worth it for the records that can reach the
    // first pages, not for the long tail of a common word.
    for (const entry of ranked.slice(0, RERANK_WINDOW)) entry.score += this.bonus(entry.index, analysis, constraints, entry.matched);
    ranked.sort((a, b) => b.score - a.score || a.index - b.index);
    // Partial: the best record lacks some word (a fallback, or a question no record answers in full).
    partial ||= ranked.length > 0 && ranked[0].matched < constraints.length;
    return { analysis, ranked, partial };
  }

  /** Build a hit (record, score, highlights) for one ranked entry. */
  hit(entry: { index: number; score: number; matched: number }, analysis: QueryAnalysis): Hit {
    const record = this.records[entry.index];
    const nf = this.normalized[entry.index];
    const alts = analysis.groups.flat().flatMap((c) => [
      ...c.constraints.flatMap((k) => k.alternatives.filter((a) => !a.near).map((a) => ({ text: a.text, phrase: k.phrase }))),
      // A clause found verbatim is highlighted whole, not as its separate words only.
      ...(c.constraints.length > 1 ? [{ text: c.text.replace(/\s+/g, ''), phrase: true }] : []),
    ]);
    const nears = analysis.groups.flat().flatMap((c) => c.constraints.flatMap((k) => k.alternatives.flatMap((a) => (a.near ? [a.near] : []))));
    const spansIn = (f: SearchField) => {
      const spans: [number, number][] = [];
      for (const a of alts) for (const s of occurrences(nf[f].text, a.text)) spans.push([s, s + a.text.length]);
      for (const [a, b] of nears) for (const [s1, e1, s2, e2] of nearOccurrences(nf[f].text, a, b)) spans.push([s1, e1], [s2, e2]);
      return toOriginal(nf[f], spans);
    };
    const title = markRange(record.title, spansIn('title'));
    // The snippet comes from the field that shows the most different query words, then the most matches.
    let best: { field: SearchField; spans: [number, number][]; distinct: number } | undefined;
    for (const f of SNIPPET_FIELDS) {
      if (!record[f as keyof ReformRecord]) continue;
      const spans = spansIn(f);
      const text = record[f as 'content'] as string;
      const distinct = new Set(spans.map(([s, e]) => text.slice(s, e))).size;
      if (!best || distinct > best.distinct || (distinct === best.distinct && spans.length > best.spans.length)) best = { field: f, spans, distinct };
    }
    const text = best ? (record[best.field as keyof ReformRecord] as string) : '';
    return {
      record,
      score: Math.round(entry.score * 1000) / 1000,
      matched: entry.matched,
      highlight: { title, snippet: best ? snippet(text, best.spans) : '' },
    };
  }

  /** Records a clause matches: all of its constraints, or any of them for a sentence typed as a question. */
  private clauseDocs(clause: AnalysedClause, docsOf: (c: Constraint) => Map<number, number>): Set<number> {
    if (clause.natural) {
      // A question's common words (企业, in most records) are scored but do not bring in candidates of their own.
      const informative = clause.constraints.filter((c) => docsOf(c).size <= this.records.length * COMMON_SHARE);
      const any = new Set<number>();
      for (const c of informative.length ? informative : clause.constraints) for (const i of docsOf(c).keys()) any.add(i);
      return any;
    }
    let docs: Set<number> | undefined;
    for (const c of clause.constraints) {
      const d = docsOf(c);
      docs = docs ? new Set([...docs].filter((i) => d.has(i))) : new Set(d.keys());
      if (docs.size === 0) break;
    }
    return docs ?? new Set();
  }

  /** Records a constraint matches through any alternative, with the best weighted score per record. */
  private constraintDocs(c: Constraint): Map<number, number> {
    const out = new Map<number, number>();
    for (const alt of c.alternatives) {
      const m = alt.near ? this.nearMatches(alt.near, c.fields) : this.altMatches(alt.text, c.fields);
      for (const [i, counts] of m.docs) {
        const s = alt.weight * this.bm25(i, counts, m.idf);
        if (s > (out.get(i) ?? -1)) out.set(i, s);
      }
    }
    return out;
  }

  private bm25(i: number, counts: FieldCounts, idf: number): number {
    let s = 0;
    for (const f of Object.keys(counts) as SearchField[]) {
      const tf = counts[f]!;
      const len = this.normalized[i][f].text.length;
      const norm = tf * (BM25.k1 + 1) / (tf + BM25.k1 * (1 - BM25.b + BM25.b * (len / this.avgLength[f])));
      s += FIELD_WEIGHTS[f] * idf * norm;
    }
    return s;
  }

  /** Occurrences of a compound's two parts with a few characters between them (不动产…登记), per record and field. */
  private nearMatches([a, b]: [string, string], fields?: SearchField[]): AltMatches {
    const key = `${fields?.join(',') ?? '*'}\u0000${a}\u0000${b}`;
    const cached = this.altCache.get(key);
    if (cached) return cached;
    const left = this.altMatches(a, fields);
    const right = this.altMatches(b, fields);
    const docs = new Map<number, FieldCounts>();
    for (const [i, lc] of left.docs) {
      const rc = right.docs.get(i);
      if (!rc) continue;
      const counts: FieldCounts = {};
      let any = false;
      for (const f of Object.keys(lc) as SearchField[]) {
        if (!rc[f]) continue;
        const n = nearOccurrences(this.normalized[i][f].text, a, b).length;
        if (n) {
          counts[f] = n;
          any = true;
        }
      }
      if (any) docs.set(i, counts);
    }
    const N = this.records.length;
    const result = { docs, idf: Math.log(1 + (N - docs.size + 0.5) / (docs.size + 0.5)) };
    this.altCache.set(key, result);
    return result;
  }

  /** Exact occurrences of one normalised string, per record and field; cached, since queries repeat. */
  private altMatches(text: string, fields?: SearchField[]): AltMatches {
    if (!fields) {
      const pre = this.precomputed.get(text);
      if (pre) return pre;
    }
    const key = `${fields?.join(',') ?? '*'}\u0000${text}`;
    const cached = this.altCache.get(key);
    if (cached) return cached;
    const searchFields = fields ?? [...SEARCH_FIELDS];
    const terms = candidateTerms(text);
    const docs = new Map<number, FieldCounts>();
    if (terms.length) {
      const single = terms.length === 1 && /^\p{Script=Han}$/u.test(terms[0]);
      const hits = this.index.search(
        single ? terms[0] : { combineWith: 'AND', queries: terms },
        { fields: searchFields, prefix: single, fuzzy: false, tokenize: (s) => [s], processTerm: (s) => s },
      );
      for (const h of hits) {
        const i = h.id as number;
        const counts: FieldCounts = {};
        let any = false;
        // Only fields holding every term can hold the substring: check those, not all nine.
        let fieldsHere: string[] | undefined;
        for (const t of terms) {
          const fs = h.match[t] ?? [];
          fieldsHere = fieldsHere ? fieldsHere.filter((f) => fs.includes(f)) : fs;
        }
        for (const f of (single ? searchFields : (fieldsHere ?? [])) as SearchField[]) {
          const n = occurrences(this.normalized[i][f].text, text).length;
          if (n) {
            counts[f] = n;
            any = true;
          }
        }
        if (any) docs.set(i, counts);
      }
    }
    const N = this.records.length;
    const idf = Math.log(1 + (N - docs.size + 0.5) / (docs.size + 0.5));
    const result = { docs, idf };
    if (this.altCache.size > 5000) this.altCache.clear();
    this.altCache.set(key, result);
    return result;
  }

  /** 0…1 (weighted by field, best field): how close together the record uses the query's words. */
  private proximity(i: number, constraints: Constraint[]): number {
    let best = 0;
    for (const f of PROXIMITY_FIELDS) {
      const text = this.normalized[i][f].text;
      const lists = constraints.map((c) => c.alternatives.flatMap((a) => occurrences(text, a.text).map((start) => ({ start, length: a.text.length }))));
      const present = lists.filter((l) => l.length > 0);
      if (present.length < 2) continue;
      const window = minimalWindow(present);
      const span = present.reduce((s, l) => s + l[0].length, 0);
      if (window > PROXIMITY_WINDOW + span) continue;
      const closeness = 1 - Math.max(0, window - span) / (PROXIMITY_WINDOW + 1);
      best = Math.max(best, closeness * (present.length / constraints.length) * FIELD_WEIGHTS[f]);
    }
    return best;
  }

  /** BM25 over exact occurrences, scaled by the share of the query's words the record has, plus a title typed in full. */
  private baseScore(i: number, analysis: QueryAnalysis, constraints: Constraint[], docsOf: (c: Constraint) => Map<number, number>): { score: number; matched: number } {
    let score = 0;
    let matched = 0;
    for (const c of constraints) {
      const s = docsOf(c).get(i);
      if (s === undefined) continue;
      matched++;
      score += s;
    }
    // Records with more of the words rank higher: a share of the words weighs in squared.
    if (matched < constraints.length) score *= (matched / constraints.length) ** COVERAGE_POWER;
    if (analysis.titleKey && analysis.titleKey === this.titleKeys[i]) score += BONUS.exactTitle;
    return { score, matched };
  }

  /** Every word in the title, words close together, a clause found verbatim. */
  private bonus(i: number, analysis: QueryAnalysis, constraints: Constraint[], matched: number): number {
    let score = 0;
    if (constraints.length > 1 && matched === constraints.length) {
      const title = this.normalized[i].title.text;
      if (constraints.every((c) => c.alternatives.some((a) => occurrences(title, a.text).length))) score += BONUS.titleHasAll;
    }
    if (matched >= 2) score += BONUS.proximity * this.proximity(i, constraints);
    for (const clause of analysis.groups.flat()) {
      if (clause.constraints.length < 2) continue;
      const verbatim = clause.text.replace(/\s+/g, '');
      for (const f of SEARCH_FIELDS) {
        if (occurrences(this.normalized[i][f].text, verbatim).length) {
          score += BONUS.verbatim * FIELD_WEIGHTS[f];
          break;
        }
      }
    }
    return score;
  }
}

/**
 * Minimal window covering one occurrence of every constraint found in a field (the classic smallest-range over
 * sorted position lists).
 */
export function minimalWindow(lists: { start: number; length: number }[][]): number {
  const events: { pos: number; end: number; k: number }[] = [];
  lists.forEach((l, k) => l.forEach((o) => events.push({ pos: o.start, end: o.start + o.length, k })));
  events.sort((a, b) => a.pos - b.pos);
  const need = lists.length;
  const count = new Array<number>(need).fill(0);
  let have = 0;
  let best = Infinity;
  let lo = 0;
  for (let hi = 0; hi < events.length; hi++) {
    if (count[events[hi].k]++ === 0) have++;
    while (have === need) {
      let end = 0;
      for (let j = lo; j <= hi; j++) end = Math.max(end, events[j].end);
      best = Math.min(best, end - events[lo].pos);
      if (--count[events[lo].k] === 0) have--;
      lo++;
    }
  }
  return best;
}

/** [start of a, end of b] of every a…b with 1 to NEAR_GAP characters between them (exact adjacency is the word itself). */
export function nearOccurrences(hay: string, a: string, b: string): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (const at of occurrences(hay, a)) {
    const gapStart = at + a.length;
    const from = gapStart + 1;
    const k = hay.slice(from, from + NEAR_GAP - 1 + b.length).indexOf(b);
    // Stop at a sentence break: parts in different sentences are not one compound.
    if (k >= 0 && !/[。；！？\n]/.test(hay.slice(gapStart, from + k))) out.push([at, gapStart, from + k, from + k + b.length]);
  }
  return out;
}

/** a–z or 0–9, by char code (this runs for every occurrence of every query word). */
function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122);
}
function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Start offsets of `needle` in `hay`, respecting number and Latin word boundaries: 5000 does not match inside
 * 15000 or 5000.5, and ai does not match inside mail. Han text has no such boundary.
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
