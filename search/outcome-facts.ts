/**
 * Outcome facts as a query reads them: the figure a question asks for (服务企业多少家) as one more word of the query,
 * matched against records' outcome facts; a change verb (缩短) matching records whose outcomes moved that way; and how
 * well a record's facts fit an outcome query (outcomeFit). Apart from the engine because it reads records' facts, not
 * the index: the engine asks it for a unit, a change verb's records and a record's fit.
 */
import type { Outcome, ReformRecord } from '../indexer/schema.js';
import type { recordStoreOf } from '../snapshot/records.js';
import { countsAs, isGeneralMeasure, namesMeasure } from '../analysis/ask.js';
import type { Constraint, QueryAnalysis, QueryAnalyzer } from './analyzer.js';
import { bestBy } from './best-by.js';
import type { EngineOptions } from './options.js';
import { directionOf, type Unit } from './query-words.js';
import { idf, union, type DocScores } from './score.js';

/** At most this many records (those the query's words score best) are read for the figure a question asks for. */
const ASK_CANDIDATES = 5000;

/**
 * Whether a text prints one of a unit's alternatives (not one matched by its words): loops, not two closures made per
 * unit for each outcome fact of every candidate record.
 */
function printsUnit(plain: string, u: Unit): boolean {
  for (const c of u.constraints) for (const a of c.alternatives) if (!a.words && plain.includes(a.text)) return true;
  return false;
}

/**
 * The clause of a fact's sentence that holds its figure (服务全国 30 余万家企业): the words printed beside a figure are
 * what it counts or measures, also where the metric the extractor chose names only one of them.
 */
function factClause(o: { sentence: string; sentenceStart: number; start: number; end: number }): string {
  const s = o.sentence;
  let a = Math.max(0, o.start - o.sentenceStart);
  let b = Math.min(s.length, o.end - o.sentenceStart);
  while (a > 0 && !CLAUSE_END.test(s[a - 1])) a--;
  while (b < s.length && !CLAUSE_END.test(s[b])) b++;
  return s.slice(a, b);
}
const CLAUSE_END = /[，,。；;！？!?\n]/;

/**
 * A fact's metric and clause as one text to look for a question's words in, joined by 。, which normalisation keeps:
 * a space or line break between two Han characters is dropped (PDF spacing), and a word could then match across the
 * join, half in the metric and half in the clause.
 */
export function metricAndClause(o: { metric: string; sentence: string; sentenceStart: number; start: number; end: number }): string {
  return o.metric + '。' + factClause(o);
}

export class OutcomeFacts {
  /** Scratch per record: sums for the figure pass (askUnit); zero between uses. */
  private readonly sum: Float64Array;

  constructor(
    private readonly records: ReformRecord[],
    /** The loaded snapshot's record store (undefined for plain records): outcome directions and facts per record. */
    private readonly store: ReturnType<typeof recordStoreOf>,
    private readonly analyzer: QueryAnalyzer,
    private readonly options: EngineOptions,
  ) {
    this.sum = new Float64Array(records.length);
  }

