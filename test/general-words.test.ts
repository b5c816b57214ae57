import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { COMMON_WORD_FREQUENCY, commonWordTest, namingWordTest } from '../indexer/general-words.js';
import { seedSnapshot } from './helpers.js';

/** jieba's dictionary read line by line, every line of a word counted: the plain reading the look-up must agree with. */
function lineByLine(candidates: string[]): { common: Set<string>; notNaming: Set<string> } {
  const file = createRequire(import.meta.url).resolve('nodejieba').replace(/index\.js$/, 'submodules/cppjieba/dict/jieba.dict.utf8');
  const wanted = new Set(candidates);
  const common = new Set<string>();
  const notNaming = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [word, freq] = line.split(' ');
    if (!word || !wanted.has(word)) continue;
    if (Number(freq) >= COMMON_WORD_FREQUENCY) common.add(word);
    if (!/^(n|j|l|i|nz|eng)/.test(line.slice(line.lastIndexOf(' ') + 1).trim())) notNaming.add(word);
  }
  return { common, notNaming };
}

describe("jieba's general dictionary as the build reads it", () => {
  it('calls every seed vocabulary word ordinary or naming exactly as a line-by-line reading of the dictionary does', async () => {
    const words = (await seedSnapshot()).analysis.vocabulary.map(([w]) => w);
    const { common, notNaming } = lineByLine(words);
    const isCommon = commonWordTest(words);
    const names = namingWordTest(words);
    expect(words.filter(isCommon).sort()).toEqual([...common].sort());
    expect(words.filter(names).sort()).toEqual(words.filter((w) => !notNaming.has(w)).sort());
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
});
