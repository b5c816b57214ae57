/**
 * Query analysis: from what the user typed to constraints the engine can check. Runs on data carried in the
 * snapshot only (character table, vocabulary, synonyms, stop words), never on jieba.
 *
 * A constraint is a normalised string that must occur in a record (as a substring, with number/Latin word
 * boundaries), with alternatives from the synonym file. Words typed together are segmented against the corpus
 * vocabulary; stop words and question words are dropped; a lone single character never becomes a constraint of
 * its own when the clause has real words, so nothing matches through one shared character.
 */
import { splitCompound } from '../analysis/compounds.js';
import { contentWords, subWords } from '../analysis/loose.js';
import { framedTerms, quantityAsk, questionContent, type QuantityAsk } from '../analysis/ask.js';
import type { SortedCharMap } from '../analysis/char-map.js';
import { FormIndex, type MinedForms } from '../analysis/forms.js';
import { Normalizer } from '../analysis/normalize.js';
import { parseQuery, type Clause, type QueryField } from '../analysis/query.js';
import { buildVocabulary, printedSpans, segment, type Piece, type Vocabulary } from '../analysis/segment.js';
import { sameValueForms } from '../analysis/quantities.js';
import { keyOf } from '../analysis/terms.js';
import { Lru } from '../analysis/lru.js';
import { OWN_FIELDS, SEARCH_FIELDS, type SearchField } from './fields.js';
import { DICTIONARY_WORD_FLOOR, STOP_WORD_FLOOR } from '../indexer/vocabulary-floors.js';

/** Weight of a synonym relative to the term the user typed. */
export const SYNONYM_WEIGHT = 0.7;
/**
 * Weight of a narrower term (整车 for 汽车, 保函 for 担保: dict/synonyms.txt's `>` lines): a record about a kind of the
 * thing answers the query, below one that names the thing or an equivalent.
 */
export const NARROWER_WEIGHT = 0.5;
/** Weight of a long or short form mined from the corpus (综保区 for 综合保税区): like a synonym. */
export const FORM_WEIGHT = 0.7;

// The Han-script tests as constants: esbuild (tsx, the release bundle) writes a `\p{…}` literal as `new RegExp(…)`
// where it stands, so one inside a method built a RegExp object on every call of a first-seen query's analysis.
// None has the g or y flag: `test` keeps no state between calls.
const HAN = /\p{Script=Han}/u;
const ALL_HAN = /^\p{Script=Han}+$/u;
const HAN_2_TO_4 = /^\p{Script=Han}{2,4}$/u;
const HAN_3_PLUS = /^\p{Script=Han}{3,}$/u;
const HAN_4 = /^\p{Script=Han}{4}$/u;
const HAN_4_PLUS = /^\p{Script=Han}{4,}$/u;

/** Four Han characters: the length of most coined slogans (先放后检, 一业一证, 多测合一). */
function isSlogan(text: string): boolean {
  return text.length === 4 && HAN_4.test(text);
}

export interface Alternative {
  text: string;
  weight: number;
  /**
   * A compound word found with a few characters inserted between its two parts (不动产登记 in 不动产抵押注销再登记,
   * 工程建设项目 in 工程建设类项目): the parts, in order.
   */
  near?: [string, string];
  /**
   * A thesaurus or long-form expansion several words long (工程建设项目审批制度改革 for 工改, 首次违法不予处罚 for
   * 首违不罚), matched loosely by its words: documents reword a long phrase (工程建设项目…审批), so a record holding
   * the phrase's rare words counts, at LOOSE_WEIGHT of the expansion's weight. The engine decides which words are
   * rare enough to be required.
   */
  words?: string[];
  /**
   * A narrower term (整车 for 汽车): the engine keeps it only where the word and its equivalents find less than a
   * page of reforms (QueryWidening.withKindsWhereFew), so a word the corpus prints often is never diluted by its kinds.
   */
  kind?: boolean;
}

/**
 * A corpus term that a typed phrase spells out across its words (拿到土地马上开工 → 拿地即开工, 货物到港直接提走 →
 * 船到直提: see QueryAnalyzer.spelledTerms): at least this share of the term's characters, and three or more, must
 * occur in the query in order, within the term's length plus SPELLED_SLACK characters.
 */
export const SPELLED_SHARE = 0.75;
export const SPELLED_SLACK = 3;

/**
 * The highest count the build gives a vocabulary word the corpus may never print (indexer/vocabulary-floors.ts:
 * dictionary words and stop words): a word counted above it was cut from the records themselves.
 */
const FLOOR_COUNT = Math.max(DICTIONARY_WORD_FLOOR, STOP_WORD_FLOOR);

/** Weight of an expansion matched by its words (not verbatim) relative to the expansion itself. */
export const LOOSE_WEIGHT = 0.6;

/** Weight of a compound found split (不动产…登记) relative to the word itself. */
export const NEAR_WEIGHT = 0.5;
// What a split compound is (its gap, its parts) is analysis/compounds.ts's, shared with the matcher and the indexer.
export { NEAR_GAP } from '../analysis/compounds.js';

