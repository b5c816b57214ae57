/**
 * The reporter's view of outcomes: every outcome fact of the corpus, selected by its own metric and sentence (not
 * by the record it sits in), filtered by direction, kind and size of change, sorted by change, value or source
 * order, each with a citation and its sentence with the figure marked.
 */
import type { Outcome, OutcomeAmount, OutcomeKind, ReformRecord } from '../indexer/schema.js';
import { escapeHtml } from './highlight.js';
import { CN_FIGURE_CONTINUES, HAN_PERCENT, sameValueForms } from '../analysis/quantities.js';
import { recordStoreOf } from '../snapshot/records.js';
import { NEAR_GAP, nearStarts } from '../analysis/compounds.js';
import type { Alternative, AnalysedClause, Constraint, QueryAnalysis } from './analyzer.js';

export type OutcomeSort = 'change' | 'value' | 'source';

export interface OutcomeParams {
  /**
   * A query read as /api/search reads it (OutcomeIndex's `analyse`: the snapshot's vocabulary cuts 缩短时间 into 缩短 and
   * 时间, a question's frame such as 了多少 drops, each word brings its equivalents): every word must occur in the fact's
   * metric or sentence (in any of its forms; a figure in any printing of its value), a field prefix tests the
   * record's field, and a question that asks for a kind of figure (多少时间, 多少钱) keeps facts of that kind unless
   * `kind` says otherwise. Without an analyser: whitespace-separated words, each as typed.
   */
  q?: string;
  direction?: Outcome['direction'];
  kind?: OutcomeKind;
  /** Unit as printed (万元, %, 个工作日) or normalised (元, 天, 工作日). */
  unit?: string;
  /** Bounds on the size of the relative change |percent|; facts without a percent are left out when either is set. */
  minChange?: number;
  maxChange?: number;
  region?: string;
  /** Document type: 试点经验 / 创新成果 / 最佳实践案例. */
  category?: string;
  sort?: OutcomeSort;
  page?: number;
  size?: number;
}

export interface Citation {
  /** The document's title. */
  document: string;
  /** The section the item is printed in, where the document has sections. */
  section?: string;
  /** Item number in the document. */
  no: number;
  /** 1-based line of the item in the file. */
  line: number;
  file: string;
}

export interface OutcomeHit {
  reformId: string;
  title: string;
  region?: string;
  regions: string[];
  category: string;
  metric: string;
  direction: Outcome['direction'];
  kind: OutcomeKind;
  from?: OutcomeAmount;
  to?: OutcomeAmount;
  via?: OutcomeAmount[];
  value?: number;
  max?: number;
  unit?: string;
  percent?: number;
  printedPercent?: number;
  percentCheck?: Outcome['percentCheck'];
  qualifier?: string;
  text: string;
  field: Outcome['field'];
  /** The sentence, HTML-escaped, with the figure (or the whole change) in <mark>. */
  sentence: string;
  citation: Citation;
}

interface Entry {
  outcome: Outcome;
  /** The record's index: it is decoded only when a hit reads it. */
  index: number;
  order: number;
  /** Normalised metric + sentence, for matching. */
  haystack: string;
  /**
   * The record's regions and document type, read from the snapshot's columns when the facts are listed (one array
   * shared by a record's facts): a region or category filter tests every fact, and reading them from the record
   * decoded each fact's whole record per query.
   */
  regions: readonly string[];
  category?: string;
}

/** The sentence with [start, end) of the field marked, everything else escaped. */
export function markedSentence(o: Outcome): string {
  const a = Math.max(0, o.start - o.sentenceStart);
  const b = Math.min(o.sentence.length, o.end - o.sentenceStart);
  return escapeHtml(o.sentence.slice(0, a)) + '<mark>' + escapeHtml(o.sentence.slice(a, b)) + '</mark>' + escapeHtml(o.sentence.slice(b));
}

/** The value a fact sorts by: its figure normalised (元, 天) where possible, else the “to” side of a change. */
export function outcomeValue(o: Outcome): number {
  if (o.value !== undefined) return o.normalized?.value ?? o.value;
  const side = o.to ?? o.from;
  return side ? side.normalized?.value ?? side.value : 0;
}

function unitsOf(o: Outcome): string[] {
  const out: string[] = [];
  for (const a of [o, o.from, o.to]) {
    if (!a) continue;
    if (a.unit) out.push(a.unit);
    if (a.normalized) out.push(a.normalized.unit);
  }
  return out;
}

