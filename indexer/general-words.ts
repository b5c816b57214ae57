/**
 * Which words are ordinary words of the general language, read from jieba's bundled dictionary (word, frequency,
 * tag per line). The long/short form miner (analysis/forms.ts) uses it so that 中医, 人工 or 申报 are never taken
 * for contractions of 中心医院, 人防工程 or 申请报告. Build time only.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import jieba from 'nodejieba';

let dictionaryText: { file: string; text: string } | undefined;
/** jieba's dictionary text, read once per process (both tests below read it during one build). */
function jiebaDictionary(file: string): string {
  if (dictionaryText?.file !== file) dictionaryText = { file, text: readFileSync(file, 'utf8') };
  return dictionaryText.text;
}

/**
 * A word at least this frequent in jieba's dictionary is an ordinary word. Measured on the seeds: true short forms
 * sit below it (环评 5, 人防 32, 国资 46, 预审 177), ordinary words that looked like contractions above it (专人 237,
 * 中医 1034, 人工 2816, 申报 1101). docs/forms.md has the list.
 */
export const COMMON_WORD_FREQUENCY = 200;

/** A test for "ordinary word", over the candidate words only (the dictionary has ~350 000 lines). */
export function commonWordTest(candidates: Iterable<string>, threshold = COMMON_WORD_FREQUENCY): (word: string) => boolean {
  const wanted = new Set(candidates);
  const common = new Set<string>();
  let text: string;
  try {
    const file = (jieba as unknown as { DEFAULT_DICT?: string }).DEFAULT_DICT ?? createRequire(import.meta.url).resolve('nodejieba').replace(/index\.js$/, 'submodules/cppjieba/dict/jieba.dict.utf8');
    text = jiebaDictionary(file);
  } catch (err) {
    // Without the general dictionary every candidate counts as ordinary: no pairs rather than wrong pairs.
    process.emitWarning(`long/short forms not mined: jieba's dictionary is unreadable (${(err as Error).message})`);
    return () => true;
  }
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const word = line.slice(0, sp);
    if (!wanted.has(word)) continue;
    const freq = Number(line.slice(sp + 1, line.indexOf(' ', sp + 1) >>> 0));
    if (freq >= threshold) common.add(word);
  }
  return (w) => common.has(w);
}

/**
 * A test for "names a thing" (a noun, an abbreviation or a set phrase in jieba's dictionary, or a
 * word the general dictionary does not have, such as a domain term), over the candidate words only. `because`
 * offers a word of middling frequency only when it names something (海关监管 yes; 即可, 符合, 允许 no).
 */
export function namingWordTest(candidates: Iterable<string>): (word: string) => boolean {
  const wanted = new Set(candidates);
  const other = new Set<string>();
  let text: string;
  try {
    const file = (jieba as unknown as { DEFAULT_DICT?: string }).DEFAULT_DICT ?? createRequire(import.meta.url).resolve('nodejieba').replace(/index\.js$/, 'submodules/cppjieba/dict/jieba.dict.utf8');
    text = jiebaDictionary(file);
  } catch {
    return () => false;
  }
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const word = line.slice(0, sp);
    if (!wanted.has(word)) continue;
    const tag = line.slice(line.lastIndexOf(' ') + 1).trim();
    if (!/^(n|j|l|i|nz|eng)/.test(tag)) other.add(word);
  }
  return (w) => wanted.has(w) && !other.has(w);
}
