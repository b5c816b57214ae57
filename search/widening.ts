/**
 * Widening a query's words where the corpus rarely prints them, pruned where it prints them often: an outcome query's
 * compound gains its head noun as a broader term (withOutcomeHeads); narrower and broader terms are kept only for a
 * word that finds less than a page of reforms (withKindsWhereFew), so highlights and matching read the same pruned
 * analysis. Apart from the engine, which asks it once per analysed query and for how many words may use broader terms.
 */
import { isMeasureWord } from '../analysis/ask.js';
import type { AnalysedClause, Constraint, QueryAnalysis, QueryAnalyzer } from './analyzer.js';
import type { Matcher } from './match.js';
import type { EngineOptions } from './options.js';
import { directionOf, MAX_PARTS_WORDS } from './query-words.js';
import type { DocScores } from './score.js';

/** A constraint as typed, its narrower terms (Alternative.kind) left out: the same cached lookup wherever it is asked. */
export function withoutKinds(c: Constraint): Constraint {
  return { ...c, alternatives: c.alternatives.filter((a) => !a.kind) };
}

export class QueryWidening {
  constructor(
    private readonly options: EngineOptions,
    private readonly matcher: Matcher,
    private readonly analyzer: QueryAnalyzer,
    /** A constraint's scored records (SearchEngine.constraintDocs, cached there). */
    private readonly constraintDocs: (c: Constraint) => DocScores,
    /** Whether records make a page of reforms (SearchEngine.fillsPage). */
    private readonly fillsPage: (docs: ArrayLike<number>) => boolean,
  ) {}

  /**
   * In an outcome query (a change verb typed: 申报材料减少多少), a compound's head noun is one of its broader terms
   * (QueryAnalyzer.headOf: 材料 for 申报材料), so that reforms stating the cut by the head (材料精简 45%) fill in for
   * the compound as 矿产品 does for 铁矿 (Constraint.broader, with its rules: only for a word printed on less than a
   * page, at broaderWeight). Off with EngineOptions.outcomeHeads false.
   */
  withOutcomeHeads(analysis: QueryAnalysis): QueryAnalysis {
    if (!this.options.outcomeHeads) return analysis;
    const plain = (c: Constraint) => !c.phrase && !c.fields;
    const outcome = analysis.groups.some((g) => g.some((cl) => cl.constraints.some((c) => plain(c) && directionOf(c.text))));
    if (!outcome) return analysis;
    let changed = false;
    const groups = analysis.groups.map((g) =>
      g.map((cl): AnalysedClause => ({
        ...cl,
        constraints: cl.constraints.map((c) => {
          // A word read by blocks (indexer/doc-skips.ts) is printed on far more than a page of reforms: it would lose
          // its broader terms (withKindsWhereFew), and asking costs that check a whole decode of its list.
          if (!plain(c) || directionOf(c.text) || this.matcher.blockTerm(c.text)) return c;
          const head = this.analyzer.headOf(c.text);
          if (!head || isMeasureWord(head) || c.alternatives.some((a) => a.text === head) || c.broader?.includes(head)) return c;
          changed = true;
          return { ...c, broader: [...(c.broader ?? []), head] };
        }),
      })),
    );
    return changed ? { ...analysis, groups } : analysis;
  }

  /**
   * Narrower terms (Alternative.kind: 整车, 二手车 for 汽车), and broader ones (Constraint.broader), are kept only for a word that, with its equivalents, finds
   * less than a page of reforms (FILL_TO): they fill in for a word the corpus rarely prints (药品, 汽车出口), and never
   * dilute one it prints often (融资 beside 贷款), nor cost its query a look-up per kind. Broader terms also go where
   * combine never fills with them (broaderUsable: one word alone, more than MAX_PARTS_WORDS, an OR group's words).
   * Highlights and matching read the same pruned analysis.
   */
  withKindsWhereFew(analysis: QueryAnalysis): QueryAnalysis {
    const widened = (c: Constraint) => c.broader !== undefined || c.alternatives.some((a) => a.kind);
    if (!analysis.groups.some((g) => g.some((cl) => cl.constraints.some(widened)))) return analysis;
    const usable = this.broaderUsable(analysis);
    const prune = (c: Constraint, ownUnit: boolean): Constraint => {
      // Broader terms the engine never fills with (combine) go first, so highlights mark only what matched.
      // A word read by blocks (indexer/doc-skips.ts) is printed on far more than a page of reforms, so its broader terms
      // would go below anyway: dropped before the page check, which would decode its whole list (a long sentence at
      // scale holds several such words).
      if (c.broader && (!(usable && ownUnit) || this.matcher.blockTerm(c.text))) {
        const { broader: _, ...rest } = c;
        c = rest;
      }
      if (!widened(c)) return c;
      const own = withoutKinds(c);
      if (!this.fillsPage(this.constraintDocs(own).docs)) return c;
      // Its broader terms go too (Constraint.broader): a word printed often has its own records to fill with. Its kinds
      // stay aside for the top window's bonus (Constraint.asideKinds).
      const { broader: _, ...narrow } = own;
      const kinds = c.alternatives.filter((a) => a.kind).map((a) => a.text);
      return kinds.length && this.options.bonus.kinds > 0 ? { ...narrow, asideKinds: kinds } : narrow;
    };
    // A constraint is a word of its own (a unit) in a plain clause, or as an OR group's only constraint.
    const groups = analysis.groups.map((g) => {
      const ownUnit = g.length === 1 || g.reduce((n, cl) => n + cl.constraints.length, 0) === 1;
      return g.map((cl): AnalysedClause => ({ ...cl, constraints: cl.constraints.map((c) => prune(c, ownUnit)) }));
    });
    return { ...analysis, groups };
  }

  /**
   * Whether combine can fill with broader terms for this analysis: a query of two to broaderWords words (an OR
   * group one, a question's asked figure one more), never one word alone, with or without its asked figure.
   */
  private broaderUsable(analysis: QueryAnalysis): boolean {
    if (!this.options.broaderWeight) return false;
    const words = analysis.groups.reduce((n, g) => n + (g.length === 1 ? g[0].constraints.length : 1), 0);
    const asked = analysis.ask && this.options.outcomeMetric && words > 0 ? 1 : 0;
    const sentence = analysis.groups.some((g) => g.some((c) => c.natural));
    return words >= 2 && words + asked <= this.broaderWords(sentence);
  }

  /**
   * The most words a query may have for its broader terms to count: MAX_PARTS_WORDS for a list of keywords; for a
   * sentence (a description in the user's own words) EngineOptions.broaderSentenceWords, as its words are fewer per
   * idea (用专利和商标的未来收益…融资 names 专利 and 商标 where the record says 知识产权), at most 30 (one mask bit each;
   * bits 30 and 31 are CREDIT_BIT and PARTS_BIT).
   */
  broaderWords(sentence: boolean): number {
    return sentence ? Math.min(30, Math.max(MAX_PARTS_WORDS, this.options.broaderSentenceWords)) : MAX_PARTS_WORDS;
  }
}