  /**
   * A query asking for a figure (服务企业多少家, 审批时间压缩到几个工作日) has one more word: the figure. Records
   * holding a word of the query and an outcome fact of that figure have it, scored outcomeMetric × how well the fact fits (outcomeFit); so the
   * records that state the asked-for figure come first, then, to fill the page, those that only use the words.
   */
  askUnit(analysis: QueryAnalysis, units: Unit[]): Unit | undefined {
    const ask = analysis.ask;
    if (!ask || !this.options.outcomeMetric || units.length === 0) return undefined;
    const dir = units.map((u) => (u.constraints.length === 1 && !u.constraints[0].phrase ? directionOf(u.text) : undefined)).find((x) => x);
    const metricUnits = units.filter((u) => !(u.constraints.length === 1 && directionOf(u.text)));
    const metricIdf = metricUnits.reduce((x, u) => x + u.idf, 0);
    // Only records holding a word of the query can state its figure; of those, the best-scored few thousand are
    // read (a fact lives in the record, which a large snapshot decodes on demand).
    const sum = this.sum;
    const seen: number[] = [];
    for (const u of units) {
      for (let i = 0; i < u.ds.docs.length; i++) {
        const d = u.ds.docs[i];
        if (sum[d] === 0) seen.push(d);
        sum[d] += u.ds.scores[i] || Number.MIN_VALUE;
      }
    }
    const candidates = seen.length > ASK_CANDIDATES ? bestBy(seen, sum, ASK_CANDIDATES) : seen.slice();
    for (const d of seen) sum[d] = 0;
    candidates.sort((a, b) => a - b);
    const docs: number[] = [];
    const scores: number[] = [];
    const metrics = new Map<string, string>();
    for (const d of candidates) {
      const fit = this.outcomeFit(d, dir, ask, metricUnits, metricIdf, metrics);
      if (fit > 0) {
        docs.push(d);
        scores.push(this.options.outcomeMetric * fit);
      }
    }
    return { text: ask.text, ds: { docs: Int32Array.from(docs), scores: Float64Array.from(scores) }, idf: idf(this.records.length, docs.length), constraints: [], ask: true };
  }

  /** Records, per direction, with a quantified outcome that moved that way (built on first use). */
  private changed?: { down: Int32Array; up: Int32Array };
  /** Per direction and general measure word, the records with a fact moving that way in that measure (withMeasureFacts). */
  private readonly measured = new Map<string, Int32Array>();

  /** The records per direction with a quantified outcome that moved that way: from the direction column, once. */
  private movedDocs(): { down: Int32Array; up: Int32Array } {
    return (this.changed ??= (() => {
      const down: number[] = [];
      const up: number[] = [];
      // A loaded snapshot keeps each record's outcome directions as a column: no record is decoded for this.
      const store = this.store;
      if (store) {
        for (let i = 0; i < store.length; i++) {
          if (store.moved(i, 'down')) down.push(i);
          if (store.moved(i, 'up')) up.push(i);
        }
        return { down: Int32Array.from(down), up: Int32Array.from(up) };
      }
      this.records.forEach((r, i) => {
        if (r.outcomes?.some((o) => o.direction === 'down')) down.push(i);
        if (r.outcomes?.some((o) => o.direction === 'up')) up.push(i);
      });
      return { down: Int32Array.from(down), up: Int32Array.from(up) };
    })());
  }

  /**
   * A change verb typed as a word (缩短, 节省, 提高) also matches a record whose outcomes state a change that way,
   * whatever verb it prints (压缩至, 减少): a reporter's 通关时间缩短 means the outcome, not the verb.
   */
  changeDocs(c: Constraint, ds: DocScores): DocScores {
    const dir = c.phrase || c.fields ? undefined : directionOf(c.text);
    if (!dir || !this.options.outcomeChange) return ds;
    const docs = this.movedDocs()[dir];
    // No record moved that way (a corpus without outcome facts): the union would be ds itself, and the mean below
    // would have scored every record of the verb (缩短 at 100k: an eighth of a first-seen question) for nothing.
    if (docs.length === 0) return ds;
    return this.withOutcomeDocs(ds, docs);
  }

  /** A word's records and `docs`, which hold it through their outcome facts, each scored outcomeChange × the word's
   *  mean score (one scoring for a change verb and a measure word alike). */
  private withOutcomeDocs(ds: DocScores, docs: Int32Array): DocScores {
    let mean = 0;
    for (let i = 0; i < ds.scores.length; i++) mean += ds.scores[i];
    mean = ds.scores.length ? mean / ds.scores.length : 1;
    return union(ds, { docs, scores: new Float64Array(docs.length).fill(mean * this.options.outcomeChange) }, Math.max);
  }