export function toHit(e: { outcome: Outcome; record: ReformRecord }): OutcomeHit {
  const { outcome: o, record: r } = e;
  return {
    reformId: r.id,
    title: r.title,
    ...(r.regions.length ? { region: r.regions[0] } : {}),
    regions: r.regions,
    category: r.category,
    metric: o.metric,
    direction: o.direction,
    kind: o.kind,
    ...(o.from ? { from: o.from } : {}),
    ...(o.to ? { to: o.to } : {}),
    ...(o.via ? { via: o.via } : {}),
    ...(o.value !== undefined ? { value: o.value } : {}),
    ...(o.max !== undefined ? { max: o.max } : {}),
    ...(o.unit ? { unit: o.unit } : {}),
    ...(o.percent !== undefined ? { percent: o.percent } : {}),
    ...(o.printedPercent !== undefined ? { printedPercent: o.printedPercent } : {}),
    ...(o.percentCheck ? { percentCheck: o.percentCheck } : {}),
    ...(o.qualifier ? { qualifier: o.qualifier } : {}),
    text: o.text,
    field: o.field,
    sentence: markedSentence(o),
    citation: { document: r.source.title, ...(r.section ? { section: r.section } : {}), no: r.source.no, line: r.source.line, file: r.source.file },
  };
}

/** Chinese digits (and 点, a decimal point) that would continue a figure spelled in Chinese (百分之三十 of 百分之三十五). */
const HAN_DIGIT = new RegExp(`[${CN_FIGURE_CONTINUES}]`);

/**
 * Whether `haystack` prints `word` as a whole figure where it is one: a word starting with a digit not after another
 * digit or a decimal point (10000家 is not in 110000家, 0.5亿元 not in 10.5亿元), one ending with a digit not before
 * another, and 百分之三十 not before another Chinese digit (百分之三十五). Any other word: anywhere.
 */
export function holdsWhole(haystack: string, word: string): boolean {
  const digitStart = /^\d/.test(word);
  const digitEnd = /\d$/.test(word);
  const hanFigure = HAN_PERCENT.test(word);
  if (!digitStart && !digitEnd && !hanFigure) return haystack.includes(word);
  for (let at = haystack.indexOf(word); at >= 0; at = haystack.indexOf(word, at + 1)) {
    const before = haystack[at - 1] ?? '';
    const after = haystack[at + word.length] ?? '';
    if (digitStart && /[\d.]/.test(before)) continue;
    if (digitEnd && /\d/.test(after)) continue;
    if (hanFigure && HAN_DIGIT.test(after)) continue;
    return true;
  }
  return false;
}

/** Whether a text holds one of a word's forms: the word itself, or a figure in another printing of its value. */
function holdsForm(haystack: string, text: string): boolean {
  if (holdsWhole(haystack, text)) return true;
  for (const f of sameValueForms(text)) if (holdsWhole(haystack, f)) return true;
  return false;
}

/** Whether a fact's text holds one alternative of a query word: verbatim, split (不动产…登记), or by all its words. */
function holdsAlternative(haystack: string, a: Alternative): boolean {
  if (holdsForm(haystack, a.text)) return true;
  if (a.near) {
    let found = false;
    nearStarts(haystack, a.near[0], a.near[1], NEAR_GAP, () => (found = true));
    if (found) return true;
  }
  return !!a.words?.length && a.words.every((w) => holdsForm(haystack, w));
}

/**
 * Whether a fact matches one analysed word. A word restricted to fields (region:, title:, department:) tests the
 * record's field, as search does; any other word the fact's own metric and sentence. A narrower term (Alternative.kind)
 * is not the word: it never stands in for it here, where no ranking puts the word itself first.
 */
function holdsConstraint(c: Constraint, haystack: string, field: (f: string) => readonly string[]): boolean {
  if (c.fields?.length) {
    const values = c.fields.flatMap((f) => field(f));
    return c.alternatives.some((a) => !a.kind && values.some((v) => v.includes(a.text)));
  }
  return c.alternatives.some((a) => !a.kind && holdsAlternative(haystack, a));
}

const holdsClause = (c: AnalysedClause, haystack: string, field: (f: string) => readonly string[]) =>
  c.constraints.every((k) => holdsConstraint(k, haystack, field));

/** All outcome facts of a corpus, queryable. `normalize` is the search analyzer's normaliser (width, case, variants). */
export class OutcomeIndex {
  private readonly entries: Entry[] = [];

