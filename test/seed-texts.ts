/**
 * The texts a seed snapshot's index was built from, and every long word of them stored, for tests that build an
 * optional index section on the seeds themselves (the seeds are far below the build's default thresholds).
 */
import { Normalizer } from '../analysis/normalize.js';
import type { EngineIndex } from '../indexer/engine-index.js';
import { normalizedSearchTexts } from '../indexer/fields.js';
import { traditionalToSimplifiedTable } from '../indexer/t2s.js';
import { buildWordPostings, type WordIndex } from '../indexer/word-postings.js';
import type { SnapshotBody } from '../snapshot/body.js';

/** Every searched field of every record (copies included) normalised as the build indexed it, in slot order. */
export function indexedTexts(body: SnapshotBody): string[] {
  const normalizer = new Normalizer(traditionalToSimplifiedTable());
  return normalizedSearchTexts(body.records, (t) => normalizer.plain(t), { copies: true });
}

/** Stored postings for every vocabulary word of three or more Han characters the texts print (cost ≥ 1, not the default). */
export function everyLongWordStored(body: SnapshotBody, texts: readonly string[] = indexedTexts(body)): WordIndex {
  return buildWordPostings(texts, (body.index as EngineIndex).postings, body.analysis.vocabulary.map(([w]) => w), { minCost: 1 })!;
}
