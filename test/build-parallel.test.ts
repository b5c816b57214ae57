/**
 * The build runs stages side by side on a large corpus: jieba counts the vocabulary in one worker while this thread
 * links copies, and the positional index is built in another worker while this thread lists similar reforms. None
 * of that may change a byte: the seeds are built here with every worker forced on and compared with the build in
 * one thread.
 */
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../indexer/build.js';
import { recordsFromLines } from '../indexer/records-input.js';
import type { Corpus } from '../indexer/corpus.js';
import { startVocabularyCount, countVocabulary } from '../indexer/vocabulary.js';
import { bodyHash } from '../snapshot/file.js';
import { DICT, SEEDS, seedCorpus } from './helpers.js';

/** The seed records as a records input without links (as `--records` reads them with links left to the build). */
async function unlinkedSeeds(): Promise<Corpus> {
  const lines = seedCorpus().records.map(({ related: _related, ...r }) => JSON.stringify(r));
  const { records, warnings, links } = await recordsFromLines(lines, 'seeds.jsonl', { deferLinks: true });
  expect(links).toBe('pending');
  return { records, warnings, linksPending: true, files: [{ file: 'seeds.jsonl', sha256: '0', bytes: 0, encoding: 'utf-8', title: 'seeds', records: records.length }] };
}

describe('a build with its stages in worker threads', () => {
  it('writes the same snapshot payload from the seeds as a build in one thread', async () => {
    const one = await buildSnapshot({ seedsDir: SEEDS, dictDir: DICT, vocabularyWorkers: 0, indexWorker: false });
    const par = await buildSnapshot({ seedsDir: SEEDS, dictDir: DICT, vocabularyWorkers: 1, indexWorker: true });
    par.body.builtAt = one.body.builtAt;
    expect(bodyHash(par.body)).toBe(bodyHash(one.body));
    // The index really came from the worker: its arrays are whole, searchable data, not empty placeholders.
    const index = par.body.index as { postings: { records: number; postings: Uint8Array } };
    expect(index.postings.records).toBe(par.body.records.length);
    expect(index.postings.postings.length).toBeGreaterThan(100_000);
  });

  it('links copies of unlinked records while the vocabulary is counted, and counts their units after, as one thread does', async () => {
    const one = await buildSnapshot({ seedsDir: '', dictDir: DICT, corpus: await unlinkedSeeds(), vocabularyWorkers: 0, indexWorker: false });
    const par = await buildSnapshot({ seedsDir: '', dictDir: DICT, corpus: await unlinkedSeeds(), vocabularyWorkers: 1, indexWorker: true });
    par.body.builtAt = one.body.builtAt;
    expect(one.body.records.filter((r) => r.related.length > 0).length).toBeGreaterThan(40);
    expect(bodyHash(par.body)).toBe(bodyHash(one.body));
  });

  it('counts texts sent to the vocabulary worker in several messages as if they were counted together', async () => {
    const { records } = seedCorpus();
    const texts = records.flatMap((r) => [r.title, r.content ?? '', r.outcome ?? '']);
    // Both counted by a worker of its own (this thread's jieba may hold another build's user dictionary).
    const together = await countVocabulary(texts, { userWords: [], workers: 1 });
    const count = startVocabularyCount(0, { userWords: [], workers: 1 });
    // Repeated texts across messages: a piece seen in an earlier message is counted again, not lost or doubled.
    count.add(texts.slice(0, 100));
    count.add(texts.slice(100));
    const inParts = await count.finish();
    expect(new Map([...inParts].sort())).toEqual(new Map([...together].sort()));
    expect(together.get('退税')).toBeGreaterThan(0);
  });
});
