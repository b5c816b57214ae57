/**
 * A loose expansion (analyzer.ts Alternative.words: a thesaurus phrase matched by its words, not as printed): which
 * words a record must hold and how many in one field (looseRule), its records from the stored section where the build
 * kept it (indexer/loose-postings.ts) or from the words' occurrences, scored as the mean BM25 of the words held; and
 * the rule kept for the highlighter (looseWords). Apart from the engine: its own rule, cache, scratch and counters.
 */
import type { ReformRecord } from '../indexer/schema.js';
import { recordsOfSharedSlots } from '../indexer/slot-intersection.js';
import type { Lru } from '../analysis/lru.js';
import { BlockWordScores } from './doc-skips.js';
import type { SearchField } from './fields.js';
import { gallop, type Matcher } from './match.js';
import type { EngineOptions } from './options.js';
import { recordsOf, type Occurrences } from './postings.js';
import { gather, increasing } from './record-lists.js';
import { NO_DOCS, bm25, idf, scoreAt, type DocScores, type FieldStats } from './score.js';
import type { StoredExpansions } from './loose.js';

export class LooseMatch {
  /** How many loose expansions were read from the stored section (SearchEngine.looseStoredReads). */
  looseStoredCount = 0;
  /** How many loose expansions' optional common words were read by blocks (SearchEngine.looseBlockReads). */
  looseBlockAsks = 0;
  /** Scratch per field: words of a loose expansion found in each field of one record (inOneField). */
  private readonly fieldTally: Uint8Array;

  constructor(
    private readonly records: ReformRecord[],
    private readonly matcher: Matcher,
    private readonly stats: FieldStats,
    private readonly options: EngineOptions,
    /** Stored loose expansions (indexer/loose-postings.ts; absent: every expansion is matched by decoding its words). */
    private readonly loose: StoredExpansions | undefined,
    /** Each loose expansion's rule as its match decided it (looseDocs), read again to highlight its hits. */
    private readonly looseRules: Lru<string, { rare: string[]; need: number } | null>,
    /** Scratch per record, shared with the engine's parts fill (zero between uses). */
    private readonly count: Uint8Array,
    private readonly fieldIds: (fields?: readonly SearchField[]) => number[] | undefined,
  ) {
    this.fieldTally = new Uint8Array(stats.fieldCount);
  }

  /**
   * Which of a loose expansion's words a record must hold (`rare`: not common beside the rarest, or never printed)
   * and how many of them in one field (`need`), from each word's record count; undefined when no record can qualify.
   */
  private looseRule(counts: number[]): { rare: boolean[]; need: number } | undefined {
    const N = this.records.length;
    const idfs = counts.map((n) => idf(N, n));
    const maxIdf = Math.max(0, ...counts.map((n, k) => (n ? idfs[k] : 0)));
    const rare = counts.map((n, k) => n > 0 && n <= N * this.options.commonShare && idfs[k] >= this.options.commonIdfRatio * maxIdf);
    // One word of a phrase is not the phrase: the rarest printed words are required up to looseMinWords.
    const want = Math.min(this.options.looseMinWords, counts.filter((n) => n > 0).length);
    for (let held = rare.filter(Boolean).length; held < want; held++) {
      let next = -1;
      counts.forEach((n, k) => {
        if (n > 0 && !rare[k] && (next < 0 || n < counts[next])) next = k;
      });
      rare[next] = true;
    }
    // A word the corpus never prints is the rarest of all: it counts as required, and no record holds it (全国通关一体化
    // is not found through 全国 alone when 通关一体化 is printed nowhere).
    const absent = counts.filter((n) => n === 0).length;
    const present = rare.filter(Boolean).length;
    const required = present + absent;
    if (present === 0) return undefined;
    const need = required >= 4 ? required - 1 : required;
    if (need > present) return undefined;
    return { rare, need };
  }

  /**
   * For highlighting a record found through a loose expansion: the words that decide the match and how many of them
   * one field must hold (looseDocs's rule), or undefined when the expansion matches nothing. Record counts come from
   * the words' occurrences (cached by the match just made), with no scoring.
   */
  looseWords(words: string[], fields?: readonly SearchField[]): { rare: string[]; need: number } | undefined {
    const ids = this.fieldIds(fields);
    const key = LooseMatch.looseRuleKey(words, ids);
    const kept = this.looseRules.get(key);
    if (kept !== undefined) return kept ?? undefined;
    // Not kept (evicted): counted again from the words' occurrences, with no scoring.
    const F = this.stats.fieldCount;
    const counts = words.map((w) => recordsOf(this.matcher.needle(w, ids), F).length);
    return this.keepLooseRule(key, words, this.looseRule(counts)) ?? undefined;
  }

  /** A kept loose rule's cache key: the fields searched and the words (not analysis/loose.ts looseKey, a stored expansion's name). */
  private static looseRuleKey(words: string[], fields: number[] | undefined): string {
    return `${fields?.join(',') ?? '*'}\u0000${words.join('\u0000')}`;
  }

  private keepLooseRule(key: string, words: string[], rule: { rare: boolean[]; need: number } | undefined): { rare: string[]; need: number } | null {
    const kept = rule ? { rare: words.filter((_, k) => rule.rare[k]), need: rule.need } : null;
    this.looseRules.set(key, kept);
    return kept;
  }

