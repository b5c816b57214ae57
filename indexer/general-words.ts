/**
 * Which words are ordinary words of the general language, read from jieba's bundled dictionary (word, frequency,
 * tag per line). The long/short form miner (analysis/forms.ts) uses it so that 中医, 人工 or 申报 are never taken
 * for contractions of 中心医院, 人防工程 or 申请报告. Build time only.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import jieba from 'nodejieba';

/**
 * jieba's dictionary as a look-up, parsed once and kept until `releaseGeneralWords`: word → [highest frequency,
 * whether every line of it is tagged as naming a thing]. Both tests below ask it for every build; splitting the
 * ~350 000-line text per test and build cost ~150 ms each on the seeds, more than the seeds' whole similar stage's own
 * work. Held, it is about 32 MB (a ~349k-key Map, 28 MB of heap, and 4.5 MB of arrays), so a build lets go of it at
 * its end unless asked to keep it (BuildOptions.keepGeneralWords).
 */
interface GeneralWords {
  file: string;
  index: Map<string, number>;
  freq: Float64Array;
  naming: Uint8Array;
}
let general: GeneralWords | undefined;

function generalWords(file: string): GeneralWords {
  if (general?.file === file) return general;
  const text = readFileSync(file, 'utf8');
  const index = new Map<string, number>();
  let freq = new Float64Array(1 << 16);
  let naming = new Uint8Array(1 << 16);
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end);
    at = end + 1;
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const word = line.slice(0, sp);
    const f = Number(line.slice(sp + 1, line.indexOf(' ', sp + 1) >>> 0));
    const names = /^(n|j|l|i|nz|eng)/.test(line.slice(line.lastIndexOf(' ') + 1).trim());
    let i = index.get(word);
    if (i === undefined) {
      i = index.size;
      index.set(word, i);
      if (i === freq.length) {
        const grownFreq = new Float64Array(i * 2);
        grownFreq.set(freq);
        freq = grownFreq;
        const grownNaming = new Uint8Array(i * 2);
        grownNaming.set(naming);
        naming = grownNaming;
      }
      freq[i] = f;
      naming[i] = names ? 1 : 0;
    } else {
      // A word on several lines: common if any line says so, naming only if every line does.
      if (f > freq[i] || Number.isNaN(freq[i])) freq[i] = f;
      if (!names) naming[i] = 0;
    }
  }
  return (general = { file, index, freq, naming });
}

/** Whether the parsed dictionary is held in this process (what `releaseGeneralWords` lets go of). */
export function generalWordsHeld(): boolean {
  return general !== undefined;
}

/** Lets go of the parsed dictionary (buildSnapshot calls it at its end unless `keepGeneralWords`); the next test parses it again. */
export function releaseGeneralWords(): void {
  general = undefined;
}

function dictionaryFile(): string {
  return (jieba as unknown as { DEFAULT_DICT?: string }).DEFAULT_DICT ?? createRequire(import.meta.url).resolve('nodejieba').replace(/index\.js$/, 'submodules/cppjieba/dict/jieba.dict.utf8');
}

/**
 * A word at least this frequent in jieba's dictionary is an ordinary word. Measured on the seeds: true short forms
 * sit below it (环评 5, 人防 32, 国资 46, 预审 177), ordinary words that looked like contractions above it (专人 237,
 * 中医 1034, 人工 2816, 申报 1101). docs/forms.md has the list.
 */
export const COMMON_WORD_FREQUENCY = 200;

/** A test for "ordinary word", over the candidate words only (the dictionary has ~350 000 lines). */
export function commonWordTest(candidates: Iterable<string>, threshold = COMMON_WORD_FREQUENCY): (word: string) => boolean {
  const common = new Set<string>();
  let words: GeneralWords;
  try {
    words = generalWords(dictionaryFile());
  } catch (err) {
    // Without the general dictionary every candidate counts as ordinary: no pairs rather than wrong pairs.
    process.emitWarning(`long/short forms not mined: jieba's dictionary is unreadable (${(err as Error).message})`);
    return () => true;
  }
  for (const word of candidates) {
    const i = words.index.get(word);
    if (i !== undefined && words.freq[i] >= threshold) common.add(word);
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
  let words: GeneralWords;
  try {
    words = generalWords(dictionaryFile());
  } catch {
    return () => false;
  }
  for (const word of wanted) {
    const i = words.index.get(word);
    if (i !== undefined && words.naming[i] === 0) other.add(word);
  }
  return (w) => wanted.has(w) && !other.has(w);
}
