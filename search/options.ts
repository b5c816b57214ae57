/**
 * Every tunable of the search engine in one typed object, with its documented default. Pass a partial object to
 * `new SearchEngine(body, options)` (or SearchService) to change any of them; nothing else in search/ hard-codes
 * a ranking or cache constant.
 */
import type { SearchField } from './fields.js';
import type { IndexData, Postings } from './postings.js';

export interface EngineOptions {
  /** Field weights in BM25: title above outcome above content above process and departments. */
  fieldWeights: Readonly<Record<SearchField, number>>;
  /** BM25 term-frequency saturation and length normalisation (the classic defaults). */
  bm25: { k1: number; b: number };
  /** Bonuses, in units of one typical title match. */
  bonus: {
    /** The whole query is the record's title: a title typed in full is always first. */
    exactTitle: number;
    /** Every word of the query is in the title. */
    titleHasAll: number;
    /** A multi-word clause occurs verbatim (adjacent) in a field, × that field's weight. */
    verbatim: number;
    /** The query's words occur close together, × that field's weight × closeness (0…1). */
    proximity: number;
    /**
     * A record printing a narrower term of a word that finds a page by itself (its kinds set aside:
     * Constraint.asideKinds) treats the word's topic: its base score × (1 + kinds × the share of such words). 0 = off.
     */
    kinds: number;
  };
  /** Records re-scored with position bonuses (proximity, verbatim, title holds every word): the top of the ranking. */
  rerankWindow: number;
  /** Words this close (in characters, about a sentence) count as used together. */
  proximityWindow: number;
  /** Fields proximity looks at. */
  proximityFields: readonly SearchField[];
  /** How strongly the share of query words a partial record has scales its score (share^power). */
  coveragePower: number;
  /**
   * With matching=all, in a question a word found in more than this share of all records is too common to bring in
   * candidates of its own.
   */
  commonShare: number;
  /**
   * Filling a page with partial matches: a query word whose idf is below this share of the query's rarest word's
   * idf is common for this query (办理 beside 出口退税, 进口 beside 药品); a record holding only common words is
   * not a result.
   */
  commonIdfRatio: number;
  /** The same for a query typed as a sentence or question (analyzer.ts `natural`). */
  commonIdfRatioNatural: number;
  /**
   * A thesaurus expansion matched by its words (服务贸易 for 服贸) needs at least this many of them in one field, the
   * rarest first, even when the others are common beside its rarest word: one word of a phrase is not the phrase.
   */
  looseMinWords: number;
  /**
   * A change verb in the query (缩短, 节省, 提高) also matches records whose outcomes state a change that way, scored
   * at this share of the verb's mean score where the record does not print the verb itself; 0 turns it off.
   */
  outcomeChange: number;
  /**
   * With a change verb in the query, a record whose outcome of that direction names the query's other words in its
   * metric (通关时间 for 通关时间缩短) gains this much × the share (by idf) of those words its metric holds.
   */
  outcomeMetric: number;
  /**
   * A one-word query that finds less than a page is filled with records holding the words the word is made of
   * (证照 of 证照分离) or those of its multi-word expansions, at this weight; 0 turns it off.
   */
  partsWeight: number;
  /**
   * A short word no record prints (修船, 技贸: Constraint.scattered) also counts as a part where its characters stand
   * together, in any order, within this many characters per character typed inside one sentence (2: 修船 in 船舶修理,
   * 技贸 in 技术性贸易). 0 turns it off.
   */
  scatteredSpan: number;
  /**
   * In a query of two to four words of which less than a page has every word, a record holding another word of the
   * query and a broader term of a word it lacks and that is printed on less than a page of reforms (进口矿产品 for
   * 铁矿进口: Constraint.broader) fills in at this weight
   * × the broader term's BM25, kept as a partial match after every record with the word. 0 turns it off.
   */
  broaderWeight: number;
  /**
   * A query typed as a sentence (analyzer.ts `natural`: a description in the user's own words) uses broader terms as a
   * two-to-four-word query does (Constraint.broader, above) up to this many words (专利 and 商标 of
   * 用专利和商标的未来收益打包发行资产支持产品在交易所融资 are said 知识产权 by the record); a list of keywords keeps four.
   * 4 turns the widening off; above 30 it counts as 30 (a mask bit per word, two bits kept for the engine's own flags).
   */
  broaderSentenceWords: number;
  /**
   * In an outcome query (a change verb typed), a compound's head noun is a broader term of it (申报材料 → 材料:
   * QueryWidening.withOutcomeHeads), filling in at broaderWeight as Constraint.broader does. false turns it off.
   */
  outcomeHeads: boolean;
  /**
   * A query asking for a figure (多少家, 几个工作日, 多久): a record with an outcome fact of that figure gains
   * outcomeMetric × (askBase + (1 − askBase) × the share of the query's words its metric names).
   */
  askBase: number;
  /**
   * In an outcome query a word that names a measure (时间, 费用, 次数: analysis/ask.ts namesMeasure) counts as named by
   * a fact of that measure whatever its metric says (减少往返大厅 4.56 万人次 for 减少跑腿次数).
   */
  measureWords: boolean;
  /** With a change verb, a measure word (时间, 成本) is held by a fact moving that way in that measure (OutcomeFacts.withMeasureFacts). */
  measureFacts: boolean;
  /**
   * What lacking a qualifier counts for in the tiers of partial matches, where lacking any other word counts 1; 1
   * treats them as any word. Qualifiers say what about the topic is wanted: in an outcome query (one with a change
   * verb or a figure asked for) its change verbs, measure words and superlatives (缩短, 时间 in 退税时间缩短; 最快 in
   * 企业开办最快多久), and the aims of a question of manner (快速, 通关 in 进口食品怎么快速通关: questionAims).
   */
  qualifierCost: number;
  /**
   * In a question of manner typed after its topic (进口食品怎么快速通关), the words after 怎么 / 怎样 / 如何 say what is
   * wanted of the topic: lacking one costs qualifierCost in the tiers, as a change verb does; false counts them as
   * topic words.
   */
  questionAims: boolean;
  /**
   * Tiers of partial matches: lacking a word costs (its idf ÷ the rarest word's idf)^power, so a record lacking two
   * words common beside the rarest (进口 and 快速 in 进口食品怎么快速通关) ranks before one lacking the rare word that
   * carries the idea (食品); 0 (the default) counts every word alike (the count of missing words, rarity breaking
   * ties). Off because in a paraphrase the rarest word is often a detail, not the idea (堆场 in 货物到港直接提走不进堆场
   * put a 船到直提 printing lacking it below records lacking 货物 and 直接): docs/design.md gives the figures.
   */
  missingRarityPower: number;
  /**
   * In a list of keywords (no sentence, question, qualifier or asked figure), partial matches lacking as many words
   * share one tier, each score scaled by exp(−decay × Σ idf of the words it lacks): at 1, about the share of records
   * that print each missing word, so lacking a rare word costs much, a common one little, and a strong record lacking
   * the rarer word can still lead a weak one that prints it in passing (无人闸口: the 无人卡口 reform above a record
   * naming a 闸口 once). 0 ranks lacking a rarer word in a tier below, whatever the scores (as before session 16).
   * Questions, outcome queries and descriptions keep their own ordering. docs/design.md gives the figures.
   */
  missingIdfDecay: number;
  /**
   * In that decay, lacking a word the record holds evidence of (most of the word's parts by idf, its characters
   * together for an unprinted short word, or an informative broader term: what already keeps such a record as a
   * partial match) counts this share of the word's idf: 船舶安检 puts the record printing 船舶安全检查 before records
   * that print only 船舶, where the evidence's own small score was lost under 船舶's. 1 = counted as lacking it
   * outright (as before session 17). docs/design.md gives the figures.
   */
  evidenceCost: number;
  /**
   * In a compound typed whole (one clause, no space, two to four words: 执法平台, 住建数据) of which less than a page of
   * records has every word, a record holding every word apart (none in its title, no two within proximityWindow of
   * each other in one of the proximityFields, the clause printed whole in no field: the words never meet) holds the
   * compound no better than a partial match (only when partial matches are scaled: missingIdfDecay > 0): it ranks in
   * the first tier of partial matches, its score scaled as theirs are (coveragePower, missingIdfDecay) as if it lacked
   * the query's least rare word at this share of that word's idf. It still lists no word as missing. 0 = off (such a
   * record ranks above every partial match, as before session 19). docs/design.md gives the figures.
   */
  apartCost: number;
  /**
   * Which words are common for a query (commonIdfRatio) is judged against its rarest word's idf, counted as at most
   * that of a word this many records print: a word one record prints (房产 of 房产登记, 危化品 of 危化品运输) is no
   * yardstick, its idf set by a single mention, and beside it 登记 and 运输 counted as common left one record on
   * the page. 1 = the rarest word's own idf (as before session 19). docs/design.md gives the figures.
   */
  rarestYardstickRecords: number;
  /**
   * A query that describes an idea in the user's own words (a sentence or a run of three or more words: analyzer.ts
   * `natural`) and neither asks a question (如何, 哪些, 多少家) nor names a change or measure (缩短, 时间) ranks its
   * partial matches by score alone (scaled by coveragePower), not in tiers of missing words: a record lacking a word
   * of the description (关门 of 企业关门注销一次办完, said 注销 in the records) can rank above one holding every word
   * scattered through long text. false keeps tiers for every query. docs/design.md gives the figures.
   */
  descriptionsByScore: boolean;
  /**
   * In such a description of at least descriptionCapMinWords words, a word's score in a record (BM25 over its fields,
   * weighted) counts at most this × the word's idf: a paraphrase's words are evidence held or not, so a common word
   * printed in a title (网上 in a 全程网办 title) no longer outweighs a rare one held in the text (认购 of
   * 老百姓在网上认购鱼苗一起放到海里, printed by its one reform). 0 = uncapped (as before session 20).
   * docs/design.md gives the figures.
   */
  descriptionWordCap: number;
  /**
   * The fewest words a description has for descriptionWordCap to apply: three words typed whole (人才评价服务) are a
   * compound more than a description, and where its words stand (a title) still tells.
   */
  descriptionCapMinWords: number;
  /** Fields a snippet is taken from, in order of preference when matches tie. */
  snippetFields: readonly SearchField[];
  /**
   * Bounded caches: decoded term postings (by total positions held; a snapshot's stored words take a quarter of it,
   * its stored split compounds an eighth, its terms the rest), string matches and word scores (entries),
   * query analyses, whole result sets (entries, a large set counting one per 1,024 records it holds or excludes, about
   * 12 KiB: 2,048 units, under 25 MiB, hold the bench's whole 100k query mix), normalised shown records.
   */
  cache: { postingsPositions: number; matches: number; analyses: number; results: number; normalizedRecords: number };
  /** Facet values returned per facet (most frequent first) unless the request says otherwise (facetSize); 0 = all. */
  facetSize: number;
  /** Copies of a reform listed under its hit (the hit also says how many the result set holds). */
  copiesShown: number;
  /**
   * A common word with block starts (indexer/doc-skips.ts) is asked about record by record, decoding only the blocks
   * holding them, when the records every other word left are fewer than 1 in this many of its records; else it is
   * decoded whole (default 128: measured at 100k on 时间, 22,962 records, asking 56 records took 0.09 ms, 160 0.23 ms,
   * 459 0.54 ms, decoding it whole 0.31 ms, so the break-even is near 1 in 90). Answers are the same either way.
   */
  blockAskRatio: number;
  /**
   * A filtered view (a region) of a one-word result whose word has block bounds is ranked by scoring each record the
   * filter keeps when they are at most 1 in this many of the word's records (default 8, as a window of an eighth of a
   * word's records is ranked without its bounds): such a filter leaves a record or two in each block, and ranking
   * through the blocks walked and heaped hundreds of them for a page (审批 @广东 at 100k: 1,392 of 42,185 records).
   * Answers are the same either way.
   */
  keptRankRatio: number;
  /**
   * Makes the postings reader over the index's data (default: search/postings.ts Postings). The offline page passes a
   * reader whose terms live in chunk files it fetches on demand (web/src/offline/postings-chunks.ts).
   */
  postings?: (data: IndexData, cachePositions: number) => Postings;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  fieldWeights: {
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
  },
  bm25: { k1: 1.2, b: 0.7 },
  bonus: { exactTitle: 1000, titleHasAll: 8, verbatim: 1.5, proximity: 2, kinds: 0.5 },
  rerankWindow: 30,
  proximityWindow: 40,
  proximityFields: ['title', 'content', 'applicableTo', 'process', 'outcome'],
  coveragePower: 2,
  commonShare: 0.4,
  commonIdfRatio: 0.5,
  commonIdfRatioNatural: 0.4,
  looseMinWords: 2,
  outcomeChange: 0.7,
  outcomeMetric: 10,
  partsWeight: 0.5,
  scatteredSpan: 2,
  missingIdfDecay: 1,
  evidenceCost: 0.75,
  apartCost: 0.5,
  rarestYardstickRecords: 2,
  broaderWeight: 0.5,
  broaderSentenceWords: 16,
  outcomeHeads: true,
  askBase: 0.2,
  measureWords: true,
  measureFacts: true,
  qualifierCost: 0.4,
  questionAims: true,
  missingRarityPower: 0,
  descriptionsByScore: true,
  descriptionWordCap: 1.25,
  descriptionCapMinWords: 4,
  snippetFields: ['content', 'outcome', 'process', 'applicableTo'],
  cache: { postingsPositions: 4_000_000, matches: 2000, analyses: 1000, results: 2048, normalizedRecords: 256 },
  facetSize: 50,
  copiesShown: 10,
  blockAskRatio: 128,
  keptRankRatio: 8,
};

export function engineOptions(partial: Partial<EngineOptions> = {}): EngineOptions {
  return { ...DEFAULT_ENGINE_OPTIONS, ...partial, bonus: { ...DEFAULT_ENGINE_OPTIONS.bonus, ...partial.bonus }, cache: { ...DEFAULT_ENGINE_OPTIONS.cache, ...partial.cache } };
}