  /**
   * In a query with a change verb (退税时间缩短, 节约成本多少), a word naming a measure (时间, 成本, 次数) is also held by
   * a record whose outcome fact moves the asked way measured that way (出口到退税时间由 75 天压缩至 25 天 holds 时间;
   * 节约费用约 800 元 holds 成本), scored as a change verb's outcome records are (outcomeChange × the word's mean): the
   * query asks for a time cut or a cost cut, which the record states whatever noun it prints.
   */
  withMeasureFacts(units: Unit[]): void {
    if (!this.options.measureFacts || !this.options.outcomeChange) return;
    let dir: 'down' | 'up' | undefined;
    for (const u of units) if (!dir && u.constraints.length === 1 && !u.constraints[0].phrase && !u.constraints[0].fields) dir = directionOf(u.text);
    if (!dir) return;
    for (const u of units) {
      const c = u.constraints;
      if (u.ask || c.length !== 1 || c[0].phrase || c[0].fields || !isGeneralMeasure(u.text)) continue;
      const key = `${dir}\u0000${u.text}`;
      let docs = this.measured.get(key);
      if (!docs) {
        const found: number[] = [];
        for (const d of this.movedDocs()[dir]) if (this.outcomesOf(d).some((o) => o.direction === dir && namesMeasure(u.text, o))) found.push(d);
        this.measured.set(key, (docs = Int32Array.from(found)));
      }
      if (docs.length === 0) continue;
      u.ds = this.withOutcomeDocs(u.ds, docs);
      u.idf = idf(this.records.length, u.ds.docs.length);
    }
  }

  /**
   * How well a record's outcome facts answer an outcome query (0…1): among facts moving the asked way (a change
   * verb) and of the asked figure (多少家: a count in 家; 多久: a duration), the best share (by idf) of the query's
   * other words that the fact's metric names; a fact of the asked figure that names none still counts a little
   * (askBase), because it states the figure the reporter wants.
   */
  outcomeFit(d: number, dir: 'down' | 'up' | undefined, ask: QueryAnalysis['ask'], metricUnits: Unit[], metricIdf: number, metrics?: Map<string, string>): number {
    let best = 0;
    for (const o of this.outcomesOf(d)) {
      if (dir && o.direction !== dir) continue;
      // A percentage asked for (百分之多少) is answered by a relative change of any measure (办理时限压缩 94.4%, or
      // 由 75 天压缩至 25 天: −66.7) as well as by a share printed as one (满意度 96%).
      if (ask?.kind && o.kind !== ask.kind && !(ask.kind === 'percent' && o.percent !== undefined)) continue;
      if (ask?.unit) {
        const unit = o.unit ?? o.to?.unit ?? '';
        if (!countsAs(unit, ask.unit) && o.normalized?.unit !== ask.unit && o.to?.normalized?.unit !== ask.unit) continue;
      }
      // The metric first (distinct metrics repeat: normalised once per query); for a figure asked for, the clause too
      // where the metric names fewer than all of the words (the figure cited is read with its clause). Not for every
      // record a change verb ranks: reading each fact's clause there cost the seeds' question about 0.95 → 1.15 ms.
      let have = o.metric ? this.wordsNamed(o.metric, o, metricUnits, metrics) : 0;
      if (ask && have < metricIdf) have = Math.max(have, this.wordsNamed(metricAndClause(o), o, metricUnits, metrics));
      else if (!ask && !o.metric) continue;
      const share = have / metricIdf;
      best = Math.max(best, ask && !dir ? this.options.askBase + (1 - this.options.askBase) * share : share);
    }
    return best;
  }

  /** A record's outcome facts; from a loaded snapshot without decoding the record's other fields. */
  private outcomesOf(d: number): Outcome[] {
    return this.store ? this.store.outcomes(d) : this.records[d].outcomes ?? [];
  }

  /** The idf of the query's words that a fact's text (its metric, or its metric and clause) names, or whose measure it is. */
  private wordsNamed(text: string, o: Outcome, metricUnits: Unit[], cache?: Map<string, string>): number {
    let plain = cache?.get(text);
    if (plain === undefined) {
      plain = this.analyzer.normalizer.plain(text);
      cache?.set(text, plain);
    }
    let have = 0;
    for (const u of metricUnits) {
      if (printsUnit(plain, u)) have += u.idf;
      else if (this.options.measureWords && namesMeasure(u.text, o)) have += u.idf;
    }
    return have;
  }
}
