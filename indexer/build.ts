/**
 * seeds → snapshot: parse the documents, build the user dictionary from the corpus and the editable files,
 * count the corpus vocabulary with jieba (for query-time segmentation), and build the inverted index. On a large
 * corpus a child process counts the vocabulary while this thread links copies (indexer/vocabulary.ts); a worker
 * thread then builds the positional index beside the end of the count (while this thread runs the caller's
 * `whileCounting`, which the CLI uses to pack the records into the snapshot's columns) and, once sent the
 * vocabulary, the build's tail (indexer/tail.ts) beside the similar stage, which uses workers of its own
 * (indexer/engine-index.ts, indexer/similar-threads.ts). Every way gives the same bytes as one thread.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseNarrower, parseStopwords, parseSynonyms, parseUserWords, type Dictionaries, type DictionaryWarning } from '../analysis/dictionary.js';
import { mineForms } from '../analysis/forms.js';
import { Normalizer } from '../analysis/normalize.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { loadCorpus, PROGRESS_BYTES, type Corpus, type Progress } from './corpus.js';
import { buildEngineIndex, buildEngineIndexAsync, buildEngineIndexWithTail, type EngineIndex } from './engine-index.js';
import { reformGroups } from './reform-groups.js';
import { SEARCH_FIELDS, copyDepartmentTexts, normalizedSearchTexts, type SearchField } from './fields.js';
import { linkRelated } from './related.js';
import { commonWordTest, namingWordTest } from './general-words.js';
import { PROVINCES } from './regions.js';
import { TEXT_FIELDS, type ParseWarning, type ReformRecord } from './schema.js';
import { buildSimilar } from './similar.js';
import { parseIdeas, type IdeaClass } from './similar-ideas.js';
import { similarThreads } from './similar-threads.js';
import { traditionalToSimplifiedTable } from './t2s.js';
import { PARALLEL_MIN_CHARS, startVocabularyCount } from './vocabulary.js';
import { DICTIONARY_WORD_FLOOR, STOP_WORD_FLOOR } from './vocabulary-floors.js';
import { buildTail, startTailWorker, type TailInput, type TailTimings, type TailWorker } from './tail.js';
import { jiebaLoaded, lastJiebaLoadMs } from './jieba.js';

/**
 * Runs of records normalised and handed to a counting process one after the other (records input, whose copies are
 * linked later): the process starts counting after the first instead of after all.
 */
const NORMALIZE_PARTS = 4;

export interface BuildOptions<P = never> {
  seedsDir: string;
  /** Records already read (`--records FILE.jsonl`); when given, seedsDir is not read. */
  corpus?: Corpus;
  /** Folder with userdict.txt, synonyms.txt and stopwords.txt. */
  dictDir: string;
  /** Child processes for jieba vocabulary counting (0: this thread; default by corpus size, see indexer/vocabulary.ts). */
  vocabularyWorkers?: number;
  /**
   * Build the positional index in a worker thread beside the similar stage (default: from PARALLEL_MIN_CHARS of text)
   * instead of in this thread after links.
   */
  indexWorker?: boolean;
  /**
   * With the index worker, build the tail (indexer/tail.ts) there too, from its own index and texts, once it is sent
   * the vocabulary (before the similar stage), instead of in this thread after the similar stage with the other core
   * idle. Default true (false, or tailWorker, builds it here after the similar stage, as before session 19); the
   * same bytes either way (test/build-parallel.test.ts). Two quiet bench runs built 100k 1–2 s faster with it and
   * simbuild8's changes together (docs/design.md, "The build's tail in the index worker"); the switch lets a quiet
   * run compare it alone.
   */
  indexWorkerTail?: boolean;
  /**
   * Split the build's tail (stored words, facet counts, record maps, block starts: indexer/tail.ts) between this thread
   * and a worker thread, each searching half of the slots. Default false: on this 2-core machine the worker cost ~3 s
   * more CPU at 100k and gave the tail no shorter wall time (lead's interleaved CLI builds at 2e78b20, tail 7.6 / 9.3 s
   * with it, 8.8 / 7.5 s without; docs/design.md). Needs the index worker (ignored without it); the result is the
   * same either way (test/build-tail.test.ts, test/build-parallel.test.ts).
   */
  tailWorker?: boolean;
  /**
   * The cost from which vocabulary words and split compounds get postings of their own, and loose expansions their
   * records (indexer/word-postings.ts, indexer/near-postings.ts, indexer/loose-postings.ts: their `minCost`, one value
   * for all three). Default: each its own, DEFAULT_WORD_COST (32,768), DEFAULT_NEAR_COST (24,576) and
   * DEFAULT_LOOSE_COST (16,384 fields). Lowered, a small corpus stores some, so the seeds can show that every way of
   * building gives the same stored words and splits (test/build-parallel.test.ts).
   */
  storedMinCost?: number;
  /** Progress lines for large inputs (the CLI prints them to stderr). */
  progress?: Progress;
  /**
   * Work on the final records (linked; nothing after links changes a record) run in this thread while a counting
   * process finishes, when this thread would only wait; its result is BuildResult.whileCounting. Not called when this
   * thread counts (small corpora: no wait to fill). The CLI and the benchmark pass the snapshot's record packing
   * (`(records) => packRecords(records, recordValidator())`), which writing the snapshot then reuses; a callback
   * because packing belongs to the snapshot stage, later than this one. Default: none.
   */
  whileCounting?: (records: ReformRecord[]) => P;
}

