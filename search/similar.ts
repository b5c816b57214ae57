/**
 * "Who else did this?": serving the similar-reform lists the indexer computed (indexer/similar.ts) from the
 * snapshot's typed arrays. Nothing is segmented at load or per request: a request reads up to `k` stored entries,
 * lists each entry's copies, and explains each by intersecting two short key-term lists. It does read text, each
 * record's text fields at most once per request (Reading): with mechanism classes loaded, the source's and every
 * entry's titles and process steps (the rest only when either of the pair names a class there) are normalised and
 * scanned for mechanism names, remembered per reform (namedOf); and when the two share fewer than five key terms,
 * both reforms' printed text is searched for the other's key terms.
 */
import { reformMembers, reformsOf } from './reforms.js';
import { TEXT_FIELDS, type ReformRecord, type TextField } from '../indexer/schema.js';
import { OUTCOME_FLAG, TERM_FLAG, type SimilarData } from '../indexer/similar-data.js';
import { IdeaMatcher, type IdeaClass } from '../indexer/similar-ideas.js';
import { Lru } from '../analysis/lru.js';

export { OUTCOME_FLAG, TERM_FLAG, type SimilarData };

export type SimilarScope = 'other-regions' | 'all';
export const SIMILAR_SCOPES: readonly SimilarScope[] = ['other-regions', 'all'];

/**
 * Why two reforms are alike, in one word: they quote the same slogan, work by the same mechanism under their own
 * names (dict/ideas.txt: 混兑 and 混矿 both blend bulk goods in bond), cut the same thing (waiting time, cost) by
 * similar means, share their process steps, or are about the same narrow topic.
 */
export type SimilarReason = 'same-slogan' | 'same-mechanism' | 'same-process' | 'same-outcome' | 'same-topic';
export const SIMILAR_REASONS: readonly SimilarReason[] = ['same-slogan', 'same-mechanism', 'same-process', 'same-outcome', 'same-topic'];

/** The mechanism two reforms share: its class label (dict/ideas.txt) and the name each prints, the source's first. */
export interface SharedMechanism {
  name: string;
  terms: string[];
}

export interface SimilarEntry {
  index: number;
  score: number;
  /** 2–5 terms or phrases found in both records that carry the shared idea, strongest first. */
  because: string[];
  reason: SimilarReason;
  /** Present when both reforms name one mechanism class, in the title or process steps of at least one of them. */
  mechanism?: SharedMechanism;
}

/** What explaining by mechanism needs: the snapshot's classes (terms normalised) and the text normaliser. */
export interface MechanismSetup {
  ideas: IdeaClass[];
  normalize: (text: string) => string;
}

/**
 * Which reform each record prints (search/reforms.ts reformsOf) and the records of each reform printed more than once
 * (reformMembers): the service has them already; grouped from the records when not given.
 */
export interface ReformGrouping {
  reformOf: Int32Array;
  members: Map<number, number[]>;
}

/** The classes a reform prints (class → the first name printed), split by where; `any` read only when asked. */
export interface Named {
  /** In a title or the process steps: the reform's own way of working. */
  own: Map<number, string>;
  /** Anywhere (the content, applicable-to and outcome text too): filled the first time a pair needs it. */
  any?: Map<number, string>;
}

/** The fields read for `Named.any` beside the title and process steps. */
const BODY_FIELDS: readonly TextField[] = ['content', 'applicableTo', 'outcome'];

const MAX_BECAUSE = 5;
/**
 * A shared term is named only when its part in the pair's likeness (its key-term weight in one reform times that in the
 * other) is at least this share of the strongest shared term's part. Measured over every seed record's top 10 (3000
 * entries; the lists themselves do not change, an entry keeps at least its strongest term): at 0.1 the terms named
 * fall from 3.38 to 3.22 per entry and 86 % → 84 % of entries keep two or more; the terms dropped most are side words
 * (电子, 享受, 条件, 费用, 问题, 节省, 制度, 政策, 领域, 基础, 便捷). At 0.15 topical words follow (作业, 港口, 保税, 口岸,
 * 检验: 80 % keep two), at 0.2 76 %.
 */
