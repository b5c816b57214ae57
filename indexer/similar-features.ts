/**
 * The first pass of the similar-reform build (indexer/similar.ts): what every reform's printings say, as weighted
 * features with integer ids — words segmented with the snapshot vocabulary (and the known words inside them), whole
 * quoted slogans, character bigrams of titles and slogans, the outcome kind — the richest weight of each feature over
 * the reform's printings. Kept apart from the rest of the build so a worker thread (indexer/similar-worker.ts) can
 * read part of a large corpus beside this thread; `mergeFrom` then appends its reforms as if this reader had read
 * them, ids included (see there).
 */
import { buildVocabulary, type Vocabulary } from '../analysis/segment.js';
import { RunSegmenter } from './similar-runs.js';
import { OUTCOME_FLAG, TERM_FLAG } from './similar-data.js';
import type { TextField } from './schema.js';
import type { SnapshotBody } from '../snapshot/body.js';
import type { SimilarOptions } from './similar.js';
import { Grow } from './grow.js';
import { IdeaMatcher, isHan, type IdeaClass } from './similar-ideas.js';

/** The text fields a reform is read from, in this order. */
export const FIELDS: TextField[] = ['title', 'content', 'applicableTo', 'process', 'outcome'];

/** Kinds of feature. */
export const WORD = 0;
export const SLOGAN = 1;
export const GRAM = 2;
export const OUTCOME_KIND = 3;
export const DEPARTMENT = 4;
/** A reform mechanism of dict/ideas.txt (indexer/similar-ideas.ts). */
export const IDEA = 5;