export type BuildStage = 'parse' | 'links' | 'jiebaLoad' | 'analyse' | 'index' | 'pack' | 'similar' | 'counts' | 'words' | 'bits';

export interface BuildResult<P = never> {
  body: SnapshotBody;
  corpus: Corpus;
  /**
   * What options.whileCounting returned for body.records while a counting process finished (large corpora;
   * undefined otherwise, or without the option). With the CLI's packing: pass it as packedRecords to
   * serializeSnapshot / writeSnapshotFile so they do not pack the records again.
   */
  whileCounting?: P;
  /**
   * Milliseconds per stage. `jiebaLoad` is jieba's dictionary load in this thread (0 when a child process counts, or
   * when jieba was already loaded); `analyse` is normalising the texts, counting the vocabulary (what of it links did not
   * hide) and mining forms; `index` the positional index and facet columns (with the index worker: starting it and
   * the wait for it after the similar stage); `pack` options.whileCounting (the CLI: packing the records into the
   * snapshot's columns) while a counting process finishes (0 otherwise); `links` copy linking when the corpus left it to the build (records
   * input read with deferLinks; 0 otherwise), beside the count. With the tail in the index worker (large corpora,
   * the default), `counts`, `words` and `bits` are that worker's times for them, spent beside the similar stage and
   * not on this thread's path (they overlap `similar` and `index`), and `index` includes the wait for the tail after
   * the similar stage. With a tail worker (indexer/tail.ts, large corpora)
   * `counts` is 0 (the worker builds them), `words` is the stored words, splits and loose expansions with the wait for
   * the worker's half of the words' places, and `bits` the wait for the worker's counts, maps and block starts.
   */
  timings: Record<BuildStage | 'total', number>;
  /**
   * The process's peak RSS (MiB) at the end of each stage: the stage that raised it is where memory went. `counts`,
   * `words` and `bits` are one reading, the tail's peak at its end: the tail (indexer/tail.ts) builds them in one call,
   * with a tail worker at the same time (its memory is this process's), so they have no separate ends to read at.
   */
  peakRssMiB: Record<BuildStage, number>;
  /**
   * The vocabulary's counting process (large corpora), whose memory and CPU are not in this process's figures: its
   * peak RSS, its CPU time and this process's peak when it ended (the two peaks' sum bounds the two together); all 0
   * when this thread counted.
   */
  counting: { peakRssMiB: number; cpuMs: number; buildPeakRssMiB: number };
}

