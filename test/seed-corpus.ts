/**
 * The seed documents parsed into records, once per test file that asks (the indexer's parsers, kept out of
 * test/helpers.ts so that the files that never parse documents do not import them).
 */
import { parseCorpus, type Corpus } from '../indexer/corpus.js';
import { seedDocuments } from './helpers.js';

let corpus: Corpus | undefined;
export function seedCorpus(): Corpus {
  corpus ??= parseCorpus(seedDocuments());
  return corpus;
}
