/**
 * Block starts of common stored words (indexer/word-postings.ts): the stored words' own document streams get the
 * block starts common index terms get (indexer/doc-skips.ts), so a reader asking about a few records decodes only the
 * blocks holding them. Why: a stored word is one term to the engine, and a common one (知识产权 in 15,933 record
 * fields at 100k records) was decoded whole wherever it was read, even where only a few records are asked about: a
 * question's loose expansion (知识产权质押贷款 for 知识产权质押融资) requires its rarer words (质押, 贷款) and only
 * adds the common word's score at the few records those leave.
 *
 * Layout: a DocSkips (the same arrays, the same thresholds by default) whose term ids are the stored words' ids, over
 * the stored words' postings; body.index.wordSkips, optional (absent on small corpora, where no stored word is common
 * enough, and in older snapshots: those words are then decoded whole, as before).
 */
import { buildDocSkips, isDocSkips, type DocSkips, type DocSkipsOptions } from './doc-skips.js';
import type { IndexData } from './postings.js';
import type { WordIndex } from './word-postings.js';

/** The stored words read as an index of their own: their term table and postings, the index's fields and records. */
export function wordsAsIndex(index: IndexData, words: WordIndex): IndexData {
  return { ...index, ...words };
}

/** The block starts of the common stored words, or undefined when none is common enough (the section is left out). */
export function buildWordSkips(index: IndexData, words: WordIndex | undefined, options: Partial<DocSkipsOptions> = {}): DocSkips | undefined {
  return words ? buildDocSkips(wordsAsIndex(index, words), options) : undefined;
}

/** Whether a snapshot's stored words' block starts are whole and fit its stored words (damaged ones refuse the snapshot). */
export function isWordSkips(x: unknown, index: IndexData, words: WordIndex | undefined): x is DocSkips {
  return words !== undefined && isDocSkips(x, wordsAsIndex(index, words));
}