const HAN_RUN = /\p{Script=Han}{2,}/gu;
const LATIN = /[a-z][a-z0-9]+/g;
/** FNV-1a over a run's UTF-16 code units (findRun's memo key). */
const RUN_HASH_SEED = 0x811c9dc5 | 0;
function runHashStep(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}
/** A hash's slot in a table of mask + 1 slots: its high bits folded in (FNV's low bits alone cluster). */
function runSlot(h: number, mask: number): number {
  return (h ^ (h >>> 15)) & mask;
}
const QUOTED = /[“"‘「『]([^”"’」』]{2,24})[”"’」』]/g;
const OPENING_QUOTE = /[“"‘「『]/;
/** What readReform's scan of a field saw among the characters outside Han runs: an opening quote (QUOTED), a Latin
 *  letter (LATIN). Only then are those patterns run over the field (most fields print neither). */
const SAW_QUOTE = 1;
const SAW_LATIN = 2;
const BIGRAM = '\u0001';
export const TEMPLATE = '\u0004';
/** Words a place name is printed right before (青岛市, 烟台片区): where a reform was done, never what it does. */
export const PLACE_SUFFIXES: readonly string[] = ['市', '省', '县', '片区'];

/**
 * The templates reform slogans are coined from, each naming a way of working whatever it is applied to: 先放后检 and
 * 先声明后验证 both release first and check after, 拿地即开工 and 方案获批即开工 both start at once, 即申即退 and
 * 即到即入 both act on arrival, 多审合一 and 四书合一 merge steps into one, 零跑腿 and 零见面 remove one. Two slogans of
 * one template share no word and few bigrams, so without it they do not meet. Found in titles and quoted slogans only
 * (content prints 即可, 零售, 零部件 in passing).
 */
const TEMPLATES: [RegExp, string][] = [
  [/先\p{Script=Han}{1,4}后\p{Script=Han}{1,4}/u, '先…后…'],
  [/([即随边])\p{Script=Han}{1,2}\1\p{Script=Han}{1,2}/u, '$1…$1…'],
  [/\p{Script=Han}{1,3}(?<![即随边]\p{Script=Han}?)即(?!可)\p{Script=Han}{1,3}/u, '…即…'],
  [/一\p{Script=Han}多\p{Script=Han}/u, '一…多…'],
  [/[多二两三四五六七八九十]\p{Script=Han}{0,3}合一/u, '…合一'],
  [/零(?!售|部件|件|散|星|碎)\p{Script=Han}{1,3}/u, '零…'],
];
const OUTCOME = '\u0002';
export const DEPT = '\u0003';
const IDEA_KEY = '\u0005';

/** A field with no quotes. */
const NO_QUOTES: RegExpExecArray[] = [];

/** The weight of the text at [a, b) of a field weighing `full`: in a title that quotes slogans (`slogans`, from
 *  FeatureReader.sloganSpans), `object` outside them. Per span, so each run of Han text and each Latin word gets its own. */
function spanWeight(slogans: number[] | undefined, a: number, b: number, full: number, object: number): number {
  if (!slogans?.length) return full;
  for (let x = 0; x < slogans.length; x += 2) if (a >= slogans[x] && b <= slogans[x + 1]) return full;
  return object;
}

/** Dense scratch values indexed by feature id, valid where `stamp` is the current pass (no clearing between passes). */
export class Scratch {
  stamp = new Int32Array(1024);
  value = new Float64Array(1024);
  /** A second weight per feature: a word's count under the plain view's field weights (PLAIN_FIELD_WEIGHTS). */
  plain = new Float64Array(1024);
  flags = new Uint8Array(1024);
  touched = new Grow(new Int32Array(256));
  private pass = 0;
  next() {
    this.pass++;
    this.touched.length = 0;
  }
  ensure(size: number) {
    if (size <= this.stamp.length) return;
    let m = this.stamp.length;
    while (m < size) m *= 2;
    const grow = <U extends Int32Array | Float64Array | Uint8Array>(a: U): U => {
      const b = new (a.constructor as new (n: number) => U)(m);
      b.set(a);
      return b;
    };
    this.stamp = grow(this.stamp);
    this.value = grow(this.value);
    this.plain = grow(this.plain);
    this.flags = grow(this.flags);
  }
  /** Add (or, with `max`, keep the larger) weight for feature f in this pass. */
  put(f: number, w: number, flag: number, max = false) {
    if (this.stamp[f] !== this.pass) {
      this.stamp[f] = this.pass;
      this.value[f] = w;
      this.plain[f] = 0;
      this.flags[f] = flag;
      this.touched.push(f);
    } else {
      this.value[f] = max ? Math.max(this.value[f], w) : this.value[f] + w;
      this.flags[f] |= flag;
    }
  }
}

/**
 * Field weights of the plain view (indexer/similar.ts `plainWeight`): those of the tf-idf lists before issue 14
 * (bench/similar-before.ts). The reader counts each word printed in a run under them too, beside its own weights.
 */
export const PLAIN_FIELD_WEIGHTS: Record<TextField, number> = { title: 3, content: 1, outcome: 1.2, process: 0.8, applicableTo: 0.5 };

/** The options the reader reads, named once: the type below and `featureSetup` both come from this list. */
const FEATURE_OPTIONS = ['fieldWeights', 'bigramWeight', 'subwordWeight', 'places', 'synonyms', 'forms', 'outcomeWeight', 'sloganMinLength', 'templateWeight', 'titleObjectWeight', 'ideaWeight', 'ideaBodyFactor', 'runMemo'] as const satisfies readonly (keyof SimilarOptions)[];
export type FeatureOptions = Pick<SimilarOptions, (typeof FEATURE_OPTIONS)[number]>;

/** What the reader needs: plain data, so a worker thread can be handed the same. */
export interface FeatureSetup {
  /** The snapshot vocabulary (word, count). */
  vocabulary: [string, number][];
  stopwords: string[];
  /** Thesaurus groups, used when `synonyms` is on. */
  synonyms: string[][];
  /** Mined long/short form pairs, used when `forms` is on. */
  forms: [string, string][];
  /** Reform mechanisms (dict/ideas.txt), terms normalised as the text is (the build stores them so); empty when the
   *  snapshot has none. */
  ideas: IdeaClass[];
  options: FeatureOptions;
}

/** The reader's setup for a snapshot body under the (complete) similar options `o`. */
export function featureSetup(body: Pick<SnapshotBody, 'analysis' | 'dictionary'>, o: SimilarOptions): FeatureSetup {
  return {
    vocabulary: body.analysis.vocabulary,
    stopwords: body.dictionary.stopwords,
    synonyms: body.dictionary.synonyms,
    forms: body.analysis.forms?.pairs ?? [],
    ideas: body.dictionary.ideas ?? [],
    options: Object.fromEntries(FEATURE_OPTIONS.map((key) => [key, o[key]])) as FeatureOptions,
  };
}

/** One printing of a reform as the reader sees it: a field's normalised text ('' when absent), its outcome bits. */
export interface Printing {
  text: (field: number) => string;
  outcomeBits: number;
}

export class FeatureReader {
  /** Feature table: key → id; a word's key is its printed text, mapped to its thesaurus group's key by `canonOf`. */
  readonly featureId = new Map<string, number>();
  readonly featureText: string[] = [];
  readonly kind = new Grow(new Uint8Array(1024));
  readonly canonOf = new Grow(new Int32Array(1024));
  /** How often each word was printed right before 市 / 省 / 县 / 片区. */
  readonly placeCount = new Grow(new Int32Array(1024));
  /** Per reform read (CSR): features, richest weight over its printings, field flags. */
  readonly rawStart = new Grow(new Int32Array(1024));
  readonly rawIds = new Grow(new Int32Array(1 << 16));
  readonly rawTf = new Grow(new Float32Array(1 << 16));
  readonly rawFlags = new Grow(new Uint8Array(1 << 16));
  /** Per entry: the word's count under PLAIN_FIELD_WEIGHTS, printed as itself (not inside a longer word); 0 if none. */
  readonly rawPlain = new Grow(new Float32Array(1 << 16));
  runLookups = 0;
  runMisses = 0;

  private readonly o: FeatureSetup['options'];
  private vocab: Vocabulary;
  /** The vocabulary as a trie: segments a run as analysis/segment.ts would, faster (indexer/similar-runs.ts). */
  private runSegmenter: RunSegmenter;
  private readonly stop: Set<string>;
  private vocabulary: Set<string>;
  private readonly canonical = new Map<string, string>();
  private readonly subwordMemo = new Map<string, number[]>();
  /**
   * Segmented runs, found by a hash of their code units taken while the text is scanned for them (`runHash`): an open
   * table of run numbers + 1 (0 empty), each run's text, hash and entry in `runPool`. A run read again (most are, at
   * scale: copies and stock phrases) is compared in place with `startsWith`, so no string is cut for it and none hashed
   * by a Map (that lookup and the slice it needed were a tenth of this pass at 10,000 records). Bounded: cleared when it
   * holds `runMemo` runs (SimilarOptions).
   */
  private runSlots = new Int32Array(1 << 12);
  private runKeys: string[] = [];
  private runHashes = new Grow(new Int32Array(1 << 10));
  private runEntry = new Grow(new Int32Array(1 << 10));
  /** The runs' entries, flat (an object and typed arrays per run cost about 870 bytes a run, half of each thread's
   *  reading memory at 100,000 records): the word count n, n feature ids (a word inside a compound as -1 - id), the
   *  count p of words printed right before 市 / 省 / 县 / 片区, then those p ids, then the count of mechanism classes
   *  (dict/ideas.txt) the run prints and their feature ids. */
  private runPool = new Grow(new Int32Array(1 << 16));
  /** Title runs' character bigrams and templates: where each starts in `gramPool` (bigram count, their ids, template
   *  count, their ids). */
  private readonly gramMemo = new Map<string, number>();
  private gramPool = new Grow(new Int32Array(1 << 12));
  /** Each quote's slogan feature id by the quoted text (-1: it is no slogan, see sloganOf). Copies and stock slogans
   *  repeat: each was checked, cut into a new key string and looked up in the feature Map again at every quote. */
  private readonly sloganIds = new Map<string, number>();
  /** Per slogan feature id, what it adds outside a title: its template count and ids, then its bigram count and ids;
   *  interned at its first such reading, in the order the reader interns them (templates, then bigrams). */
  private readonly sloganExtras = new Map<number, Int32Array>();
  private readonly recordScratch = new Scratch();
  private readonly reformScratch = new Scratch();
  private readonly timeId: number;
  private readonly costId: number;
  private readonly ideas: IdeaMatcher;
  /** Feature id of each mechanism class, by its index in the setup's `ideas`. */
  private readonly ideaIds: number[];

  constructor(setup: FeatureSetup) {
    this.o = setup.options;
    this.vocab = buildVocabulary(setup.vocabulary);
    this.runSegmenter = new RunSegmenter(this.vocab);
    this.stop = new Set(setup.stopwords);
    this.vocabulary = new Set(setup.vocabulary.filter(([w, c]) => c >= 2 && w.length >= 2 && /^\p{Script=Han}+$/u.test(w)).map(([w]) => w));
    if (this.o.synonyms) for (const group of setup.synonyms) for (const w of group) if (!this.canonical.has(w)) this.canonical.set(w, group[0]);
    // Mined long/short forms the corpus prints (环境影响评价 / 环评): the short form meets its long form.
    if (this.o.forms) {
      for (const [long, short] of setup.forms) {
        if (!this.canonical.has(short) && (this.canonical.get(long) ?? long) !== short) this.canonical.set(short, this.canonical.get(long) ?? long);
      }
    }
    this.rawStart.push(0);
    this.timeId = this.intern(`${OUTCOME}time`, OUTCOME_KIND);
    this.costId = this.intern(`${OUTCOME}cost`, OUTCOME_KIND);
    // Classes off (weight 0): no class is matched, so none is interned either (ids stay those of a file without them).
    const ideas = this.o.ideaWeight > 0 ? setup.ideas : [];
    this.ideas = new IdeaMatcher(ideas);
    this.ideaIds = ideas.map(([name]) => this.intern(IDEA_KEY + name, IDEA));
  }

  /** Feature id of each mechanism class, by its index in the setup's `ideas`; none when the classes are off. */
  get ideaFeatures(): readonly number[] {
    return this.ideaIds;
  }

  intern(key: string, k: number): number {
    let id = this.featureId.get(key);
    if (id === undefined) {
      id = this.featureText.length;
      this.featureId.set(key, id);
      this.featureText.push(key);
      this.kind.push(k);
      this.canonOf.push(id);
      if (k === WORD) {
        const c = this.canonical.get(key);
        if (c !== undefined && c !== key) this.canonOf.data[id] = this.intern(c, WORD);
      }
    }
    return id;
  }

  private subwordIds(word: string): number[] {
    let out = this.subwordMemo.get(word);
    if (!out) {
      const found = new Set<string>();
      for (let a = 0; a < word.length; a++) for (let b = a + 2; b <= word.length; b++) if (b - a < word.length && this.vocabulary.has(word.slice(a, b))) found.add(word.slice(a, b));
      this.subwordMemo.set(word, (out = [...found].filter((w) => !this.stop.has(w)).map((w) => this.intern(w, WORD))));
    }
    return out;
  }

  /** The run printed at [a, b) of `text`, whose code units hash to `h` (runHashStep from RUN_HASH_SEED): its entry in
   *  `runPool`, segmented now if it is not in the memo. */
  private findRun(text: string, a: number, b: number, h: number): number {
    const len = b - a;
    const slots = this.runSlots;
    const mask = slots.length - 1;
    for (let slot = runSlot(h, mask), e = slots[slot]; e !== 0; slot = (slot + 1) & mask, e = slots[slot]) {
      const k = e - 1;
      if (this.runHashes.data[k] === h && this.runKeys[k].length === len && text.startsWith(this.runKeys[k], a)) return this.runEntry.data[k];
    }
    return this.segmentRun(a === 0 && b === text.length ? text : text.slice(a, b), h);
  }

  /** Segments a run not in the memo and remembers it (see `runSlots`). */
  private segmentRun(run: string, h: number): number {
    this.runMisses++;
    if (this.runKeys.length >= this.o.runMemo) this.forgetRuns();
    const pieces = this.runSegmenter.segment(run);
    const pool = this.runPool;
    const at = pool.length;
    pool.push(0);
    const places: number[] = [];
    let n = 0;
    for (let q = 0; q < pieces.length; q++) {
      const p = pieces[q];
      if (p.text.length < 2 || this.stop.has(p.text)) continue;
      const id = this.intern(p.text, WORD);
      if (this.o.places && p.kind === 'word') {
        const after = pieces[q + 1]?.text;
        if (after !== undefined && PLACE_SUFFIXES.includes(after)) places.push(id);
      }
      pool.push(id);
      n++;
      // Words inside a compound (提离 in 附条件提离, 退税 in 留抵退税) meet the texts that say them alone.
      if (this.o.subwordWeight > 0 && p.text.length >= 3) {
        for (const w of this.subwordIds(p.text)) {
          pool.push(-1 - w);
          n++;
        }
      }
    }
    pool.data[at] = n;
    pool.push(places.length);
    for (const id of places) pool.push(id);
    const ideas = this.ideas.match(run);
    pool.push(ideas.length);
    for (const k of ideas) pool.push(this.ideaIds[k]);
    while (this.placeCount.length < this.featureText.length) this.placeCount.push(0);
    this.rememberRun(run, h, at);
    return at;
  }

  private rememberRun(run: string, h: number, at: number) {
    const k = this.runKeys.length;
    this.runKeys.push(run);
    this.runHashes.push(h);
    this.runEntry.push(at);
    // At most half full: the table doubles (its runs placed again by their stored hashes) before it would be more.
    if (2 * (k + 1) > this.runSlots.length) {
      this.runSlots = new Int32Array(2 * this.runSlots.length);
      for (let x = 0; x < k; x++) this.placeRun(x);
    }
    this.placeRun(k);
  }

  private placeRun(k: number) {
    const slots = this.runSlots;
    const mask = slots.length - 1;
    let slot = runSlot(this.runHashes.data[k], mask);
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = k + 1;
  }

  /** A title run's character bigrams and templates: the offset of their entry in `gramPool`. Kept per run: titles
   *  repeat across copies, and interning each bigram anew (a string built and hashed per pair) was a tenth of this
   *  pass at scale. */
  private titleGrams(run: string): number {
    let at = this.gramMemo.get(run);
    if (at === undefined) {
      const ids = this.o.bigramWeight > 0 ? this.gramIds(run) : new Int32Array(0);
      const templates = this.templateIds(run);
      at = this.gramPool.length;
      this.gramPool.push(ids.length);
      for (let x = 0; x < ids.length; x++) this.gramPool.push(ids[x]);
      this.gramPool.push(templates.length);
      for (const id of templates) this.gramPool.push(id);
      this.gramMemo.set(run, at);
      this.recordScratch.ensure(this.featureText.length);
    }
    return at;
  }

  /** Feature ids of the templates a slogan or title run is coined from (see TEMPLATES). */
  private templateIds(text: string): number[] {
    const ids: number[] = [];
    if (this.o.templateWeight <= 0) return ids;
    for (const [re, name] of TEMPLATES) {
      // The template's name filled from this match's own groups ($1 = the repeated 即 / 随 / 边), not by running
      // the pattern again over the matched text.
      const m = re.exec(text);
      if (m) ids.push(this.intern(TEMPLATE + name.replace(/\$(\d)/g, (_, g: string) => m[Number(g)] ?? ''), GRAM));
    }
    return ids;
  }

  /**
   * The slogan a quote prints (its text trimmed), or undefined when it is none. A short quote is a word in quotes or a
   * stock label (“串联”, “一站式”, “零跑腿”), printed alike by unrelated reforms: it counts as the words it is, not as a
   * slogan naming an idea; so does a stop word in quotes, and a quote with no Han character.
   */
  private sloganOf(quoted: string): string | undefined {
    const slogan = quoted.trim();
    return /\p{Script=Han}/u.test(slogan) && !this.stop.has(slogan) && slogan.length >= this.o.sloganMinLength ? slogan : undefined;
  }

  /** A slogan's templates and character bigrams, as sloganExtras holds them (none of a kind whose weight is 0). */
  private sloganExtrasOf(slogan: string): Int32Array {
    const templates = this.o.templateWeight > 0 ? this.templateIds(slogan) : [];
    const grams: number[] = [];
    if (this.o.bigramWeight > 0) for (const h of slogan.matchAll(HAN_RUN)) grams.push(...this.gramIds(h[0]));
    return Int32Array.from([templates.length, ...templates, grams.length, ...grams]);
  }

  /** Where the slogans among a title's quotes are: [start, end) of each one's text inside its quotes. */
  private sloganSpans(quotes: RegExpExecArray[]): number[] {
    const spans: number[] = [];
    for (const hit of quotes) if (this.sloganOf(hit[1]) !== undefined) spans.push(hit.index + 1, hit.index + 1 + hit[1].length);
    return spans;
  }

  private add(f: number, w: number, flag: number) {
    this.recordScratch.ensure(this.featureText.length);
    this.recordScratch.put(f, w, flag);
  }

  /** Feature ids of the character bigrams of a run of Han characters, in order. */
  private gramIds(run: string): Int32Array {
    const ids = new Int32Array(Math.max(0, run.length - 1));
    for (let i = 0; i + 2 <= run.length; i++) ids[i] = this.intern(BIGRAM + run.slice(i, i + 2), GRAM);
    this.recordScratch.ensure(this.featureText.length);
    return ids;
  }

  /** Reads one reform (all its printings) and appends its features. */
  readReform(printings: Printing[]) {
    const o = this.o;
    const recordScratch = this.recordScratch;
    const reformScratch = this.reformScratch;
    reformScratch.next();
    for (const printing of printings) {
      recordScratch.next();
      for (let fi = 0; fi < FIELDS.length; fi++) {
        const field = FIELDS[fi];
        const text = printing.text(fi);
        if (!text) continue;
        const full = o.fieldWeights[field];
        const plainWeight = PLAIN_FIELD_WEIGHTS[field];
        const object = full * o.titleObjectWeight;
        const flag = TERM_FLAG[field];
        // A title that quotes a slogan names its idea there (进口原油“先放后检”监管新模式: 先放后检); the words around
        // it name what the idea is applied to (原油), which reforms doing other things share.
        // The field's quotes, read once: the slogans among them weigh a title's words here and are features below.
        // Where a title's words around its slogans weigh less, its quotes are read first; elsewhere only when the scan
        // below saw an opening quote.
        const weighSpans = field === 'title' && o.titleObjectWeight !== 1;
        let quotes = weighSpans && OPENING_QUOTE.test(text) ? [...text.matchAll(QUOTED)] : NO_QUOTES;
        const slogans = weighSpans ? this.sloganSpans(quotes) : undefined;
        let saw = 0;
        // Words of each run of Han characters (numbers and punctuation separate runs; a run printed again, in a
        // copy or a stock phrase, is segmented once).
        for (let a = 0; a < text.length;) {
          let c = text.charCodeAt(a);
          if (!isHan(c)) {
            if (c >= 0x61 && c <= 0x7a) saw |= SAW_LATIN;
            else if (c === 0x201c || c === 0x22 || c === 0x2018 || c === 0x300c || c === 0x300e) saw |= SAW_QUOTE;
            a++;
            continue;
          }
          // The run's hash is taken on the way to its end, for the memo (findRun).
          let h = runHashStep(RUN_HASH_SEED, c);
          let b = a + 1;
          while (b < text.length && isHan((c = text.charCodeAt(b)))) {
            h = runHashStep(h, c);
            b++;
          }
          if (b - a >= 2) {
            const fw = spanWeight(slogans, a, b, full, object);
            let at = this.findRun(text, a, b, h);
            this.runLookups++;
            recordScratch.ensure(this.featureText.length);
            const pool = this.runPool.data;
            for (let end = at + 1 + pool[at++]; at < end; at++) {
              const id = pool[at];
              if (id >= 0) {
                recordScratch.put(id, fw, flag);
                recordScratch.plain[id] += plainWeight;
              } else recordScratch.put(-1 - id, fw * o.subwordWeight, flag);
            }
            for (let end = at + 1 + pool[at++]; at < end; at++) this.placeCount.data[pool[at]]++;
            // A mechanism named in the body text is often a passing mention (a reform that cites another), so it weighs
            // less there than in the title or the process steps, which describe the reform's own way of working.
            const iw = fw * o.ideaWeight * (field === 'title' || field === 'process' ? 1 : o.ideaBodyFactor);
            for (let end = at + 1 + pool[at++]; at < end; at++) recordScratch.put(pool[at], iw, 0);
            if (field === 'title' && (o.bigramWeight > 0 || o.templateWeight > 0)) {
              let g = this.titleGrams(text.slice(a, b));
              const grams = this.gramPool.data;
              const gw = o.bigramWeight * fw;
              for (let end = g + 1 + grams[g++]; g < end; g++) recordScratch.put(grams[g], gw, 0);
              const tw = o.templateWeight * fw;
              for (let end = g + 1 + grams[g++]; g < end; g++) recordScratch.put(grams[g], tw, 0);
            }
          }
          a = b;
        }
        // A Latin word weighs as the span it is printed in, like a run of Han text (KEY inside “关银一 KEY通”).
        if (saw & SAW_LATIN) {
          for (const hit of text.matchAll(LATIN)) {
            if (!this.stop.has(hit[0])) this.add(this.intern(hit[0], WORD), spanWeight(slogans, hit.index!, hit.index! + hit[0].length, full, object), flag);
          }
        }
        if (!weighSpans && saw & SAW_QUOTE) quotes = [...text.matchAll(QUOTED)];
        for (const hit of quotes) {
          let id = this.sloganIds.get(hit[1]);
          if (id === undefined) {
            const slogan = this.sloganOf(hit[1]);
            this.sloganIds.set(hit[1], (id = slogan === undefined ? -1 : this.intern(`“${slogan}”`, SLOGAN)));
          }
          if (id < 0) continue;
          this.add(id, o.fieldWeights.slogan, TERM_FLAG.slogan | flag);
          if (field !== 'title' && (o.templateWeight > 0 || o.bigramWeight > 0)) {
            let extras = this.sloganExtras.get(id);
            if (!extras) this.sloganExtras.set(id, (extras = this.sloganExtrasOf(this.featureText[id].slice(1, -1))));
            let x = 0;
            for (let end = x + 1 + extras[x++]; x < end; x++) this.add(extras[x], o.templateWeight * o.fieldWeights.slogan, 0);
            for (let end = x + 1 + extras[x++]; x < end; x++) this.add(extras[x], o.bigramWeight * o.fieldWeights.slogan, 0);
          }
        }
      }
      if (o.outcomeWeight > 0) {
        const bits = printing.outcomeBits;
        if (bits & OUTCOME_FLAG.time) this.add(this.timeId, o.outcomeWeight * o.fieldWeights.title, 0);
        if (bits & OUTCOME_FLAG.cost) this.add(this.costId, o.outcomeWeight * o.fieldWeights.title, 0);
      }
      // Into the reform: the richest weight of each feature over its printings.
      reformScratch.ensure(this.featureText.length);
      const t = recordScratch.touched;
      for (let x = 0; x < t.length; x++) {
        const f = t.data[x];
        reformScratch.put(f, recordScratch.value[f], recordScratch.flags[f], true);
        if (recordScratch.plain[f] > reformScratch.plain[f]) reformScratch.plain[f] = recordScratch.plain[f];
      }
    }
    const t = reformScratch.touched;
    for (let x = 0; x < t.length; x++) {
      const f = t.data[x];
      this.rawIds.push(f);
      this.rawTf.push(reformScratch.value[f]);
      this.rawFlags.push(reformScratch.flags[f]);
      this.rawPlain.push(reformScratch.plain[f]);
    }
    this.rawStart.push(this.rawIds.length);
  }

  /** Lets go of what only reading needs (the segmented runs, the vocabulary's lookup tables), before the later
   *  passes allocate theirs: the feature table and what was read stay. */
  release() {
    this.forgetRuns();
    this.vocab = { counts: new Map(), total: 1, maxLength: 1 };
    this.runSegmenter = new RunSegmenter(this.vocab);
    this.vocabulary = new Set();
  }

  /** Lets go of what was read (the per-reform features), once the vectors and key terms hold what is needed of it. */
  dropRead() {
    for (const g of [this.rawIds, this.rawTf, this.rawFlags, this.rawPlain] as Grow<Int32Array | Float32Array | Uint8Array>[]) {
      g.data = new (g.data.constructor as new (n: number) => typeof g.data)(0);
      g.length = 0;
    }
  }

  /** Forgets the segmented runs (they are segmented again if more is read): the build thread drops them while it
   *  waits for a reading worker, before the worker's features arrive, so both are not held at once. */
  forgetRuns() {
    this.runSlots = new Int32Array(1 << 12);
    this.runKeys = [];
    this.runHashes = new Grow(new Int32Array(1 << 10));
    this.runEntry = new Grow(new Int32Array(1 << 10));
    this.subwordMemo.clear();
    this.gramMemo.clear();
    this.sloganIds.clear();
    this.sloganExtras.clear();
    this.runPool = new Grow(new Int32Array(1 << 16));
    this.gramPool = new Grow(new Int32Array(1 << 12));
  }

  /** What a worker's reader hands back (plain data and typed arrays). The arrays are views of the reader's own
   *  buffers, not copies: the worker moves them to the build thread and ends, so they are never held twice. */
  exportState(): ReaderState {
    // The large arrays leave at their length, not with their spare room (up to half of them, grown by doubling): the
    // build thread holds them beside its own and the merged ones while it merges.
    for (const g of [this.rawIds, this.rawTf, this.rawFlags, this.rawPlain] as Grow<Int32Array | Float32Array | Uint8Array>[]) if (g.data.length > g.length) g.data = g.data.slice(0, g.length);
    const view = <T extends Int32Array | Float32Array | Uint8Array>(g: Grow<T>): T => g.data.subarray(0, g.length) as T;
    return {
      featureText: this.featureText,
      kind: view(this.kind),
      placeCount: view(this.placeCount),
      rawStart: view(this.rawStart),
      rawIds: view(this.rawIds),
      rawTf: view(this.rawTf),
      rawFlags: view(this.rawFlags),
      rawPlain: view(this.rawPlain),
      runLookups: this.runLookups,
      runMisses: this.runMisses,
    };
  }

  /**
   * Appends the reforms another reader read (the reforms right after this one's), as if this reader had read them.
   * Its features are interned here in its own order of first sight, skipping those this reader has: that is the
   * order one reader reading all the reforms would have given them, so ids, and every tie broken by id later, are
   * the same whether one thread read the corpus or two.
   */
  mergeFrom(s: ReaderState) {
    const map = new Int32Array(s.featureText.length);
    for (let f = 0; f < s.featureText.length; f++) map[f] = this.intern(s.featureText[f], s.kind[f]);
    while (this.placeCount.length < this.featureText.length) this.placeCount.push(0);
    for (let f = 0; f < s.placeCount.length; f++) if (s.placeCount[f]) this.placeCount.data[map[f]] += s.placeCount[f];
    // The worker's entries in bulk: room made once, ids mapped in one loop, weights and flags copied as they are.
    const base = this.rawIds.length;
    const count = s.rawIds.length;
    for (const g of [this.rawIds, this.rawTf, this.rawFlags, this.rawPlain] as Grow<Int32Array | Float32Array | Uint8Array>[]) {
      if (g.data.length < base + count) {
        const next = new (g.data.constructor as new (n: number) => typeof g.data)(base + count);
        next.set(g.data.subarray(0, base));
        g.data = next;
      }
      g.length = base + count;
    }
    const ids = this.rawIds.data;
    for (let x = 0; x < count; x++) ids[base + x] = map[s.rawIds[x]];
    this.rawTf.data.set(s.rawTf, base);
    this.rawFlags.data.set(s.rawFlags, base);
    this.rawPlain.data.set(s.rawPlain, base);
    for (let r = 1; r < s.rawStart.length; r++) this.rawStart.push(base + s.rawStart[r]);
    this.runLookups += s.runLookups;
    this.runMisses += s.runMisses;
  }
}

export interface ReaderState {
  featureText: string[];
  kind: Uint8Array;
  placeCount: Int32Array;
  rawStart: Int32Array;
  rawIds: Int32Array;
  rawTf: Float32Array;
  rawFlags: Uint8Array;
  rawPlain: Float32Array;
  runLookups: number;
  runMisses: number;
}
