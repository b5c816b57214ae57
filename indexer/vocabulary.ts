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
 * Large corpora are counted in a child process that loads its own jieba, so the build's own thread needs no jieba
 * and links copies meanwhile (`startVocabularyCount`: start it, add texts, work, then await finish()). A process, not
 * a worker thread: nodejieba's addon never frees its dictionaries (~270 MB) when a thread's environment goes, so a
 * worker's jieba stayed in the build's memory through the similar stage and the index, where its peak is; a process
 * gives all of it back when it exits. Small corpora (the seeds) are counted in this thread, where jieba stays loaded
 * between builds, since another jieba load (~1.5 s) would cost more than it saves.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { hugePagesEnv } from './huge-pages.js';
import { cut, loadJieba } from './jieba.js';

export interface VocabularyOptions {
  /** The user dictionary jieba is loaded with (word, optional frequency); counting processes load the same. */
  userWords: [string, number | undefined][];
  /** Child processes that count (0: this thread counts, loading jieba here). Default: defaultWorkers(chars). */
  workers?: number;
  /** Text size (characters) from which a counting process counts by default. Default PARALLEL_MIN_CHARS. */
  parallelMinChars?: number;
}

/**
 * Text size from which a child process counts by default: about 6,000 records. Below it the child's own jieba load
 * costs more than the build it frees the main thread for.
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

// Plain CommonJS run by each counting process (written beside its user dictionary and started with plain node: no
// loader needed, so it runs the same under tsx, vitest or a bundle). It is told the files its texts were written to
// ("\n"-joined), one message each, and counts each file as it arrives: the distinct pieces of the text (split at
// jieba's separators) are cut once and their words counted as often as the piece occurs. Counting at once (not at
// `done`) is what lets jieba run beside the build's links: words of a text are the sum of its pieces' words, so
// counts of several files add up to the counts of their texts together. Files, not the texts in the message: this
// thread is busy linking copies while the child reads, and a large message through the IPC pipe only moves when this
// thread's event loop runs; a file is written at once (as UTF-16) and read at the child's own pace.
const CHILD_SOURCE = `
const { readFileSync, rmSync } = require('node:fs');
const [jiebaPath, userDict] = process.argv.slice(2);
const jieba = require(jiebaPath);
jieba.load({ userDict });
const WORDLIKE = /[\\p{L}\\p{N}]/u;
const counts = new Map();
// Pieces are found by scanning, not text.split: the split's array of every piece (millions at 100k records) was held
// at this process's peak, which the build's peak counts on top of its own. With the file read as UTF-16: the 100k
// records' own texts, one-off on a loaded machine, peak 567 -> 430 MiB, CPU 4.7 -> 3.7 s, the same counts.
function count(text) {
  const pieces = new Map();
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 10;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 0xff0c && c !== 0x3002) continue;
    if (i > start) {
      const piece = text.slice(start, i);
      pieces.set(piece, (pieces.get(piece) || 0) + 1);
    }
    start = i + 1;
  }
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
// The build went away (ended or failed): nothing is waiting for the counts.
process.on('disconnect', () => process.exit(0));
process.on('message', ({ file, done }) => {
  if (file) {
    const text = readFileSync(file, 'utf16le');
    rmSync(file, { force: true });
    count(text);
  }
  if (!done) return;
  for (const tok of counts.keys()) if (!WORDLIKE.test(tok)) counts.delete(tok);
  process.send({ words: [...counts.keys()], counts: Float64Array.from(counts.values()), maxRssKiB: process.resourceUsage().maxRSS, cpuUs: process.cpuUsage().user + process.cpuUsage().system }, () => process.disconnect());
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

/** A count under way: texts are added as they become ready; finish() gives the counts, or cancel() drops them. */
export interface VocabularyCount {
  /** Counting processes count (the caller's thread is free until finish()); false when this thread counts at finish(). */
  readonly background: boolean;
  add(texts: string[]): void;
  finish(): Promise<Map<string, number>>;
  /**
   * Stop counting (the build failed before finish()): the counting processes are killed and the folder holding their
   * copies of the texts is removed; resolves once they have exited. Nothing to do after finish() or a first cancel().
   */
  cancel(): Promise<void>;
  /** After finish(): the counting processes' largest peak RSS (MiB) and their CPU time (ms); 0 when this thread counted. */
  usage(): { peakRssMiB: number; cpuMs: number };
}

