/**
 * The editable dictionaries (dict/userdict.txt, dict/synonyms.txt, dict/stopwords.txt): plain text files that
 * users edit and the indexer reads at build time. Parsing is pure; reading the files is the indexer's job.
 */

export interface Dictionaries {
  /** Words jieba must keep whole, with optional frequency. */
  userWords: [string, number | undefined][];
  /** Groups of equivalent terms (first one is not special). */
  synonyms: string[][];
  stopwords: string[];
}

function contentLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

export function parseUserWords(text: string): [string, number | undefined][] {
  return contentLines(text).map((l) => {
    const [word, freq] = l.split(/\s+/);
    const n = Number(freq);
    return [word, Number.isFinite(n) && n > 0 ? n : undefined];
  });
}

export function parseSynonyms(text: string): string[][] {
  return contentLines(text)
    .map((l) => [...new Set(l.split(/[\s,，=、]+/).filter(Boolean))])
    .filter((g) => g.length >= 2);
}

export function parseStopwords(text: string): string[] {
  return contentLines(text).flatMap((l) => l.split(/\s+/));
}