const BECAUSE_SHARE = 0.1;
/**
 * The absolute floor under the relative one, for a term looked up in the text (a key term of one reform that the other
 * prints without ranking it): unless it is all `because` has, it is named only when its part is at least that of a term
 * of this quantile of all stored key-term weights in both reforms (the median, squared). Its part was bounded by the
 * other reform's weakest key term, often far above what a word printed once in passing weighs there, so side words
 * passed the relative cut (维修物品综保区流转 ↔ 即到即入: 综合保税区, 综保区, then 运营 / 借助 / 公司); its weight there is
 * now estimated from the times each text prints it, and the floor drops them. Learned from the snapshot's own weights
 * (its corpus's tf-idf), no list. Over every seed record's top 10 (3000 entries, lists unchanged): terms per entry
 * 3.22 → 2.84, entries with two or more 83.5 % → 80.3 % (the estimate alone: 3.14, 82.9 %; quantile 0.25: 3.02, 82.1 %).
 */
const BECAUSE_FLOOR_QUANTILE = 0.5;
/** Key-term weights sampled (every n-th) for the floor's quantile: the median of a few thousand is steady. */
const FLOOR_SAMPLE = 8192;

/** How many times `text` prints `term` (not overlapping). */
function printed(text: string, term: string): number {
  let n = 0;
  for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + term.length)) n++;
  return n;
}

/** The smallest weight among a reform's key terms (0 when it has none). */
function weakest(terms: Map<number, { w: number }>): number {
  let w = Infinity;
  for (const t of terms.values()) if (t.w < w) w = t.w;
  return Number.isFinite(w) ? w : 0;
}
/** A term `because` may name: its part in the pair's likeness and its TERM_FLAG bits in each reform (0: not ranked). */
interface Shared {
  text: string;
  score: number;
  fi: number;
  fj: number;
}

/** Stronger part first; equal parts in code-unit order of the text, so the fallback's choice does not depend on map order. */
function strongerFirst(a: Shared, b: Shared): number {
  return b.score - a.score || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
}

/** Printings of a reform whose text `because` reads. */
const MAX_PRINTINGS_READ = 8;
/** Reforms whose mechanism classes are remembered: a list reads its source and up to 20 entries, each from text. */
const NAMED_MEMO = 4096;

/**
 * The printed text one request has read: each record's text fields (TEXT_FIELDS order, '' when absent), taken from
 * the record once whichever of the mechanism scan and the key-term look-up asks first. Made per request and dropped
 * with it: the records are decoded on demand, and neither they nor their text outlive the request here.
 */
class Reading {
  private readonly fields = new Map<number, string[]>();
  private readonly lowered = new Map<number, string>();

  constructor(private readonly records: ReformRecord[]) {}

  /** The text of `fields` in each of `printings`, one line break between any two (a term is Han characters only, so
   *  none spans one). */
  text(printings: readonly number[], fields: readonly TextField[]): string {
    const at = fields.map((f) => TEXT_FIELDS.indexOf(f));
    return printings.map((m) => {
      let p = this.fields.get(m);
      if (!p) {
        const r = this.records[m];
        this.fields.set(m, (p = TEXT_FIELDS.map((f) => r[f] ?? '')));
      }
      return at.map((x) => p[x]).filter(Boolean).join('\n');
    }).join('\n');
  }

  /** Every text field of `printings` (the first names the text), lower-cased, read once per request. */
  lower(printings: readonly number[]): string {
    let t = this.lowered.get(printings[0]);
    if (t === undefined) this.lowered.set(printings[0], (t = this.text(printings, TEXT_FIELDS).toLowerCase()));
    return t;
  }
}

export class SimilarLists {
  readonly group: Int32Array;
  /** Records of each reform printed more than once; a reform absent here is its one record. */
  private readonly members: Map<number, number[]>;
  private readonly matcher?: IdeaMatcher;
  private readonly namedMemo = new Lru<number, Named>(NAMED_MEMO);
  /** Learned on the first `because` (see weights()). */
  private learned?: { floor: number; names: boolean };