export interface Constraint {
  /** The normalised text the user asked for. */
  text: string;
  alternatives: Alternative[];
  /** Restricted fields (title:, department:, region:); all fields when absent. */
  fields?: SearchField[];
  phrase: boolean;
  /**
   * The words a compound is made of (证照|分离, 汽车|出口), and those of its multi-word expansions (首次|违法|不予|处罚
   * for 首违不罚): when a one-word query finds less than a page, records holding some of them fill it (engine.ts).
   */
  parts?: string[];
  /**
   * Broader terms of the word (矿产品 for 铁矿: dict/synonyms.txt's `>` lines read the other way) and their
   * equivalents: in a query of several words, when less than a page has every word, a record holding another word and
   * a broader term fills in after the records with the word (进口矿产品 for 铁矿进口, 汽车出口 for 二手车怎么出口), still
   * listing the word as missing.
   */
  broader?: string[];
  /**
   * The word's narrower terms (Alternative.kind) that the engine dropped because the word alone finds a page of
   * reforms (QueryWidening.withKindsWhereFew): they match nothing then, but a record printing the word and one of its
   * kinds treats the word's topic itself (融资 with 贷款 or 债券, not only 融资租赁): the top window ranks it up
   * (EngineOptions.bonus.kinds).
   */
  asideKinds?: string[];
  /**
   * A short word no record prints, nor any of its equivalents (修船, 技贸 of 技贸措施: 2–4 Han characters): its
   * characters, found together in one sentence as the records spell the subject out (船舶修理, 技术性贸易措施). Counted
   * with the word's parts (partial-fill.ts partsFill), so such a record fills in after every record with the word and lists it
   * as missing.
   */
  scattered?: string;
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
   * Typed as a sentence or question (two words left once question words, stop words or lone characters are dropped,
   * or three or more words run together): its words are ranked by how many a record has, none is required on its own.
   */
  natural: boolean;
  /** The clause as typed, normalised (`text` with its question frame kept: whether it asks is read on this). */
  plain: string;
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
  /** The figure the query asks for (服务企业多少家: a count in 家), matched against records' outcome facts. */
  ask?: QuantityAsk;
  /** The query was filler characters alone (的, 了): nothing to search, so nothing is found (not every record). */
  filler: boolean;
}

/** Equivalents whose pieces (QueryAnalyzer.piecesOf) are kept cut: more than the thesaurus has terms. */
const EQUIVALENT_PIECES_CACHE = 1 << 13;

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
  t2s: SortedCharMap;
  vocabulary: [string, number][];
  synonyms: string[][];
  stopwords: string[];
  /** Long and short forms mined at build (absent in older snapshots). */
  forms?: MinedForms;
  /** Broader terms with their narrower terms (absent in older snapshots). */
  narrower?: [string, string[]][];
}

export class QueryAnalyzer {
  readonly normalizer: Normalizer;
  private readonly vocab: Vocabulary;
  private readonly synonyms = new Map<string, string[]>();
  private readonly narrower: Map<string, string[]>;
  /** The same `>` lines read the other way: each narrower term's broader terms. */
  private readonly broaderTerms = new Map<string, string[]>();
  /** Thesaurus terms that print a question's framing word (拿地即可开工): a question's frame is not cut out of them. */
  private readonly framed: string[];
  private readonly stopwords: Set<string>;
  private readonly forms: FormIndex;

  /**
   * @param cooccurrence In how many records two strings occur (each, both, of all): lets a typed long form the corpus
   *   never prints reach a corpus short form only where the corpus uses that short form with the long form's words.
   * @param prints Whether any record prints a string (joinPrinted asks it per lone character; alternatives asks it of a
   *   compound found split, which counts at full weight where it is never printed whole); without it, lone
   *   characters are dropped as before and a split compound keeps NEAR_WEIGHT.
   */
  constructor(
    data: AnalyzerData,
    private readonly cooccurrence?: (a: string, b: string) => { a: number; b: number; both: number; records: number },
    private readonly prints?: (text: string) => boolean,
  ) {
    this.normalizer = new Normalizer(data.t2s);
    // Dictionary words, the terms of the thesaurus's `>` lines among them (改制), are in the vocabulary at a floor count
    // (indexer/vocabulary-floors.ts DICTIONARY_WORD_FLOOR), so query and index cut them alike.
    this.vocab = buildVocabulary(data.vocabulary);
    // The forms test words against the same map (its keys are the table's words: a served vocabulary has no empty word,
    // snapshot/validate.ts): one map of the vocabulary built at start-up, not two.
    this.forms = new FormIndex(data.forms ?? { pairs: [], shorts: [] }, this.vocab.counts);
    for (const group of data.synonyms) {
      for (const term of group) {
        const others = group.filter((g) => g !== term);
        this.synonyms.set(term, [...new Set([...(this.synonyms.get(term) ?? []), ...others])]);
      }
    }
    this.stopwords = new Set(data.stopwords);
    this.narrower = new Map(data.narrower ?? []);
    for (const [b, ns] of this.narrower) for (const n of ns) this.broaderTerms.set(n, [...(this.broaderTerms.get(n) ?? []), b]);
    this.framed = framedTerms(new Set([...this.synonyms.keys(), ...[...this.narrower].flatMap(([b, ns]) => [b, ...ns])]));
  }

