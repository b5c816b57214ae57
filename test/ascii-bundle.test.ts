import { describe, expect, it } from 'vitest';
import { asciiOnly } from '../scripts/ascii-bundle.js';
import { seedCorpus } from './seed-corpus.js';

/** Code as esbuild leaves it in a bundle: non-ASCII characters inside regular-expression literals, and elsewhere. */
const CODE = String.raw`return {
  titles: (t) => [...t.matchAll(/《[^《》\n]{0,200}》/g)].map((m) => m[0]),
  approx: (t) => /[余多]/.exec(t)?.index ?? -1,
  words: (t) => t.match(/(?:节约|制约|签约|违约|履约|预约|合约|条约)/g) ?? [],
  escaped: (t) => /\。|\，/.test(t),
  unicode: (t) => t.match(/[\u{20000}-\u{2FFFF}𠀀]|自贸/gu) ?? [],
  strings: () => ['自由贸易试验区', "“一网通办”", ` + '`模板${1}字`' + String.raw`],
};`;

describe('a release bundle in ASCII only', () => {
  it('has no character above 0x7F left, and its regular expressions and strings match the seed text exactly as before', () => {
    const ascii = asciiOnly(CODE);
    expect(ascii).toMatch(/^[\x00-\x7f]*$/);
    expect(ascii).not.toBe(CODE);
    const before = new Function(CODE)();
    const after = new Function(ascii)();
    const texts = seedCorpus().records.map((r) => JSON.stringify(r));
    expect(texts.length).toBeGreaterThan(100);
    for (const t of [...texts, '约余额', '𠀀自贸']) {
      for (const k of ['titles', 'approx', 'words', 'escaped', 'unicode'] as const) expect(after[k](t), k).toEqual(before[k](t));
    }
    expect(after.strings()).toEqual(before.strings());
    expect(before.titles(texts.join('\n')).length).toBeGreaterThan(0);
  });
});
