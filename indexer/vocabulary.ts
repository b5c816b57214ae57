/**
 * The corpus vocabulary: how often jieba produces each word over the normalised texts (the query segmenter's
 * dictionary).
 *
 * jieba cuts a text in pieces split at its separators (space, tab, newline, "，" and "。": cppjieba's
 * SPECIAL_SEPARATORS, see its PreFilter) and segments each piece on its own, so the words of a text are the words
 * of its pieces. Reform texts repeat their sentences (copies of one reform, set phrases), so each distinct piece is
 * cut once and its words counted as often as the piece occurs: the same counts, with a fraction of the jieba calls.
 * Word order in the map is not part of the result (the vocabulary is sorted by count, and the form miner sorts).
 *
 * Large corpora are counted in a worker thread that loads its own jieba, so the build's own thread needs no jieba
 * and builds the index meanwhile (`countVocabulary` returns a promise: start it, build, then await it). Small ones
 * (the seeds) are counted in this thread, where jieba stays loaded between builds, since a worker's own jieba load
 * (~1.5 s) would cost more than it saves.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { cut, loadJieba } from './jieba.js';

export interface VocabularyOptions {
  /** The user dictionary jieba is loaded with (word, optional frequency); workers load the same. */
  userWords: [string, number | undefined][];
  /** Worker threads that count (0: this thread counts, loading jieba here). Default: defaultWorkers(chars). */
  workers?: number;
  /** Text size (characters) from which a worker counts by default. Default PARALLEL_MIN_CHARS. */
  parallelMinChars?: number;
}

/**
 * Text size from which a worker counts by default: about 6,000 records. Below it the worker's own jieba load costs
 * more than the build it frees the main thread for.
 */
export const PARALLEL_MIN_CHARS = 2_000_000;

/** jieba's separators: it segments the text between two of them on its own. */
export const JIEBA_SEPARATORS = /[ \t\n，。]/;

/** A token counts as a word when it holds a letter or digit (punctuation and spaces are not words). */
const WORDLIKE = /[\p{L}\p{N}]/u;

/** Distinct pieces of the texts (split at jieba's separators) with how often each occurs, added to `pieces`. */
export function pieceCounts(texts: Iterable<string>, pieces = new Map<string, number>()): Map<string, number> {
  for (const text of texts) {
    if (!text) continue;
    for (const piece of text.split(JIEBA_SEPARATORS)) {
      if (piece) pieces.set(piece, (pieces.get(piece) ?? 0) + 1);
    }
  }
  return pieces;
}

/**
 * Pieces with the same count joined by "\n" (a separator, so jieba cuts the joined text exactly as it cuts each
 * piece), in chunks of about `chunkChars`: few jieba calls, each counted with one multiplier.
 */
export function joinByCount(pieces: Map<string, number>, chunkChars = 100_000): { times: number; text: string }[] {
  const byCount = new Map<number, string[]>();
  for (const [piece, n] of pieces) {
    let list = byCount.get(n);
    if (!list) byCount.set(n, (list = []));
    list.push(piece);
  }
  const out: { times: number; text: string }[] = [];
  for (const [times, list] of byCount) {
    let start = 0;
    let chars = 0;
    for (let i = 0; i < list.length; i++) {
      chars += list[i].length + 1;
      if (chars >= chunkChars || i === list.length - 1) {
        out.push({ times, text: list.slice(start, i + 1).join('\n') });
        start = i + 1;
        chars = 0;
      }
    }
  }
  return out;
}

function countChunks(chunks: { times: number; text: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { times, text } of chunks) {
    for (const tok of cut(text)) counts.set(tok, (counts.get(tok) ?? 0) + times);
  }
  // Punctuation and spaces are dropped once per distinct token, not once per occurrence.
  for (const tok of counts.keys()) if (!WORDLIKE.test(tok)) counts.delete(tok);
  return counts;
}

