/**
 * Matching a query's words to scored record lists: each constraint (a word, its equivalents, its narrower terms, a
 * loose expansion, a field prefix) to the records any alternative matches with the best weighted BM25 per record,
 * cached by its alternatives; a common word read by blocks; narrower terms' records scored below the word's own; a
 * clause's constraints joined. Apart from combining (engine.ts), which reads these lists under a strategy.
 */
import type { Lru } from '../analysis/lru.js';
import type { AnalysedClause, Constraint } from './analyzer.js';
import { checkDeadline } from './budget.js';
import { BlockWordScores } from './doc-skips.js';
import type { SearchField } from './fields.js';
import type { LooseMatch } from './loose-match.js';
import type { Matcher } from './match.js';
import type { EngineOptions } from './options.js';
import { NO_DOCS, bm25, intersectSum, scoreAt, union, unionMax, type DocScores, type FieldStats } from './score.js';
import { withoutKinds } from './widening.js';

/** A narrower term's best record scores this share of the lowest record the word itself finds (belowOwn). */
const KIND_BELOW = 0.9;

export class WordMatch {
  /** How many words kept with their narrower terms reused their own alternatives' match: SearchEngine.ownReuses. */
  ownReuseCount = 0;

  constructor(
    private readonly matcher: Matcher,
    private readonly stats: FieldStats,
    private readonly options: EngineOptions,
    /** Scored records per constraint (the engine's cache: clearCache empties it). */
    private readonly constraintCache: Lru<string, DocScores>,
    private readonly looseMatch: LooseMatch,
    private readonly fieldIds: (fields?: readonly SearchField[]) => number[] | undefined,
  ) {}

  /** The constraint cache's key: fields, then each alternative's text, weight and near words. */
  private static constraintKey(c: Constraint): string {
    // A loop, not map + join: once per constraint of a first-seen query, and the inlined chain deoptimised (wrong map).
    let key = `${c.fields?.join(',') ?? '*'}`;
    for (let i = 0; i < c.alternatives.length; i++) {
      const a = c.alternatives[i];
      key += `\u0000${a.text}\u0001${a.weight}\u0001${a.near?.join('\u0001') ?? ''}`;
    }
    return key;
  }

  /** Records a constraint matches through any alternative, with the best weighted BM25 per record (cached). */
  constraintDocs(c: Constraint): DocScores {
    const key = WordMatch.constraintKey(c);
    const cached = this.constraintCache.get(key);
    if (cached) return cached;
    // The request's time budget, before each constraint is matched; a yield here loses nothing (matches are cached).
    checkDeadline();
    const fields = this.fieldIds(c.fields);
    // One common word, typed as such: read by blocks where only some records are asked about (a question's 企业 beside
    // its rarer words), decoded whole where its list is read (BlockWordScores).
    const lone = c.alternatives.length === 1 && !fields ? c.alternatives[0] : undefined;
    const blocks = lone && !lone.words && !lone.near && !lone.kind ? this.matcher.blockTerm(lone.text) : undefined;
    if (blocks) {
      const out = new BlockWordScores(blocks, this.stats, this.options.bm25, lone!.weight, () => bm25(this.matcher.needle(lone!.text), this.stats, this.options.bm25, lone!.weight));
      this.constraintCache.set(key, out);
      return out;
    }
    // A word kept with its narrower terms (withKindsWhereFew found its own alternatives short of a page) had those
    // matched and scored already, as the constraint without kinds: that list is reused, not matched and scored again
    // (a loose expansion's words each rescored, its fields rejoined). It is the list the loop below builds from them,
    // unless it was read by blocks (a lone common word, above): then they are matched here as before.
    const ownKinds = c.alternatives.some((a) => a.kind);
    const ownDone = ownKinds ? this.constraintCache.get(WordMatch.constraintKey(withoutKinds(c))) : undefined;
    const reuse = ownDone !== undefined && !(ownDone instanceof BlockWordScores);
    if (reuse) this.ownReuseCount++;
    // The alternatives' lists, joined once each (unionMax: one k-way merge, not a chain of pairwise unions).
    const own: DocScores[] = reuse ? [ownDone] : [];
    const kindParts: DocScores[] = [];
    for (const alt of c.alternatives) {
      if (reuse && !alt.kind) continue;
      if (alt.words) {
        own.push(this.looseMatch.looseDocs(alt.words, fields, alt.weight));
        continue;
      }
      const occ = alt.near ? this.matcher.near(alt.near[0], alt.near[1], fields) : this.matcher.needle(alt.text, fields);
      const ds = bm25(occ, this.stats, this.options.bm25, alt.weight);
      (alt.kind ? kindParts : own).push(ds);
    }
    let out = unionMax(own);
    const kinds = unionMax(kindParts);
    if (kinds.docs.length) out = union(out, WordMatch.belowOwn(out, kinds), Math.max);
    this.constraintCache.set(key, out);
    return out;
  }

  /**
   * Records found through narrower terms, scored below every record the word itself (or an equivalent) finds: a
   * record about 综合保税区 answers 特殊监管区 after the one that names 海关特殊监管区域, however often its title says
   * 综合保税区 (NARROWER_WEIGHT alone cannot promise that against a title match). Scaled as a whole, so the kinds keep
   * their order among themselves. Kinds are kept only for words that find less than a page, so both lists are short.
   */
  private static belowOwn(own: DocScores, kinds: DocScores): DocScores {
    if (!own.docs.length) return kinds;
    // The lowest positive score: a record matched only in a field of weight 0 must not zero every kind.
    let low = Infinity;
    for (let i = 0; i < own.docs.length; i++) {
      const x = scoreAt(own, i);
      if (x > 0 && x < low) low = x;
    }
    let high = 0;
    for (let i = 0; i < kinds.docs.length; i++) high = Math.max(high, scoreAt(kinds, i));
    if (high < low || low === Infinity) return kinds;
    const scale = (KIND_BELOW * low) / high;
    const scores = new Float64Array(kinds.docs.length);
    for (let i = 0; i < scores.length; i++) scores[i] = scoreAt(kinds, i) * scale;
    return { docs: kinds.docs, scores };
  }

  /** Records a clause matches (all its constraints; any of them for a question), scores summed. */
  clauseDocs(clause: AnalysedClause): DocScores {
    let out: DocScores | undefined;
    for (const c of clause.constraints) {
      const d = this.constraintDocs(c);
      out = out === undefined ? d : clause.natural ? union(out, d, (x, y) => x + y) : intersectSum(out, d);
    }
    return out ?? NO_DOCS;
  }
}