/** The peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export async function readDictionaries(dictDir: string): Promise<{ dictionaries: Dictionaries; ideas: IdeaClass[]; version: string; synonymsVersion: string; warnings: ParseWarning[] }> {
  // A missing dictionary is an error naming the path, never a silent build with no synonyms or stop words.
  const read = (name: string) =>
    readFile(join(dictDir, name), 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new Error(`cannot read dictionary ${name} in ${dictDir} (${e.code ?? e.message}); pass --dict with the folder holding userdict.txt, synonyms.txt and stopwords.txt`);
    });
  const [user, syn, stop] = await Promise.all([read('userdict.txt'), read('synonyms.txt'), read('stopwords.txt')]);
  // ideas.txt only enriches the similar lists, so a dictionary folder from before it still builds: without it the
  // lists have no mechanism classes, and the snapshot's warnings say so.
  const ideasText = await readFile(join(dictDir, 'ideas.txt'), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new Error(`cannot read dictionary ideas.txt in ${dictDir} (${e.code ?? e.message})`);
  });
  const skipped: DictionaryWarning[] = [];
  const narrower = parseNarrower(syn, skipped);
  const ideas = ideasText === undefined ? undefined : parseIdeas(ideasText);
  return {
    dictionaries: { userWords: parseUserWords(user), synonyms: parseSynonyms(syn), narrower, stopwords: parseStopwords(stop) },
    ideas: ideas?.classes ?? [],
    warnings: [
      ...skipped.map((w) => ({ file: 'synonyms.txt', line: w.line, message: w.message })),
      ...(ideas ? ideas.warnings.map((w) => ({ file: 'ideas.txt', line: w.line, message: w.message })) : [{ file: 'ideas.txt', message: `not found in ${dictDir}: similar reforms are listed without mechanism classes` }]),
    ],
    // ideas.txt joins the hash only when present, so a folder without it keeps the version it had.
    version: createHash('sha256').update(user).update('\0').update(syn).update('\0').update(stop).update(ideasText === undefined ? '' : `\0${ideasText}`).digest('hex').slice(0, 16),
    synonymsVersion: createHash('sha256').update(syn).digest('hex').slice(0, 16),
  };
}

/** Terms the corpus itself says are words: quoted terms (“清单制+告知承诺制” → 清单制, 告知承诺制) and unit names. */
export function corpusTerms(records: ReformRecord[]): string[] {
  const terms = new Set<string>();
  for (const r of records) {
    for (const text of [r.title, r.content ?? '', r.outcome ?? '', r.process ?? '']) {
      for (const m of text.matchAll(/[“"‘]([^”"’]{2,24})[”"’]/g)) {
        for (const part of m[1].split(/[+＋、，,；;\s]+/)) {
          if (/^\p{Script=Han}{2,10}$/u.test(part)) terms.add(part);
        }
      }
    }
    for (const d of [...(r.printedDepartments ?? []), ...r.departments]) terms.add(d);
  }
  return [...terms];
}

export async function buildSnapshot<P = never>(options: BuildOptions<P>): Promise<BuildResult<P>> {
  const t0 = performance.now();
  const corpus = options.corpus ?? (await loadCorpus(options.seedsDir, options.progress));
  const progress = corpus.files.reduce((n, f) => n + f.bytes, 0) >= PROGRESS_BYTES ? options.progress : undefined;
  const { dictionaries, ideas, version, synonymsVersion, warnings: dictionaryWarnings } = await readDictionaries(options.dictDir);
  const tParse = performance.now();
  const rssParse = peakRssMiB();

  const normalizer = new Normalizer(traditionalToSimplifiedTable());
  const norm = (s: string) => normalizer.plain(s);
  const userWords = new Map<string, number | undefined>();
  for (const [w, f] of dictionaries.userWords) userWords.set(norm(w), f);
  for (const w of corpusTerms(corpus.records)) if (!userWords.has(norm(w))) userWords.set(norm(w), undefined);
  for (const group of dictionaries.synonyms) for (const w of group) if (!userWords.has(norm(w))) userWords.set(norm(w), undefined);
  for (const p of PROVINCES) if (!userWords.has(p)) userWords.set(p, undefined);

  // Every searched field normalised once, flat in slot order: the vocabulary and the index are built from these.
  // Copy links still pending (records input) are computed while the vocabulary is counted; the copies' units
  // (copyDepartments) are filled in and counted once they are known.
  const linksPending = corpus.linksPending === true;
  // Vocabulary: how often jieba produces each word over the corpus (indexer/vocabulary.ts). In a child process on a
  // large corpus (counting while this thread links copies); in this thread on a small one, loading jieba here.
  // The process is started before the texts are normalised, so its jieba load (~1.5 s) runs beside normalisation
  // instead of after it; the choice is made on the records' own text size (normalising keeps it about the same).
  let chars = 0;
  for (const r of corpus.records) for (const f of TEXT_FIELDS) chars += r[f]?.length ?? 0;
  const count = startVocabularyCount(chars, { userWords: [...userWords], workers: options.vocabularyWorkers });
  // A failure before finish() (normalising, links, the index) must not leave the counting process and its copies of the
  // texts behind, nor keep the event loop alive: cancel() ends them (nothing to do once finish() has run). A failure
  // once the index worker runs (the count, the similar stage) ends that worker too.
  const failed = new AbortController();
  let tailWorker: TailWorker | undefined;
  try {
    // With a counting process, the texts are normalised and handed over in NORMALIZE_PARTS runs of records, so it
    // counts the first while this thread normalises the next (counts of parts add up to the counts of the whole:
    // indexer/vocabulary.ts); this thread counting adds them all at finish() either way.
    const parts = count.background && linksPending ? NORMALIZE_PARTS : 1;
    const R = corpus.records.length;
    const normalizedParts: string[][] = [];
    for (let k = 0; k < parts; k++) {
      const part = normalizedSearchTexts(corpus.records.slice(Math.floor((R * k) / parts), Math.floor((R * (k + 1)) / parts)), norm, { copies: !linksPending });
      count.add(part);
      normalizedParts.push(part);
    }
    const normalized = parts === 1 ? normalizedParts[0] : normalizedParts.flat();
    progress?.(`${corpus.records.length} records parsed; counting the vocabulary with jieba…`);
    const tCount = performance.now();
    let tLinked = tCount;
    let rssLinks = peakRssMiB();
    if (linksPending) {
      linkRelated(corpus.records);
      corpus.linksPending = false;
      tLinked = performance.now();
      rssLinks = peakRssMiB();
      count.add(copyDepartmentTexts(corpus.records, norm, normalized));
    }
    const tCounted = performance.now();

    // The positional index, once the texts are final (links done). On a large corpus in a worker thread started
    // right away: it takes the core the counting process leaves free at the end of its count, when this thread only
    // waited, and finishes beside the similar stage (started after the count, it ran only beside that stage, which
    // then took 11.3 s where it takes 7.9 s alone: 100k records, recorded run at 052c7dd). Built in this thread
    // instead (indexWorker: false), after links while the count finishes, it took 40.2 s at 100k at 51242b4. On a
    // small corpus in this thread: a worker's start costs more than the index.
    const indexWorker = options.indexWorker ?? chars >= PARALLEL_MIN_CHARS;
    // The index worker then builds the tail too (unless a tail worker is asked for), from its own index and texts,
    // once it is sent the tail's input below: beside the similar stage, not after it on one core.
    const tailInIndexWorker = indexWorker && (options.indexWorkerTail ?? true) && !options.tailWorker;
    const withTail = tailInIndexWorker ? buildEngineIndexWithTail(corpus.records, normalized, failed.signal) : undefined;
    const indexed: Promise<{ index: EngineIndex; timings?: TailTimings }> = withTail
      ? withTail.index
      : indexWorker
        ? buildEngineIndexAsync(corpus.records, normalized, failed.signal).then((index) => ({ index }))
        : Promise.resolve({ index: buildEngineIndex(corpus.records, normalized) });
    // Awaited after the similar stage; a worker that failed before (noticed while the count is awaited below) ends
    // the build there, and nothing rejects unobserved meanwhile.
    indexed.catch(() => failed.abort());
    const tIndexed = performance.now();
    const rssIndexed = peakRssMiB();
    // While a counting process finishes, this thread would only wait: it runs the caller's work on the records (final
    // once linked: nothing after links changes a record); the CLI packs them into the snapshot's columns, which
    // writing the snapshot then reuses instead of packing them after everything else.
    const whileCounting = count.background && options.whileCounting ? options.whileCounting(corpus.records) : undefined;
    const tPacked = performance.now();
    const rssPacked = peakRssMiB();

    const jiebaWasLoaded = jiebaLoaded();
    const countsPromise = count.finish();
    const jiebaLoad = jiebaLoaded() && !jiebaWasLoaded ? lastJiebaLoadMs() : 0;
    // A failed index worker fails the build now rather than after the similar stage (which blocks this thread).
    const counts = await Promise.race([countsPromise, indexed.then(() => countsPromise)]);
    const counting = { ...count.usage(), buildPeakRssMiB: count.usage().peakRssMiB ? peakRssMiB() : 0 };
    const tVocabulary = performance.now();
    // Long and short forms (环境影响评价 ↔ 环评) among the words the corpus itself prints, before dictionary floors.
    const printed = [...counts];
    const forms = mineForms({
      vocabulary: printed,
      common: commonWordTest(printed.filter(([w]) => w.length <= 4).map(([w]) => w)),
      reserved: dictionaries.synonyms.flat().map(norm),
    });
    const floor = (w: string, n: number) => counts.set(w, Math.max(counts.get(w) ?? 0, n));
    for (const w of userWords.keys()) floor(w, DICTIONARY_WORD_FLOOR);
    // The terms of `>` lines are words people type (改制, 大宗商品) even where jieba cut the corpus otherwise (转企改制
    // whole): floored like the other dictionary words, but not handed to jieba, so its cuts of the corpus stay as they were.
    for (const [b, ns] of dictionaries.narrower) for (const w of [b, ...ns]) floor(norm(w), DICTIONARY_WORD_FLOOR);
    for (const w of dictionaries.stopwords) floor(norm(w), STOP_WORD_FLOOR);
    const tAnalysed = performance.now();
    const rssAnalysed = peakRssMiB();

    const body: SnapshotBody = {
      builtAt: new Date().toISOString(),
      sources: corpus.files,
      warnings: [...corpus.warnings, ...dictionaryWarnings],
      dictionary: {
        version,
        synonymsVersion,
        userWords: [...userWords.keys()],
        synonyms: dictionaries.synonyms.map((g) => g.map(norm)),
        narrower: dictionaries.narrower.map(([b, n]) => [norm(b), n.map(norm)] as [string, string[]]),
        stopwords: dictionaries.stopwords.map(norm),
        ideas: ideas.map(([name, terms]) => [name, terms.map(norm)] as [string, string[]]),
      },
      analysis: { t2s: traditionalToSimplifiedTable(), vocabulary: [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)), forms },
      records: corpus.records,
      index: undefined,
    };
    progress?.(`${counts.size} words counted; listing similar reforms${indexWorker ? ' while the index is built' : ''}…`);
    // The similar stage reads the texts the index was built from: nothing is normalised twice.
    const texts = normalized;
    const F = SEARCH_FIELDS.length;
    const slot = Object.fromEntries(SEARCH_FIELDS.map((f, k) => [f, k])) as Record<SearchField, number>;
    // One grouping of the records into reforms for the similar lists and the stored facet counts.
    const reformOf = reformGroups(corpus.records);
    // What the tail reads besides the index (indexer/tail.ts), all known now.
    const tailInput: Omit<TailInput, 'texts' | 'fields'> = {
      reformOf,
      vocabulary: body.analysis.vocabulary,
      counts,
      looseTerms: [...body.dictionary.synonyms.flat(), ...forms.pairs.flat(), ...forms.shorts],
      stopwords: body.dictionary.stopwords,
      minCost: options.storedMinCost,
    };
    // Posted now: the similar stage below holds this thread until it ends.
    withTail?.tail(tailInput);
    // The tail's worker starts now, so its module loads beside the similar stage (it is sent its work after it).
    tailWorker = indexWorker && options.tailWorker ? startTailWorker() : undefined;
    body.similar = buildSimilar(body, {}, { normalized: (i, f) => texts[i * F + slot[f]], naming: namingWordTest(body.analysis.vocabulary.map(([w]) => w)), threads: similarThreads, reformOf });
    const tSimilar = performance.now();
    const rssSimilar = peakRssMiB();
    const { index, timings: tailDone } = await indexed;
    const tIndexDone = performance.now();
    // The index stage's peak is read before the tail can raise it (a worker's index is only whole here; with the tail
    // in the index worker, this reading includes it).
    const rssIndexDone = indexWorker ? peakRssMiB() : rssIndexed;
    // The tail (indexer/tail.ts): facet counts of common words' record sets, costly words', split compounds' and
    // loose expansions' own postings, record maps of common words and block starts of common terms and stored words, from the
    // postings just built, the same texts and the vocabulary; built in the index worker above, or here (with the tail
    // worker started above when asked for).
    const tail = tailDone ?? (await buildTail(index, { ...tailInput, texts, fields: F }, tailWorker));
    tailWorker = undefined;
    const rssTail = peakRssMiB();
    body.index = index;
    const tDone = performance.now();
    return {
      body,
      corpus,
      whileCounting,
      timings: {
        parse: tParse - t0,
        links: tLinked - tCount,
        index: tIndexed - tCounted + (tIndexDone - tSimilar),
        pack: tPacked - tIndexed,
        jiebaLoad,
        analyse: tCount - tParse + (tCounted - tLinked) + (tVocabulary - tPacked - jiebaLoad) + (tAnalysed - tVocabulary),
        similar: tSimilar - tAnalysed,
        counts: tail.counts,
        words: tail.words,
        bits: tail.bits,
        total: tDone - t0,
      },
      peakRssMiB: { parse: rssParse, links: rssLinks, index: rssIndexDone, pack: rssPacked, jiebaLoad: rssAnalysed, analyse: rssAnalysed, similar: rssSimilar, counts: rssTail, words: rssTail, bits: rssTail },
      counting,
    };
  } catch (e) {
    failed.abort();
    tailWorker?.stop();
    throw e;
  } finally {
    await count.cancel();
  }
}