/**
 * Start counting (jieba is loaded here with `userWords` when this thread counts, at finish()). `chars` is the
 * expected text size, for choosing counting processes by default. With counting processes, add() hands the texts
 * over at once (a file each), so the caller's thread is free until finish(); a caller that fails before finish()
 * calls cancel().
 */
export function startVocabularyCount(chars: number, options: VocabularyOptions): VocabularyCount {
  const workers = Math.min(options.workers ?? defaultWorkers(chars, options.parallelMinChars), Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
  if (workers <= 0) {
    // The texts are read when added (the caller may fill more slots of the same array later).
    const pieces = new Map<string, number>();
    return {
      background: false,
      add: (texts) => void pieceCounts(texts, pieces),
      finish: async () => {
        loadJieba(options.userWords);
        return countChunks(joinByCount(pieces));
      },
      usage: () => ({ peakRssMiB: 0, cpuMs: 0 }),
      cancel: async () => void pieces.clear(),
    };
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'ftz-vocab-'));
  const userDict = join(dir, 'user.dict.utf8');
  writeFileSync(userDict, options.userWords.map(([w, f]) => (f ? `${w} ${f}` : w)).join('\n') + '\n');
  const jiebaPath = createRequire(import.meta.url).resolve('nodejieba');
  const script = join(dir, 'count.cjs');
  writeFileSync(script, CHILD_SOURCE);
  // Plain node (no loader flags of this process: the script is CommonJS), the structured clone for its answer's array,
  // and malloc on huge pages (indexer/huge-pages.ts): the counting process's jieba load sits on the build's critical
  // path after copy links.
  const env = hugePagesEnv(process.env);
  const pool = Array.from({ length: workers }, () => fork(script, [jiebaPath, userDict], { execArgv: [], env, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  type Answer = { words: string[]; counts: Float64Array; maxRssKiB: number; cpuUs: number };
  const results = pool.map(
    (child) =>
      new Promise<Answer>((resolve, reject) => {
        child.once('message', (m) => resolve(m as Answer));
        // Every error, not just the first (an unheard 'error' event is an uncaught exception).
        child.on('error', reject);
        child.once('exit', (code, signal) => reject(new Error(`vocabulary counting process exited with ${signal ?? code} before counting`)));
      }),
  );
  // Each child's memory (its jieba) is the build's again once it has exited: finish() waits for that.
  const exited = pool.map((child) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()))));
  // Nothing may reject unobserved while the caller works; finish() reports the failure.
  for (const r of results) r.catch(() => undefined);
  // A message to a child that has died fails with ERR_IPC_CHANNEL_CLOSED; its 'exit' names the failure instead.
  const send = (child: (typeof pool)[number], message: object) => void child.send(message, () => undefined);
  let files = 0;
  let ended = false;
  const used = { peakRssMiB: 0, cpuMs: 0 };
  return {
    background: true,
    add: (texts) =>
      splitByChars(texts, workers).forEach((share, i) => {
        if (!share.length) return;
        const file = join(dir, `texts-${files++}.txt`);
        // UTF-16 as JavaScript holds it: about a tenth of UTF-8's encoding and decoding time for Han text (30k
        // records, one-off), on this thread and on the counting process's path.
        writeFileSync(file, share.join('\n'), 'utf16le');
        send(pool[i], { file });
      }),
    finish: async () => {
      ended = true;
      try {
        for (const child of pool) send(child, { done: true });
        const counts = new Map<string, number>();
        for (const r of await Promise.all(results)) {
          r.words.forEach((word, i) => counts.set(word, (counts.get(word) ?? 0) + r.counts[i]));
          used.peakRssMiB = Math.max(used.peakRssMiB, Math.round(r.maxRssKiB / 1024));
          used.cpuMs += r.cpuUs / 1000;
        }
        await Promise.all(exited);
        return counts;
      } catch (e) {
        for (const child of pool) child.kill();
        throw e;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    usage: () => used,
    cancel: async () => {
      if (ended) return;
      ended = true;
      for (const child of pool) child.kill();
      await Promise.all(exited);
      rmSync(dir, { recursive: true, force: true });
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

