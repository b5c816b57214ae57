/**
 * Which words are ordinary words of the general language, read from jieba's bundled dictionary (word, frequency,
 * tag per line). The long/short form miner (analysis/forms.ts) uses it so that 中医, 人工 or 申报 are never taken
 * for contractions of 中心医院, 人防工程 or 申请报告. Build time only.
 *
 * Each test scans the dictionary's text line by line (indexOf, no array of lines) and looks at a line only when its
 * word is a candidate. The text (5.1 MB of UTF-8) is read once per build and kept for its three scans (one
 * for the common-word test, two for the naming test), each of which read it again before; nothing parsed is kept. A
 * parsed look-up of all ~349,000 words, kept for the next build, cost a one-build process more than both scans
 * together (239–253 ms of CPU against 92–95 ms for the two scans, cold processes; readA-18), and every CLI build and
 * server built from seeds is such a process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import jieba from 'nodejieba';

function dictionaryFile(): string {
  return (jieba as unknown as { DEFAULT_DICT?: string }).DEFAULT_DICT ?? createRequire(import.meta.url).resolve('nodejieba').replace(/index\.js$/, 'submodules/cppjieba/dict/jieba.dict.utf8');
}

/** A line's tag names a thing: a noun, an abbreviation, a set phrase, a proper noun or a Latin word. */
const NAMING_TAG = /^(n|j|l|i|nz|eng)/;

/** jieba's dictionary text, read by a build's first scan and let go after its last (namingWordTest). */
let dictionaryText: string | undefined;

/**
 * Calls `line(word, text, from, end)` for every line of jieba's dictionary whose word is in `wanted` (a word on
 * several lines is seen on each): `text` is the whole dictionary, `from` just past the word's space, `end` the line's
 * end. Throws when the dictionary cannot be read.
 */
function scanDictionary(wanted: ReadonlySet<string>, line: (word: string, text: string, start: number, end: number) => void): void {
  const text = (dictionaryText ??= readFileSync(dictionaryFile(), 'utf8'));
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

/** A line's tag is a function word's: a preposition (基于), conjunction, particle, pronoun, numeral,
 *  direction word, adverb (即可) or interjection. */
const FUNCTION_TAG = /^(p|c|u|r|m|f|d|y|e|o)/;
/** A word at least this frequent in jieba's dictionary (是 796,991, 有 423,765, 在, 到 205,341) is part of a
 *  sentence's frame whatever its tag; the frequent content verbs stay below it (办 ~20,000, 做 50,331). */
const GRAMMAR_FREQUENCY = 100_000;
/** Longest dictionary word looked for inside an unknown word. */
const MAX_PIECE = 8;

/** What `namingWordTest` gives: the naming test, and whether a word is a function word by every dictionary line. */
export type NamingTest = ((word: string) => boolean) & { functionWord: (word: string) => boolean };

/**
 * A test for "names a thing" (every line of it in jieba's dictionary tagged a noun, an abbreviation or a set
 * phrase, or a word the general dictionary does not have, such as a domain term), over the candidate words only.
 * `because` offers a word of middling frequency only when it names something (海关监管 yes; 即可, 符合, 允许 no).
 * A word the dictionary lacks names nothing when every way to cut it into dictionary words gives grammar only
 * (function words, or the few most frequent words such as 是): 一是 / 二是 (一/m 是/v: enumeration markers the corpus's
 * segmenter kept whole) and 中的 are not domain terms. A coined term has a content word on some cut (先放后检: 放/v,
 * 检/vn; 即到即入: 入/v), so it stays a name: "names nothing on every cut" alone took 329 of the seeds' words, most of
 * them coined terms (关保通, 放管服, 提离), grammar only takes 35 (measure words count as content: 秒批, 首台套). Its
 * `functionWord` says a word is a function word on every dictionary line (基于/p, 即可/d).
 */
export function namingWordTest(candidates: Iterable<string>): NamingTest {
  const wanted = new Set(candidates);
  const other = new Set<string>();
  const known = new Set<string>();
  const functional = new Set<string>();
  const notFunctional = new Set<string>();
  const tagOf = (text: string, end: number) => text.slice(text.lastIndexOf(' ', end - 1) + 1, end).trim();
  try {
    scanDictionary(wanted, (word, text, _from, end) => {
      const tag = tagOf(text, end);
      known.add(word);
      if (!NAMING_TAG.test(tag)) other.add(word);
      if (FUNCTION_TAG.test(tag)) functional.add(word);
      else notFunctional.add(word);
    });
  } catch {
    const none = Object.assign(() => false, { functionWord: () => false });
    return none;
  }
  // Unknown words of two or more Han characters: every dictionary word inside them, looked up in a second scan.
  const unknown = [...wanted].filter((w) => !known.has(w) && w.length >= 2 && w.length <= 16 && /^[\u3400-\u9fff]+$/.test(w));
  const pieces = new Set<string>();
  for (const w of unknown) for (let i = 0; i < w.length; i++) for (let j = i + 1; j <= Math.min(w.length, i + MAX_PIECE); j++) if (j - i < w.length) pieces.add(w.slice(i, j));
  // A piece is grammar when every line of it is a function word's, or it is one of the language's most frequent
  // words and names nothing (是, 有, 在: verbs by tag, the frame of a sentence in use).
  const pieceContent = new Set<string>();
  const pieceKnown = new Set<string>();
  try {
    scanDictionary(pieces, (word, text, from, end) => {
      pieceKnown.add(word);
      const tag = tagOf(text, end);
      let to = text.indexOf(' ', from);
      if (to < 0 || to > end) to = end;
      if (!FUNCTION_TAG.test(tag) && (NAMING_TAG.test(tag) || Number(text.slice(from, to)) < GRAMMAR_FREQUENCY)) pieceContent.add(word);
    });
  } catch {
    pieces.clear();
  }
  for (const w of unknown) if (cutIsGrammar(w, pieceKnown, pieceContent)) other.add(w);
  // The build's last scan (the common-word test runs first): a server that built its index from seeds does not keep
  // the 5 MB of text for as long as it serves.
  dictionaryText = undefined;
  return Object.assign((w: string) => wanted.has(w) && !other.has(w), { functionWord: (w: string) => functional.has(w) && !notFunctional.has(w) });
}

/**
 * Whether `word` can be cut into dictionary words (`known`, shorter than it) and no piece on any such cut carries
 * content (`content`): a piece from i to j is on a cut when the text before i and the text after j can both be cut.
 */
function cutIsGrammar(word: string, known: ReadonlySet<string>, content: ReadonlySet<string>): boolean {
  const n = word.length;
  const piece = (i: number, j: number) => j - i < n && j - i <= MAX_PIECE && known.has(word.slice(i, j));
  const fwd = new Uint8Array(n + 1);
  const bwd = new Uint8Array(n + 1);
  fwd[0] = 1;
  for (let j = 1; j <= n; j++) for (let i = Math.max(0, j - MAX_PIECE); i < j && !fwd[j]; i++) if (fwd[i] && piece(i, j)) fwd[j] = 1;
  bwd[n] = 1;
  for (let i = n - 1; i >= 0; i--) for (let j = i + 1; j <= Math.min(n, i + MAX_PIECE) && !bwd[i]; j++) if (bwd[j] && piece(i, j)) bwd[i] = 1;
  if (!fwd[n]) return false;
  for (let i = 0; i < n; i++) for (let j = i + 1; j <= Math.min(n, i + MAX_PIECE); j++) if (fwd[i] && bwd[j] && piece(i, j) && content.has(word.slice(i, j))) return false;
  return true;
}
