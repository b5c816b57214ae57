/**
 * seeds → snapshot: parse the documents, build the user dictionary from the corpus and the editable files,
 * count the corpus vocabulary with jieba (for query-time segmentation), and build the inverted index.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { parseStopwords, parseSynonyms, parseUserWords, type Dictionaries } from '../analysis/dictionary.js';
import { Normalizer } from '../analysis/normalize.js';
import { INDEX_OPTIONS, SEARCH_FIELDS, searchTexts, type IndexDocument } from '../search/fields.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { loadCorpus, type Corpus } from './corpus.js';
import { loadJieba } from './jieba.js';
import { PROVINCES } from './regions.js';
import type { ReformRecord } from './schema.js';
import { traditionalToSimplifiedTable } from './t2s.js';
import { countVocabulary } from './vocabulary.js';

export interface BuildOptions {
  seedsDir: string;
  /** Records already read (`--records FILE.jsonl`); when given, seedsDir is not read. */
  corpus?: Corpus;
  /** Folder with userdict.txt, synonyms.txt and stopwords.txt. */
  dictDir: string;
  /** Worker threads for jieba vocabulary counting (default: by corpus size, see indexer/vocabulary.ts). */
  vocabularyWorkers?: number;
}

export interface BuildResult {
  body: SnapshotBody;
  corpus: Corpus;
  /** Milliseconds per stage. */
  timings: Record<'parse' | 'jiebaLoad' | 'analyse' | 'index' | 'total', number>;
}

export async function readDictionaries(dictDir: string): Promise<{ dictionaries: Dictionaries; version: string; synonymsVersion: string }> {
  const read = (name: string) => readFile(join(dictDir, name), 'utf8').catch(() => '');
  const [user, syn, stop] = await Promise.all([read('userdict.txt'), read('synonyms.txt'), read('stopwords.txt')]);
  return {
    dictionaries: { userWords: parseUserWords(user), synonyms: parseSynonyms(syn), stopwords: parseStopwords(stop) },
    version: createHash('sha256').update(user).update('\0').update(syn).update('\0').update(stop).digest('hex').slice(0, 16),
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
    for (const d of r.departments) terms.add(d);
  }
  return [...terms];
}

export async function buildSnapshot(options: BuildOptions): Promise<BuildResult> {
  const t0 = performance.now();
  const corpus = options.corpus ?? (await loadCorpus(options.seedsDir));
  const { dictionaries, version, synonymsVersion } = await readDictionaries(options.dictDir);
  const tParse = performance.now();

  const normalizer = new Normalizer(traditionalToSimplifiedTable());
  const norm = (s: string) => normalizer.plain(s);
  const userWords = new Map<string, number | undefined>();
  for (const [w, f] of dictionaries.userWords) userWords.set(norm(w), f);
  for (const w of corpusTerms(corpus.records)) if (!userWords.has(norm(w))) userWords.set(norm(w), undefined);
  for (const group of dictionaries.synonyms) for (const w of group) if (!userWords.has(norm(w))) userWords.set(norm(w), undefined);
  for (const p of PROVINCES) if (!userWords.has(p)) userWords.set(p, undefined);
  const tJ = performance.now();
  loadJieba([...userWords]);
  const tJiebaLoaded = performance.now();

  // Vocabulary: how often jieba produces each word over the corpus (indexer/vocabulary.ts, in worker threads for a
  // large corpus), plus a floor for dictionary words.
  const docs: IndexDocument[] = searchTexts(corpus.records).map((texts, i) => {
    const doc: IndexDocument = { i };
    for (const f of SEARCH_FIELDS) doc[f] = norm(texts[f]);
    return doc;
  });
  const counts = await countVocabulary(
    docs.flatMap((d) => SEARCH_FIELDS.map((f) => d[f] as string)),
    { userWords: [...userWords], workers: options.vocabularyWorkers },
  );
  const floor = (w: string, n: number) => counts.set(w, Math.max(counts.get(w) ?? 0, n));
  for (const w of userWords.keys()) floor(w, 3);
  for (const w of dictionaries.stopwords) floor(norm(w), 5);
  const tAnalysed = performance.now();

  const index = new MiniSearch<IndexDocument>(INDEX_OPTIONS);
  index.addAll(docs);
  const tIndexed = performance.now();

  const body: SnapshotBody = {
    builtAt: new Date().toISOString(),
    sources: corpus.files,
    warnings: corpus.warnings,
    dictionary: {
      version,
      synonymsVersion,
      userWords: [...userWords.keys()],
      synonyms: dictionaries.synonyms.map((g) => g.map(norm)),
      stopwords: dictionaries.stopwords.map(norm),
    },
    analysis: { t2s: traditionalToSimplifiedTable(), vocabulary: [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)) },
    records: corpus.records,
    index: index.toJSON(),
  };
  return {
    body,
    corpus,
    timings: {
      parse: tParse - t0,
      jiebaLoad: tJiebaLoaded - tJ,
      analyse: tJ - tParse + (tAnalysed - tJiebaLoaded),
      index: tIndexed - tAnalysed,
      total: tIndexed - t0,
    },
  };
}
