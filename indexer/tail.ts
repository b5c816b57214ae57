/**
 * The build's tail, after the positional index: the stored facet counts, words, split compounds and loose expansions,
 * the record maps and the block starts (indexer/facet-counts.ts, word-postings.ts, near-postings.ts,
 * loose-postings.ts, record-bits.ts, doc-skips.ts). Everything before it used both cores; run in one thread after the
 * similar stage the tail left one idle for about 6 s at 100k records. So on a large corpus the index worker builds it
 * (indexer/index-worker.ts), beside the similar stage, from the index and texts it holds (BuildOptions
 * .indexWorkerTail, default true). Otherwise it runs here after the similar stage: in this thread alone, or with a
 * tail worker (off by default: it showed no gain on two cores), which searches the later half of the slots for the
 * stored words while this thread searches the earlier half, then builds the counts, maps and block starts while this
 * thread encodes the words and builds the splits and loose expansions, which need the words. The results are the same
 * bytes either way; a worker that fails leaves its part to this thread (slower, never different). test/build-tail.test.ts compares every table built with the worker, and
 * with a failing one, against one thread's; test/stored-words.test.ts that slot ranges searched apart and joined give
 * the stored words one search gives; test/build-parallel.test.ts the whole build's stored words with both workers on.
 */
import { buildVocabulary } from '../analysis/segment.js';
import type { EngineIndex } from './engine-index.js';
import { buildDocSkips, type DocSkipsOptions } from './doc-skips.js';
import { buildWordSkips } from './word-skips.js';
import { buildStoredCounts } from './facet-counts.js';
import { buildLoosePostings } from './loose-postings.js';
import { siblingModule, startModuleWorker } from './module-worker.js';
import { buildNearPostings } from './near-postings.js';
import { buildRecordBits } from './record-bits.js';
import type { RecordBitsThresholds, TailJob } from './tail-worker.js';
import { bigramIds, encodeWordPlaces, findWordPlaces, planWords, type WordPlaces } from './word-postings.js';

/** What the tail reads besides the index: the corpus vocabulary with its counts, the terms loose expansions are made of, the stop words. */
export interface TailInput {
  /** Normalised search texts, flat in slot order (the index's). */
  texts: string[];
  /** Fields per record (slots per record). */
  fields: number;
  /** Each record's reform (indexer/reform-groups.ts), for the facet counts. */
  reformOf: Int32Array;
  /** The vocabulary in the snapshot's order (word, count). */
  vocabulary: [string, number][];
  /** The same words and counts as a map (build.ts's `counts`): which terms are words, here and sent to the worker. */
  counts: ReadonlyMap<string, number>;
  /** Every term a loose expansion can be (synonyms, mined forms). */
  looseTerms: string[];
  stopwords: string[];
  /** BuildOptions.storedMinCost. */
  minCost?: number;
  /** The record maps' thresholds (indexer/record-bits.ts; default DEFAULT_RECORD_BITS: share 8, minRecords 4096). */
  bits?: RecordBitsThresholds;
  /** The block starts' thresholds (indexer/doc-skips.ts; default DEFAULT_DOC_SKIPS: share 16, minEntries 4096). */
  skips?: Partial<DocSkipsOptions>;
}

/** Milliseconds: `counts` the facet counts in this thread (0 when the worker built them), `words` the stored words,
 *  splits and loose expansions, `bits` the maps and block starts (with a worker: the wait for them). */
export interface TailTimings {
  counts: number;
  words: number;
  bits: number;
}

/** A worker thread for the tail, started early so its module loads while earlier stages run; `stop` ends it. */
export interface TailWorker {
  run(job: TailJob): { places: Promise<{ places?: WordPlaces }>; rest: Promise<Pick<EngineIndex, 'counts' | 'bits' | 'skips'>> };
  stop(): void;
}

