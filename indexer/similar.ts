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
import { Normalizer } from '../analysis/normalize.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { OUTCOME_FLAG, TERM_FLAG, type SimilarData } from './similar-data.js';
import { reformGroups } from './reform-groups.js';
import { PROVINCES } from './regions.js';
import type { ReformRecord, TextField } from './schema.js';
import { Grow } from './grow.js';
import { buildLists, candidateRunner, CLASS_FEATURE, findCandidates, listRunner, shareCandidates, shareLists, Strongest, WORD_FEATURE, type ListInput } from './similar-candidates.js';
import { splitWithWorker } from './shared-chunks.js';
import type { SimilarThreads, SimilarWorker } from './similar-threads.js';
import { weighByCoherence } from './similar-coherence.js';
import { bigramView } from './similar-bigram-view.js';
import { DEPARTMENT, DEPT, FeatureReader, featureSetup, FIELDS, IDEA, OUTCOME_KIND, GRAM, PLACE_SUFFIXES, TEMPLATE, Scratch, SLOGAN, WORD, type FeatureSetup, type Printing, type ReaderState } from './similar-features.js';

export interface SimilarOptions {
  /** Entries stored per record and scope. Default 20. */
  k: number;
  /** Weight of one occurrence per field; `slogan` is a quoted phrase anywhere. The process steps (1.5) weigh above
   *  the background text: they say how the reform works (swept jointly with `titleObjectWeight` on dev, see there:
   *  with it at 0.9, dev nDCG@10 0.848 at 1, 0.847 at 1.25, 0.854 at 1.5, 0.850 at 1.75, 0.844 at 2). */
  fieldWeights: Record<TextField | 'slogan', number>;
  /** Terms in more than this share of reforms are background and dropped. Default 0.1. */
  maxDf: number;
  /** Quoted phrases shorter than this many characters are read as words, not slogans: a two- or three-character
   *  quote is mostly a word in quotes or a stock label (“串联”, “一站式”, “零跑腿”, “白名单”) that unrelated reforms
   *  print alike. Default 4 (dev nDCG@10 0.835 → 0.838 with the current thesaurus; 3 was below 4 on dev). */
  sloganMinLength: number;
  /** Weight of the template a slogan or title is coined from (先放后检 and 先声明后验证 meet as 先…后…, 拿地即开工 and
   *  方案获批即开工 as …即…; indexer/similar-features.ts TEMPLATES), relative to the slogan or title it is in. 0 turns
   *  it off. Default 1.5 (dev nDCG@10 0.838 → 0.844 before the narrower-terms thesaurus; 0.834 at 0.5, 0.839 at 1 and at 2;
   *  docs/benchmarks.md's ablation has the current gain). */
  templateWeight: number;
  /** Weight of character bigrams of the title and slogans, relative to a title word. 0 turns them off. */
  bigramWeight: number;
  /** Weight of the known words inside a longer word, relative to the word. 0 turns them off. */
  subwordWeight: number;
  /** Leave place names out (provinces, and words printed before 市/省/县/片区). Default true. */
  places: boolean;
  /** Map thesaurus groups to one key. Default true. */
  synonyms: boolean;
  /** Map a mined short form to its long form's key. */
  forms: boolean;
  /** Weight of the outcome kind (time cut, cost cut) relative to a title word. 0 turns it off. */
  outcomeWeight: number;
  /** Key terms (for `because`) in more than this share of reforms are not offered. Default 0.15: looser than the
   *  background cut, since a noun of middling frequency printed in both reforms still tells why they are alike
   *  (used only with a `naming` test, see SimilarBuildExtras). */
  keyMaxDf: number;
  /** Strongest terms kept per record vector (the rest is background). Default 40. */
  topTerms: number;
  /** Key terms kept per record for `because`. Default 40. */
  keyTerms: number;
  /** A reform is listed only when it shares at least this many words or slogans (not just bigrams or an outcome
   *  kind) with the source, so every entry can say why. Default 1. */
  minShared: number;
  /** Score factor of a reform sharing a single word or slogan with the source. Default 0.8. */
  oneWordFactor: number;
  /** Score factor of a reform that carries a mechanism class (dict/ideas.txt) the source carries: the same idea under
   *  its own name. 1 = off. Default 1.25: the largest that holds dev fold B (docs/design.md, "Same-mechanism factor"). */
  mechanismFactor: number;
  /** Weight of second-order likeness (through the closest reforms). 0 turns it off. */
  feedback: number;
  /** How many of the closest reforms lend their likeness. */
  feedbackDepth: number;
  /** Longest inverted list walked per term when finding candidates (the reforms where it weighs most). Default 100:
   *  the cost of finding candidates is then at most 40 × 100 additions per reform, whatever the corpus size. */
  maxPostings: number;
  /** A source walks the lists of only its strongest this many terms to find candidates. Default 40. */
  queryTerms: number;
  /** MMR trade-off: 1 ranks by similarity alone; lower values penalise likeness to entries already listed. */
  mmrLambda: number;
  /** Extra penalty per entry already listed from the same document (diversity across documents: officials ask who
   *  else did it, and a top 10 from one document is that document's neighbours). Default 0.06: on the dev half
   *  (bench/similar-dev.ts, 2026-11-24) dev nDCG@10 0.900 / 0.897 / 0.900 / 0.903 / 0.903 / 0.902 / 0.902 at 0 / 0.03 /
   *  0.04 / 0.05 / 0.06 / 0.07 / 0.08, fold A 0.885 → 0.887 and B 0.912 → 0.920 from 0.03 to 0.06, other regions
   *  0.969 → 0.970; documents in a seed record's top 10 3.76 → 3.95, most from one document 5.22 → 4.90. */
  sameDocPenalty: number;
  /** Weight of a second, plain view in a candidate's score: the tf-idf cosine of the two reforms' words alone (no
   *  thesaurus keys, bigrams, slogans, classes, kinds or coherence; the pre-issue field weights, PLAIN_FIELD_WEIGHTS
   *  in indexer/similar-features.ts; words in up to `plainMaxDf` of reforms), each view normalised by its best
   *  candidate and the two summed at (1 − w) and w. The idea-weighted vectors lead where the
   *  title carries the idea; the plain words hold up where a title word names the field, not the idea (sim14j: on the
   *  extended dev group the pre-issue tf-idf lists nearly tied ours, 0.648 against 0.655, winning by turns).
   *  0 turns it off. Default 0.2 (docs/design.md, session 16 sim14k). */
  plainWeight: number;
  /** Words in more than this share of reforms are left out of the plain view (the pre-issue lists' cut). Default 0.3. */
  plainMaxDf: number;
  /** Weight of a third view in a candidate's score: the tf-idf cosine of the two reforms' Han character bigrams over
   *  their whole text (indexer/similar-bigram-view.ts), normalised by its best candidate and fused with the two views
   *  above at (1 − w) and w. It needs no segmentation, so it meets the same idea printed in words the word views split
   *  or cut differently. 0 turns it off. Default 0.375 (docs/design.md, session 18 sim14: dev 0.730 → 0.747; a
   *  plateau from 0.35 to 0.45). */
  bigramViewWeight: number;
  /** Candidates considered for re-ranking. Default 60. */
  pool: number;
  /** Weight of the kind of authority responsible (海关 in 青岛海关, 住房和城乡建设厅; see `authorityKinds`), relative to
   *  a title word. Like the outcome kind it is a kind, common by nature, so it is kept above the background cut.
   *  Default 0 (off): at 1 dev nDCG@10 went 0.838 → 0.845 for scope all but 0.937 → 0.927 for other-regions, the
   *  page's default, so it does not earn its place. */
  departmentWeight: number;
  /** In a title that quotes a slogan (进口原油“先放后检”监管新模式), the weight of its words outside the slogans, relative
   *  to a title word: the slogan names the idea, the words around it what it is applied to (原油), which reforms doing
   *  other things share. Default 1 (off) since session 12: on the widened dev half (66 sources, bench/similar-dev.ts)
   *  dev nDCG@10 0.789 at 0.9 → 0.792 at 1, fold A 0.730 → 0.732, B 0.851 → 0.855, the first 30 sources 0.902 →
   *  0.903, the 36 added 0.694 → 0.699, other regions 0.855 either way; no source lower by more than 0.005 (A +3/−0,
   *  B +1/−0), and the same with only the classes written from general knowledge (0.763 → 0.766); 0.785 at 0.6.
   *  Before, 0.9 was the best of a joint sweep with the process weight on the first 30 dev sources (0.854 against
   *  0.848 at 1, a margin within the noise of 30 sources). */
  titleObjectWeight: number;
  /** Weight of a reform mechanism (dict/ideas.txt: 先放后检, 附条件提离 and 先声明后验证 are one class) relative to the
   *  text that prints one of its names. 0 turns them off. Default 2 (dev nDCG@10 0.854 → 0.907, fold A 0.835 →
   *  0.904, B 0.876 → 0.911 with the shipped body factor 0.5; the sweep, with names in the body text at ×1
   *  (ideaBodyFactor 1): 0.870 at 0.5, 0.889 at 1, 0.898 at 1.5, 0.909 at 2, 0.911 at 3 but fold B lower than at 2;
   *  all measured with the classes as first written, before dict/ideas.txt was pruned to one mechanism per class). */
  ideaWeight: number;
  /** Factor on `ideaWeight` where the name is printed in the content, applicable-to or outcome text (quoted or
   *  not) rather than the title or the process steps (a passing mention there is often of another reform). Default 0.5 (dev
   *  0.907, against 0.909 at 1 and 0.904 at 0.25; with only the classes not written from dev misses, 0.846 at 1, 0.854
   *  at 0.5; classes as first written, before the pruning). */
  ideaBodyFactor: number;
  /** Most distinct runs of Han text a reader keeps segmented at once (indexer/similar-features.ts `findRun`): a bound
   *  on its memory, cleared when reached. Default 200,000. Any value gives the same lists (test/similar.test.ts builds
   *  the seeds' with the memo cleared at every new run); a run is only segmented again after a clear. */
  runMemo: number;
  /** How a term's weight follows the likeness of the reforms that carry it (indexer/similar-coherence.ts): × c / (c +
   *  coherence), c the mean inner product of its carriers' vectors without it. A word whose reforms share nothing else
   *  (进一步, 作用, 成功, 多维度 in a blue-carbon and a trade-secret reform) is generic however rare, which idf cannot
   *  tell. 0 turns it off. Default 0.002, well under the seeds' median c (~0.03): most terms keep 90 % or more, the
   *  ~15 % whose carriers share (almost) nothing else fall towards 0. Dev (66 sources, bench/similar-dev.ts, session
   *  13) 0.792 → 0.807, fold A 0.732 → 0.760, B 0.855 → 0.856, first 30 0.903 → 0.921, added 36 0.699 → 0.712, other
   *  regions 0.855 → 0.856, moved A +10/−2, B +4/−4; a plateau from 0.0005 to 0.003 (0.807 / 0.808 / 0.807 / 0.806),
   *  0.801 at 0.004, 0.796 at 0.01; with only the classes written from general knowledge 0.766 → 0.775. */
  coherence: number;
}

