/**
 * The build runs stages side by side on a large corpus: jieba counts the vocabulary in a child process while this thread
 * links copies and builds the positional index, which can also be built in a worker beside the similar stage. None
 * of that may change a byte: the seeds are built here with every worker forced on and compared with the build in
 * one thread.
 */
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../indexer/build.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRecordsFile, recordsFromLines } from '../indexer/records-input.js';
import type { Corpus } from '../indexer/corpus.js';
import { startVocabularyCount, countVocabulary } from '../indexer/vocabulary.js';
import { buildEngineIndex, buildEngineIndexAsync, buildEngineIndexWithTail } from '../indexer/engine-index.js';
import { normalizedSearchTexts } from '../indexer/fields.js';
import { bodyHash, serializeSnapshot } from '../snapshot/file.js';
import { packRecords } from '../snapshot/records.js';
import { recordValidator } from '../snapshot/validate.js';
import { DICT, SEEDS, seedSnapshot } from './helpers.js';
import { seedCorpus } from './seed-corpus.js';

/** Processes whose command line names `dir` (the counting process runs a script written in its ftz-vocab- folder). */
function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    if (cmd.includes(dir)) pids.push(Number(name));
  }
  return pids;
}

/** Runs `f` with os.tmpdir() a fresh folder of its own, so the ftz-vocab- folders seen are this test's alone. */
async function withOwnTmpdir<T>(f: (tmp: string) => Promise<T>): Promise<T> {
  const tmp = mkdtempSync(join(tmpdir(), 'ftz-own-tmp-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    expect(tmpdir()).toBe(tmp);
    return await f(tmp);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(tmp, { recursive: true, force: true });
  }
}

const vocabFolders = (tmp: string) => readdirSync(tmp).filter((n) => n.startsWith('ftz-vocab-'));

/** Every text of the seed records the vocabulary counts (title, content, outcome). */
const seedTexts = () => seedCorpus().records.flatMap((r) => [r.title, r.content ?? '', r.outcome ?? '']);

let batches: Promise<{ counts: Map<string, number>; grownMiB: number; usage: { peakRssMiB: number; cpuMs: number } }> | undefined;
/**
 * The seed texts counted by one counting process, sent in two messages (repeated pieces across them), with this
 * process's RSS growth over the count and the counting process's own usage. Two tests read it: one compares its counts,
 * the other its memory, so the file starts one counting process (one jieba load, seconds of CPU) for both.
 */
function countedInBatches() {
  batches ??= (async () => {
    const texts = seedTexts();
    const before = process.memoryUsage().rss;
    const count = startVocabularyCount(0, { userWords: [], workers: 1 });
    count.add(texts.slice(0, 100));
    count.add(texts.slice(100));
    const counts = await count.finish();
    return { counts, grownMiB: (process.memoryUsage().rss - before) / 2 ** 20, usage: count.usage() };
  })();
  return batches;
}

/** The seed records as a records input without links (as `--records` reads them with links left to the build). */
async function unlinkedSeeds(): Promise<Corpus> {
  const lines = seedCorpus().records.map(({ related: _related, ...r }) => JSON.stringify(r));
  const { records, warnings, links } = await recordsFromLines(lines, 'seeds.jsonl', { deferLinks: true });
  expect(links).toBe('pending');
  return { records, warnings, linksPending: true, files: [{ file: 'seeds.jsonl', sha256: '0', bytes: 0, encoding: 'utf-8', title: 'seeds', records: records.length }] };
}

// Each build here loads jieba in a process of its own (~1.5 s on a quiet machine, far more on a loaded one).
describe('a build with its stages side by side (a counting process, an index worker thread)', { timeout: 180_000 }, () => {
  it('writes the same snapshot payload from the seeds as a build in one thread', async () => {
    // The shared seed build is the one-thread build (the seeds are under PARALLEL_MIN_CHARS: no worker by default).
    const one = await seedSnapshot();
    const par = await buildSnapshot({ seedsDir: SEEDS, dictDir: DICT, vocabularyWorkers: 1, indexWorker: true });
    par.body.builtAt = one.builtAt;
    expect(bodyHash(par.body)).toBe(bodyHash(one));
    // The index really came from the worker: its arrays are whole, searchable data, not empty placeholders.
    const index = par.body.index as { postings: { records: number; postings: Uint8Array } };
    expect(index.postings.records).toBe(par.body.records.length);
    expect(index.postings.postings.length).toBeGreaterThan(100_000);
  });

  it('writes the same snapshot payload from the seeds as one thread when a process counts and this thread builds the index after links', async () => {
    const one = await seedSnapshot();
    const par = await buildSnapshot({ seedsDir: SEEDS, dictDir: DICT, vocabularyWorkers: 1, indexWorker: false });
    par.body.builtAt = one.builtAt;
    // A process really counted (its own jieba), and this thread did not load one for the build.
    expect(par.counting.peakRssMiB).toBeGreaterThan(150);
    expect(par.timings.jiebaLoad).toBe(0);
    expect(bodyHash(par.body)).toBe(bodyHash(one));
  });

  it('stores the same words and split compounds from the seeds with the tail in the index worker, in this thread beside it, and with a tail worker, as in one thread, at a cost low enough that the seeds store some', async () => {
    // At the default costs the seeds store neither (so the builds above compare none): both builds here lower it.
    const stored = (body: { index: unknown }) => body.index as { words?: { terms: string }; nears?: { terms: string } };
    expect(stored(await seedSnapshot()).words).toBeUndefined();
    const storedMinCost = 200;
    // Both count in a process of their own (this thread's jieba may hold another build's user dictionary).
    const one = await buildSnapshot({ seedsDir: SEEDS, dictDir: DICT, vocabularyWorkers: 1, indexWorker: false, storedMinCost });
    const terms = (t?: { terms: string }) => t?.terms.split('\u0000').filter(Boolean) ?? [];
    expect(terms(stored(one.body).words).length).toBeGreaterThan(10);
    expect(terms(stored(one.body).nears).length).toBeGreaterThan(0);
    // The index worker builds the tail (the default with the index worker), or this thread does, alone or with a tail
    // worker.
    for (const tail of [{}, { tailWorker: true }, { indexWorkerTail: false }]) {
      const par = await buildSnapshot({ seedsDir: SEEDS, dictDir: DICT, vocabularyWorkers: 1, indexWorker: true, ...tail, storedMinCost });
      par.body.builtAt = one.body.builtAt;
      expect(terms(stored(par.body).words)).toEqual(terms(stored(one.body).words));
      expect(terms(stored(par.body).nears)).toEqual(terms(stored(one.body).nears));
      expect(bodyHash(par.body)).toBe(bodyHash(one.body));
    }
  });

  it('links copies of unlinked records while the vocabulary is counted, and counts their units after, as one thread does', async () => {
    // Both given the CLI's packing: only the build that waits for a counting process runs it.
    const pack = (records: Corpus['records']) => packRecords(records, recordValidator());
    const one = await buildSnapshot({ seedsDir: '', dictDir: DICT, corpus: await unlinkedSeeds(), vocabularyWorkers: 0, indexWorker: false, whileCounting: pack });
    const par = await buildSnapshot({ seedsDir: '', dictDir: DICT, corpus: await unlinkedSeeds(), vocabularyWorkers: 1, indexWorker: true, whileCounting: pack });
    par.body.builtAt = one.body.builtAt;
    expect(one.body.records.filter((r) => r.related.length > 0).length).toBeGreaterThan(40);
    expect(bodyHash(par.body)).toBe(bodyHash(one.body));

    // The records packed into columns while the count finished (links included) write the very file packing them at
    // write time does, with the packed streams compressed side by side; a build that counted in its own thread had
    // no wait to pack them in.
    expect(one.whileCounting).toBeUndefined();
    expect(par.whileCounting?.count).toBe(par.body.records.length);
    expect(par.whileCounting!.relatedIndex.length).toBe(par.body.records.reduce((n, r) => n + r.related.length, 0));
    const written = serializeSnapshot(par.body, { compress: true, packedRecords: par.whileCounting });
    expect(Buffer.from(written).equals(Buffer.from(serializeSnapshot(par.body, { compress: true })))).toBe(true);
    // Columns packed from other records are refused, never written under this body's header.
    expect(() => serializeSnapshot(par.body, { compress: true, packedRecords: { ...par.whileCounting!, count: 3 } })).toThrow(`packed records hold 3 records, the body ${par.body.records.length}`);
    // ... and so are columns packed from as many other records: here the same records with two of them swapped.
    const swapped = [...par.body.records];
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    const other = packRecords(swapped, recordValidator());
    expect(other.count).toBe(par.body.records.length);
    expect(() => serializeSnapshot(par.body, { compress: true, packedRecords: other })).toThrow(/packed records do not hold the body's records: record [01] \(id "/);
  });

  it('ends an index worker whose build failed instead of leaving it building an index nobody reads', async () => {
    const { records } = seedCorpus();
    const failed = new AbortController();
    const index = buildEngineIndexAsync(records, normalizedSearchTexts(records, (s) => s), failed.signal);
    failed.abort();
    await expect(index).rejects.toThrow(/index-worker\.ts worker exited with \d+ before answering/);
    // A signal aborted before the worker starts ends it at once too.
    const early = new AbortController();
    early.abort();
    await expect(buildEngineIndexAsync(records, normalizedSearchTexts(records, (s) => s), early.signal)).rejects.toThrow(/index-worker\.ts worker exited with \d+ before answering/);
    // Not aborted, the same worker answers with the whole index.
    const whole = await buildEngineIndexAsync(records, normalizedSearchTexts(records, (s) => s), new AbortController().signal);
    expect(whole.postings.records).toBe(records.length);
    // ... the very index this thread builds: its postings (every array and table) and facet columns equal.
    const here = buildEngineIndex(records, normalizedSearchTexts(records, (s) => s));
    expect(whole.postings.postings.length).toBeGreaterThan(100_000);
    expect(Buffer.from(whole.postings.postings).equals(Buffer.from(here.postings.postings))).toBe(true);
    expect(whole).toEqual(here);
  });

  it('ends an index worker that waits for the tail\'s input when the build fails before sending it', async () => {
    const { records } = seedCorpus();
    const failed = new AbortController();
    // The tail's input never comes: the worker has built the index and waits; only the signal can end it.
    const { index } = buildEngineIndexWithTail(records, normalizedSearchTexts(records, (s) => s), failed.signal);
    setTimeout(() => failed.abort(), 200);
    await expect(index).rejects.toThrow(/index-worker\.ts worker exited with \d+ before answering/);
  });

  it('counts texts sent to the vocabulary\'s counting process in several batches as if they were counted together', async () => {
    // Both counted by a process of its own (this thread's jieba may hold another build's user dictionary).
    const together = await countVocabulary(seedTexts(), { userWords: [], workers: 1 });
    // Repeated texts across messages: a piece seen in an earlier message is counted again, not lost or doubled.
    const { counts: inParts } = await countedInBatches();
    expect(new Map([...inParts].sort())).toEqual(new Map([...together].sort()));
    expect(together.get('退税')).toBeGreaterThan(0);
  });

  it('counts the vocabulary in a process of its own, whose jieba is not left in this one when it ends', async () => {
    // The count of the test above (one counting process, its texts in two messages), measured around its whole life.
    const { counts, grownMiB, usage } = await countedInBatches();
    expect(counts.get('退税')).toBeGreaterThan(0);
    // The counting process held jieba's dictionaries (about 270 MB) ...
    const { peakRssMiB, cpuMs } = usage;
    expect(peakRssMiB).toBeGreaterThan(150);
    expect(cpuMs).toBeGreaterThan(0);
    // ... and gave them back when it exited: a worker thread's jieba stayed in this process (nodejieba never frees it).
    expect(grownMiB).toBeLessThan(peakRssMiB / 2);
  });

  it('leaves no counting process and no ftz-vocab- folder behind when a build fails after counting started', async () => {
    await withOwnTmpdir(async (tmp) => {
      const { records, files, warnings } = seedCorpus();
      // A record with no regions list (bad input handed in as records): normalising the texts fails on it, after the
      // counting process was started.
      const bad = records.map((r, i) => (i === 7 ? { ...r, regions: null as unknown as string[] } : r));
      await expect(buildSnapshot({ seedsDir: '', dictDir: DICT, corpus: { records: bad, files, warnings }, vocabularyWorkers: 1 })).rejects.toThrow(/join/);
      expect(processesUsing(tmp)).toEqual([]);
      expect(vocabFolders(tmp)).toEqual([]);
    });
  });

  it('cancelling a vocabulary count ends its counting process and removes its copies of the texts', async () => {
    await withOwnTmpdir(async (tmp) => {
      const { records } = seedCorpus();
      const count = startVocabularyCount(0, { userWords: [], workers: 1 });
      count.add(records.map((r) => r.content ?? ''));
      // Under way: a process of its own, and a folder holding its script and the texts written for it.
      expect(processesUsing(tmp)).toHaveLength(1);
      expect(vocabFolders(tmp)).toHaveLength(1);
      await count.cancel();
      expect(processesUsing(tmp)).toEqual([]);
      expect(vocabFolders(tmp)).toEqual([]);
      await count.cancel(); // a second cancel has nothing left to do
    });
  });

  it('a counting process that died is reported by name when texts are added and the count finished after it', async () => {
    await withOwnTmpdir(async (tmp) => {
      const count = startVocabularyCount(0, { userWords: [], workers: 1 });
      const [pid] = processesUsing(tmp);
      process.kill(pid, 'SIGKILL');
      while (processesUsing(tmp).length > 0) await new Promise((r) => setTimeout(r, 20));
      // Messages to the dead process fail (a closed channel) without an uncaught error; finish() names what happened.
      count.add(['企业开办']);
      count.add(['留抵退税']);
      await expect(count.finish()).rejects.toThrow('vocabulary counting process exited with SIGKILL before counting');
      expect(vocabFolders(tmp)).toEqual([]);
    });
  });

  it('extracts the quantities of records read from JSON Lines in a worker as reading in one thread does (95.09% and 5000万元 whole)', async () => {
    // The seed records without their quantities, so reading has to extract them (as for a collection from elsewhere),
    // eleven times over with ids of their own: enough batches that this thread extracts some of them too.
    const dir = mkdtempSync(join(tmpdir(), 'ftz-quantities-'));
    const file = join(dir, 'seeds.jsonl');
    const lines = [];
    for (let k = 0; k < 11; k++) for (const { quantities: _q, related: _r, ...r } of seedCorpus().records) lines.push(JSON.stringify({ ...r, id: `${r.id}-${k}` }));
    writeFileSync(file, lines.join('\n') + '\n');
    const here = await loadRecordsFile(file, { quantitiesWorker: false, deferLinks: true });
    const there = await loadRecordsFile(file, { quantitiesWorker: true, deferLinks: true });
    expect(there.records).toHaveLength(3300);
    expect(there.records).toEqual(here.records);
    const texts = there.records.flatMap((r) => r.quantities.map((q) => q.text));
    expect(texts.length).toBeGreaterThan(11 * 400);
    expect(texts).toContain('95.09%');
    expect(texts).toContain('5000万元');
    // Every record got its own quantities, each pointing into its own field's text.
    for (const r of there.records) for (const q of r.quantities) expect(r[q.field]!.slice(q.start, q.end)).toBe(q.text);
  });
});