/** Start a tail worker (indexer/tail-worker.ts); undefined when a worker cannot be started (the tail then runs here). */
export function startTailWorker(): TailWorker | undefined {
  let worker: ReturnType<typeof startModuleWorker>;
  try {
    worker = startModuleWorker(siblingModule('tail-worker', import.meta.url));
  } catch {
    return undefined;
  }
  // Not holding the process up while it waits for a job (a build that fails before run() stops it).
  worker.unref();
  // An error before run() (a module that fails to load) is heard by run's promises; none is thrown unobserved.
  let failure: Error | undefined;
  const failed = (e: unknown) => (failure ??= e instanceof Error ? e : new Error(String(e)));
  worker.on('error', failed);
  worker.on('exit', (code) => failed(new Error(`tail worker exited with ${code} before answering`)));
  return {
    run(job) {
      const answers: unknown[] = [];
      const waiting: ((v: unknown) => void)[] = [];
      const rejects: ((e: Error) => void)[] = [];
      const next = (n: number) =>
        new Promise<unknown>((resolve, reject) => {
          if (answers.length > n) return resolve(answers[n]);
          if (failure) return reject(failure);
          waiting[n] = resolve;
          rejects[n] = reject;
        });
      worker.on('message', (m) => {
        answers.push(m);
        waiting[answers.length - 1]?.(m);
      });
      const fail = (e: unknown) => {
        failed(e);
        for (let n = answers.length; n < 2; n++) rejects[n]?.(failure!);
      };
      worker.on('error', fail);
      worker.on('exit', () => fail(new Error('tail worker exited before answering')));
      // Held now: an unreferenced worker would let the process end while the build awaits its answer.
      worker.ref();
      if (failure) fail(failure);
      else worker.postMessage(job);
      return { places: next(0) as Promise<{ places?: WordPlaces }>, rest: next(1) as Promise<Pick<EngineIndex, 'counts' | 'bits' | 'skips'>> };
    },
    stop: () => void worker.terminate(),
  };
}

/**
 * Adds the tail's tables to `index` (in the order a snapshot lists them: counts, words, nears, loose, bits, skips, wordSkips),
 * in this thread alone or with `worker` (which it stops).
 */
export async function buildTail(index: EngineIndex, input: TailInput, worker?: TailWorker): Promise<TailTimings> {
  const { texts, fields: F, reformOf, minCost, bits: bitsOptions, skips: skipsOptions } = input;
  const isWord = input.counts;
  const words = (t: string) => isWord.has(t);
  const postings = index.postings;
  const t0 = performance.now();
  // The index's Han bigrams by text, built once for the three tables that look words up by them (a map of every
  // bigram term: built three times, it was a tenth of the seeds' tail).
  const ids = bigramIds(postings);
  const plan = planWords(postings, isWord.keys(), minCost, ids);
  const S = texts.length;
  // The worker's range starts at a record boundary halfway (by slots: records' texts are alike in size).
  const mid = worker ? Math.floor(S / F / 2) * F : S;
  const answers = worker?.run({ texts: texts.slice(mid), from: mid, to: S, index: postings, plan, facets: index.facets, reformOf, vocabulary: isWord, bits: bitsOptions, skips: skipsOptions });
  // A failed worker's part is done here instead (caught at once: nothing rejects unobserved meanwhile).
  const placesAnswer = answers?.places.catch(() => undefined);
  const rest = answers?.rest.catch(() => undefined);
  const mine = plan ? findWordPlaces((slot) => texts[slot], postings, plan, 0, mid) : undefined;
  const theirs = await placesAnswer;
  let counts = 0;
  const t1 = performance.now();
  // Without a worker (or with one that failed), this thread builds the counts first, as the single-thread build did.
  if (!answers) {
    index.counts = buildStoredCounts(postings, index.facets, reformOf, { words });
    counts = performance.now() - t1;
  }
  const t2 = performance.now();
  // Alone, this thread's range is every slot; with a worker that failed, its range is searched here.
  const parts = plan ? (mid < S ? [mine!, theirs?.places ?? findWordPlaces((slot) => texts[slot], postings, plan, mid, S)] : [mine!]) : [];
  const wordTable = plan ? encodeWordPlaces(plan, parts, postings) : undefined;
  const nears = buildNearPostings(texts, postings, input.vocabulary, { words: wordTable, minCost, ids });
  const loose = buildLoosePostings(texts, postings, F, input.looseTerms, buildVocabulary(input.vocabulary), new Set(input.stopwords), { words: wordTable, minCost, ids });
  const t3 = performance.now();
  const done = rest ? await rest : undefined;
  worker?.stop();
  if (answers) index.counts = done?.counts ?? buildStoredCounts(postings, index.facets, reformOf, { words });
  if (wordTable) index.words = wordTable;
  if (nears) index.nears = nears;
  if (loose) index.loose = loose;
  const bits = done ? done.bits : buildRecordBits(postings, { ...bitsOptions, words });
  if (bits) index.bits = bits;
  const skips = done ? done.skips : buildDocSkips(postings, skipsOptions);
  if (skips) index.skips = skips;
  const wordSkips = buildWordSkips(postings, wordTable, skipsOptions);
  if (wordSkips) index.wordSkips = wordSkips;
  return { counts, words: t1 - t0 + (t3 - t2), bits: performance.now() - t3 };
}