export const DEFAULT_SIMILAR_OPTIONS: SimilarOptions = {
  k: 20,
  fieldWeights: { title: 2, slogan: 3, content: 1, process: 1.5, outcome: 0.6, applicableTo: 0.5 },
  sloganMinLength: 4,
  maxDf: 0.1,
  bigramWeight: 0.5,
  templateWeight: 1.5,
  subwordWeight: 0.5,
  places: true,
  synonyms: true,
  forms: false,
  outcomeWeight: 0.5,
  keyMaxDf: 0.15,
  topTerms: 40,
  keyTerms: 40,
  minShared: 1,
  oneWordFactor: 0.8,
  mechanismFactor: 1.25,
  maxPostings: 100,
  queryTerms: 40,
  feedback: 1.5,
  feedbackDepth: 5,
  mmrLambda: 1,
  sameDocPenalty: 0.06,
  plainWeight: 0.2,
  plainMaxDf: 0.3,
  bigramViewWeight: 0.375,
  pool: 60,
  departmentWeight: 0,
  titleObjectWeight: 1,
  ideaWeight: 2,
  ideaBodyFactor: 0.5,
  runMemo: 200_000,
  coherence: 0.002,
};

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


/**
 * The lists, built in linear passes over flat typed arrays:
 *  1. features of every reform (its printings' words, slogans, bigrams and outcome kind, richest weight of each),
 *     with document frequency over reforms counted on the way;
 *  2. one tf-idf vector per reform, its `topTerms` strongest terms, and its key terms for `because`;
 *  3. candidates from inverted lists over the vectors (each list cut to the `maxPostings` reforms where the term
 *     weighs most, each source walking only its `queryTerms` strongest terms), the best `pool` kept in a heap;
 *  4. the second-order part, the shared-word check and the diversity re-ranking over those candidates only.
 * Nothing compares all pairs, so time and memory grow linearly with the corpus.
 */
