import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { COMMON_WORD_FREQUENCY, commonWordTest, namingWordTest } from '../indexer/general-words.js';
import { seedSnapshot } from './helpers.js';

/** jieba's dictionary read line by line, every line of a word counted: the plain reading the look-up must agree with. */
function lineByLine(candidates: string[]): { common: Set<string>; notNaming: Set<string>; all: Set<string> } {
  const file = createRequire(import.meta.url).resolve('nodejieba').replace(/index\.js$/, 'submodules/cppjieba/dict/jieba.dict.utf8');
  const wanted = new Set(candidates);
  const common = new Set<string>();
  const notNaming = new Set<string>();
  const all = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [word, freq] = line.split(' ');
    if (!word || !wanted.has(word)) continue;
    all.add(word);
    if (Number(freq) >= COMMON_WORD_FREQUENCY) common.add(word);
    if (!/^(n|j|l|i|nz|eng)/.test(line.slice(line.lastIndexOf(' ') + 1).trim())) notNaming.add(word);
  }
  return { common, notNaming, all };
}

describe("jieba's general dictionary as the build reads it", () => {
  it('calls every seed vocabulary word ordinary or naming exactly as a line-by-line reading of the dictionary does', async () => {
    const words = (await seedSnapshot()).analysis.vocabulary.map(([w]) => w);
    const { common, notNaming } = lineByLine(words);
    const isCommon = commonWordTest(words);
    const names = namingWordTest(words);
    expect(words.filter(isCommon).sort()).toEqual([...common].sort());
    // Words the dictionary has: as their lines say. Words it lacks are read by their cut (the next test).
    const known = new Set(lineByLine(words).all);
    expect(words.filter((w) => known.has(w) && names(w)).sort()).toEqual(words.filter((w) => known.has(w) && !notNaming.has(w)).sort());
    // Both answers hold words of each kind, so the comparison above cannot pass on empty sets.
    expect(common.size).toBeGreaterThan(100);
    expect(notNaming.size).toBeGreaterThan(100);
    expect(words.filter(names).length).toBeGreaterThan(100);
    // Both tests know only the candidates they were given.
    expect(namingWordTest(['海关监管'])('自由贸易')).toBe(false);
    expect(commonWordTest(['人工'])('中医')).toBe(false);
  });

  it('keeps the documented short forms apart from the ordinary words that look like contractions', () => {
    const isCommon = commonWordTest(['环评', '人防', '国资', '中医', '人工', '申报']);
    expect(['环评', '人防', '国资'].filter(isCommon)).toEqual([]);
    expect(['中医', '人工', '申报'].filter(isCommon)).toEqual(['中医', '人工', '申报']);
  });

  it('takes the enumeration markers the seeds print (一是 … 五是) for grammar, while the coined terms the dictionary also lacks stay names', async () => {
    const words = (await seedSnapshot()).analysis.vocabulary.map(([w]) => w);
    const names = namingWordTest(words);
    const { all } = lineByLine(words);
    const markers = ['一是', '二是', '三是', '四是', '五是'];
    // The seeds' segmenter kept them whole and jieba's dictionary lacks them: before, every one counted as a name.
    for (const m of markers) expect(words, m).toContain(m);
    expect(markers.filter((m) => all.has(m))).toEqual([]);
    expect(markers.filter(names)).toEqual([]);
    const coined = ['先放后检', '关保通', '即到即入', '放管服', '首台套', '秒批', '加工贸易', '出口退税', '提离'];
    for (const c of coined) expect(words, c).toContain(c);
    expect(coined.filter((c) => all.has(c))).toEqual([]);
    expect(coined.filter(names)).toEqual(coined);
    // The rule reads grammar, not a list: of the seeds' ~1,700 words the dictionary lacks, a few dozen are grammar.
    const unknownHan = words.filter((w) => !all.has(w) && /^[\u4e00-\u9fff]{2,}$/.test(w));
    const grammar = unknownHan.filter((w) => !names(w));
    expect(grammar.length).toBeGreaterThan(10);
    expect(grammar.length / unknownHan.length).toBeLessThan(0.05);
  });

  it('calls a preposition or an adverb a function word by every line of it (基于, 按照, 即可), never a noun or a verb of the field', () => {
    const names = namingWordTest(['基于', '按照', '即可', '供应链', '退税', '担保', '一是']);
    expect(['基于', '按照', '即可', '供应链', '退税', '担保', '一是'].filter(names.functionWord)).toEqual(['基于', '按照', '即可']);
  });
});
