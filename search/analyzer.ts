/**
 * Query analysis: from what the user typed to constraints the engine can check. Runs on data carried in the
 * snapshot only (character table, vocabulary, synonyms, stop words), never on jieba.
 *
 * A constraint is a normalised string that must occur in a record (as a substring, with number/Latin word
 * boundaries), with alternatives from the synonym file. Words typed together are segmented against the corpus
 * vocabulary; stop words and question words are dropped; a lone single character never becomes a constraint of
 * its own when the clause has real words, so nothing matches through one shared character.
 */
import { FormIndex, type MinedForms } from '../analysis/forms.js';
import { Normalizer } from '../analysis/normalize.js';
import { parseQuery, type Clause, type QueryField } from '../analysis/query.js';
import { buildVocabulary, segment, type Piece, type Vocabulary } from '../analysis/segment.js';
import { keyOf } from '../analysis/terms.js';
import { OWN_FIELDS, SEARCH_FIELDS, type SearchField } from './fields.js';

/** Weight of a synonym relative to the term the user typed. */
export const SYNONYM_WEIGHT = 0.7;
/** Weight of a long or short form mined from the corpus (综保区 for 综合保税区): like a synonym. */
export const FORM_WEIGHT = 0.7;

export interface Alternative {
  text: string;
  weight: number;
  /**
   * A compound word found with a few characters inserted between its two parts (不动产登记 in 不动产抵押注销再登记,
   * 工程建设项目 in 工程建设类项目): the parts, in order.
   */
  near?: [string, string];
}

/** Weight of a compound found split (不动产…登记) relative to the word itself. */
export const NEAR_WEIGHT = 0.5;
/** At most this many characters may separate the two parts of a split compound. */
export const NEAR_GAP = 6;

export interface Constraint {
  /** The normalised text the user asked for. */
  text: string;
  alternatives: Alternative[];
  /** Restricted fields (title:, department:, region:); all fields when absent. */
  fields?: SearchField[];
  phrase: boolean;
}

/** One clause as typed: all its constraints must match. */
export interface AnalysedClause {
  typed: string;
  /** Normalised clause text (for phrase/proximity bonuses). */
  text: string;
  constraints: Constraint[];
  /** Pieces dropped from matching, with why: stop words and lone single characters. */
  dropped: { text: string; reason: 'stopword' | 'single-character' }[];
  /**
   * Typed as a sentence or question (question or stop words dropped, or three or more words run together): its
   * words are ranked by how many a record has, none is required on its own.
   */
  natural: boolean;
}

export interface QueryAnalysis {
  /** All groups must match; a group matches when any of its clauses does. */
  groups: AnalysedClause[][];
  /** Records matching any of these are excluded. */
  exclude: AnalysedClause[];
  /** The positive query as one normalised key (letters, digits, Han only): a title typed in full. */
  titleKey: string;
  /** Words past MAX_CONSTRAINTS were ignored (a pasted paragraph is searched by its first words); exclusions never are. */
  truncated: boolean;
}

/** At most this many words of a query are searched: bounds the work a pasted paragraph can cause. */
export const MAX_CONSTRAINTS = 32;

/** What a field prefix searches: the record's own field; department+: also the units of its copies. */
const FIELD_MAP: Record<QueryField, SearchField[]> = {
  title: ['title'],
  departments: ['departments'],
  departmentsWithCopies: ['departments', 'copyDepartments'],
  regions: ['regions'],
};

export { keyOf } from '../analysis/terms.js';

export interface AnalyzerData {
  t2s: Record<string, string>;
  vocabulary: [string, number][];
  synonyms: string[][];
  stopwords: string[];
  /** Long and short forms mined at build (absent in older snapshots). */
  forms?: MinedForms;
}

export class QueryAnalyzer {
  readonly normalizer: Normalizer;
  private readonly vocab: Vocabulary;
  private readonly synonyms = new Map<string, string[]>();
  private readonly stopwords: Set<string>;
  private readonly forms: FormIndex;

  constructor(data: AnalyzerData) {
    this.forms = new FormIndex(data.forms ?? { pairs: [], shorts: [] }, data.vocabulary);
    this.normalizer = new Normalizer(data.t2s);
    this.vocab = buildVocabulary(data.vocabulary);
    for (const group of data.synonyms) {
      for (const term of group) {
        const others = group.filter((g) => g !== term);
        this.synonyms.set(term, [...new Set([...(this.synonyms.get(term) ?? []), ...others])]);
      }
    }
    this.stopwords = new Set(data.stopwords);
  }

  analyse(query: string): QueryAnalysis {
    const parsed = parseQuery(query);
    let groups = parsed.must.map((g) => g.map((c) => this.clause(c))).map((g) => g.filter((c) => c.constraints.length > 0)).filter((g) => g.length > 0);
    if (groups.length === 0 && parsed.must.length > 0) {
      // Nothing but stop words (改革, 模式): search what was typed, literally.
      groups = parsed.must.map((g) => g.map((c) => this.literal(c))).map((g) => g.filter((c) => c.constraints.length > 0)).filter((g) => g.length > 0);
    }
    const exclude = parsed.not.map((c) => this.literal(c, true)).filter((c) => c.constraints.length > 0);
    const titleKey = keyOf(parsed.must.flat().map((c) => this.normalizer.plain(c.text)).join(''));
    let budget = MAX_CONSTRAINTS;
    let truncated = false;
    const limit = (clauses: AnalysedClause[]) =>
      clauses.map((c) => {
        const kept = c.constraints.slice(0, Math.max(0, budget));
        budget -= kept.length;
        if (kept.length < c.constraints.length) truncated = true;
        return { ...c, constraints: kept };
      }).filter((c) => c.constraints.length > 0);
    // Exclusions are never dropped: the budget is for the words searched, and -word must hold however long the
    // query (the query's length limit bounds them).
    groups = groups.map(limit).filter((g) => g.length > 0);
    return { groups, exclude, titleKey, truncated };
  }