/** What a build did, for the benchmark. */
export interface SimilarBuildInfo {
  reforms: number;
  features: number;
  /** Runs of Han text looked up, and how many of them had to be segmented (not printed before). */
  runs: number;
  runsSegmented: number;
  /** When a worker read part of the texts: handing the worker its texts, this thread's reading of its share, the
   *  wait for the worker, the merge, the worker's own reading time, its share of the reforms, whether it answered, and
   *  how the ranking worker shared the candidates and lists. */
  parallel?: {
    handOverMs: number;
    thisThreadMs: number;
    /** This thread reading the later chunks of the worker's share that the worker had not claimed. */
    tailMs: number;
    waitMs: number;
    mergeMs: number;
    workerMs: number;
    /** The share of the reforms handed to the worker, and the share whose reading was used (the rest: read here; 0
     *  when the worker gave no features and this thread read its chunks again). */
    workerShare: number;
    workerRead: number;
    merged: boolean;
    /** Whether the ranking worker finished the chunks it claimed (false: it failed and this thread ran them). */
    candidates?: boolean;
    lists?: boolean;
    /** The share of the chunks the ranking worker ran, of the chunks made, which can be fewer than RANK_CHUNKS (R
     *  reforms give ceil(R / ceil(R / 64)): 50 for 100 reforms, 60 for 300). */
    candidateShare?: number;
    listShare?: number;
  };
  /** Wall time of each pass, in milliseconds: where the stage's time goes. */
  phaseMs: { setup: number; features: number; vectors: number; candidates: number; lists: number };
}

/** What the caller may hand over so nothing is done twice, and what it may want back. */
export interface SimilarBuildExtras {
  /** A record's text field already normalised (the index build has every one): record index, field → text. */
  normalized?: (record: number, field: TextField) => string;
  /** Words that name a thing (see indexer/general-words.ts); without it, `because` keeps to the background cut. Its
   *  `functionWord`, when given, says a word is a function word by grammar (基于, 按照): never a name, even in titles. */
  naming?: ((word: string) => boolean) & { functionWord?: (word: string) => boolean };
  /** Filled with what the build did. */
  info?: SimilarBuildInfo;
  /** How to start worker threads (indexer/similar-threads.ts, Node only): without it everything runs in this thread,
   *  as in a browser building lists for a snapshot that has none. */
  threads?: SimilarThreads;
  /** Worker threads beside this one (0 or 1), given `threads`. Default: 1 from `PARALLEL_MIN_RECORDS` records. */
  workers?: number;
  /** Each record's reform (indexer/reform-groups.ts reformGroups of body.records), when the caller has grouped them
   *  already (the build, which stores facet counts under the same grouping). Default: grouped here. */
  reformOf?: Int32Array;
  /** Called once per reform with the vector its list is built from (after coherence weighting): the record shown for
   *  it and its terms, strongest first. For tuning aids (bench/similar-dev.ts --vectors=…); the lists do not change. */
  vectors?: (record: number, terms: VectorTerm[]) => void;
  /** Called once per reform with its candidate pool as the list stage ranks it (every candidate that passed the
   *  shared-word check, before the cut to `pool` and the diversity re-ranking):
   *  the record shown for the reform and, per candidate (best first), the record shown for it and its idea-view score
   *  (second-order part and factors in), plain-view cosine and fused score. For tuning aids (bench/similar-dev.ts
   *  --pools): whether a judged reform reached the pool, and which view orders the pool best. Runs the lists in
   *  this thread (no worker); the lists do not change. */
  pools?: (record: number, pool: PoolEntry[]) => void;
}

/** One candidate of a reform's pool as `SimilarBuildExtras.pools` reports it. */
export interface PoolEntry {
  record: number;
  idea: number;
  plain: number;
  /** The bigram view's cosine (indexer/similar-bigram-view.ts; 0 with `bigramViewWeight` 0). */
  bigram: number;
  fused: number;
}

/** One term of a reform's vector as `SimilarBuildExtras.vectors` reports it. */
export interface VectorTerm {
  /** What the term is: a word, a quoted slogan, a title or slogan bigram, a slogan template, an outcome kind, an
   *  authority kind or a mechanism class of dict/ideas.txt. */
  kind: 'word' | 'slogan' | 'bigram' | 'template' | 'outcome' | 'authority' | 'class';
  /** As printed (a slogan in its quotes, a template as 先…后…, a class by its name, an outcome kind as time / cost). */
  text: string;
  /** Its weight in the unit-length vector. */
  weight: number;
  /** How many reforms carry it (its thesaurus group's count). */
  df: number;
}

/**
 * The kind of authority each department is (name → kind): its name with the place names taken out (山东省商务厅 →
 * 商务厅, 国家税务总局青岛市税务局 → 国家税务总局税务局). A city the corpus never prints before 市 stays in the name
 * (大连海关), so a name that is another kind with up to three characters before it is that kind (大连海关 → 海关 when
 * 青岛海关 gave 海关).
 */
export function authorityKinds(departments: Iterable<string>, placeWords: Iterable<string>, norm: (s: string) => string = (s) => s): Map<string, string> {
  const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const places = [...placeWords].filter((w) => w.length > 0).sort((a, b) => b.length - a.length);
  const strip = places.length ? new RegExp(`(?:${places.map(escape).join('|')})(?:省|市|自治区)?`, 'g') : undefined;
  const stripped = new Map<string, string>();
  for (const d of departments) if (!stripped.has(d)) stripped.set(d, strip ? norm(d).replace(strip, '') : norm(d));
  const kinds = new Set(stripped.values());
  const out = new Map<string, string>();
  for (const [d, k] of stripped) {
    let kind = k;
    for (let cut = 1; cut <= 3 && k.length - cut >= 2; cut++) {
      if (kinds.has(k.slice(cut))) {
        kind = k.slice(cut);
        break;
      }
    }
    out.set(d, kind);
  }
  return out;
}

/** From this many records a worker thread reads part of the texts: below it (about 2 s of reading) its start-up
 *  (loading the modules, building the vocabulary's lookup tables, ~0.5 s) would cost more than it saves. */
export const PARALLEL_MIN_RECORDS = 20_000;
/** The worker's share of the text, at most: the reforms from the split on are the worker's to read, in chunks it claims
 *  from the first; this thread, once done with its own, takes the later half of those not yet claimed (READ_CHUNKS). */
const WORKER_SHARE = 0.5;
/** Chunks the worker's share is cut into (about equal text each): this thread waits at most for the one the worker is
 *  on when it has taken its part of the rest. */
const READ_CHUNKS = 64;
/** Chunks of reforms whose candidates, then lists, this thread and the worker claim in turn (indexer/shared-chunks.ts). */
const RANK_CHUNKS = 64;

