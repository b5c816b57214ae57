/**
 * The editable dictionaries (dict/userdict.txt, dict/synonyms.txt, dict/stopwords.txt): plain text files that
 * users edit and the indexer reads at build time. Parsing is pure; reading the files is the indexer's job.
 */

export interface Dictionaries {
  /** Words jieba must keep whole, with optional frequency. */
  userWords: [string, number | undefined][];
  /** Groups of equivalent terms (first one is not special). */
  synonyms: string[][];
  /** Broader terms with their narrower terms (汽车 > 整车 二手车): a kind of the broader thing. */
  narrower: [string, string[]][];
  stopwords: string[];
}

/** A line of a dictionary file that was skipped, and why (1-based line number). */
export interface DictionaryWarning {
  line: number;
  message: string;
}

function contentLines(text: string): string[] {
  return numberedLines(text).map((l) => l.text);
}

/** Non-empty lines without comments, with their 1-based line numbers (for warnings that point at the line). */
function numberedLines(text: string): { line: number; text: string }[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l, i) => ({ line: i + 1, text: l.replace(/#.*$/, '').trim() }))
    .filter((l) => l.text);
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
    .filter((l) => !l.includes('>'))
    .map((l) => [...new Set(l.split(/[\s,，=、]+/).filter(Boolean))])
    .filter((g) => g.length >= 2);
}

/**
 * The narrower-term lines of the thesaurus (`broad > narrow narrow …`): each narrower term names a kind of the broader
 * one (整车, 二手车 are cars), so a query for the broader term also finds records about its kinds — never the other
 * way round (a record on cars in general does not answer 二手车). Lines without `>` are synonym groups.
 */
export function parseNarrower(text: string, warnings?: DictionaryWarning[]): [string, string[]][] {
  const out = new Map<string, string[]>();
  // A malformed line is skipped, never half-read, and named with its line number: an editor's typo must not silently
  // drop a kind or coin a wrong one.
  const skip = (line: number, why: string) => warnings?.push({ line, message: `narrower-term line skipped: ${why} (expected \`broad > narrow narrow …\`)` });
  for (const { line, text: l } of numberedLines(text)) {
    const at = l.indexOf('>');
    if (at < 0) continue;
    const broad = l.slice(0, at).trim();
    const rest = l.slice(at + 1);
    if (rest.includes('>')) {
      skip(line, 'more than one `>`');
      continue;
    }
    if (!broad) {
      skip(line, 'no broad term before `>`');
      continue;
    }
    if (/[\s,，=、]/.test(broad)) {
      skip(line, `several words before \`>\` ("${broad}"): one broad term a line`);
      continue;
    }
    const narrow = rest.split(/[\s,，=、]+/).filter((w) => w && w !== broad);
    if (narrow.length === 0) {
      skip(line, `no narrower term after "${broad} >"`);
      continue;
    }
    out.set(broad, [...new Set([...(out.get(broad) ?? []), ...narrow])]);
  }
  return [...out];
}

export function parseStopwords(text: string): string[] {
  return contentLines(text).flatMap((l) => l.split(/\s+/));
}
