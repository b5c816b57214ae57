/**
 * Long and short forms mined from the corpus vocabulary: 环境影响评价 ↔ 环评, 综合保税区 ↔ 综保区, 知识产权 ↔ 知产,
 * 住房城乡建设厅 ↔ 住建厅. Officials abbreviate a term by keeping the first character of some of its words, so the
 * rule is general and lists no pairs:
 *
 *   a short form S is an in-order contraction of a long form L when L can be cut into known words w1 … wm (m ≥ 2)
 *   such that S is the first characters of a subsequence of those words that keeps the first word and the last
 *   one. Every word has two or more characters except the last, which may be one (区, 厅, 委: 综合|保税|区 → 综保区).
 *   S has 2–4 characters, L at most 12; S is not a substring of L (a prefix is not an abbreviation).
 *
 * Two filters keep the pairs right (docs/forms.md shows what each removes): S must not be an ordinary word of the
 * general language (中医 is not 中心医院, 人工 is not 人防工程, 申报 is not 申请报告: the indexer asks jieba's
 * bundled dictionary), and S must not be a term of the thesaurus, which already says what it stands for (高企 is
 * 高新技术企业, not 高级认证企业).
 *
 * Mined at build over the vocabulary (both forms in the corpus) and carried in the snapshot; at query time a typed
 * long form that the corpus never prints (人民防空, when the documents say 人防) is checked against the corpus's
 * short forms with the same rule. docs/forms.md lists what the rule finds on the seeds, and its precision.
 * Pure: no I/O, no jieba.
 */

export interface FormOptions {
  /** Shortest and longest short form, in characters. */
  minShort: number;
  maxShort: number;
  /** Longest long form, in characters. */
  maxLong: number;
  /** How often a short form must occur in the corpus to count as a term of it. */
  minShortCount: number;
}

export const DEFAULT_FORM_OPTIONS: FormOptions = { minShort: 2, maxShort: 4, maxLong: 12, minShortCount: 2 };

/** What the build carries in the snapshot. */
export interface MinedForms {
  /** [long, short] pairs, both printed in the corpus. */
  pairs: [string, string][];
  /** The corpus's short-form candidates (filters passed), for typed long forms the corpus never prints. */
  shorts: string[];
}

export interface MineInput {
  /** Words and counts as jieba cut the corpus (only words the corpus prints). */
  vocabulary: [string, number][];
  /** An ordinary word of the general language (never a short form here). */
  common?: (word: string) => boolean;
  /** Terms the thesaurus already defines. */
  reserved?: Iterable<string>;
}

const HAN = /^\p{Script=Han}+$/u;

/**
 * Whether `short` is an in-order contraction of `long` under the rule above, cutting `long` into words that
 * `isWord` accepts. With `skips` false every word of the cut gives `short` its first character (人民|防空 → 人防,
 * 综合|保税|区 → 综保区): no word is passed over.
 */
export function isContraction(long: string, short: string, isWord: (w: string) => boolean, options: FormOptions = DEFAULT_FORM_OPTIONS, skips = true): boolean {
  const n = long.length;
  const k = short.length;
  if (k < options.minShort || k > options.maxShort || n > options.maxLong || n < k + 2) return false;
  if (long[0] !== short[0] || long.includes(short)) return false;
  // Cheap rejection: the characters of short must occur in long, in order.
  let at = 0;
  for (const ch of short) {
    at = long.indexOf(ch, at) + 1;
    if (at === 0) return false;
  }
  // Depth-first over cuts of long: at a word boundary `pos`, `matched` characters of short spelled so far.
  const failed = new Set<number>();
  const search = (pos: number, matched: number, lastPicked: boolean): boolean => {
    if (pos === n) return matched === k && lastPicked;
    const key = (pos * 8 + matched) * 2 + (lastPicked ? 1 : 0);
    if (failed.has(key)) return false;
    for (let len = Math.min(8, n - pos); len >= 1; len--) {
      if (len === 1 && pos + 1 !== n) continue;
      const w = long.slice(pos, pos + len);
      if (!isWord(w)) continue;
      if (matched < k && w[0] === short[matched] && search(pos + len, matched + 1, true)) return true;
      // Words may be skipped, but never the first one.
      if (skips && pos > 0 && search(pos + len, matched, false)) return true;
    }
    failed.add(key);
    return false;
  };
  return search(0, 0, false);
}