// Plain CommonJS run by each worker (eval: no loader needed, so it runs the same under tsx, vitest or a bundle). It
// gets texts joined by "\n" in one or more messages and counts each message as it arrives: the distinct pieces of
// the message (split at jieba's separators) are cut once and their words counted as often as the piece occurs.
// Counting at once (not at `done`) is what lets jieba run beside the build's links and index: words of a text are
// the sum of its pieces' words, so counts of several messages add up to the counts of their texts together.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const jieba = require(workerData.jiebaPath);
jieba.load({ userDict: workerData.userDict });
const WORDLIKE = /[\\p{L}\\p{N}]/u;
const counts = new Map();
function count(text) {
  const pieces = new Map();
  for (const piece of text.split(/[ \\t\\n\\uff0c\\u3002]/)) if (piece) pieces.set(piece, (pieces.get(piece) || 0) + 1);
  const byCount = new Map();
  for (const [piece, n] of pieces) {
    let list = byCount.get(n);
    if (!list) byCount.set(n, (list = []));
    list.push(piece);
  }
  pieces.clear();
  for (const [times, list] of byCount) {
    for (let i = 0; i < list.length; i += 2000) {
      for (const tok of jieba.cut(list.slice(i, i + 2000).join('\\n'), true)) counts.set(tok, (counts.get(tok) || 0) + times);
    }
  }
}
parentPort.on('message', ({ text, done }) => {
  if (text) count(text);
  if (!done) return;
  for (const tok of counts.keys()) if (!WORDLIKE.test(tok)) counts.delete(tok);
  parentPort.postMessage({ words: [...counts.keys()], counts: Float64Array.from(counts.values()) });
  parentPort.close();
});
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
  return chars >= minChars ? 1 : 0;
}

/** A count under way: texts are added as they become ready; finish() gives the counts. */
export interface VocabularyCount {
  add(texts: string[]): void;
  finish(): Promise<Map<string, number>>;
}

/**
 * Start counting (jieba is loaded here with `userWords` when this thread counts, at finish()). `chars` is the
 * expected text size, for choosing workers by default. With workers, add() hands the texts over at once, so the
 * caller's thread is free until finish().
 */
export function startVocabularyCount(chars: number, options: VocabularyOptions): VocabularyCount {
  const workers = Math.min(options.workers ?? defaultWorkers(chars, options.parallelMinChars), Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
  if (workers <= 0) {
    // The texts are read when added (the caller may fill more slots of the same array later).
    const pieces = new Map<string, number>();
    return {
      add: (texts) => void pieceCounts(texts, pieces),
      finish: async () => {
        loadJieba(options.userWords);
        return countChunks(joinByCount(pieces));
      },
    };
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'ftz-vocab-'));
  const userDict = join(dir, 'user.dict.utf8');
  writeFileSync(userDict, options.userWords.map(([w, f]) => (f ? `${w} ${f}` : w)).join('\n') + '\n');
  const jiebaPath = createRequire(import.meta.url).resolve('nodejieba');
  const pool = Array.from({ length: workers }, () => new Worker(WORKER_SOURCE, { eval: true, workerData: { jiebaPath, userDict } }));
  const results = pool.map(
    (w) =>
      new Promise<{ words: string[]; counts: Float64Array }>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`vocabulary worker exited with ${code} before counting`)));
      }),
  );
  // Nothing may reject unobserved while the caller works; finish() reports the failure.
  for (const r of results) r.catch(() => undefined);
  return {
    add: (texts) => splitByChars(texts, workers).forEach((share, i) => share.length && pool[i].postMessage({ text: share.join('\n') })),
    finish: async () => {
      try {
        for (const w of pool) w.postMessage({ done: true });
        const counts = new Map<string, number>();
        for (const r of await Promise.all(results)) {
          r.words.forEach((word, i) => counts.set(word, (counts.get(word) ?? 0) + r.counts[i]));
        }
        // Each worker holds its own jieba (~240 MB): gone before the stages that follow allocate theirs.
        await Promise.all(pool.map((w) => w.terminate()));
        return counts;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Count jieba's words over the texts (jieba is loaded here with `userWords` when this thread counts). */
export async function countVocabulary(texts: string[], options: VocabularyOptions): Promise<Map<string, number>> {
  let chars = 0;
  for (const t of texts) chars += t.length;
  const count = startVocabularyCount(chars, options);
  count.add(texts);
  return count.finish();
}
