/**
 * Partial matches that fill a short page: records holding the parts of a compound the query types (汽车, 出口 of
 * 汽车出口) and records holding a broader term of a word (矿产品 for 铁矿), each scored below the word itself. The
 * engine's combine (engine.ts) decides which of them are kept and how they rank; this finds and scores them.
 */
import type { ReformRecord } from '../indexer/schema.js';
import type { Constraint } from './analyzer.js';
import type { SearchField } from './fields.js';
import type { Matcher } from './match.js';
import type { EngineOptions } from './options.js';
import { gather, increasing } from './record-lists.js';
import { ReformPage } from './reforms.js';
import { NO_DOCS, bm25, idf, scoreAt, type DocScores, type FieldStats } from './score.js';
import { float64Columns } from './slab.js';

/** A page: this many distinct reforms (fillsPage). Partial matches fill in when the records with every word make fewer. */
export const FILL_TO = 10;

/** A piece of an equivalent or long form this long names a subject of its own (工程建设项目 of 工程建设项目审批制度改革 for 工改, 不动产权证 for 房产证): it may bring records into a one-word query as a typed part does; a shorter one (集成, 评价, 合作) is generic. */
const LENT_PART_CHARS = 3;

/** Whether a word of `docs` records and idf `idf` is informative for one query (SearchEngine.informativeTest). */
export type InformativeTest = (docs: number, idf: number) => boolean;

export class PartialFill {
  constructor(
    private readonly records: ReformRecord[],
    private readonly matcher: Matcher,
    private readonly stats: FieldStats,
    private readonly options: EngineOptions,
    /** Scratch per record, shared with loose expansions (zero between uses). */
    private readonly count: Uint8Array,
    private readonly fieldIds: (fields?: readonly SearchField[]) => number[] | undefined,
    /** Every record's reform (SearchEngine.reforms, grouped on first use): a page counts reforms. */
    private readonly reformsOf: () => Int32Array,
  ) {}

  private get reforms(): Int32Array {
    return this.reformsOf();
  }

  /**
   * Records holding the parts of a word (Constraint.parts: 证照 and 分离 of 证照分离, 首次, 违法 … of its expansion
   * 首次违法不予处罚): one of the rarest parts, scored at partsWeight × Σ BM25 of
   * the parts held × (share of the parts' idf held)^coveragePower.
   */
  partsFill(c: Constraint, lone = false): DocScores & { shares?: Float64Array } {
    const parts = c.parts ?? [];
    const span = c.scattered && this.options.scatteredSpan > 0 ? this.options.scatteredSpan * c.scattered.length : 0;
    if ((!parts.length && !span) || !this.options.partsWeight) return NO_DOCS;
    const N = this.records.length;
    const fields = this.fieldIds(c.fields);
    // Loops and a typed column, not map/reduce: the inlined chain's arrays (idfs all Smi zeros or doubles) deoptimised
    // this function and the gather callback (wrong map) in the kinds' measured rounds.
    const lists: DocScores[] = [];
    for (let k = 0; k < parts.length; k++) lists.push(bm25(this.matcher.needle(parts[k], fields), this.stats, this.options.bm25, this.options.partsWeight));
    // An unprinted short form's characters found together (Constraint.scattered) count as one more part.
    if (span) lists.push(bm25(this.matcher.scattered(c.scattered!, span, fields), this.stats, this.options.bm25, this.options.partsWeight));
    const idfs = new Float64Array(lists.length);
    let total = 0;
    for (let k = 0; k < lists.length; k++) {
      idfs[k] = lists[k].docs.length ? idf(N, lists[k].docs.length) : 0;
      total += idfs[k];
    }
    const rare = this.count;
    const brought: number[] = [];
    // In a one-word query only the parts the user typed bring records in (bringsAlone): a record holding a piece of
    // an equivalent or a long form (集成 of 集成电路 for 芯片, 评价 of 环境影响评价 for 环评) shares only that piece.
    const bring = lone ? this.bringsAlone(c, parts, lists.length > parts.length, idfs) : undefined;
    // The rarest parts bring records in, as many as it takes to fill a page (FILL_TO reforms, counted as fillsPage
    // counts them, while bringing rather than recounted from the start for each part); a part in a large share of all
    // records never does (it only adds to the score).
    const page = new ReformPage(this.reforms, FILL_TO);
    const order = lists.map((_, k) => k).sort((a, b) => lists[a].docs.length - lists[b].docs.length);
    for (const k of order) {
      const l = lists[k];
      if (page.full || l.docs.length > N * this.options.commonShare) break;
      if (bring && !bring[k]) continue;
      for (let i = 0; i < l.docs.length; i++) {
        const d = l.docs[i];
        if (rare[d]) continue;
        rare[d] = 1;
        brought.push(d);
        page.add(d);
      }
    }
    const docs = increasing(brought, rare, this.records.length);
    for (const d of brought) rare[d] = 0;
    // The parts each brought record holds, scored for those records only (a common part's others are not scored).
    // Its four columns in one buffer (search/slab.ts).
    const n = docs.length;
    const columns = float64Columns(n, n, n, n);
    const held = columns[0];
    const sum = columns[1];
    const scores = columns[2];
    const shares = columns[3];
    gather(docs, lists, (k, j, i) => {
      held[i] += idfs[k];
      sum[i] += scoreAt(lists[k], j);
    });
    for (let i = 0; i < docs.length; i++) {
      scores[i] = sum[i] * (held[i] / total) ** this.options.coveragePower;
      shares[i] = held[i] / total;
    }
    return { docs, scores, shares };
  }

