import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { COMMON_WORD_FREQUENCY, commonWordTest, generalWordsHeld, namingWordTest, releaseGeneralWords } from '../indexer/general-words.js';
import { buildSnapshot } from '../indexer/build.js';
import { DICT, seedSnapshot } from './helpers.js';
import { seedCorpus } from './seed-corpus.js';

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
  it('calls every seed vocabulary word ordinary or naming exactly as a line-by-line reading of the dictionary does, build after build', async () => {
    const words = (await seedSnapshot()).analysis.vocabulary.map(([w]) => w);
    const { common, notNaming } = lineByLine(words);
    // Three times, as a process that builds more than once asks: the look-up kept, then released and parsed again.
    for (let round = 0; round < 3; round++) {
      if (round === 2) releaseGeneralWords();
      const isCommon = commonWordTest(words);
      const names = namingWordTest(words);
      expect(words.filter(isCommon).sort()).toEqual([...common].sort());
      expect(words.filter(names).sort()).toEqual(words.filter((w) => !notNaming.has(w)).sort());
    }
    // Both tests know only the candidates they were given.
    expect(namingWordTest(['海关监管'])('自由贸易')).toBe(false);
    expect(commonWordTest(['人工'])('中医')).toBe(false);
  });

  it('is let go of at the end of a build, and kept only when the build is asked to keep it', async () => {
    const corpus = seedCorpus();
    const small = { ...corpus, records: corpus.records.slice(0, 20) };
    const build = (keepGeneralWords?: boolean) => buildSnapshot({ seedsDir: '', dictDir: DICT, corpus: small, vocabularyWorkers: 0, indexWorker: false, keepGeneralWords });
    commonWordTest(['环评']);
    expect(generalWordsHeld()).toBe(true);
    const kept = await build(true);
    expect(generalWordsHeld()).toBe(true);
    const released = await build();
    expect(generalWordsHeld()).toBe(false);
    // The same build either way: the forms the dictionary decided are the same.
    expect(released.body.analysis).toEqual(kept.body.analysis);
  }, 180_000);

  it('keeps the documented short forms apart from the ordinary words that look like contractions', () => {
    const isCommon = commonWordTest(['环评', '人防', '国资', '中医', '人工', '申报']);
    expect(['环评', '人防', '国资'].filter(isCommon)).toEqual([]);
    expect(['中医', '人工', '申报'].filter(isCommon)).toEqual(['中医', '人工', '申报']);
  });
});
