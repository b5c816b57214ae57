/**
 * The build's tail (indexer/tail.ts) runs in this thread on a small corpus and with a worker thread on a large one,
 * which searches the later half of the slots for the stored words and builds the counts, maps and block starts. The
 * seeds are run here both ways, at a cost low enough that they store words, splits and loose expansions and at
 * thresholds low enough that they store record maps and block starts (their defaults store neither below 4,096
 * records or entries), and with a worker that fails: every way must give the same tables.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { EngineIndex } from '../indexer/engine-index.js';
import { SEARCH_FIELDS } from '../indexer/fields.js';
import { reformGroups } from '../indexer/reform-groups.js';
import { buildTail, startTailWorker, type TailInput, type TailWorker } from '../indexer/tail.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { bodyHash } from '../snapshot/file.js';
import { seedSnapshot } from './helpers.js';
import { indexedTexts } from './seed-texts.js';

let plain: SnapshotBody;
let input: TailInput;
beforeAll(async () => {
  plain = await seedSnapshot();
  const texts = indexedTexts(plain);
  input = {
    texts,
    fields: SEARCH_FIELDS.length,
    reformOf: reformGroups(plain.records),
    vocabulary: plain.analysis.vocabulary,
    counts: new Map(plain.analysis.vocabulary),
    looseTerms: [...plain.dictionary.synonyms.flat(), ...(plain.analysis.forms?.pairs.flat() ?? []), ...(plain.analysis.forms?.shorts ?? [])],
    stopwords: plain.dictionary.stopwords,
    minCost: 1,
    // Maps of words in 1 record in 8 (38 of the seeds' 300), block starts of terms and stored words with 19 entries and more.
    bits: { minRecords: 1 },
    skips: { minEntries: 1 },
  };
});

/** The index before its tail: the positional index and the facet columns. */
const bare = (): EngineIndex => {
  const { postings, facets } = plain.index as EngineIndex;
  return { postings, facets };
};
/** A table's contents as JSON (typed arrays as their kind and values: a moved array may sit in a larger buffer). */
const contents = (v: unknown) => JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? [x.constructor.name, Array.from(x as Uint8Array)] : x));
/** Each table's key and a hash of its contents, in the order the index lists them (the order a snapshot writes them). */
const tables = (index: EngineIndex) => Object.entries(index).map(([k, v]) => [k, createHash('sha256').update(contents(v)).digest('hex')]);
/** The snapshot payload's hash with this index: the bytes written. */
const written = (index: EngineIndex) => bodyHash({ ...plain, index });

describe('the build tail beside a worker thread', { timeout: 120_000 }, () => {
  it('builds the same stored words, splits, loose expansions, facet counts, record maps and block starts with a tail worker as in one thread', async () => {
    const one = bare();
    await buildTail(one, input);
    const two = bare();
    const worker = startTailWorker();
    expect(worker).toBeDefined();
    await buildTail(two, input, worker);
    expect(Object.keys(one)).toEqual(['postings', 'facets', 'counts', 'words', 'nears', 'loose', 'bits', 'skips', 'wordSkips']);
    expect(one.words!.terms.split('\u0000').length).toBeGreaterThan(100);
    expect(one.bits!.terms.length).toBeGreaterThan(10);
    expect(one.skips!.terms.length).toBeGreaterThan(10);
    expect(one.wordSkips!.terms.length).toBeGreaterThan(10);
    expect(Object.keys(two)).toEqual(Object.keys(one));
    expect(tables(two)).toEqual(tables(one));
    expect(written(two)).toBe(written(one));
  });

  it('does a failed worker\'s part in this thread and gives the same tables', async () => {
    const one = bare();
    await buildTail(one, input);
    let stopped = false;
    const failing: TailWorker = {
      run: () => ({ places: Promise.reject(new Error('worker gone')), rest: Promise.reject(new Error('worker gone')) }),
      stop: () => void (stopped = true),
    };
    const two = bare();
    await buildTail(two, input, failing);
    expect(stopped).toBe(true);
    expect(tables(two)).toEqual(tables(one));
  });
});

describe('the build tail in the index worker', { timeout: 120_000 }, () => {
  it('fails with an error naming the index worker and the tail when the tail cannot be built, never a half index', async () => {
    const { buildEngineIndexWithTail } = await import('../indexer/engine-index.js');
    const { records } = plain;
    const withTail = buildEngineIndexWithTail(records, indexedTexts(plain));
    // A tail input without its counts: the tail's first look-up fails inside the worker.
    const { texts: _t, fields: _f, ...rest } = input;
    withTail.tail({ ...rest, counts: null as unknown as Map<string, number> });
    await expect(withTail.index).rejects.toThrow(/^index worker \(positional index, then the build's tail\): /);
  });
});