  /**
   * @param analyse The search analyzer's reading of a query (QueryAnalyzer.analyse): `q` is read as /api/search reads
   *   it. Without it, `q` is whitespace-separated words matched as typed.
   */
  constructor(
    private readonly records: readonly ReformRecord[],
    private readonly normalize: (s: string) => string = (s) => s,
    private readonly analyse?: (q: string) => QueryAnalysis,
  ) {
    let order = 0;
    // From a loaded snapshot the facts are read without decoding the records' other fields (at 100k, decoding every
    // record made the first /api/outcomes call cost about a second).
    const store = recordStoreOf(records);
    for (let index = 0; index < records.length; index++) {
      const outcomes = store ? store.outcomes(index) : records[index].outcomes ?? [];
      if (!outcomes.length) continue;
      const regions = store ? store.list(index, 'regions') : records[index].regions;
      const category = store ? store.category(index) : records[index].category;
      for (const outcome of outcomes) {
        this.entries.push({ outcome, index, order: order++, haystack: normalize(`${outcome.metric}\n${outcome.sentence}`).replace(/\s+/g, ''), regions, category });
      }
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** A test of a fact's text and record against `q`, and the kind of figure the query asks for. */
  private matcherFor(q: string): { kind?: OutcomeKind; holds: (e: Entry) => boolean } {
    if (!q.trim()) return { holds: () => true };
    if (!this.analyse) {
      // Each word with its other printings when it is a figure (0.59亿元 finds a fact printing 5900万元).
      const words = q.split(/\s+/).map((w) => this.normalize(w).replace(/\s+/g, '')).filter(Boolean);
      return { holds: (e) => words.every((w) => holdsForm(e.haystack, w)) };
    }
    const a = this.analyse(q);
    // A field prefix other than region: reads the record (decoded only for facts that passed every other test).
    const fieldOf = (e: Entry) => (f: string): readonly string[] => {
      if (f === 'regions') return e.regions;
      const r = this.records[e.index];
      if (f === 'title') return [this.normalize(r.title)];
      if (f === 'departments') return r.departments.map(this.normalize);
      return [];
    };
    return {
      kind: a.ask?.kind,
      holds: (e) => {
        const field = fieldOf(e);
        return a.groups.every((g) => g.some((c) => holdsClause(c, e.haystack, field))) && !a.exclude.some((c) => holdsClause(c, e.haystack, field));
      },
    };
  }

  /**
   * The entries of the facts matching the parameters, sorted, and the kind of figure `q`'s question chose when
   * `kind` was not given; no record is decoded unless `q` has a title: or department: prefix.
   */
  private entriesFor(params: OutcomeParams): { found: Entry[]; askedKind?: OutcomeKind } {
    const matcher = this.matcherFor(params.q ?? '');
    const askedKind = params.kind ? undefined : matcher.kind;
    const kind = params.kind ?? askedKind;
    const unit = params.unit;
    const sized = params.minChange !== undefined || params.maxChange !== undefined;
    const found = this.entries.filter((entry) => {
      const { outcome: o, regions, category } = entry;
      if (params.direction && o.direction !== params.direction) return false;
      if (kind && o.kind !== kind) return false;
      if (unit && !unitsOf(o).includes(unit)) return false;
      if (sized) {
        if (o.percent === undefined) return false;
        const change = Math.abs(o.percent);
        if (params.minChange !== undefined && change < params.minChange) return false;
        if (params.maxChange !== undefined && change > params.maxChange) return false;
      }
      if (params.region && !regions.includes(params.region)) return false;
      if (params.category && category !== params.category) return false;
      return matcher.holds(entry);
    });
    const sort = params.sort ?? 'source';
    if (sort === 'change') found.sort((a, b) => Math.abs(b.outcome.percent ?? -1) - Math.abs(a.outcome.percent ?? -1) || a.order - b.order);
    else if (sort === 'value') found.sort((a, b) => outcomeValue(b.outcome) - outcomeValue(a.outcome) || a.order - b.order);
    else found.sort((a, b) => a.order - b.order);
    return { found, askedKind };
  }

  /** A page of facts; `askedKind` when the question in `q` (压缩了多少时间) kept only facts of one kind. */
  search(params: OutcomeParams): { total: number; hits: OutcomeHit[]; askedKind?: OutcomeKind } {
    const page = params.page ?? 1;
    const size = params.size ?? 20;
    const { found, askedKind } = this.entriesFor(params);
    // Only the page's records are decoded.
    const hits = found.slice((page - 1) * size, page * size).map((e) => toHit({ outcome: e.outcome, record: this.records[e.index] }));
    return { total: found.length, hits, ...(askedKind ? { askedKind } : {}) };
  }
}
