/**
 * The corpus vocabulary: how often jieba produces each word over the normalised texts (the query segmenter's
 * dictionary). Each text is independent, so the texts can be split between this thread and worker threads, each
 * worker loading jieba with the same user dictionary; counts are the same either way (a test checks it).
 * Measured by `npm run bench` on the 2-core machine, a worker did not pay at 1k, 10k or 100k records (100k: 21.1 s
 * alone, 21.3 s with a worker, whose own jieba load eats the gain), so by default counting stays in this thread;
 * `workers` (BuildOptions.vocabularyWorkers) turns it on for a machine where it measures better.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { cut } from './jieba.js';

export interface VocabularyOptions {
  /** The user dictionary jieba is loaded with in this thread (word, optional frequency); workers load the same. */
  userWords: [string, number | undefined][];
  /** Worker threads beside this one. Default 0 (workers did not pay when measured; see above). */
  workers?: number;
  /** Text size (characters) from which workers are used by default. Default PARALLEL_MIN_CHARS. */
  parallelMinChars?: number;
  /** Called with the number of texts counted so far, every 20,000 texts (in this thread). */
  progress?: (texts: number) => void;
}

/** Text size from which workers would be used by default: never, as measured (see above). */
export const PARALLEL_MIN_CHARS = Number.POSITIVE_INFINITY;

/** A token counts as a word when it holds a letter or digit (punctuation and spaces are not words). */
const WORDLIKE = /[\p{L}\p{N}]/u;

function countInto(counts: Map<string, number>, texts: string[], progress?: (texts: number) => void): void {
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (progress && i > 0 && i % 20_000 === 0) progress(i);
    if (!text) continue;
    for (const tok of cut(text)) {
      if (!WORDLIKE.test(tok)) continue;
      counts.set(tok, (counts.get(tok) ?? 0) + 1);
    }
  }
}

// Plain CommonJS run by each worker (eval: no loader needed, so it runs the same under tsx, vitest or a bundle).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const jieba = require(workerData.jiebaPath);
jieba.load({ userDict: workerData.userDict });
const WORDLIKE = /[\\p{L}\\p{N}]/u;
const counts = new Map();
for (const text of workerData.texts) {
  if (!text) continue;
  for (const tok of jieba.cut(text, true)) {
    if (!WORDLIKE.test(tok)) continue;
    counts.set(tok, (counts.get(tok) || 0) + 1);
  }
}
parentPort.postMessage({ words: [...counts.keys()], counts: Int32Array.from(counts.values()) });
`;

/** Split texts into `parts` runs of about equal character counts, keeping their order. */
export function splitByChars(texts: string[], parts: number): string[][] {
  const total = texts.reduce((s, t) => s + t.length, 0);
  const out: string[][] = [[]];
  let acc = 0;
  for (const t of texts) {
    if (acc >= (total / parts) * out.length && out.length < parts) out.push([]);
    out[out.length - 1].push(t);
    acc += t.length;
  }
  while (out.length < parts) out.push([]);
  return out;
}

export function defaultWorkers(chars: number, minChars = PARALLEL_MIN_CHARS): number {
  return chars >= minChars ? Math.max(0, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8) - 1) : 0;
}

/** Count jieba's words over the texts; jieba must already be loaded in this thread with `userWords`. */
export async function countVocabulary(texts: string[], options: VocabularyOptions): Promise<Map<string, number>> {
  const chars = texts.reduce((s, t) => s + t.length, 0);
  const workers = options.workers ?? defaultWorkers(chars, options.parallelMinChars);
  const counts = new Map<string, number>();
  if (workers <= 0) {
    countInto(counts, texts, options.progress);
    return counts;
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'ftz-vocab-'));
  try {
    const userDict = join(dir, 'user.dict.utf8');
    writeFileSync(userDict, options.userWords.map(([w, f]) => (f ? `${w} ${f}` : w)).join('\n') + '\n');
    const jiebaPath = createRequire(import.meta.url).resolve('nodejieba');
    // This thread takes the first share: it has jieba loaded already while the workers load theirs.
    const [mine, ...theirs] = splitByChars(texts, workers + 1);
    const results = theirs.map(
      (share) =>
        new Promise<{ words: string[]; counts: Int32Array }>((resolve, reject) => {
          const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { jiebaPath, userDict, texts: share } });
          w.once('message', resolve);
          w.once('error', reject);
          w.once('exit', (code) => code !== 0 && reject(new Error(`vocabulary worker exited with ${code}`)));
        }),
    );
    countInto(counts, mine);
    for (const r of await Promise.all(results)) {
      r.words.forEach((word, i) => counts.set(word, (counts.get(word) ?? 0) + r.counts[i]));
    }
    return counts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