/** The first reform of the worker's share: the reforms from it on hold about `share` of all text. */
function splitPoint(R: number, chars: (r: number) => number, share: number): number {
  const sizes = new Float64Array(R);
  let total = 0;
  for (let r = 0; r < R; r++) total += sizes[r] = chars(r);
  let tail = 0;
  let r = R;
  while (r > 0 && tail + sizes[r - 1] <= share * total) tail += sizes[--r];
  return r;
}

/** The texts of reforms [from, to) for a reading worker: their UTF-16 code units in one shared buffer and their
 *  lengths (shared, not copied: no joined string here, no serialised copy, no string of it all in the worker, which
 *  decodes a text when it reads it), printings per reform, outcome bits per printing. */
function readJob(setup: FeatureSetup, from: number, to: number, printingsOf: (r: number) => Printing[]) {
  const texts: string[] = [];
  const counts = new Int32Array(to - from);
  const bits: number[] = [];
  const reformChars = new Float64Array(to - from);
  let total = 0;
  for (let r = from; r < to; r++) {
    const printings = printingsOf(r);
    counts[r - from] = printings.length;
    for (const p of printings) {
      for (let fi = 0; fi < FIELDS.length; fi++) {
        const t = p.text(fi);
        texts.push(t);
        total += t.length;
        reformChars[r - from] += t.length;
      }
      bits.push(p.outcomeBits);
    }
  }
  // Chunks of about equal text, claimed by the worker from the first and by this thread from the last (0 open, 1 the
  // worker's, 2 this thread's); chunkChars for this thread's choice of how many to take.
  const chunkStart = new Int32Array(READ_CHUNKS + 1);
  const chunkChars = new Float64Array(READ_CHUNKS);
  let c = 0;
  for (let r = 0, acc = 0; r < to - from; r++) {
    acc += reformChars[r];
    chunkChars[c] += reformChars[r];
    if (acc >= (total * (c + 1)) / READ_CHUNKS && c < READ_CHUNKS - 1) chunkStart[++c] = r + 1;
  }
  chunkStart[READ_CHUNKS] = to - from;
  for (let x = c + 1; x < READ_CHUNKS; x++) chunkStart[x] = to - from;
  const units = new Uint16Array(new SharedArrayBuffer(2 * Math.max(1, total)));
  let at = 0;
  for (const t of texts) for (let c = 0; c < t.length; c++) units[at++] = t.charCodeAt(c);
  const claims = new Int32Array(new SharedArrayBuffer(4 * READ_CHUNKS));
  return { role: 'read' as const, setup, units, lengths: Int32Array.from(texts, (t) => t.length), counts, bits: Uint8Array.from(bits), claims, chunkStart, chunkChars };
}

export function buildSimilar(body: Pick<SnapshotBody, 'records' | 'analysis' | 'dictionary'>, options: Partial<SimilarOptions> = {}, extras: SimilarBuildExtras = {}): SimilarData {
  const threads = extras.threads;
  if (!threads) return similarLists(body, options, extras);
  // The reading and ranking workers this build starts are ended however it ends: a throw between their start and
  // their normal stop must not leave a worker (and its shared memory) behind. stop() twice is harmless.
  const started: SimilarWorker[] = [];
  const start: SimilarThreads['start'] = (job) => {
    const worker = threads.start(job);
    started.push(worker);
    return worker;
  };
  try {
    return similarLists(body, options, { ...extras, threads: { start } });
  } finally {
    for (const worker of started) worker.stop();
  }
}