  // Loops over the clauses, not chains of map/filter/flat: this runs once per first-seen query, and TurboFan's inlined
  // chains built arrays whose maps the next call's feedback had not seen, so `analyse` deoptimised ("wrong map") right
  // after its first optimisation in every kind of bench/latency.ts, settled or not (docs/design.md "What the JIT does").
  analyse(query: string): QueryAnalysis {
    const parsed = parseQuery(query, this.normalizer);
    // Each clause normalised once: the figure asked, each clause's content and the title key all read it.
    const plain = new Map<Clause, string>();
    // A field clause (title:, department:) names what a field says, never a question.
    let freeText = '';
    let anyFree = false;
    let titleText = '';
    for (let i = 0; i < parsed.must.length; i++) {
      const g = parsed.must[i];
      for (let j = 0; j < g.length; j++) {
        const c = g[j];
        const p = this.normalizer.plain(c.text);
        plain.set(c, p);
        titleText += p;
        if (!c.phrase && !c.field) {
          freeText = anyFree ? `${freeText} ${p}` : p;
          anyFree = true;
        }
      }
    }
    const ask = quantityAsk(freeText);
    // A question's frame (我想了解, 需要 of 需要多长时间) is the question's, not words to find (analysis/ask.ts); a clause
    // that is all frame is dropped. The clause keeps its text as typed (AnalysedClause.typed).
    let groups = this.clauseGroups(parsed.must, plain, ask, false);
    // Nothing but stop words (改革, 模式) or a question's frame: search what was typed, literally.
    // Only filler characters (的, 了, 之, 的 了), none in quotes or a field: no word to search, so nothing is found. A lone
    // 的 searched literally marked it in 219 records, junk the bar rules out; a stop word of two characters or more
    // (模式, 如何) alone is still searched literally.
    const filler = groups.length === 0 && parsed.must.length > 0 && this.onlyFiller(parsed.must, plain);
    if (groups.length === 0 && parsed.must.length > 0 && !filler) groups = this.clauseGroups(parsed.must, plain, ask, true);
    const exclude: AnalysedClause[] = [];
    for (let i = 0; i < parsed.not.length; i++) {
      const c = this.literal(parsed.not[i], this.normalizer.plain(parsed.not[i].text), true);
      if (c.constraints.length > 0) exclude.push(c);
    }
    const titleKey = keyOf(titleText);
    // Exclusions are never dropped: the budget is for the words searched, and -word must hold however long the
    // query (the query's length limit bounds them).
    let budget = MAX_CONSTRAINTS;
    let truncated = false;
    const limited: AnalysedClause[][] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      const out: AnalysedClause[] = [];
      for (let j = 0; j < g.length; j++) {
        const c = g[j];
        const kept = c.constraints.slice(0, Math.max(0, budget));
        budget -= kept.length;
        if (kept.length < c.constraints.length) truncated = true;
        if (kept.length > 0) out.push({ ...c, constraints: kept });
      }
      if (out.length > 0) limited.push(out);
    }
    // `ask` always present (undefined when none): every analysis has one shape, so the engine's and the service's
    // reads of `groups` see one map, not two (each a deoptimisation once optimised code met the other).
    return { groups: limited, exclude, titleKey, truncated, ask, filler };
  }

  /** Every clause typed free (no quotes, no field) and made of one-character stop words alone (的, 了之). */
  private onlyFiller(must: readonly Clause[][], plain: Map<Clause, string>): boolean {
    for (const g of must) {
      for (const c of g) {
        if (c.phrase || c.field) return false;
        for (const ch of (plain.get(c) ?? c.text).replace(/\s+/g, '')) if (!this.stopwords.has(ch)) return false;
      }
    }
    return true;
  }

  /** The typed groups' clauses analysed (`literal`: as typed, no question frame taken off), empty ones and groups left out. */
  private clauseGroups(must: readonly Clause[][], plain: Map<Clause, string>, ask: QuantityAsk | undefined, literal: boolean): AnalysedClause[][] {
    const groups: AnalysedClause[][] = [];
    for (let i = 0; i < must.length; i++) {
      const g = must[i];
      const clauses: AnalysedClause[] = [];
      for (let j = 0; j < g.length; j++) {
        const c = g[j];
        const p = plain.get(c)!;
        const free = !c.phrase && !c.field;
        // A clause typed apart that asks for a figure (退税 多少天, 退税 要多久) is read as the question, as when glued.
        const a = literal ? this.literal(c, p) : this.clause(c, free ? questionContent(p, ask, this.framed) : p, p, free && quantityAsk(p) !== undefined);
        if (a.constraints.length > 0) clauses.push(a);
      }
      if (clauses.length > 0) groups.push(clauses);
    }
    return groups;
  }

  /**
   * Segment a normalised text against the vocabulary as the indexer does (no stems: SegmentOptions), for the debug
   * route and tests; a query's own cut (`query` of /api/analyze) splits stems off unknown runs.
   */
  segment(text: string) {
    return segment(this.normalizer.plain(text).replace(/\s+/g, ''), this.vocab);
  }

  private alternatives(text: string, phrase: boolean): Alternative[] {
    const alts: Alternative[] = [{ text, weight: 1 }];
    if (phrase) return alts;
    for (const s of this.synonyms.get(text) ?? []) alts.push({ text: s, weight: SYNONYM_WEIGHT });
    for (const f of this.formsOf(text)) if (!alts.some((a) => a.text === f)) alts.push({ text: f, weight: FORM_WEIGHT });
    for (const a of alts.slice(1)) {
      const words = this.contentWords(a.text);
      if (words.length >= 2) alts.push({ text: a.text, weight: a.weight * LOOSE_WEIGHT, words });
    }
    // A figure printed another way is the same figure (1万家 = 10000家, 5000万元 = 0.5亿元): an equal, not a synonym.
    for (const f of sameValueForms(text)) if (!alts.some((a) => a.text === f)) alts.push({ text: f, weight: 1 });
    // A kind's own equivalents are kinds too (综合保税区 = 综保区).
    const kinds = this.narrowerOf(text).flatMap((n) => [n, ...(this.synonyms.get(n) ?? [])]);
    for (const n of kinds) if (!alts.some((a) => a.text === n)) alts.push({ text: n, weight: NARROWER_WEIGHT, kind: true });
    const split = this.split(text);
    // A compound no record prints whole (仓单质押: 仓单的动产质押) has no printing but the split one: that is the word.
    if (split) alts.push({ text, weight: this.prints && !this.prints(text) ? 1 : NEAR_WEIGHT, near: split });
    return alts;
  }

  /**
   * Long and short forms of a word. Pairs mined from the corpus hold as mined. A typed long form the corpus never
   * prints (人民防空) reaches a corpus short form (人防) by the contraction rule alone, which is right only about half
   * the time on arbitrary words (保险理赔 → 保理, a factoring business, docs/forms.md); so the short form must also
   * share a context with the long form in the corpus: some record holding it holds one of the long form's words,
   * at least twice as often as records in general do (人防 with 防空; 保理 never with 保险 or 理赔).
   */
  private formsOf(word: string): string[] {
    const forms = this.forms.formsOf(word);
    if (!forms.length || !this.cooccurrence || this.forms.mined(word)) return forms;
    const words = this.subWords(word).filter((w) => w.length >= 2);
    return forms.filter((f) =>
      words.some((w) => {
        const c = this.cooccurrence!(f, w);
        return c.both > 0 && c.both / c.a >= (2 * c.b) / c.records;
      }),
    );
  }

  /**
   * Narrower terms of a word (汽车 → 整车, 二手车), and of a compound whose first or last word has them, with that
   * word replaced (汽车出口 → 整车出口, 二手车出口): the compound's head or modifier narrowed, the rest as typed.
   */
  private narrowerOf(text: string): string[] {
    if (this.narrower.size === 0) return [];
    // Equivalent terms have the same kinds (特殊监管区域 = 海关特殊监管区域 > 综合保税区 …).
    const own = [text, ...(this.synonyms.get(text) ?? [])].flatMap((t) => this.narrower.get(t) ?? []);
    if (own.length) return [...new Set(own)];
    // A thesaurus term names one thing (中韩自由贸易协定 is one agreement): its last word's kinds are its siblings, not
    // its kinds (中韩RCEP is no agreement at all). A kind of its first word still makes a kind of it (知识产权质押融资 →
    // 专利质押融资, 船舶检验 → 游艇检验), so a thesaurus term is narrowed there only; a free compound at either end.
    const named = this.synonyms.has(text);
    if (!HAN_4_PLUS.test(text)) return [];
    const words = this.subWords(text);
    if (words.length < 2) return [];
    const out: string[] = [];
    const first = this.narrower.get(words[0]);
    const rest = words.slice(1).join('');
    if (first) for (const n of first) out.push(n + rest);
    const last = named ? undefined : this.narrower.get(words[words.length - 1]);
    const head = words.slice(0, -1).join('');
    if (last) for (const n of last) out.push(head + n);
    return out;
  }

  /**
   * Broader terms of a word and of its equivalents (铁矿 = 铁矿石 → 矿产品, 大宗商品), with their own equivalents: what
   * Constraint.broader fills with. A term the word's own alternatives already search is left out.
   */
  private broaderOf(text: string): string[] {
    if (this.broaderTerms.size === 0) return [];
    const own = [text, ...(this.synonyms.get(text) ?? [])];
    const out = new Set<string>();
    for (const t of own) for (const b of this.broaderTerms.get(t) ?? []) for (const x of [b, ...(this.synonyms.get(b) ?? [])]) if (!own.includes(x)) out.add(x);
    return [...out];
  }

  /** The content words of a compound of three or more characters and of its multi-word expansions (see Constraint.parts). */
  private partsOf(text: string, alternatives: Alternative[]): string[] {
    let sub = HAN_3_PLUS.test(text) ? this.subWords(text) : [];
    // The middle piece of a slogan cut (申即 of 免申即批, 证后 of 先证后照) lies across two of its words: no part of it.
    if (this.isSloganCut(text, sub)) sub = [];
    // Gathered into one set in order (the word's own pieces, the loose expansions' words, the equivalents' pieces, the
    // slogan's neighbours): loops, not filter/flatMap chains and spreads, on every word of a first-seen query.
    const out = new Set<string>();
    for (const w of sub) if (w.length >= 2 && !this.stopwords.has(w) && this.vocab.counts.has(w)) out.add(w);
    for (const a of alternatives) if (a.words) for (const w of a.words) out.add(w);
    // Every equivalent written in three or more Han characters (a thesaurus term, a corpus form, a percentage spelled
    // out) lends its pieces to the word's parts: 先放行后检测 for 先放后检, which jieba keeps whole (the thesaurus hands
    // it its terms), and as well one also matched by its words (跨境电子商务 for 跨境电商). Not one that holds the word
    // (铁矿石 for 铁矿): its pieces beside the word are only its head (矿石), broader than the word, and a one-word query
    // is never widened upwards.
    for (const a of alternatives) if (!a.words && !a.kind && !a.text.includes(text) && HAN_3_PLUS.test(a.text)) for (const w of this.piecesOf(a.text)) out.add(w);
    for (const w of this.sameFrame(text)) out.add(w);
    return [...out];
  }

  /**
   * An equivalent's pieces lent to a word's parts (partsOf): its most probable cut into vocabulary words of two or
   * more characters, stop words left out. Cut once per term, not on every query that reaches it (bounded: the
   * thesaurus's terms and the forms queries reach, a few thousand strings).
   */
  private readonly pieces = new Lru<string, string[]>(EQUIVALENT_PIECES_CACHE);

  private piecesOf(term: string): string[] {
    let out = this.pieces.get(term);
    if (!out) {
      out = this.subWords(term).filter((w) => w.length >= 2 && w !== term && !this.stopwords.has(w) && this.vocab.counts.has(w));
      this.pieces.set(term, out);
    }
    return out;
  }

  /**
   * Whether a four-character slogan was cut lone|word|lone (先|证后|照): coined one character per word, so its middle
   * "word" straddles two of them. Not when a lone end is a stop word (的, 吗): then the middle is a word typed.
   */
  private isSloganCut(text: string, pieces: string[]): boolean {
    return isSlogan(text) && pieces.length === 3 && pieces[1].length === 2 && [pieces[0], pieces[2]].every((p) => p.length === 1 && !this.stopwords.has(p));
  }

  /** Corpus terms of four Han characters printed twice or more, by their first and third character (sameFrame). */
  private termsByFrame?: Map<string, string[]>;

  /**
   * The corpus's slogans coined on the same frame as a typed four-character slogan the corpus never prints: same
   * first and third characters and one of the other two (先放后征 → 先放后税, 先放后检; 一企一证 → 一业一证; 免申即批 →
   * 免申即享, 免申即办). Officials coin slogans one character per word on a few frames (先…后…, 一…一…, 多…合一,
   * 即…即…), so a slogan no record prints is nearest to those that keep its frame and one of its words. They only
   * fill the page as parts (the hits say they lack the slogan); docs/forms.md measures how often such neighbours
   * mean the same thing.
   */
  private sameFrame(text: string): string[] {
    if (!isSlogan(text) || this.vocab.counts.has(text) || this.prints?.(text) !== false) return [];
    this.termsByFrame ??= (() => {
      const index = new Map<string, string[]>();
      for (const [w, c] of this.vocab.counts) {
        if (c < 2 || !isSlogan(w) || this.stopwords.has(w)) continue;
        const key = w[0] + w[2];
        const list = index.get(key);
        if (list) list.push(w);
        else index.set(key, [w]);
      }
      return index;
    })();
    return (this.termsByFrame.get(text[0] + text[2]) ?? []).filter((w) => w !== text && (w[1] === text[1] || w[3] === text[3]));
  }

  /** The content words of a phrase (analysis/loose.ts, shared with the indexer's stored expansions). */
  private contentWords(text: string): string[] {
    return contentWords(text, this.vocab, this.stopwords);
  }

  /**
   * The head noun of a compound typed in an outcome query (申报材料 → 材料): the compound cut into exactly two printed
   * words of two or more Han characters, its last. Reforms state what they cut by the head (提供材料率压减 85%,
   * 材料精简 45%) whatever the modifier says of it (申报, 提供, 提交 are one act to the applicant), so the head is a
   * broader term of the compound there (QueryWidening.withOutcomeHeads). Undefined for anything else.
   */
  headOf(text: string): string | undefined {
    if (!HAN_4_PLUS.test(text) || this.synonyms.has(text)) return undefined;
    const words = this.subWords(text);
    if (words.length !== 2 || words.some((w) => w.length < 2 || this.stopwords.has(w) || !this.vocab.counts.has(w))) return undefined;
    return words[1];
  }

  /** The most probable cut of a Han word into shorter vocabulary words (analysis/loose.ts). */
  subWords(text: string): string[] {
    return subWords(text, this.vocab);
  }

  /**
   * Adjacent lone characters in a short keyword (one other word at most, no stop word) spell a word the vocabulary
   * lacks (多规 in 多规合一): they stay one piece, so 多规合一 does not search 合一 alone; a word no record has then
   * decides nothing, but the hits say they lack it. In a sentence lone characters are dropped as before (tried on
   * the development half: joining 到港 in 货物到港直接提走不进堆场 ranked worse). A lone character between words is never
   * a word of its own.
   */
  private joinRuns(pieces: Piece[], asks = false): Piece[] {
    const runs: Piece[][] = [];
    for (const p of pieces) {
      const last = runs[runs.length - 1];
      if (last && this.lone(p) && this.lone(last[last.length - 1])) last.push(p);
      else runs.push([p]);
    }
    // Nothing but lone characters: the clause is looked up as typed (clause()).
    if (runs.length === 1) return pieces;
    const words = runs.filter((r) => r.length === 1 && !this.lone(r[0]) && !this.stopwords.has(r[0].text)).length;
    // Not in a clause asking for a figure: its lone characters are the question's (多|久 of 最快多久, cut so by the
    // vocabulary), never a word the vocabulary lacks; glued after a topic (企业开办最快多久) they drop as a sentence's do.
    const short = !asks && words + runs.filter((r) => r.length > 1).length <= 2 && !pieces.some((p) => this.stopwords.has(p.text));
    const joined = runs.flatMap((r) => {
      if (r.length === 1) return r;
      const text = r.map((p) => p.text).join('');
      return short ? [{ text, kind: 'unknown' as const }] : r;
    });
    return short ? this.joinPrinted(joined) : joined;
  }

  // Methods, not closures made per call (lone, printedWord, constraintOf): tsx compiles with esbuild's keepNames, which
  // names every closure it makes with an Object.defineProperty (about 0.3 µs each, and the function's map changes),
  // and npm start and bench/latency.ts run under tsx.

  /**
   * A run of characters the vocabulary never cut alone, glued by the segmenter, that no record prints (过|境石|油 of
   * 过境石油, where a corpus prints 过境 and 石油 only inside words jieba kept whole, so neither is a vocabulary word) is cut
   * anew with the lone characters around it into the strings the records print (printedSpans: 过境|石油), so the query
   * searches words that hold in some record instead of one that holds in none. Characters no printed string takes stay
   * lone (dropped from a sentence as before); a run none of whose characters is taken stays whole (技贸 of 技贸措施, a
   * short form the scattered-characters rule reads). Only where such a run is: a query the vocabulary cuts into known
   * words asks the index nothing here.
   */
  private recutUnknown(pieces: Piece[]): Piece[] {
    const prints = this.prints;
    if (!prints) return pieces;
    let any = false;
    for (let i = 0; i < pieces.length && !any; i++) any = pieces[i].kind === 'unknown' && pieces[i].text.length >= 2;
    if (!any) return pieces;
    // Each string asked once per query (the stretch's bigrams overlap its longer strings).
    const asked = new Map<string, boolean>();
    const printed = (t: string) => {
      let v = asked.get(t);
      if (v === undefined) asked.set(t, (v = !this.stopwords.has(t) && this.printedWord(t, prints)));
      return v;
    };
    // A piece the vocabulary could not cut into a word: a lone character, or an unknown run no record prints.
    const weak = new Uint8Array(pieces.length);
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      weak[i] = this.lone(p) || (p.kind === 'unknown' && p.text.length >= 2 && ALL_HAN.test(p.text) && !printed(p.text)) ? 1 : 0;
    }
    const out: Piece[] = [];
    for (let i = 0; i < pieces.length; ) {
      if (!weak[i]) {
        out.push(pieces[i++]);
        continue;
      }
      let j = i;
      let cue = false;
      while (j < pieces.length && weak[j]) cue = pieces[j++].text.length >= 2 || cue;
      const stretch = pieces.slice(i, j);
      i = j;
      if (!cue) {
        out.push(...stretch);
        continue;
      }
      // Which piece of the stretch each character is, and whether a printed word takes it.
      let text = '';
      const owner: number[] = [];
      for (let k = 0; k < stretch.length; k++) {
        text += stretch[k].text;
        for (let c = 0; c < stretch[k].text.length; c++) owner.push(k);
      }
      const spans = printedSpans(text, printed);
      // Only a cut that takes a character of an unprinted run changes anything (lone characters alone stay as cut).
      const taken = new Uint8Array(stretch.length);
      let changes = false;
      for (const [a, b] of spans) for (let c = a; c < b; c++) {
        taken[owner[c]] = 1;
        if (stretch[owner[c]].text.length >= 2) changes = true;
      }
      if (!changes) {
        out.push(...stretch);
        continue;
      }
      let s = 0;
      for (let c = 0; c < text.length; ) {
        if (s < spans.length && spans[s][0] === c) {
          out.push({ text: text.slice(c, spans[s][1]), kind: 'word' });
          c = spans[s++][1];
        } else if (!taken[owner[c]]) {
          const k = owner[c];
          out.push(stretch[k]);
          while (c < text.length && owner[c] === k) c++;
        } else {
          out.push({ text: text[c], kind: 'unknown' });
          c++;
        }
      }
    }
    return out;
  }

  /** A lone Han character that is no stop word (joinRuns, joinPrinted). */
  private lone(p: Piece): boolean {
    return p.text.length === 1 && HAN.test(p.text) && !this.stopwords.has(p.text);
  }

  /** A word of two or more Han characters, no lone character or stop word, beside which joinPrinted joins one. */
  private joinableWord(p: Piece | undefined): boolean {
    return p !== undefined && !this.lone(p) && p.text.length >= 2 && ALL_HAN.test(p.text) && !this.stopwords.has(p.text);
  }

  /**
   * In a short keyword, a lone character typed against a word stays with it when the corpus prints the two together
   * (海外|仓 → 海外仓, a term the vocabulary lacks): dropping it would search another, broader thing (海外) than was
   * typed. Not printed, the character is dropped as before. Sentences are left alone (the tail-of-the-word reading was
   * tried there and dropped: design.md, Lone characters).
   */
  private joinPrinted(pieces: Piece[]): Piece[] {
    const printed = this.prints;
    if (!printed || !pieces.some((p) => this.lone(p))) return pieces;
    const out: Piece[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      if (!this.lone(p)) {
        out.push(p);
        continue;
      }
      const before = out[out.length - 1];
      if (this.joinableWord(before) && printed(before.text + p.text)) out[out.length - 1] = { text: before.text + p.text, kind: 'unknown' };
      else if (this.joinableWord(pieces[i + 1]) && printed(p.text + pieces[i + 1].text)) out.push({ text: p.text + pieces[++i].text, kind: 'unknown' });
      else out.push(p);
    }
    return out;
  }

  /** Pieces that together spell a long form of a corpus term (人民|防空 → 人民防空, which the corpus prints as 人防) stay one word. */
  private joinForms(pieces: Piece[]): Piece[] {
    const out: Piece[] = [];
    for (let i = 0; i < pieces.length; i++) {
      let joined: Piece | undefined;
      for (let j = Math.min(pieces.length, i + 4); j > i + 1 && !joined; j--) {
        // Concatenated, not slice + map + join: that chain's arrays deoptimised joinForms (wrong map) once optimised.
        let text = '';
        for (let k = i; k < j; k++) text += pieces[k].text;
        if (this.formsOf(text).length > 0) {
          joined = { ...pieces[i], text };
          i = j - 1;
        }
      }
      out.push(joined ?? pieces[i]);
    }
    return out;
  }

  /** Corpus terms of 3–8 Han characters by each character they hold (built on first use: spelledTerms). */
  private termsByChar?: Map<string, string[]>;

  /**
   * Corpus terms a query spells out across its words: officials coin a reform's name by keeping a character or two
   * of each word of a plain phrase (拿到土地马上开工 → 拿地即开工, 货物到港直接提走 → 船到直提), so a user describing the
   * reform in plain words types most of the name's characters, in order, spread over the phrase. A term counts when
   * SPELLED_SHARE of its characters (three or more) occur in order within its length plus SPELLED_SLACK characters,
   * drawn from three or more of the query's pieces, one of them a lone character (到, 拿: a piece no word search
   * would use). The term itself must not be in the query or a stop word, and the vocabulary must count it twice or
   * more. `from` names the pieces it drew on, and `drew` the characters it drew from each. Measured on the seeds
   * (docs/forms.md): corpus sentences used as queries trigger it rarely.
   */
  spelledTerms(pieces: string[]): { term: string; from: Set<string>; drew: Map<string, string> }[] {
    const text = pieces.join('');
    if (text.length < 5) return [];
    const owner: number[] = [];
    pieces.forEach((p, i) => {
      for (let k = 0; k < p.length; k++) owner.push(i);
    });
    this.termsByChar ??= (() => {
      const index = new Map<string, string[]>();
      for (const [w, c] of this.vocab.counts) {
        if (c < 2 || w.length < 3 || w.length > 8 || !ALL_HAN.test(w) || this.stopwords.has(w)) continue;
        for (const ch of new Set(w)) {
          const list = index.get(ch);
          if (list) list.push(w);
          else index.set(ch, [w]);
        }
      }
      return index;
    })();
    // Terms holding three or more distinct characters of the query are the only candidates.
    const shared = new Map<string, number>();
    for (const ch of new Set(text)) for (const w of this.termsByChar.get(ch) ?? []) shared.set(w, (shared.get(w) ?? 0) + 1);
    const out: { term: string; from: Set<string>; drew: Map<string, string> }[] = [];
    for (const [w, n] of shared) {
      if (n < 3 || text.includes(w)) continue;
      const need = Math.max(3, Math.ceil(SPELLED_SHARE * w.length));
      // The term's characters matched in order, from each starting character of the term (it may drop its first).
      for (let start = 0; start + need <= w.length; start++) {
        const used = new Set<number>();
        const drew = new Map<string, string>();
        let matched = 0;
        let at = 0;
        let first = -1;
        let last = -1;
        for (let i = start; i < w.length; i++) {
          const k = text.indexOf(w[i], at);
          if (k < 0) continue;
          if (first < 0) first = k;
          last = k;
          at = k + 1;
          matched++;
          used.add(owner[k]);
          drew.set(pieces[owner[k]], (drew.get(pieces[owner[k]]) ?? '') + w[i]);
        }
        if (matched < need || last - first + 1 > w.length + SPELLED_SLACK || used.size < 3) continue;
        if (![...used].some((i) => pieces[i].length === 1)) continue;
        out.push({ term: w, from: new Set([...used].map((i) => pieces[i])), drew });
        break;
      }
    }
    return out;
  }

  /**
   * In a sentence, a word of the vocabulary that no record prints, nor any of its equivalents, is searched by the
   * printed words it is cut into (仓单质押 → 仓单, 质押 in 用仓单质押贷款; 初创公司 → 公司): the vocabulary holds it from a
   * dictionary entry at a floor count, so the cut glued characters that a user describing an idea in plain words
   * means as the common words a general segmenter would cut. Kept whole it would decide nothing. A word some record
   * prints stays whole (one printed by a single record was tried as well: 连锁店 → 连锁 and 人防工程 → 人防|工程 lost the
   * one record they meant, docs/design.md). A keyword list keeps its words as typed: there a compound no record
   * prints fills by its parts (Constraint.parts).
   */
  private printedCut(words: string[]): string[] {
    const prints = this.prints;
    if (!prints) return words;
    // A word counted above every floor was cut from the corpus by jieba, so it is printed: no index look-up (a common
    // word's would decode its every position at scale). The rest are rare, and cheap to look up. The same holds for
    // the word, its equivalents, its forms and its pieces alike (初创公司's piece 公司 is common).
    const out: string[] = [];
    for (const w of words) {
      const unprinted =
        HAN_3_PLUS.test(w) && !this.printedWord(w, prints) && !(this.synonyms.get(w) ?? []).some((s) => this.printedWord(s, prints)) && !this.formsOf(w).some((f) => this.printedWord(f, prints));
      const pieces = unprinted ? this.subWords(w).filter((p) => p.length >= 2 && !this.stopwords.has(p) && this.printedWord(p, prints)) : [];
      out.push(...(pieces.length ? pieces : [w]));
    }
    return [...new Set(out)];
  }

  /**
   * Whether a typed word is a short form the records never print (Constraint.scattered): 2–4 Han characters, each
   * once (a repeated one is a coined frame, 一企一证, 多规合一: the frame's corpus slogans fill it, and its characters
   * apart are no form of it), not a stop word, counted within the build's floors (a word counted above them was cut
   * by jieba from the records, so it is printed: no index look-up), and neither it nor any equivalent printed.
   */
  private unprintedShort(text: string, alternatives: Alternative[]): boolean {
    const prints = this.prints;
    if (!prints || !HAN_2_TO_4.test(text) || new Set(text).size !== text.length || this.stopwords.has(text)) return false;
    return !this.printedWord(text, prints) && !alternatives.some((a) => a.text !== text && this.printedWord(a.text, prints));
  }

  /**
   * Whether some record prints a word: counted above every floor, jieba cut it from the records, so it is printed (no
   * index look-up: a common word's would decode its every position at scale); below, the index is asked (`prints`).
   */
  private printedWord(w: string, prints: (text: string) => boolean): boolean {
    return (this.vocab.counts.get(w) ?? 0) > FLOOR_COUNT || prints(w);
  }

  /** The best cut of a Han compound of four or more characters into two known words of two or more each. */
  private split(text: string): [string, string] | undefined {
    return splitCompound(text, this.vocab.counts);
  }

  /**
   * A clause searched as typed, not segmented. An exclusion is also never widened (-出口 removes records that say
   * 出口, nothing else) and looks only at what a record itself prints, not at the units of its copies.
   */
  private literal(c: Clause, plain: string, exclusion = false): AnalysedClause {
    const text = plain.replace(/\s+/g, '');
    let fields = c.field ? FIELD_MAP[c.field] : undefined;
    if (exclusion) fields = (fields ?? SEARCH_FIELDS).filter((f) => OWN_FIELDS.includes(f));
    const alternatives = exclusion ? [{ text, weight: 1 }] : this.alternatives(text, c.phrase);
    const constraints = text ? [{ text, alternatives, phrase: c.phrase, ...(fields ? { fields } : {}) }] : [];
    return { typed: c.text, text, constraints, dropped: [], natural: false, plain };
  }

  /** One word of a clause (`fields` its field prefix's) as a constraint: its alternatives, parts, broader terms. */
  private constraintOf(t: string, phrase: boolean, fields: SearchField[] | undefined): Constraint {
    const alternatives = this.alternatives(t, phrase);
    // A field prefix narrows: title:确认制 means records whose title says 确认制, never its parts.
    const parts = phrase || fields ? [] : this.partsOf(t, alternatives);
    const broader = phrase || fields ? [] : this.broaderOf(t);
    const scattered = !phrase && !fields && this.unprintedShort(t, alternatives);
    return { text: t, alternatives, phrase, ...(fields ? { fields } : {}), ...(parts.length ? { parts } : {}), ...(broader.length ? { broader } : {}), ...(scattered ? { scattered: t } : {}) };
  }

  /** @param text The clause's normalised words to search (its question frame removed); `c.text` is kept as typed.
   *  @param plain The clause as typed, normalised (AnalysedClause.plain). */
  /** `asks`: the clause holds a question for a figure (quantityAsk), whose question word and unit are no words to find. */
  private clause(c: Clause, text: string, plain: string, asks = false): AnalysedClause {
    const fields = c.field ? FIELD_MAP[c.field] : undefined;
    const out: AnalysedClause = { typed: c.text, text, constraints: [], dropped: [], natural: false, plain };
    if (c.phrase) {
      const t = text.trim();
      if (t) out.constraints.push(this.constraintOf(t, true, fields));
      return out;
    }
    const compact = text.replace(/\s+/g, '');
    if (!compact) return out;
    if (this.synonyms.has(compact) || this.stopwords.has(compact) || this.formsOf(compact).length > 0) {
      if (this.stopwords.has(compact)) out.dropped.push({ text: compact, reason: 'stopword' });
      else out.constraints.push(this.constraintOf(compact, false, fields));
      return out;
    }
    // Segmented with its spaces: where a question's frame was cut (analysis/ask.ts) a word ends.
    let pieces = this.joinRuns(this.joinForms(this.recutUnknown(segment(text.trim(), this.vocab, { stems: true }))), asks);
    // A four-character keyword cut lone|word|lone (先|证后|照) is a slogan coined one character per word, and its
    // middle "word" straddles two of them: it is searched whole, as a keyword of lone characters is, never by the
    // straddling piece (证后 is in 换证后, not in 先证后照).
    if (!fields && this.isSloganCut(compact, pieces.map((p) => p.text))) {
      pieces = [pieces[0], { text: pieces[1].text[0], kind: 'unknown' }, { text: pieces[1].text[1], kind: 'unknown' }, pieces[2]];
    }
    const kept: string[] = [];
    const singles: string[] = [];
    for (const p of pieces) {
      if (this.stopwords.has(p.text)) out.dropped.push({ text: p.text, reason: 'stopword' });
      // A lone character — a Han character or a single Latin letter (票 e 真), not a digit — is never a word alone.
      else if (p.text.length === 1 && !/\d/.test(p.text)) singles.push(p.text);
      else kept.push(p.text);
    }
    // Nothing but a question for a figure (多少天 = 多少|天, 要多久 = 要|多久): glued to its topic (退税多少天) the stop word
    // and the lone unit drop beside the topic's words and QueryAnalysis.ask carries the question; typed apart the clause
    // is all question, dropped as a clause of frame alone is (a query of nothing else is searched literally: analyse).
    if (asks && kept.length === 0) {
      for (const s of singles) out.dropped.push({ text: s, reason: 'single-character' });
      return out;
    }
    if (kept.length === 0 && singles.length > 0) {
      // Only single characters: look the clause up as it was typed (minus stop words of two or more characters at
      // either end: 如何 of 如何办), never char by char. A one-character stop word stays: beside lone characters it is a
      // character of a word the vocabulary lacks (和 of 和平, 为 of 为民, 与 of 与时俱进), and trimmed it left a lone
      // character (平) or a piece no one typed (时俱进) to search.
      const trims = (p: { text: string }) => p.text.length > 1 && this.stopwords.has(p.text);
      let from = 0;
      let to = pieces.length;
      while (from < to && trims(pieces[from])) from++;
      while (to > from && trims(pieces[to - 1])) to--;
      // Never a lone character the user did not type alone (如何办 is looked up whole, not as 办).
      if (to - from === 1 && pieces.length > 1) [from, to] = [0, pieces.length];
      const joined = pieces.slice(from, to).map((p) => p.text).join('');
      out.constraints.push(this.constraintOf(joined, false, fields));
      return out;
    }
    for (const s of singles) out.dropped.push({ text: s, reason: 'single-character' });
    const droppedStop = out.dropped.some((d) => d.reason === 'stopword');
    // Lone characters left over (not joined into a printed word above) are a sentence's verbs and particles (不用|登|船
    // in 不用登船就能检查船舶): typed so, two words are a sentence as much as with a stop word dropped.
    const distinct = new Set(kept).size;
    out.natural = distinct >= 3 || ((droppedStop || singles.length > 0) && distinct >= 2);
    const words = out.natural && !fields ? this.printedCut([...new Set(kept)]) : [...new Set(kept)];
    for (const k of words) out.constraints.push(this.constraintOf(k, false, fields));
    // A term the words spell out (拿地即开工 for 拿到|土地|马上|开工) is one more way of saying each word it drew on, and
    // so are its alternatives, the very ones a typed word gets (alternatives), at FORM_WEIGHT of theirs (船舶加油 spelled
    // by 船舶|加|油 is also 船供油, the word the records print: 保税船供油). A word widens only to the ways that keep a
    // character it lent the term: a way with none of them is reached across the word's edge (防空 lends 空 to
    // 民用航空, spelled by 盖民|用|…|防空, whose short form 民航 says nothing of 防空).
    if (!fields && singles.length > 0) {
      for (const { term, from, drew } of this.spelledTerms(pieces.map((p) => p.text))) {
        const ways = this.alternatives(term, false).map((a) => ({ ...a, weight: a.weight * FORM_WEIGHT }));
        for (const c of out.constraints) {
          if (!from.has(c.text)) continue;
          const lent = [...drew.get(c.text)!];
          for (const w of ways) if (lent.some((ch) => w.text.includes(ch)) && !c.alternatives.some((a) => a.text === w.text)) c.alternatives.push(w);
        }
      }
    }
    return out;
  }
}