  /**
   * Which of a one-word query's part lists (parts, then the scattered characters if `span`) may bring records in: a
   * piece of the word as typed (包容 of 包容审慎监管), a piece of LENT_PART_CHARS or more of an equivalent or long form
   * (工程建设项目 for 工改; a corpus slogan on its frame, 先放后税 for 先放后征, is one of these) or its characters found
   * together (Constraint.scattered), and of those only the informative: idf at least commonIdfRatio × the rarest's
   * (capped as commonBelow caps it), so 监管 never pads 包容审慎监管. A shorter piece of an equivalent or long form
   * (经济, 合作 of 亚太经济合作组织 for APEC) brings none: it still adds to the score.
   */
  private bringsAlone(c: Constraint, parts: readonly string[], span: boolean, idfs: Float64Array): Uint8Array {
    const text = c.text;
    const own = (p: string) => text.includes(p) || p.length >= LENT_PART_CHARS;
    const bring = new Uint8Array(idfs.length);
    let most = 0;
    for (let k = 0; k < idfs.length; k++) {
      if ((k < parts.length ? own(parts[k]) : span) && idfs[k] > 0) {
        bring[k] = 1;
        most = Math.max(most, idfs[k]);
      }
    }
    const floor = this.options.commonIdfRatio * Math.min(most, idf(this.records.length, this.options.rarestYardstickRecords));
    for (let k = 0; k < idfs.length; k++) if (bring[k] && idfs[k] < floor) bring[k] = 0;
    return bring;
  }

  /**
   * Records holding a broader term of a word (Constraint.broader: 矿产品 for 铁矿), each scored at broaderWeight × the
   * best of its broader terms' BM25 (a record about minerals in general is no better for naming two kinds of them);
   * `brings` marks those holding a broader term informative for the query (`informative`, see informativeTest).
   */
  broaderFill(c: Constraint, informative: InformativeTest): DocScores & { brings: Uint8Array } {
    const terms = c.broader ?? [];
    if (!terms.length || !this.options.broaderWeight) return { ...NO_DOCS, brings: new Uint8Array(0) };
    const N = this.records.length;
    const fields = this.fieldIds(c.fields);
    const lists = terms.map((w) => bm25(this.matcher.needle(w, fields), this.stats, this.options.bm25, this.options.broaderWeight));
    const best = new Map<number, number>();
    const brought = new Set<number>();
    for (const l of lists) {
      // A broader term common for this query (as a word of it would be) adds to a record's score but keeps none.
      const brings = informative(l.docs.length, idf(N, l.docs.length));
      for (let i = 0; i < l.docs.length; i++) {
        const s = scoreAt(l, i);
        if (s > (best.get(l.docs[i]) ?? 0)) best.set(l.docs[i], s);
        if (brings) brought.add(l.docs[i]);
      }
    }
    const docs = Int32Array.from(best.keys()).sort();
    return { docs, scores: Float64Array.from(docs, (d) => best.get(d)!), brings: Uint8Array.from(docs, (d) => (brought.has(d) ? 1 : 0)) };
  }
}