  /**
   * An expansion matched by its words (analyzer.ts `words`): a record must hold the phrase's rare words — those not
   * common beside its rarest (the same test as filling a page), and those the corpus never prints — all of them, or
   * all but one when there are four or more, in one field; its score is the mean weighted BM25 of the words it holds.
   */
  looseDocs(words: string[], fields: number[] | undefined, weight: number): DocScores {
    // A stored expansion (indexer/loose-postings.ts) is the answer where every word is required in one field: its
    // records are those recordsOfSharedSlots finds below, scored as gather scores them. Anywhere else (a field prefix,
    // a word not required) the words are matched as before.
    const stored = fields === undefined && this.loose ? this.loose.find(words) : -1;
    if (stored >= 0) {
      const rule = this.looseRule(this.loose!.counts(stored));
      this.keepLooseRule(LooseMatch.looseRuleKey(words, fields), words, rule);
      if (!rule) return NO_DOCS;
      if (rule.need === words.length) {
        this.looseStoredCount++;
        return this.loose!.scores(stored, this.stats, this.options.bm25, weight / words.length);
      }
    }
    // A common word (one with block starts: an index token or a stored word, Matcher.commonTerm) is counted from its
    // stored record count and decoded only if the rule requires it: a word the rule leaves optional only adds its score
    // at the records the rarer words keep, read below from the blocks holding them (知识产权 of 知识产权质押贷款).
    const w = weight / words.length;
    const common = words.map((t) => (fields === undefined ? this.matcher.commonTerm(t) : undefined));
    const lists: (DocScores | undefined)[] = words.map((t, k) => (common[k] ? undefined : bm25(this.matcher.needle(t, fields), this.stats, this.options.bm25, w)));
    const rule = this.looseRule(words.map((_, k) => lists[k]?.docs.length ?? common[k]!.records));
    this.keepLooseRule(LooseMatch.looseRuleKey(words, fields), words, rule);
    if (!rule) return NO_DOCS;
    const { rare, need } = rule;
    const wholeList = (k: number) => (lists[k] ??= bm25(this.matcher.needle(words[k], fields), this.stats, this.options.bm25, w));
    const present = rare.filter(Boolean).length;
    const rareOccs = words.filter((_, k) => rare[k]).map((t) => this.matcher.needle(t, fields));
    let docs: Int32Array;
    if (need === present) {
      // Every rare word required in one field: the records of the fields all of them hold, from their slots (no
      // record lists intersected, no field count per record: 跨境电子商务 by its words reads 跨境, 电子 and 商务, tens of
      // thousands of fields each at 100k).
      docs = recordsOfSharedSlots(rareOccs.map((o) => o.slots), this.stats.fieldCount);
    } else {
      const { count } = this;
      const touched: number[] = [];
      // Only the rare words' records can qualify: they are the ones marked (a record in no rare list has count 0).
      words.forEach((_, k) => {
        if (!rare[k]) return;
        const l = wholeList(k);
        for (let i = 0; i < l.docs.length; i++) {
          const d = l.docs[i];
          if (count[d] === 0) touched.push(d);
          count[d]++;
        }
      });
      const candidates = increasing(touched, count, this.records.length);
      const kept: number[] = [];
      const cursors = new Int32Array(rareOccs.length);
      for (let i = 0; i < candidates.length; i++) {
        const d = candidates[i];
        if (count[d] >= need && this.inOneField(d, rareOccs, cursors, need)) kept.push(d);
      }
      for (const d of touched) count[d] = 0;
      docs = Int32Array.from(kept);
    }
    // Scored for the records kept only: a common word of the phrase adds to theirs, its other records are not scored.
    // Word by word in the words' order (the same additions in the same order as one gather over every list): a common
    // word left optional is read by its blocks when the kept records are few beside its own (blockAskRatio, as
    // allWords), else decoded whole. A required word is decoded whole: its occurrences were decoded to keep the
    // records (rareOccs), and asking its blocks again would decode the same postings twice.
    const scores = new Float64Array(docs.length);
    for (let k = 0; k < words.length; k++) {
      const term = common[k];
      if (!rare[k] && !lists[k] && term && docs.length * this.options.blockAskRatio < term.records) {
        const ask = new BlockWordScores(term, this.stats, this.options.bm25, w, () => wholeList(k));
        for (let i = 0; i < docs.length; i++) {
          const s = ask.recordScore(docs[i]);
          if (s === s) scores[i] += s;
        }
        this.looseBlockAsks++;
        continue;
      }
      const l = wholeList(k);
      gather(docs, [l], (_, j, i) => (scores[i] += scoreAt(l, j)));
    }
    return { docs, scores };
  }

  /**
   * Whether at least `need` of the words' occurrences sit in one field of record d. A reworded phrase keeps its words
   * together; words scattered over title, process and outcome (特殊 in 特殊项目, 监管 in a title, 区域 in 区域行业) are
   * not the phrase 特殊监管区域. Records are asked about in increasing order: `cursors` carry each list's place.
   * Slots only, no positions: requiring one sentence as well removed a few more loose matches on the seeds (574 → 513
   * over the thesaurus's terms) but decoded common words' positions, 13 → 26 ms CPU for 降成本 at 100k records.
   */
  private inOneField(d: number, occs: Occurrences[], cursors: Int32Array, need: number): boolean {
    const F = this.stats.fieldCount;
    const perField = this.fieldTally.fill(0, 0, F);
    for (let k = 0; k < occs.length; k++) {
      const slots = occs[k].slots;
      let j = (cursors[k] = gallop(slots, d * F, cursors[k]));
      for (; j < slots.length && slots[j] < (d + 1) * F; j++) if (++perField[slots[j] - d * F] >= need) return true;
    }
    return false;
  }
}
