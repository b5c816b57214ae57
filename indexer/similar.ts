/**
 * Similar reforms, computed once at build time: for every record, the reforms that do the same thing, as lists of
 * record indices into `body.similar` (typed arrays, so the server maps them without re-segmenting anything).
 *
 * A reform is described by what names its idea — its title, the slogans it quotes (“链上自贸”, “先放后检”), its
 * process steps — weighted above background text, as a tf-idf vector over:
 *  - words (segmented with the snapshot's own vocabulary, so the result does not depend on jieba's state),
 *    mapped to one key per thesaurus group (环评 meets 环境影响评价);
 *  - whole quoted slogans;
 *  - character bigrams of the title and slogans, so short idea terms meet their variants (船舶直转 / 船船直转,
 *    一单制 / 一单到底);
 *  - what the outcome cut (waiting time, cost), when the text says so.
 * Terms found in more than `maxDf` of all reforms are background (learned from document frequency, not listed by
 * hand). Copies of one reform (its `related` links) are one entry, the source's own copies are never listed, and
 * lists are re-ranked MMR-style so one document's variations on a theme do not fill a list.
 */
import { QueryAnalyzer } from '../search/analyzer.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { OUTCOME_FLAG, TERM_FLAG, reformGroups, type SimilarData } from '../search/similar.js';
import { PROVINCES } from './regions.js';
import type { ReformRecord, TextField } from './schema.js';

export interface SimilarOptions {
  /** Entries stored per record and scope. Default 20. */
  k: number;
  /** Weight of one occurrence per field; `slogan` is a quoted phrase anywhere. */
  fieldWeights: Record<TextField | 'slogan', number>;
  /** Terms in more than this share of reforms are background and dropped. Default 0.1. */
  maxDf: number;
  /** Weight of character bigrams of the title and slogans, relative to a title word. 0 turns them off. */
  bigramWeight: number;
  /** Weight of the known words inside a longer word, relative to the word. 0 turns them off. */
  subwordWeight: number;
  /** Leave place names out (provinces, and words printed before 市/省/县/片区). Default true. */
  places: boolean;
  /** Map thesaurus groups to one key. Default true. */
  synonyms: boolean;
  /** Weight of the outcome kind (time cut, cost cut) relative to a title word. 0 turns it off. */
  outcomeWeight: number;
  /** Strongest terms kept per record vector (the rest is background). Default 40. */
  topTerms: number;
  /** Key terms kept per record for `because`. Default 40. */
  keyTerms: number;
  /** A reform is listed only when it shares at least this many words or slogans (not just bigrams or an outcome
   *  kind) with the source, so every entry can say why. Default 1. */
  minShared: number;
  /** Weight of second-order likeness (through the closest reforms). 0 turns it off. */
  feedback: number;
  /** How many of the closest reforms lend their likeness. */
  feedbackDepth: number;
  /** Longest inverted list walked per term when finding candidates. Default 1000. */
  maxPostings: number;
  /** MMR trade-off: 1 ranks by similarity alone; lower values penalise likeness to entries already listed. */
  mmrLambda: number;
  /** Extra penalty per entry already listed from the same document (diversity across documents). */
  sameDocPenalty: number;
  /** Candidates considered for re-ranking. Default 60. */
  pool: number;
}

export const DEFAULT_SIMILAR_OPTIONS: SimilarOptions = {
  k: 20,
  fieldWeights: { title: 2, slogan: 3, content: 1, process: 1, outcome: 0.6, applicableTo: 0.5 },
  maxDf: 0.1,
  bigramWeight: 0.5,
  subwordWeight: 0.5,
  places: true,
  synonyms: true,
  outcomeWeight: 0.5,
  topTerms: 40,
  keyTerms: 40,
  minShared: 1,
  maxPostings: 1000,
  feedback: 1,
  feedbackDepth: 5,
  mmrLambda: 1,
  sameDocPenalty: 0.03,
  pool: 60,
};