  constructor(
    private readonly records: ReformRecord[],
    private readonly data: SimilarData,
    private readonly mechanisms?: MechanismSetup,
    grouping?: ReformGrouping,
  ) {
    if (data.termStart.length !== records.length + 1 || data.all.ids.length !== records.length * data.k) {
      throw new Error('similar lists do not match the records');
    }
    // One flag per class is the snapshot validator's check (snapshot/validate.ts: a damaged snapshot is refused at
    // load, not at its first similar request); lists built in this process are built from the same classes.
    const kept = data.ideasKept;
    // Only a class that passed the build's background cut is named (a class most reforms print is no likeness); lists
    // from before the build recorded which passed name none, since an unchecked class may be such a common one.
    if (mechanisms && kept?.includes(1)) {
      this.matcher = new IdeaMatcher(mechanisms.ideas.map(([name, terms], k) => [name, kept[k] === 1 ? terms : []]));
    }
    this.group = grouping?.reformOf ?? reformsOf(records);
    this.members = grouping?.members ?? reformMembers(this.group);
  }

  /** Forget the remembered mechanism classes (first-seen benchmarks). */
  clearCache(): void {
    this.namedMemo.clear();
  }

  get k(): number {
    return this.data.k;
  }

  /** Other records printing the same reform. */
  copiesOf(index: number): number[] {
    return (this.members.get(this.group[index]) ?? []).filter((j) => j !== index);
  }

  /** Up to `size` (at most k) reforms like record `index`, best first. */
  similar(index: number, size: number, scope: SimilarScope): SimilarEntry[] {
    const list = scope === 'all' ? this.data.all : this.data.otherRegions;
    const k = this.data.k;
    const out: SimilarEntry[] = [];
    const reading = new Reading(this.records);
    const mine = this.namedOf(index, reading);
    for (let slot = 0; slot < k && out.length < size; slot++) {
      const stored = list.ids[index * k + slot];
      if (stored === 0) break;
      const j = stored - 1;
      const why = this.explain(index, j, mine, reading);
      // An entry alike only through bigrams or thesaurus variants has no term printed in both, or shares only words of
      // the background (explain): it is not offered.
      if (why.because.length === 0) continue;
      out.push({ index: j, score: Math.round(list.scores[index * k + slot] * 1000) / 1000, ...why });
    }
    return out;
  }

  /** What `because` learns from the stored key-term weights, once: the absolute floor on a looked-up term's part (the
   *  floor quantile of the weights, squared). */
  private weights(): { floor: number; names: boolean } {
    if (this.learned) return this.learned;
    // Lists from a build before TERM_FLAG.names carry the bit on no term.
    const names = this.data.termFlags.some((f) => (f & TERM_FLAG.names) !== 0);
    const w = this.data.termWeights;
    const step = Math.max(1, Math.floor(w.length / FLOOR_SAMPLE));
    const sample: number[] = [];
    for (let x = 0; x < w.length; x += step) sample.push(w[x]);
    sample.sort((a, b) => a - b);
    const q = sample.length ? sample[Math.min(sample.length - 1, Math.floor(BECAUSE_FLOOR_QUANTILE * sample.length))] : 0;
    return (this.learned = { floor: q * q, names });
  }

  /** Key terms of a reform: of all its printings, strongest weight and every field flag per term. */
  private keyTerms(i: number): Map<number, { w: number; f: number }> {
    const d = this.data;
    const out = new Map<number, { w: number; f: number }>();
    for (const m of this.members.get(this.group[i]) ?? [i]) {
      for (let t = d.termStart[m]; t < d.termStart[m + 1]; t++) {
        const e = out.get(d.termIds[t]);
        if (e) {
          e.w = Math.max(e.w, d.termWeights[t]);
          e.f |= d.termFlags[t];
        } else out.set(d.termIds[t], { w: d.termWeights[t], f: d.termFlags[t] });
      }
    }
    return out;
  }

  /** A reform's first printings in corpus order, whichever of them was asked for: the mechanism memo is per reform. */
  private firstPrintings(i: number): number[] {
    return (this.members.get(this.group[i]) ?? [i]).slice(0, MAX_PRINTINGS_READ);
  }

  /** A reform's printed text, lower-cased, for the key-term look-up: the record and a few of its copies. */
  private fullText(i: number, reading: Reading): string {
    // A term found there is certainly in the reform, and a reform printed hundreds of times (a stock title in a large
    // corpus) does not make one request read them all.
    return reading.lower([i, ...this.copiesOf(i).slice(0, MAX_PRINTINGS_READ - 1)]);
  }

