/**
 * Which words are ordinary words of the general language, read from jieba's bundled dictionary (word, frequency,
 * tag per line). The long/short form miner (analysis/forms.ts) uses it so that 中医, 人工 or 申报 are never taken
 * for contractions of 中心医院, 人防工程 or 申请报告. Build time only.
 *
 * Each test scans the dictionary's text line by line (indexOf, no array of lines) and looks at a line only when its
 * word is a candidate; nothing is kept after it. A parsed look-up of all ~349,000 words, kept for the next build,
 * cost a one-build process more than both scans together (239–253 ms of CPU against 92–95 ms for the two scans,
 * cold processes; readA-18), and every CLI build and server built from seeds is such a process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import jieba from 'nodejieba';

function dictionaryFile(): string {
  return (jieba as unknown as { DEFAULT_DICT?: string }).DEFAULT_DICT ?? createRequire(import.meta.url).resolve('nodejieba').replace(/index\.js$/, 'submodules/cppjieba/dict/jieba.dict.utf8');
}

/** A line's tag names a thing: a noun, an abbreviation, a set phrase, a proper noun or a Latin word. */
const NAMING_TAG = /^(n|j|l|i|nz|eng)/;

/**
 * Calls `line(word, text, from, end)` for every line of jieba's dictionary whose word is in `wanted` (a word on
 * several lines is seen on each): `text` is the whole dictionary, `from` just past the word's space, `end` the line's
 * end. Throws when the dictionary cannot be read.
 */
function scanDictionary(wanted: ReadonlySet<string>, line: (word: string, text: string, start: number, end: number) => void): void {
  const text = readFileSync(dictionaryFile(), 'utf8');
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const sp = text.indexOf(' ', at);
    if (sp > at && sp < end) {
      const word = text.slice(at, sp);
      if (wanted.has(word)) line(word, text, sp + 1, end);
    }
    at = end + 1;
  }
}

/**
 * A word at least this frequent in jieba's dictionary is an ordinary word. Measured on the seeds: true short forms
 * sit below it (环评 5, 人防 32, 国资 46, 预审 177), ordinary words that looked like contractions above it (专人 237,
 * 中医 1034, 人工 2816, 申报 1101). docs/forms.md has the list.
 */
export const COMMON_WORD_FREQUENCY = 200;

/** A test for "ordinary word" (any of its lines at least `threshold` frequent), over the candidate words only. */
export function commonWordTest(candidates: Iterable<string>, threshold = COMMON_WORD_FREQUENCY): (word: string) => boolean {
  const wanted = new Set(candidates);
  const common = new Set<string>();
  try {
    scanDictionary(wanted, (word, text, from, end) => {
      let to = text.indexOf(' ', from);
      if (to < 0 || to > end) to = end;
      if (Number(text.slice(from, to)) >= threshold) common.add(word);
    });
  } catch (err) {
    // Without the general dictionary every candidate counts as ordinary: no pairs rather than wrong pairs.
    process.emitWarning(`long/short forms not mined: jieba's dictionary is unreadable (${(err as Error).message})`);
    return () => true;
  }
  return (w) => common.has(w);
}

/**
 * A test for "names a thing" (every line of it in jieba's dictionary tagged a noun, an abbreviation or a set
 * phrase, or a word the general dictionary does not have, such as a domain term), over the candidate words only.
 * `because` offers a word of middling frequency only when it names something (海关监管 yes; 即可, 符合, 允许 no).
 */
export function namingWordTest(candidates: Iterable<string>): (word: string) => boolean {
  const wanted = new Set(candidates);
  const other = new Set<string>();
  try {
    scanDictionary(wanted, (word, text, from, end) => {
      if (!NAMING_TAG.test(text.slice(text.lastIndexOf(' ', end - 1) + 1, end).trim())) other.add(word);
    });
  } catch {
    return () => false;
  }
  return (w) => wanted.has(w) && !other.has(w);
}
