import { beforeAll, describe, expect, it } from 'vitest';
import { buildVocabulary, segment, type Vocabulary } from '../analysis/segment.js';
import { isHan } from '../indexer/similar-ideas.js';
import { RunSegmenter } from '../indexer/similar-runs.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { seedSnapshot } from './helpers.js';
import { indexedTexts } from './seed-texts.js';

let body: SnapshotBody;
let vocab: Vocabulary;
/** Every distinct run of two or more Han characters the seeds' indexed texts print, as the similar reader cuts them. */
let runs: string[];
beforeAll(async () => {
  body = await seedSnapshot();
  vocab = buildVocabulary(body.analysis.vocabulary);
  const seen = new Set<string>();
  for (const t of indexedTexts(body)) {
    for (let a = 0; a < t.length; ) {
      if (!isHan(t.charCodeAt(a))) {
        a++;
        continue;
      }
      let b = a + 1;
      while (b < t.length && isHan(t.charCodeAt(b))) b++;
      if (b - a >= 2) seen.add(t.slice(a, b));
      a = b;
    }
  }
  runs = [...seen];
});

describe('the similar reader’s trie segmenter', () => {
  it('cuts every run of the seeds’ texts into the same pieces as segment, figures and unknown characters included', () => {
    const trie = new RunSegmenter(vocab);
    expect(runs.length).toBeGreaterThan(1000);
    // Runs holding a Chinese numeral (三天, 一次办) go through segment itself; the rest through the trie.
    expect(runs.some((r) => /[一二三四五六七八九十]/.test(r))).toBe(true);
    const differ = runs.filter((r) => JSON.stringify(trie.segment(r)) !== JSON.stringify(segment(r, vocab)));
    expect(differ).toEqual([]);
  });

  it('cuts runs of vocabulary characters strung at random as segment does, words longer than the run and single unknown characters included', () => {
    const trie = new RunSegmenter(vocab);
    const chars = [...new Set(body.analysis.vocabulary.map(([w]) => w).join(''))].filter((c) => isHan(c.charCodeAt(0)));
    let s = 11;
    const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const differ: string[] = [];
    for (let k = 0; k < 3000; k++) {
      let run = '';
      for (let n = 2 + Math.floor(next() * 24); n > 0; n--) run += chars[Math.floor(next() * chars.length)];
      if (JSON.stringify(trie.segment(run)) !== JSON.stringify(segment(run, vocab))) differ.push(run);
    }
    expect(differ).toEqual([]);
  });

  it('cuts runs of overlapping vocabulary words as segment does, where two words claim a shared character and the paths compete on the words\' counts', () => {
    const trie = new RunSegmenter(vocab);
    const words = body.analysis.vocabulary.map(([w]) => w).filter((w) => w.length >= 2 && [...w].every((c) => isHan(c.charCodeAt(0))));
    const byFirst = new Map<string, string[]>();
    for (const w of words) byFirst.set(w[0], [...(byFirst.get(w[0]) ?? []), w]);
    let s = 7;
    const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)];
    const differ: string[] = [];
    let overlaps = 0;
    for (let k = 0; k < 3000; k++) {
      let run = pick(words);
      for (let n = 1 + Math.floor(next() * 4); n > 0; n--) {
        // A word that begins with the run's last character shares it: two words claim that character.
        const follow = byFirst.get(run[run.length - 1]);
        if (follow && next() < 0.7) {
          run += pick(follow).slice(1);
          overlaps++;
        } else run += pick(words);
      }
      if (JSON.stringify(trie.segment(run)) !== JSON.stringify(segment(run, vocab))) differ.push(run);
    }
    expect(overlaps).toBeGreaterThan(1000);
    expect(differ).toEqual([]);
  });

  it('with an empty vocabulary (a reader that let go of its own) cuts a run as segment does: one unknown piece', () => {
    const empty: Vocabulary = { counts: new Map(), total: 1, maxLength: 1 };
    expect(new RunSegmenter(empty).segment('先放后检')).toEqual(segment('先放后检', empty));
    expect(new RunSegmenter(empty).segment('先放后检')).toEqual([{ text: '先放后检', kind: 'unknown' }]);
  });
});