  /** The mechanism classes a reform names (its first printings), of those that passed the cut; none without classes. */
  private namedOf(i: number, reading: Reading): Named | undefined {
    const matcher = this.matcher;
    if (!matcher) return undefined;
    const known = this.namedMemo.get(this.group[i]);
    if (known) return known;
    // The memo keeps the classes found, never the text nor the records: a loaded snapshot's records are decoded on
    // demand (its own cache bounds how many live), and a remembered reform holding them would keep thousands alive
    // beyond that bound. Most entries are settled by the titles and process steps alone (neither names a class): the
    // body is read only when one of them does (anyNamed).
    const named: Named = { own: matcher.named(this.mechanisms!.normalize(reading.text(this.firstPrintings(i), ['title', 'process']))) };
    this.namedMemo.set(this.group[i], named);
    return named;
  }

  /** The classes reform `i` names anywhere, read from its body text the first time a pair asks. */
  private anyNamed(named: Named, i: number, reading: Reading): Map<number, string> {
    if (!named.any) {
      const any = this.matcher!.named(this.mechanisms!.normalize(reading.text(this.firstPrintings(i), BODY_FIELDS)));
      for (const [k, term] of named.own) any.set(k, term);
      named.any = any;
    }
    return named.any;
  }

  /**
   * The mechanism both reforms name, in the title or process steps of at least one of them (a mechanism only named in
   * both bodies is often a passing mention of another reform); the source's own first.
   */
  private sharedMechanism(i: number, a: Named | undefined, j: number, b: Named | undefined, reading: Reading): SharedMechanism | undefined {
    if (!a || !b || (a.own.size === 0 && b.own.size === 0)) return undefined;
    const anyA = () => this.anyNamed(a, i, reading);
    const anyB = () => this.anyNamed(b, j, reading);
    const pick = (k: number) => {
      const terms = [anyA().get(k)!, anyB().get(k)!];
      return { name: this.mechanisms!.ideas[k][0], terms: terms[0] === terms[1] ? [terms[0]] : terms };
    };
    for (const k of a.own.keys()) if (anyB().has(k)) return pick(k);
    for (const k of b.own.keys()) if (anyA().has(k)) return pick(k);
    return undefined;
  }