/** A vocabulary lookup: words of two or more characters, and single characters only as a final suffix. */
function wordTest(vocabulary: ReadonlyMap<string, number>): (w: string) => boolean {
  return (w) => (w.length === 1 ? HAN.test(w) : vocabulary.has(w));
}

/**
 * Long/short pairs among the corpus vocabulary. Pairs are sorted, each once; `shorts` are the short-form candidates
 * that passed the filters.
 */
export function mineForms(input: MineInput, options: FormOptions = DEFAULT_FORM_OPTIONS): MinedForms {
  const counts = new Map(input.vocabulary);
  const isWord = wordTest(counts);
  const reserved = new Set(input.reserved ?? []);
  const shorts: string[] = [];
  const shortsByFirst = new Map<string, string[]>();
  for (const [w, c] of input.vocabulary) {
    if (w.length < options.minShort || w.length > options.maxShort || !HAN.test(w)) continue;
    if (c < options.minShortCount || reserved.has(w) || input.common?.(w)) continue;
    shorts.push(w);
    const list = shortsByFirst.get(w[0]) ?? [];
    list.push(w);
    shortsByFirst.set(w[0], list);
  }
  const pairs: [string, string][] = [];
  for (const [long] of input.vocabulary) {
    if (long.length < options.minShort + 2 || long.length > options.maxLong || !HAN.test(long)) continue;
    for (const short of shortsByFirst.get(long[0]) ?? []) {
      if (isContraction(long, short, isWord, options)) pairs.push([long, short]);
    }
  }
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { pairs: pairs.sort((a, b) => order(a[0], b[0]) || order(a[1], b[1])), shorts: shorts.sort(order) };
}

/**
 * The forms of a word, both ways: the mined pairs, and for a typed long form the corpus never prints, the corpus's
 * short forms it contracts to (checked with the same rule at query time).
 */
export class FormIndex {
  private readonly forms = new Map<string, string[]>();
  private readonly shortsByFirst = new Map<string, string[]>();
  private readonly isWord: (w: string) => boolean;
  private readonly memo = new Map<string, string[]>();

  /** @param vocabulary The corpus words; a map of them is used as it is (the query analyser passes its own). */
  constructor(forms: MinedForms, vocabulary: [string, number][] | ReadonlyMap<string, number>, private readonly options: FormOptions = DEFAULT_FORM_OPTIONS) {
    const add = (a: string, b: string) => {
      const list = this.forms.get(a) ?? [];
      if (!list.includes(b)) list.push(b);
      this.forms.set(a, list);
    };
    for (const [long, short] of forms.pairs) {
      add(long, short);
      add(short, long);
    }
    this.isWord = wordTest(vocabulary instanceof Map ? vocabulary : new Map(vocabulary));
    for (const w of forms.shorts) {
      const list = this.shortsByFirst.get(w[0]) ?? [];
      list.push(w);
      this.shortsByFirst.set(w[0], list);
    }
  }

  /** Whether the word is one side of a pair mined from the corpus (both forms printed there). */
  mined(word: string): boolean {
    return this.forms.has(word);
  }

  /**
   * Other forms of a normalised word (empty when it has none). A word that is not itself a term of the vocabulary
   * (a span of typed words: 人民防空, 授权调用社保信息) reaches a short form only when each of its words gives the
   * short form a character: 授信 is not 授权调用社保信息, whose 调用 and 社保 it passes over (the mined pairs, both printed
   * in the corpus, may pass over words: 环境影响评价 ↔ 环评).
   */
  formsOf(word: string): string[] {
    const known = this.forms.get(word);
    if (known) return known;
    const cached = this.memo.get(word);
    if (cached) return cached;
    let out: string[] = [];
    if (word.length >= this.options.minShort + 2 && word.length <= this.options.maxLong && HAN.test(word)) {
      const skips = this.isWord(word);
      out = (this.shortsByFirst.get(word[0]) ?? []).filter((s) => isContraction(word, s, this.isWord, this.options, skips));
    }
    if (this.memo.size > 10_000) this.memo.clear();
    this.memo.set(word, out);
    return out;
  }
}