  /** Segment a normalised text against the vocabulary (for the debug route and tests). */
  segment(text: string) {
    return segment(this.normalizer.plain(text).replace(/\s+/g, ''), this.vocab);
  }

  private alternatives(text: string, phrase: boolean): Alternative[] {
    const alts: Alternative[] = [{ text, weight: 1 }];
    if (phrase) return alts;
    for (const s of this.synonyms.get(text) ?? []) alts.push({ text: s, weight: SYNONYM_WEIGHT });
    for (const f of this.forms.formsOf(text)) if (!alts.some((a) => a.text === f)) alts.push({ text: f, weight: FORM_WEIGHT });
    const split = this.split(text);
    if (split) alts.push({ text, weight: NEAR_WEIGHT, near: split });
    return alts;
  }

  /** Pieces that together spell a long form of a corpus term (人民|防空 → 人民防空, which the corpus prints as 人防) stay one word. */
  private joinForms(pieces: Piece[]): Piece[] {
    const out: Piece[] = [];
    for (let i = 0; i < pieces.length; i++) {
      let joined: Piece | undefined;
      for (let j = Math.min(pieces.length, i + 4); j > i + 1 && !joined; j--) {
        const text = pieces.slice(i, j).map((p) => p.text).join('');
        if (this.forms.formsOf(text).length > 0) {
          joined = { ...pieces[i], text };
          i = j - 1;
        }
      }
      out.push(joined ?? pieces[i]);
    }
    return out;
  }

  /** The best cut of a Han compound of four or more characters into two known words of two or more each. */
  private split(text: string): [string, string] | undefined {
    if (text.length < 4 || !/^\p{Script=Han}+$/u.test(text)) return undefined;
    let best: [string, string] | undefined;
    let bestScore = 0;
    for (let k = 2; k <= text.length - 2; k++) {
      const a = text.slice(0, k);
      const b = text.slice(k);
      const score = Math.min(this.vocab.counts.get(a) ?? 0, this.vocab.counts.get(b) ?? 0);
      if (score > bestScore) [best, bestScore] = [[a, b], score];
    }
    return best;
  }

  /**
   * A clause searched as typed, not segmented. An exclusion is also never widened (-出口 removes records that say
   * 出口, nothing else) and looks only at what a record itself prints, not at the units of its copies.
   */
  private literal(c: Clause, exclusion = false): AnalysedClause {
    const text = this.normalizer.plain(c.text).replace(/\s+/g, '');
    let fields = c.field ? FIELD_MAP[c.field] : undefined;
    if (exclusion) fields = (fields ?? SEARCH_FIELDS).filter((f) => OWN_FIELDS.includes(f));
    const alternatives = exclusion ? [{ text, weight: 1 }] : this.alternatives(text, c.phrase);
    const constraints = text ? [{ text, alternatives, phrase: c.phrase, ...(fields ? { fields } : {}) }] : [];
    return { typed: c.text, text, constraints, dropped: [], natural: false };
  }

  private clause(c: Clause): AnalysedClause {
    const fields = c.field ? FIELD_MAP[c.field] : undefined;
    const text = this.normalizer.plain(c.text);
    const out: AnalysedClause = { typed: c.text, text, constraints: [], dropped: [], natural: false };
    const make = (t: string, phrase: boolean): Constraint => ({ text: t, alternatives: this.alternatives(t, phrase), phrase, ...(fields ? { fields } : {}) });
    if (c.phrase) {
      const t = text.trim();
      if (t) out.constraints.push(make(t, true));
      return out;
    }
    const compact = text.replace(/\s+/g, '');
    if (!compact) return out;
    if (this.synonyms.has(compact) || this.stopwords.has(compact) || this.forms.formsOf(compact).length > 0) {
      if (this.stopwords.has(compact)) out.dropped.push({ text: compact, reason: 'stopword' });
      else out.constraints.push(make(compact, false));
      return out;
    }
    const pieces = this.joinForms(segment(compact, this.vocab));
    const kept: string[] = [];
    const singles: string[] = [];
    for (const p of pieces) {
      if (this.stopwords.has(p.text)) out.dropped.push({ text: p.text, reason: 'stopword' });
      // A lone character — a Han character or a single Latin letter (票 e 真), not a digit — is never a word alone.
      else if (p.text.length === 1 && !/\d/.test(p.text)) singles.push(p.text);
      else kept.push(p.text);
    }
    if (kept.length === 0 && singles.length > 0) {
      // Only single characters: look the clause up as it was typed (minus stop words at either end), never char by char.
      let from = 0;
      let to = pieces.length;
      while (from < to && this.stopwords.has(pieces[from].text)) from++;
      while (to > from && this.stopwords.has(pieces[to - 1].text)) to--;
      const joined = pieces.slice(from, to).map((p) => p.text).join('');
      out.constraints.push(make(joined, false));
      return out;
    }
    for (const s of singles) out.dropped.push({ text: s, reason: 'single-character' });
    for (const k of [...new Set(kept)]) out.constraints.push(make(k, false));
    const droppedStop = out.dropped.some((d) => d.reason === 'stopword');
    out.natural = out.constraints.length >= 3 || (droppedStop && out.constraints.length >= 2);
    return out;
  }
}