  /**
   * The shared terms carrying the idea (each present in both records), the kind of likeness, and the mechanism both
   * name when there is one (`named`: the source's classes; `reading`: the text this request has read).
   */
  private explain(i: number, j: number, named: Named | undefined, reading: Reading): { because: string[]; reason: SimilarReason; mechanism?: SharedMechanism } {
    const mechanism = this.sharedMechanism(i, named, j, this.namedOf(j, reading), reading);
    const mine = this.keyTerms(i);
    const theirs = this.keyTerms(j);
    const shared: Shared[] = [];
    for (const [id, t] of mine) {
      const u = theirs.get(id);
      if (u) shared.push({ text: this.data.terms[id], score: t.w * u.w, fi: t.f, fj: u.f });
    }
    shared.sort((a, b) => b.score - a.score);
    // The idea is carried by the terms that weigh in both reforms: a shared word whose part in the pair's likeness
    // (its weight in one reform times its weight in the other, the tf-idf the lists are built from) is a small share of
    // the strongest term's part is a side word of both (享受, 问题, 便捷 beside 增值税 and 退税), however rare.
    // A term printing the shared mechanism's name is kept whatever its part: it names the idea.
    const names = mechanism ? new Set(mechanism.terms) : undefined;
    const naming = (t: string) => names !== undefined && [...names].some((n) => t.includes(n));
    const floor = (shared[0]?.score ?? 0) * BECAUSE_SHARE;
    const strong = shared.filter((s) => s.score >= floor || naming(s.text));
    // Key terms of either reform that the other prints without ranking them among its own key terms (looked up in the
    // printed text: a term in traditional or full-width print is simply not offered), the stronger first; each text is
    // searched once per term and pair, whichever of the two uses below asks first. Its part is estimated from its
    // weight where it is ranked: the same idf, tf as printed (log1p of the times each text prints it), never above the
    // weakest key term of the reform that does not rank it.
    let lookedUp: Shared[] | undefined;
    const lookups = (): Shared[] => {
      if (lookedUp) return lookedUp;
      const textI = this.fullText(i, reading);
      const textJ = this.fullText(j, reading);
      const weakestI = weakest(mine);
      const weakestJ = weakest(theirs);
      // The count in the other text is also what says it prints the term at all.
      const estimate = (w: number, ranked: string, inOther: number, term: string, cap: number) => {
        const here = printed(ranked, term);
        return here > 0 ? Math.min(cap, (w * Math.log1p(inOther)) / Math.log1p(here)) : cap;
      };
      const extra: Shared[] = [];
      for (const [id, t] of mine) {
        if (theirs.has(id)) continue;
        const term = this.data.terms[id];
        const inJ = printed(textJ, term);
        if (inJ > 0) extra.push({ text: term, score: t.w * estimate(t.w, textI, inJ, term, weakestJ), fi: t.f, fj: 0 });
      }
      for (const [id, u] of theirs) {
        if (mine.has(id)) continue;
        const term = this.data.terms[id];
        const inI = printed(textI, term);
        if (inI > 0) extra.push({ text: term, score: u.w * estimate(u.w, textJ, inI, term, weakestI), fi: 0, fj: u.f });
      }
      extra.sort(strongerFirst);
      return (lookedUp = extra);
    };
    if (shared.length < MAX_BECAUSE) {
      // Without a shared key term the strongest look-up sets the relative floor and is kept whatever its part; every
      // other look-up must also pass the absolute floor.
      const extra = lookups();
      const absolute = this.weights().floor;
      const first = strong.length === 0;
      const extraFloor = first ? (extra[0]?.score ?? 0) * BECAUSE_SHARE : floor;
      extra.slice(0, MAX_BECAUSE + 3).forEach((e, x) => {
        if (naming(e.text) || (e.score >= extraFloor && ((first && x === 0) || e.score >= absolute))) strong.push(e);
      });
    }
    // Background words (TERM_FLAG.names unset: no slogan, no naming word, in the titles of fewer than two reforms,
    // such as 主动 / 选择 / 享受) are not named, however strong their part (确认 in 确认制 is strong in its source, so
    // 主动 / 选择 / 享受 passed the relative cut beside it), except beside a shared mechanism when no term carries an
    // idea: the mechanism explains the entry then. Lists built before the flag: off.
    if (this.weights().names) {
      let carrying = strong.filter((s) => (s.fi | s.fj) & TERM_FLAG.names || naming(s.text));
      if (carrying.length === 0) {
        // Before naming background words: any key term of either reform that carries an idea and that the other
        // prints, whatever its part (the cuts above kept only stronger words, all of them background), ordered by
        // that part: a shared key term's as the lists weigh it, a looked-up one's as estimated above.
        const textJ = this.fullText(j, reading);
        carrying = shared.filter((s) => s.fi & TERM_FLAG.names && printed(textJ, s.text) > 0);
        for (const e of lookups()) if ((e.fi | e.fj) & TERM_FLAG.names) carrying.push(e);
        carrying.sort(strongerFirst);
      }
      // Nothing carries an idea: the entry is not offered (49 of the seeds' 3,000 top-10 entries: 作为 / 重要, 运行,
      // 提前; dev nDCG@10 0.747 → 0.745, within noise; docs/design.md, session 18 sim14m).
      if (carrying.length === 0 && !mechanism) return { because: [], reason: 'same-topic' };
      if (carrying.length > 0) {
        strong.length = 0;
        strong.push(...carrying);
      }
    }
    // A shared term that prints the shared mechanism's name (“先放后检” when both print it) says the most: first.
    if (mechanism) {
      strong.sort((a, b) => Number(naming(b.text)) - Number(naming(a.text)));
    }
    // A term inside a longer chosen one (自贸 in 链上自贸) adds nothing.
    const chosen: typeof shared = [];
    for (const s of strong) {
      if (chosen.length >= MAX_BECAUSE) break;
      if (chosen.some((c) => c.text.includes(s.text) || s.text.includes(c.text))) continue;
      chosen.push(s);
    }
    const both = (flag: number) => chosen.filter((c) => c.fi & flag && c.fj & flag);
    let reason: SimilarReason = 'same-topic';
    const outcomes = this.data.outcomes[i] & this.data.outcomes[j];
    if (both(TERM_FLAG.slogan).length > 0) reason = 'same-slogan';
    else if (mechanism) reason = 'same-mechanism';
    else if (outcomes && both(TERM_FLAG.outcome).length > 0) reason = 'same-outcome';
    else if (chosen.length > 0 && both(TERM_FLAG.process).length * 2 >= chosen.length) reason = 'same-process';
    return { because: chosen.map((c) => c.text), reason, ...(mechanism ? { mechanism } : {}) };
  }
}