const FIELDS: TextField[] = ['title', 'content', 'applicableTo', 'process', 'outcome'];
const HAN_RUN = /\p{Script=Han}{2,}/gu;
const QUOTED = /[“"‘「『]([^”"’」』]{2,24})[”"’」』]/g;
const BIGRAM = '\u0001';
const OUTCOME = '\u0002';

/** Outcome kinds a text reports: a waiting time or a cost cut. */
export function outcomeKinds(r: ReformRecord): number {
  let bits = 0;
  const text = `${r.outcome ?? ''}${r.content ?? ''}`;
  if (r.quantities.some((q) => q.change && q.normalized?.unit === '天') || /(压缩|缩短|缩减|减少|节约|节省)[^。；]{0,12}(时间|时限|天|小时|分钟|工作日)|(时间|时限|周期)[^。；]{0,8}(压缩|缩短|缩减)|提速|零待时/.test(text)) {
    bits |= OUTCOME_FLAG.time;
  }
  if (/(降低|节约|节省|减少|减轻)[^。；]{0,10}(成本|费用|资金|税负|负担)|(成本|费用)[^。；]{0,6}(降低|节约|减少)|节约[^。；]{0,6}元/.test(text)) bits |= OUTCOME_FLAG.cost;
  return bits;
}

interface Extracted {
  /** feature key → weighted count */
  tf: Map<string, number>;
  /** feature key → surface form (for words and slogans) and field flags */
  surface: Map<string, { text: string; flags: number }>;
}

export function buildSimilar(body: Pick<SnapshotBody, 'records' | 'analysis' | 'dictionary'>, options: Partial<SimilarOptions> = {}): SimilarData {
  const o: SimilarOptions = { ...DEFAULT_SIMILAR_OPTIONS, ...options, fieldWeights: { ...DEFAULT_SIMILAR_OPTIONS.fieldWeights, ...options.fieldWeights } };
  const records = body.records;
  const n = records.length;
  const analyzer = new QueryAnalyzer({ ...body.analysis, synonyms: body.dictionary.synonyms, stopwords: body.dictionary.stopwords });
  const norm = (s: string) => analyzer.normalizer.plain(s);
  const stop = new Set(body.dictionary.stopwords);
  const vocabulary = new Set(body.analysis.vocabulary.filter(([w, c]) => c >= 2 && w.length >= 2 && /^\p{Script=Han}+$/u.test(w)).map(([w]) => w));
  const subwordMemo = new Map<string, string[]>();
  const subwords = (word: string): string[] => {
    let out = subwordMemo.get(word);
    if (!out) {
      const found = new Set<string>();
      for (let a = 0; a < word.length; a++) for (let b = a + 2; b <= word.length; b++) if (b - a < word.length && vocabulary.has(word.slice(a, b))) found.add(word.slice(a, b));
      subwordMemo.set(word, (out = [...found]));
    }
    return out;
  };
  const canonical = new Map<string, string>();
  if (o.synonyms) for (const group of body.dictionary.synonyms) for (const w of group) if (!canonical.has(w)) canonical.set(w, group[0]);

  // 1. Features per record. Place names are counted on the way: a word printed right before 市 / 省 / 县 / 片区
  //    (青岛市, 烟台片区) more than once, or a province, says where a reform was done, not what it does.
  const placeCount = new Map<string, number>();
  const extracted: Extracted[] = records.map((r) => {
    const tf = new Map<string, number>();
    const surface = new Map<string, { text: string; flags: number }>();
    const add = (key: string, w: number, text?: string, flag = 0) => {
      tf.set(key, (tf.get(key) ?? 0) + w);
      if (text !== undefined) {
        const s = surface.get(key);
        if (s) s.flags |= flag;
        else surface.set(key, { text, flags: flag });
      }
    };
    const bigrams = (text: string, w: number) => {
      for (const m of text.matchAll(HAN_RUN)) for (let i = 0; i + 2 <= m[0].length; i++) add(BIGRAM + m[0].slice(i, i + 2), w);
    };
    for (const field of FIELDS) {
      const raw = r[field];
      if (!raw) continue;
      const text = norm(raw);
      const fw = o.fieldWeights[field];
      const pieces = analyzer.segment(text);
      for (let q = 0; q < pieces.length; q++) {
        const p = pieces[q];
        if (p.kind === 'number' || p.text.length < 2 || stop.has(p.text) || /^[\d.]+$/.test(p.text)) continue;
        if (o.places && p.kind === 'word' && /^(市|省|县|片区)$/.test(pieces[q + 1]?.text ?? '')) placeCount.set(p.text, (placeCount.get(p.text) ?? 0) + 1);
        add(canonical.get(p.text) ?? p.text, fw, p.text, TERM_FLAG[field]);
        if (o.subwordWeight > 0 && p.text.length >= 3) {
          // Words inside a compound (提离 in 附条件提离, 退税 in 留抵退税) meet the texts that say them alone.
          for (const sub of subwords(p.text)) if (!stop.has(sub)) add(canonical.get(sub) ?? sub, fw * o.subwordWeight, sub, TERM_FLAG[field]);
        }
      }
      for (const m of text.matchAll(QUOTED)) {
        const slogan = m[1].trim();
        if (!/\p{Script=Han}/u.test(slogan) || stop.has(slogan)) continue;
        add(`“${slogan}”`, o.fieldWeights.slogan, slogan, TERM_FLAG.slogan | TERM_FLAG[field]);
        if (o.bigramWeight > 0 && field !== 'title') bigrams(slogan, o.bigramWeight * o.fieldWeights.slogan);
      }
      if (o.bigramWeight > 0 && field === 'title') bigrams(text, o.bigramWeight * fw);
    }
    if (o.outcomeWeight > 0) {
      const bits = outcomeKinds(r);
      if (bits & OUTCOME_FLAG.time) add(`${OUTCOME}time`, o.outcomeWeight * o.fieldWeights.title);
      if (bits & OUTCOME_FLAG.cost) add(`${OUTCOME}cost`, o.outcomeWeight * o.fieldWeights.title);
    }
    return { tf, surface };
  });
  if (o.places) {
    const places = new Set<string>(PROVINCES);
    for (const [w, c] of placeCount) if (c >= 2) places.add(w);
    for (const { tf, surface } of extracted) {
      for (const key of tf.keys()) {
        if (places.has(key)) {
          tf.delete(key);
          surface.delete(key);
        }
      }
    }
  }

  // 2. Document frequency over reforms (a reform printed twice counts once), idf, background cut.
  const group = reformGroups(records);
  const groupCount = new Set(group).size;
  const df = new Map<string, number>();
  const seenInGroup = new Map<string, number>();
  const order = Array.from(records.keys()).sort((a, b) => group[a] - group[b]);
  for (const i of order) {
    for (const key of extracted[i].tf.keys()) {
      if (seenInGroup.get(key) === group[i]) continue;
      seenInGroup.set(key, group[i]);
      df.set(key, (df.get(key) ?? 0) + 1);
    }
  }
  const maxDf = Math.max(2, o.maxDf * groupCount);
  const idf = (key: string) => Math.log(groupCount / df.get(key)!);

  // 3. One vector per reform: its printings' features merged (the richest wording of each), the strongest
  //    `topTerms` kept, L2-normalised.
  const members = new Map<number, number[]>();
  group.forEach((g, i) => {
    const m = members.get(g);
    if (m) m.push(i);
    else members.set(g, [i]);
  });
  const textLength = (r: ReformRecord) => FIELDS.reduce((sum, f) => sum + (r[f]?.length ?? 0), 0);
  const reforms = [...members.values()].map((m) => ({
    members: m,
    // The printing shown for the reform: the one with the most text (a case write-up over a one-line table item).
    shown: m.reduce((a, b) => (textLength(records[b]) > textLength(records[a]) ? b : a)),
  }));
  const featureId = new Map<string, number>();
  const reformTf = reforms.map(({ members: m }) => {
    const tf = new Map<string, number>();
    for (const i of m) for (const [key, t] of extracted[i].tf) tf.set(key, Math.max(tf.get(key) ?? 0, t));
    return tf;
  });
  const raw = reformTf.map((tf) => {
    const entries: [string, number][] = [];
    for (const [key, t] of tf) {
      const d = df.get(key)!;
      // In one reform only: shared with nobody; in too many: background. What an outcome cut is kept: it is a
      // kind, common by nature, weighted by its own option.
      if (d < 2 || (d > maxDf && !key.startsWith(OUTCOME))) continue;
      entries.push([key, Math.log1p(t) * idf(key)]);
    }
    entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const kept = entries.slice(0, o.topTerms);
    return { kept, norm: Math.sqrt(kept.reduce((sum, [, w]) => sum + w * w, 0)) };
  });
  const vectors: { ids: Int32Array; w: Float32Array }[] = raw.map(({ kept, norm }) => {
    const by = norm || 1;
    const pairs = kept.map(([key, w]) => {
      let id = featureId.get(key);
      if (id === undefined) featureId.set(key, (id = featureId.size));
      return [id, w / by] as [number, number];
    }).sort((a, b) => a[0] - b[0]);
    return { ids: Int32Array.from(pairs, (p) => p[0]), w: Float32Array.from(pairs, (p) => p[1]) };
  });

  // 4. Inverted lists over the kept features, each cut to the `maxPostings` reforms where the term weighs most:
  //    the cost of finding candidates stays bounded as the corpus grows (a reform where a common term is weak
  //    is not found through that term alone).
  const lists: [number, number][][] = Array.from({ length: featureId.size }, () => []);
  vectors.forEach((v, g) => {
    for (let t = 0; t < v.ids.length; t++) lists[v.ids[t]].push([g, v.w[t]]);
  });
  const postings = lists.map((l) => {
    if (l.length > o.maxPostings) l = l.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, o.maxPostings);
    return { doc: Int32Array.from(l, (x) => x[0]), w: Float32Array.from(l, (x) => x[1]) };
  });
  const cosine = (a: number, b: number) => {
    const x = vectors[a];
    const y = vectors[b];
    let s = 0;
    for (let p = 0, q = 0; p < x.ids.length && q < y.ids.length;) {
      if (x.ids[p] === y.ids[q]) s += x.w[p++] * y.w[q++];
      else if (x.ids[p] < y.ids[q]) p++;
      else q++;
    }
    return s;
  };

  const isWord = new Uint8Array(featureId.size);
  for (const [key, id] of featureId) isWord[id] = key.startsWith(BIGRAM) || key.startsWith(OUTCOME) ? 0 : 1;
  const sharedWords = (a: number, b: number) => {
    const x = vectors[a];
    const y = vectors[b];
    let shared = 0;
    for (let p = 0, q = 0; p < x.ids.length && q < y.ids.length;) {
      if (x.ids[p] === y.ids[q]) {
        shared += isWord[x.ids[p]];
        p++;
        q++;
      } else if (x.ids[p] < y.ids[q]) p++;
      else q++;
    }
    return shared;
  };

  // 5. Lists per reform and scope, shared by its printings.
  const regionsOf = reforms.map((g) => new Set(g.members.flatMap((i) => records[i].regions)));
  const fileOf = reforms.map((g) => records[g.shown].source.file);
  const k = o.k;
  const all = { ids: new Uint32Array(n * k), scores: new Float32Array(n * k) };
  const otherRegions = { ids: new Uint32Array(n * k), scores: new Float32Array(n * k) };
  const acc = new Float32Array(reforms.length);
  const touched: number[] = [];
  const C = o.pool;
  const candIds = new Int32Array(reforms.length * C).fill(-1);
  const candS = new Float32Array(reforms.length * C);
  for (let gi = 0; gi < reforms.length; gi++) {
    const v = vectors[gi];
    for (let t = 0; t < v.ids.length; t++) {
      const post = postings[v.ids[t]];
      const wi = v.w[t];
      for (let p = 0; p < post.doc.length; p++) {
        const j = post.doc[p];
        if (acc[j] === 0) touched.push(j);
        acc[j] += wi * post.w[p];
      }
    }
    const candidates: { j: number; s: number }[] = [];
    for (const j of touched) {
      if (j !== gi && acc[j] > 0) candidates.push({ j, s: acc[j] });
      acc[j] = 0;
    }
    touched.length = 0;
    candidates.sort((a, b) => b.s - a.s || a.j - b.j);
    candidates.slice(0, C).forEach((c, x) => {
      candIds[gi * C + x] = c.j;
      candS[gi * C + x] = c.s;
    });
  }
  for (let gi = 0; gi < reforms.length; gi++) {
    const score = new Map<number, number>();
    for (let x = 0; x < C && candIds[gi * C + x] >= 0; x++) score.set(candIds[gi * C + x], candS[gi * C + x]);
    if (o.feedback > 0) {
      // What the closest reforms are like counts a little too: it bridges ideas printed in different words.
      for (let x = 0; x < o.feedbackDepth && candIds[gi * C + x] >= 0; x++) {
        const m = candIds[gi * C + x];
        const sm = candS[gi * C + x];
        for (let y = 0; y < C && candIds[m * C + y] >= 0; y++) {
          const j = candIds[m * C + y];
          if (j === gi) continue;
          score.set(j, (score.get(j) ?? 0) + o.feedback * sm * candS[m * C + y]);
        }
      }
    }
    const candidates = [...score].map(([j, s]) => ({ j, s })).sort((a, b) => b.s - a.s || a.j - b.j);
    const mine = regionsOf[gi];
    const other = candidates.filter(({ j }) => [...regionsOf[j]].some((p) => !mine.has(p)));
    const listAll = rerank(gi, candidates);
    const listOther = rerank(gi, other);
    for (const i of reforms[gi].members) {
      fill(all, i, listAll);
      fill(otherRegions, i, listOther);
    }
  }

  /** MMR over the best `pool` reforms: each next entry trades its similarity for unlikeness to those listed. */
  function rerank(source: number, candidates: { j: number; s: number }[]): { j: number; s: number }[] {
    const pool: { j: number; s: number }[] = [];
    for (const c of candidates) {
      if (pool.length >= o.pool) break;
      if (sharedWords(source, c.j) >= o.minShared) pool.push(c);
    }
    if (o.mmrLambda >= 1 && o.sameDocPenalty === 0) return pool.slice(0, k);
    const chosen: { j: number; s: number }[] = [];
    const maxSim = new Float32Array(pool.length);
    const docCount = new Map<string, number>();
    const used = new Uint8Array(pool.length);
    while (chosen.length < k && chosen.length < pool.length) {
      let best = -1;
      let bestScore = -Infinity;
      for (let c = 0; c < pool.length; c++) {
        if (used[c]) continue;
        const same = docCount.get(fileOf[pool[c].j]) ?? 0;
        const score = o.mmrLambda * pool[c].s - (1 - o.mmrLambda) * maxSim[c] - o.sameDocPenalty * same * pool[c].s;
        if (score > bestScore) [best, bestScore] = [c, score];
      }
      used[best] = 1;
      chosen.push(pool[best]);
      const file = fileOf[pool[best].j];
      docCount.set(file, (docCount.get(file) ?? 0) + 1);
      if (o.mmrLambda < 1) for (let c = 0; c < pool.length; c++) if (!used[c]) maxSim[c] = Math.max(maxSim[c], cosine(pool[c].j, pool[best].j));
    }
    return chosen;
  }

  function fill(target: { ids: Uint32Array; scores: Float32Array }, i: number, list: { j: number; s: number }[]) {
    list.slice(0, k).forEach(({ j, s }, slot) => {
      target.ids[i * k + slot] = reforms[j].shown + 1;
      target.scores[i * k + slot] = s;
    });
  }

  // 6. Key terms per record, for `because`: words and slogans (not bigrams), strongest first.
  const termIndex = new Map<string, number>();
  const terms: string[] = [];
  const termStart = new Uint32Array(n + 1);
  const ids: number[] = [];
  const weights: number[] = [];
  const flags: number[] = [];
  extracted.forEach(({ tf, surface }, i) => {
    // One entry per surface text (a slogan may also be a segmented word): strongest weight, every field it is in.
    const byText = new Map<string, { w: number; f: number }>();
    for (const [key, t] of tf) {
      const s = surface.get(key);
      const d = df.get(key)!;
      if (!s || d < 2 || d > maxDf) continue;
      const w = Math.log1p(t) * idf(key);
      const e = byText.get(s.text);
      if (e) {
        e.w = Math.max(e.w, w);
        e.f |= s.flags;
      } else byText.set(s.text, { w, f: s.flags });
    }
    const entries = [...byText].sort((a, b) => b[1].w - a[1].w || (a[0] < b[0] ? -1 : 1)).slice(0, o.keyTerms);
    for (const [text, { w, f }] of entries) {
      let id = termIndex.get(text);
      if (id === undefined) {
        termIndex.set(text, (id = terms.length));
        terms.push(text);
      }
      ids.push(id);
      weights.push(w);
      flags.push(f);
    }
    termStart[i + 1] = ids.length;
  });

  return {
    version: 1,
    k,
    all,
    otherRegions,
    termStart,
    termIds: Uint32Array.from(ids),
    termWeights: Float32Array.from(weights),
    termFlags: Uint8Array.from(flags),
    terms,
    outcomes: Uint8Array.from(records, (r) => outcomeKinds(r)),
  };
}
