/**
 * The counts the build floors words at in the vocabulary, though the corpus may never print them as words. Their own
 * module, free of imports, so query analysis (search/analyzer.ts, in the server and the offline page) reads the same
 * numbers the build writes without pulling in the build.
 */

/**
 * The count every dictionary word gets at least in the vocabulary (userdict words, synonym-group terms, the terms of
 * the thesaurus's `>` lines), though the corpus never printed it as a word: query analysis keeps it whole and the word
 * stages (word postings, stored counts, record bits) index it like the words the corpus prints.
 */
export const DICTIONARY_WORD_FLOOR = 3;

/** The count every stop word gets at least, so the query segmenter cuts it out whole (dict/stopwords.txt). */
export const STOP_WORD_FLOOR = 5;