function similarLists(body: Pick<SnapshotBody, 'records' | 'analysis' | 'dictionary'>, options: Partial<SimilarOptions>, extras: SimilarBuildExtras): SimilarData {
  const { normalized, info, naming } = extras;
  const phase0 = performance.now();
  const o: SimilarOptions = { ...DEFAULT_SIMILAR_OPTIONS, ...options, fieldWeights: { ...DEFAULT_SIMILAR_OPTIONS.fieldWeights, ...options.fieldWeights } };
  const records = body.records;
  const n = records.length;
  const normalizer = new Normalizer(body.analysis.t2s);
  const norm = (s: string) => normalizer.plain(s);
  const setup = featureSetup(body, o);
  const reader = new FeatureReader(setup);
  const { featureId, featureText, kind, canonOf, placeCount } = reader;
  const intern = (key: string, k: number) => reader.intern(key, k);

  // Reforms: the printings of one reform (its `related` copies) are one entry.
  const group = extras.reformOf ?? reformGroups(records);
  const reformOf = new Int32Array(n);
  const firstOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    let r = firstOf.get(group[i]);
    if (r === undefined) firstOf.set(group[i], (r = firstOf.size));
    reformOf[i] = r;
  }
  const R = firstOf.size;
  const memberStart = new Int32Array(R + 1);
  for (let i = 0; i < n; i++) memberStart[reformOf[i] + 1]++;
  for (let r = 0; r < R; r++) memberStart[r + 1] += memberStart[r];
  const memberIdx = new Int32Array(n);
  {
    const at = memberStart.slice(0, R);
    for (let i = 0; i < n; i++) memberIdx[at[reformOf[i]]++] = i;
  }
  const textLength = (r: ReformRecord) => FIELDS.reduce((sum, f) => sum + (r[f]?.length ?? 0), 0);
  // The printing shown for a reform: the one with the most text (a case write-up over a one-line table item).
  const shown = new Int32Array(R);
  for (let r = 0; r < R; r++) {
    let best = memberIdx[memberStart[r]];
    for (let m = memberStart[r] + 1; m < memberStart[r + 1]; m++) if (textLength(records[memberIdx[m]]) > textLength(records[best])) best = memberIdx[m];
    shown[r] = best;
  }

  const phaseA = performance.now();
  // 1. Features per reform (CSR), document frequency over reforms, place names counted on the way: a word printed
  //    right before 市 / 省 / 县 / 片区 (青岛市, 烟台片区) more than once, or a province, says where a reform was
  //    done, not what it does.
  const outcomeBits = Uint8Array.from(records, (r) => outcomeKinds(r));
  const textOf = (i: number, fi: number) => {
    const raw = records[i][FIELDS[fi]];
    return !raw ? '' : normalized ? normalized(i, FIELDS[fi]) : norm(raw);
  };
  const printingsOf = (r: number): Printing[] => {
    const out: Printing[] = [];
    for (let m = memberStart[r]; m < memberStart[r + 1]; m++) {
      const i = memberIdx[m];
      out.push({ text: (fi) => textOf(i, fi), outcomeBits: outcomeBits[i] });
    }
    return out;
  };
  // A large corpus is read by two threads: a worker reads the reforms from `split` on while this thread reads those
  // before it; the worker's features are then merged in as if this thread had read them all (same ids, same lists).
  const threads = extras.threads;
  const workers = threads ? (extras.workers ?? (n >= PARALLEL_MIN_RECORDS ? 1 : 0)) : 0;
  const split = workers > 0 ? splitPoint(R, (r) => {
    let chars = 0;
    for (let m = memberStart[r]; m < memberStart[r + 1]; m++) chars += textLength(records[memberIdx[m]]);
    return chars;
  }, WORKER_SHARE) : R;
  const readJobData = split < R && threads ? readJob(setup, split, R, printingsOf) : undefined;
  const helper = readJobData ? threads!.start(readJobData) : undefined;
  const handedMs = performance.now() - phaseA;
  let ranker: SimilarWorker | undefined;
  for (let r = 0; r < split; r++) reader.readReform(printingsOf(r));
  if (!helper) reader.release();
  if (helper && readJobData) {
    const t0 = performance.now();
    reader.forgetRuns();
    // This thread's share is read: it takes the later half (by text) of the worker's chunks not claimed yet, from the
    // last down, and reads them with a reader of its own, merged after the worker's (ids in order of first sight over
    // all reforms, as one reader would give them). The worker keeps the chunks before. So neither waits long for the
    // other, and a worker that starts late or runs slowly (beside the index worker, on a loaded machine) is helped
    // instead of waited for.
    const { claims, chunkStart, chunkChars } = readJobData;
    const chunks = claims.length;
    let open = 0;
    while (open < chunks && Atomics.load(claims, open) !== 0) open++;
    let left = 0;
    for (let c = open; c < chunks; c++) left += chunkChars[c];
    let target = chunks;
    for (let tail = 0; target > open && tail + chunkChars[target - 1] <= left / 2; ) tail += chunkChars[--target];
    let mine = chunks;
    while (mine > target && Atomics.compareExchange(claims, mine - 1, 0, 2) === 0) mine--;
    let tail: ReaderState | undefined;
    if (mine < chunks) {
      const tailReader = new FeatureReader(setup);
      for (let r = split + chunkStart[mine]; r < R; r++) tailReader.readReform(printingsOf(r));
      tailReader.forgetRuns();
      tail = tailReader.exportState();
    }
    const t1 = performance.now();
    // The worker's chunks are [0, mine): none when this thread took them all (the worker had not started).
    const state = mine > 0 ? helper.features() : undefined;
    if (mine === 0) helper.stop();
    const t2 = performance.now();
    if (state) reader.mergeFrom(state);
    else for (let r = split; r < split + chunkStart[mine]; r++) reader.readReform(printingsOf(r));
    if (tail) reader.mergeFrom(tail);
    reader.release();
    // The worker that ranks starts now (its module load hidden behind the vectors pass), with nothing of the
    // reader's memory; not after a reading worker that failed.
    if (state || mine === 0) ranker = threads!.start({ role: 'rank' });
    if (info) {
      info.parallel = {
        handOverMs: handedMs,
        thisThreadMs: t0 - phaseA - handedMs,
        tailMs: t1 - t0,
        waitMs: t2 - t1,
        mergeMs: performance.now() - t2,
        workerMs: helper.workerMs(),
        workerShare: (R - split) / R,
        workerRead: state ? chunkStart[mine] / R : 0,
        merged: state !== undefined,
      };
    }
  }
  const rawStart = reader.rawStart.data;
  const rawIds = reader.rawIds;
  const rawTf = reader.rawTf;
  const rawFlags = reader.rawFlags;
  // Document frequency over reforms, of the thesaurus group: a reform saying 环评 and 环境影响评价 counts once.
  let df = new Int32Array(Math.max(1024, featureText.length));
  {
    const dfStamp = new Int32Array(featureText.length).fill(-1);
    for (let r = 0; r < R; r++) {
      for (let x = rawStart[r]; x < rawStart[r + 1]; x++) {
        const c = canonOf.data[rawIds.data[x]];
        if (dfStamp[c] !== r) {
          dfStamp[c] = r;
          df[c]++;
        }
      }
    }
  }
  const phase1 = performance.now();
  if (info) Object.assign(info, { reforms: R, runs: reader.runLookups, runsSegmented: reader.runMisses });
  // Who is responsible says which procedure a reform changes (a customs release, a building permit): reforms run by
  // the same kind of authority elsewhere are likelier to solve the same problem. The kind is the department's name
  // with its place names taken out (青岛海关 and 大连海关 meet as 海关, 山东省商务厅 and 辽宁省商务厅 as 商务厅), read
  // once the features pass has counted the corpus's place names.
  const deptStart = new Int32Array(R + 1);
  const deptIds = new Grow(new Int32Array(Math.max(16, R)));
  if (o.departmentWeight > 0) {
    const placeWords = new Set<string>(PROVINCES);
    for (let f = 0; f < placeCount.length; f++) if (placeCount.data[f] >= 2) placeWords.add(featureText[f]);
    const kinds = authorityKinds(records.flatMap((r) => r.departments), placeWords, norm);
    const kindOf = new Map<string, number>();
    for (const [d, kind] of kinds) kindOf.set(d, kind.length >= 2 ? intern(`${DEPT}${kind}`, DEPARTMENT) : -1);
    for (let r = 0; r < R; r++) {
      for (let m = memberStart[r]; m < memberStart[r + 1]; m++) {
        for (const d of records[memberIdx[m]].departments) {
          const id = kindOf.get(d)!;
          if (id < 0) continue;
          let seen = false;
          for (let x = deptStart[r]; x < deptIds.length && !seen; x++) seen = deptIds.data[x] === id;
          if (!seen) deptIds.push(id);
        }
      }
      deptStart[r + 1] = deptIds.length;
    }
    if (df.length < featureText.length) {
      const bigger = new Int32Array(featureText.length);
      bigger.set(df);
      df = bigger;
    }
    for (let x = 0; x < deptIds.length; x++) df[deptIds.data[x]]++;
  }
  const F = featureText.length;
  if (info) info.features = F;
  const isPlace = new Uint8Array(F);
  if (o.places) {
    for (const p of PROVINCES) {
      const id = featureId.get(p);
      if (id !== undefined) isPlace[id] = 1;
    }
    for (let f = 0; f < placeCount.length; f++) if (placeCount.data[f] >= 2) isPlace[f] = 1;
    // The suffix itself says where, as the names before it do (片区 was named alone for 31 seed entries).
    for (const p of PLACE_SUFFIXES) {
      const id = featureId.get(p);
      if (id !== undefined) isPlace[id] = 1;
    }
    // A thesaurus group is a place when its key is.
    for (let f = 0; f < F; f++) if (isPlace[canonOf.data[f]]) isPlace[f] = 1;
  }
  const maxDf = Math.max(2, o.maxDf * R);
  const idf = (c: number) => Math.log(R / df[c]);
  /** A feature that can describe an idea: shared with another reform, not background, not a place. */
  const usable = (f: number) => {
    const c = canonOf.data[f];
    const d = df[c];
    // What an outcome cut and who is responsible are kept even when common: they are kinds, common by nature,
    // weighted by their own options.
    return !isPlace[f] && d >= 2 && (d <= maxDf || kind.data[f] === OUTCOME_KIND || kind.data[f] === DEPARTMENT);
  };
  /** A term `because` may name: shared, not a place, in at most `keyMaxDf` of reforms. */
  const keyMaxDf = Math.max(2, o.keyMaxDf * R);
  const nameable = (f: number) => {
    const d = df[canonOf.data[f]];
    if (isPlace[f] || d < 2) return false;
    if (d <= maxDf) return true;
    // Of middling frequency: only a word that names something (not 即可, 符合, 允许), or a slogan.
    return d <= keyMaxDf && naming !== undefined && (kind.data[f] === SLOGAN || naming(featureText[f]));
  };

  // Reforms printing each feature in their title: a word no two reforms are named by (主动, 享受, 按照, 即可) is a
  // word of the background text, whatever its df; one that titles reforms (退税, 担保, 查验, 抵押) can name an idea.
  const titleDf = new Uint32Array(F);
  for (let x = 0; x < rawStart[R]; x++) if (rawFlags.data[x] & TERM_FLAG.title) titleDf[rawIds.data[x]]++;
  /** A key term that can carry an idea (TERM_FLAG.names): a slogan, a word that names a thing, or a word in the titles
   *  of two or more reforms unless grammar makes it a function word (基于 titles 基于新基建的供应链金融平台 and two more,
   *  and named 24 seed entries alone); every term when the build has no naming test. Learned from the corpus, no list. */
  const namesOf = (f: number) =>
    naming === undefined || kind.data[f] === SLOGAN || (titleDf[f] >= 2 && !naming.functionWord?.(featureText[f])) || naming(featureText[f]);

  // 2. One vector per reform over thesaurus keys: the strongest `topTerms`, L2-normalised, sorted by id. Key terms
  //    per reform for `because`: words and slogans as printed (not bigrams), strongest first.
  const vecStart = new Int32Array(R + 1);
  const vecIds = new Grow(new Int32Array(Math.max(16, R * Math.min(o.topTerms, 64))));
  const vecW = new Grow(new Float32Array(vecIds.data.length));
  const termIndex = new Map<string, number>();
  const terms: string[] = [];
  const termStart = new Uint32Array(n + 1);
  const keyStart = new Int32Array(R + 1);
  const keyIds = new Grow(new Int32Array(1 << 16));
  const keyW = new Grow(new Float32Array(1 << 16));
  const keyFlags = new Grow(new Uint8Array(1 << 16));
  const canonScratch = new Scratch();
  canonScratch.ensure(F);
  const textScratch = new Scratch();
  /** Key-term id of each feature: -2 not yet decided, -1 none. */
  const termOf = new Int32Array(F).fill(-2);
  /** TERM_FLAG.names of each feature's key term, decided with termOf. */
  const termNames = new Uint8Array(F);
  // Entries of one reform (feature or term id, weight) and the selection of its strongest.
  let eF = new Int32Array(1024);
  let eW = new Float64Array(1024);
  const strongest = new Strongest();
  for (let r = 0; r < R; r++) {
    canonScratch.next();
    if (eF.length < Math.max(canonScratch.touched.data.length, rawStart[r + 1] - rawStart[r])) {
      eF = new Int32Array(2 * (rawStart[r + 1] - rawStart[r]) + 1024);
      eW = new Float64Array(eF.length);
    }
    for (let x = rawStart[r]; x < rawStart[r + 1]; x++) {
      const f = rawIds.data[x];
      if (usable(f)) canonScratch.put(canonOf.data[f], rawTf.data[x], 0, true);
    }
    for (let x = deptStart[r]; x < deptStart[r + 1]; x++) {
      const f = deptIds.data[x];
      if (usable(f)) canonScratch.put(f, o.departmentWeight * o.fieldWeights.title, 0, true);
    }
    const t = canonScratch.touched;
    let m = 0;
    for (let x = 0; x < t.length; x++) {
      const f = t.data[x];
      eF[m] = f;
      eW[m++] = Math.log1p(canonScratch.value[f]) * idf(f);
    }
    // The strongest `topTerms` (weight, then id), summed in that order so the norm does not depend on how they were
    // found; stored by id.
    const top = strongest.select(eW, m, o.topTerms, (a, b) => eF[a] < eF[b]);
    let norm2 = 0;
    for (let x = 0; x < top.length; x++) norm2 += eW[top[x]] * eW[top[x]];
    const by = Math.sqrt(norm2) || 1;
    top.sort((a, b) => eF[a] - eF[b]);
    for (let x = 0; x < top.length; x++) {
      vecIds.push(eF[top[x]]);
      vecW.push(eW[top[x]] / by);
    }
    vecStart[r + 1] = vecIds.length;

    // Key terms: one per printed text (a slogan may also be a segmented word), strongest weight, every field flag.
    textScratch.next();
    for (let x = rawStart[r]; x < rawStart[r + 1]; x++) {
      const f = rawIds.data[x];
      // The term a feature offers is decided once per feature, not once per reform that has it.
      let id = termOf[f];
      if (id === -2) {
        const k = kind.data[f];
        if ((k !== WORD && k !== SLOGAN) || !nameable(f)) id = -1;
        else {
          const text = k === SLOGAN ? featureText[f].slice(1, -1) : featureText[f];
          id = termIndex.get(text) ?? -1;
          if (id === -1) {
            termIndex.set(text, (id = terms.length));
            terms.push(text);
          }
        }
        termOf[f] = id;
        if (id >= 0 && namesOf(f)) termNames[f] = TERM_FLAG.names;
      }
      if (id < 0) continue;
      textScratch.ensure(terms.length);
      textScratch.put(id, Math.log1p(rawTf.data[x]) * idf(canonOf.data[f]), rawFlags.data[x] | termNames[f], true);
    }
    const tt = textScratch.touched;
    for (let x = 0; x < tt.length; x++) {
      eF[x] = tt.data[x];
      eW[x] = textScratch.value[tt.data[x]];
    }
    const keys = strongest.select(eW, tt.length, o.keyTerms, (a, b) => terms[eF[a]] < terms[eF[b]]);
    for (let x = 0; x < keys.length; x++) {
      const id = eF[keys[x]];
      keyIds.push(id);
      keyW.push(eW[keys[x]]);
      keyFlags.push(textScratch.flags[id]);
    }
    keyStart[r + 1] = keyIds.length;
  }
  // A term whose reforms share nothing else in their vectors (进一步, 作用, 成功; 多维度 between a blue-carbon and a
  // trade-secret reform) is a generic word however rare: it weighs less, by how little its reforms have in common.
  // Mechanism classes, outcome kinds and authority kinds are kinds by nature and keep their weight.
  if (o.coherence > 0) {
    weighByCoherence({ R, F, vecStart, vIds: vecIds.data, vW: vecW.data }, o.coherence, (f) => kind.data[f] !== IDEA && kind.data[f] !== OUTCOME_KIND && kind.data[f] !== DEPARTMENT);
  }
  const vIds = vecIds.data;
  const vW = vecW.data;
  if (extras.vectors) {
    const KINDS = ['word', 'slogan', 'bigram', 'outcome', 'authority', 'class'] as const;
    for (let r = 0; r < R; r++) {
      const terms: VectorTerm[] = [];
      for (let x = vecStart[r]; x < vecStart[r + 1]; x++) {
        const f = vIds[x];
        const raw = featureText[f];
        const k = kind.data[f];
        // Features other than words and slogans are keyed by a control character: bigram, template, kind or class.
        const special = raw.charCodeAt(0) < 0x20;
        terms.push({ kind: k === GRAM && raw[0] === TEMPLATE ? 'template' : KINDS[k], text: special ? raw.slice(1) : raw, weight: vW[x], df: df[f] });
      }
      terms.sort((a, b) => b.weight - a.weight);
      extras.vectors(shown[r], terms);
    }
  }
  // 2b. The plain view (`plainWeight`): each reform's words alone as the reader counted them under the pre-issue
  //     lists' field weights (PLAIN_FIELD_WEIGHTS; words printed as themselves, no subwords, bigrams, slogans,
  //     templates, classes, kinds or thesaurus keys), weighted by log1p(count) · idf over the reforms printing the word,
  //     words in up to `plainMaxDf` of reforms, L2-normalised, sorted by id. Read in the same pass as the idea view.
  const plainStart = new Int32Array(R + 1);
  let plainIds = new Int32Array(0);
  let plainW = new Float32Array(0);
  if (o.plainWeight > 0) {
    const rawPlain = reader.rawPlain.data;
    const pdf = new Int32Array(F);
    for (let x = 0; x < rawStart[R]; x++) if (rawPlain[x] > 0) pdf[rawIds.data[x]]++;
    const plainMax = Math.max(2, o.plainMaxDf * R);
    const keep = (x: number) => {
      const f = rawIds.data[x];
      return rawPlain[x] > 0 && kind.data[f] === WORD && pdf[f] >= 2 && pdf[f] <= plainMax && featureText[f].length >= 2;
    };
    let total = 0;
    for (let x = 0; x < rawStart[R]; x++) if (keep(x)) total++;
    plainIds = new Int32Array(total);
    plainW = new Float32Array(total);
    // A reform's kept words are written in reading order, then sorted in place as numbers (a reform reads each feature
    // once, so its ids are distinct): no comparator called per pair. Each word's count is looked up by id after.
    const countOf = new Float32Array(F);
    for (let r = 0, at = 0; r < R; r++) {
      let m = 0;
      for (let x = rawStart[r]; x < rawStart[r + 1]; x++) {
        if (!keep(x)) continue;
        plainIds[at + m++] = rawIds.data[x];
        countOf[rawIds.data[x]] = rawPlain[x];
      }
      const ids = plainIds.subarray(at, at + m).sort();
      let norm2 = 0;
      for (let y = 0; y < m; y++) {
        const w = Math.log1p(countOf[ids[y]]) * Math.log(R / pdf[ids[y]]);
        plainW[at + y] = w;
        norm2 += w * w;
      }
      const by = Math.sqrt(norm2) || 1;
      for (let y = 0; y < m; y++) plainW[at + y] /= by;
      at += m;
      plainStart[r + 1] = at;
    }
  }
  // What was read is in the vectors and key terms now: its arrays (nine bytes an entry, tens of MiB at 100,000
  // records) go before the candidates and lists allocate theirs.
  reader.dropRead();

  const phase2 = performance.now();
  // 3. Inverted lists over the vectors, each cut to the `maxPostings` reforms where the term weighs most, so the
  //    cost of finding candidates stays bounded as the corpus grows (a reform where a common term is weak is not
  //    found through that term alone).
  const postCount = new Int32Array(F + 1);
  for (let x = 0; x < vecIds.length; x++) postCount[vIds[x] + 1]++;
  const postStart = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) postStart[f + 1] = postStart[f] + postCount[f + 1];
  const postDoc = new Int32Array(vecIds.length);
  const postW = new Float32Array(vecIds.length);
  {
    const at = postStart.slice(0, F);
    for (let r = 0; r < R; r++) {
      for (let x = vecStart[r]; x < vecStart[r + 1]; x++) {
        const p = at[vIds[x]]++;
        postDoc[p] = r;
        postW[p] = vW[x];
      }
    }
  }
  const postEnd = new Int32Array(F);
  // A long list's strongest `maxPostings` (weight, then reform) are selected, not the whole list sorted.
  let cutW = new Float64Array(1024);
  let cutAt = 0;
  const byDoc = (x: number, y: number) => postDoc[cutAt + x] < postDoc[cutAt + y];
  for (let f = 0; f < F; f++) {
    const a = postStart[f];
    const len = postStart[f + 1] - a;
    if (len <= o.maxPostings) {
      postEnd[f] = a + len;
      continue;
    }
    if (cutW.length < len) cutW = new Float64Array(2 * len);
    for (let x = 0; x < len; x++) cutW[x] = postW[a + x];
    cutAt = a;
    const keep = strongest.select(cutW, len, o.maxPostings, byDoc);
    const docs = Array.from(keep, (x) => postDoc[a + x]);
    for (let x = 0; x < keep.length; x++) {
      postDoc[a + x] = docs[x];
      postW[a + x] = cutW[keep[x]];
    }
    postEnd[f] = a + o.maxPostings;
  }

  // Candidates: each reform's best `pool` by the inner product over the walked lists, kept in a bounded heap. With a
  // worker, it finds those of the chunks of reforms it claims (of RANK_CHUNKS, claimed in turn with this thread;
  // indexer/similar-candidates.ts, shared memory, same code).
  const C = o.pool;
  const job = ranker ? shareCandidates({ R, C, queryTerms: o.queryTerms, vecStart, vIds, vW, postStart, postEnd, postDoc, postW }) : undefined;
  const { candIds, candS } = job ?? { candIds: new Int32Array(R * C).fill(-1), candS: new Float32Array(R * C) };
  const cand = job ?? { R, C, queryTerms: o.queryTerms, vecStart, vIds, vW, postStart, postEnd, postDoc, postW, candIds, candS };
  // With a worker, both claim chunks of reforms in turn; this thread then waits only for the chunk the worker is on.
  let candidatesSplit = { worker: false, share: 0 };
  if (job && ranker) {
    candidatesSplit = splitWithWorker(R, RANK_CHUNKS, (chunks) => ranker.candidates(job, chunks), candidateRunner(cand), () => ranker.candidatesFailed());
  } else findCandidates(cand, 0, R);

  const phase3 = performance.now();
  // 4. Lists per reform and scope, shared by its printings.
  const regionId = new Map<string, number>();
  const regStart = new Int32Array(R + 1);
  const regIds = new Grow(new Int32Array(Math.max(16, R)));
  for (let r = 0; r < R; r++) {
    const seen = new Set<number>();
    for (let m = memberStart[r]; m < memberStart[r + 1]; m++) {
      for (const p of records[memberIdx[m]].regions) {
        let id = regionId.get(p);
        if (id === undefined) regionId.set(p, (id = regionId.size));
        if (!seen.has(id)) {
          seen.add(id);
          regIds.push(id);
        }
      }
    }
    regStart[r + 1] = regIds.length;
  }
  const fileId = new Map<string, number>();
  const fileOf = Int32Array.from(shown, (i) => {
    const f = records[i].source.file;
    let id = fileId.get(f);
    if (id === undefined) fileId.set(f, (id = fileId.size));
    return id;
  });
  const isWord = new Uint8Array(F);
  for (let f = 0; f < F; f++) isWord[f] = kind.data[f] === WORD || kind.data[f] === SLOGAN ? WORD_FEATURE : kind.data[f] === IDEA ? CLASS_FEATURE : 0;

  // With a worker, it lists the chunks of reforms it claims (of RANK_CHUNKS, in turn with this thread, as for the
  // candidates), into shared result arrays (same code).
  const parallelLists = job !== undefined && candidatesSplit.worker && !extras.pools;
  // 2c. The bigram view (`bigramViewWeight`), from the shown printings' text; its rows written straight into shared
  // memory when a worker reads them, so shareLists has no copy of them to make (122 MiB at 100,000 records).
  const bigrams = o.bigramViewWeight > 0 ? bigramView(records, shown, { shared: parallelLists }) : { start: new Int32Array(R + 1), ids: new Int32Array(0), w: new Float32Array(0), size: 0 };
  const k = o.k;
  const outArray = <T extends Uint32Array | Float32Array>(make: new (b: ArrayBuffer | SharedArrayBuffer) => T, bytes: number): T => new make(parallelLists ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const listInput: ListInput = {
    R, C, k, F,
    options: { feedback: o.feedback, feedbackDepth: o.feedbackDepth, pool: o.pool, minShared: o.minShared, oneWordFactor: o.oneWordFactor, mechanismFactor: o.mechanismFactor, mmrLambda: o.mmrLambda, sameDocPenalty: o.sameDocPenalty, plainWeight: o.plainWeight, bigramViewWeight: o.bigramViewWeight },
    files: fileId.size,
    candIds, candS,
    vecStart: cand.vecStart, vIds: cand.vIds, vW: cand.vW,
    plainStart, plainIds, plainW,
    bigramStart: bigrams.start, bigramIds: bigrams.ids, bigramW: bigrams.w, bigramSize: bigrams.size,
    isWord, regStart, regIds: regIds.data.subarray(0, regIds.length), fileOf, memberStart, memberIdx, shown,
    all: { ids: outArray(Uint32Array, 4 * n * k), scores: outArray(Float32Array, 4 * n * k) },
    otherRegions: { ids: outArray(Uint32Array, 4 * n * k), scores: outArray(Float32Array, 4 * n * k) },
  };
  if (extras.pools) listInput.inspect = extras.pools;
  const listsShared = parallelLists ? shareLists(listInput) : listInput;
  let listsSplit = { worker: false, share: 0 };
  if (parallelLists) {
    listsSplit = splitWithWorker(R, RANK_CHUNKS, (chunks) => ranker!.lists(listsShared, chunks), listRunner(listsShared), () => ranker!.listsFailed());
  } else buildLists(listsShared, 0, R);
  ranker?.stop();
  if (info?.parallel) Object.assign(info.parallel, { candidates: candidatesSplit.worker, lists: listsSplit.worker, candidateShare: candidatesSplit.share, listShare: listsSplit.share });
  // Plain (unshared) arrays in the result, as without a worker.
  const plain = <T extends Uint32Array | Float32Array>(a: T): T => (a.buffer instanceof SharedArrayBuffer ? (a.slice() as T) : a);
  const all = { ids: plain(listsShared.all.ids), scores: plain(listsShared.all.scores) };
  const otherRegions = { ids: plain(listsShared.otherRegions.ids), scores: plain(listsShared.otherRegions.scores) };

  // Key terms are stored once per reform, on its shown printing (the server merges a reform's printings), in typed
  // arrays of their final size (growing plain arrays cost tens of MiB at the stage's end at 100,000 records).
  const keyOf = new Int32Array(n).fill(-1);
  for (let r = 0; r < R; r++) keyOf[shown[r]] = r;
  const termIds = new Uint32Array(keyIds.length);
  const termWeights = new Float32Array(keyIds.length);
  const termFlags = new Uint8Array(keyIds.length);
  for (let i = 0, at = 0; i < n; i++) {
    const r = keyOf[i];
    if (r >= 0) {
      const a = keyStart[r];
      const len = keyStart[r + 1] - a;
      termIds.set(keyIds.data.subarray(a, a + len), at);
      termWeights.set(keyW.data.subarray(a, a + len), at);
      termFlags.set(keyFlags.data.subarray(a, a + len), at);
      at += len;
    }
    termStart[i + 1] = at;
  }

  // The mechanism classes that passed the background cut: a class printed by most reforms (a filing channel every
  // reform mentions) is no likeness, so it is not named as one either. None when the classes are off (ideaWeight 0).
  const ideasKept = new Uint8Array(setup.ideas.length);
  reader.ideaFeatures.forEach((f, k) => {
    if (usable(f)) ideasKept[k] = 1;
  });

  if (info) info.phaseMs = { setup: phaseA - phase0, features: phase1 - phaseA, vectors: phase2 - phase1, candidates: phase3 - phase2, lists: performance.now() - phase3 };
  return {
    version: 1,
    k,
    all,
    otherRegions,
    termStart,
    termIds,
    termWeights,
    termFlags,
    terms,
    outcomes: outcomeBits,
    ideasKept,
  };
}
