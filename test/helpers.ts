/**
 * Shared test fixtures on the real seed corpus: the seed snapshot and the build's own body (built once per
 * `vitest run` by test/global-setup.ts, read here once per test file), filter choices. The parsed corpus is in
 * test/seed-corpus.ts. Nothing here imports the indexer's build or document parsing at load: every test file imports
 * this module, and under vitest the seeds are built once by global setup, so the build's module graph (parsers,
 * jieba, OpenCC, the build stages: about half of this module's import time) is imported only by a file that builds.
 */
import { restoreCharTable } from '../snapshot/tables.js';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSnapshot, serializeSnapshot, sha256 } from '../snapshot/file.js';
import { readSnapshotHeader } from '../snapshot/container.js';
import { TEXT_FIELDS, type ReformRecord } from '../indexer/schema.js';
import type { ProvidedContext } from 'vitest';
import type { SnapshotBody } from '../snapshot/body.js';
import { SearchService } from '../search/service.js';
import { facetValues, type FacetName, type Filters } from '../search/facets.js';
import { fieldText, OWN_FIELDS, type SearchField } from '../search/fields.js';
import type { IndexData } from '../indexer/postings.js';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from '../search/options.js';
import type { FieldStats } from '../search/score.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SEEDS = join(ROOT, 'seeds');
export const DICT = join(ROOT, 'dict');

export const FILES = {
  shandongTable: '000_266a8133fb8d67ab.txt',
  sixthBatchBlocks: '001_5aa6fd503fd038c1.txt',
  markdownCases: '002_ccd5e05fe0445b95.txt',
  liaoningTable: '003_d473786d2f100032.txt',
  nationalCases: '004_cf3adbfb7b3756f8.txt',
} as const;

export function seedBytes(file: string): Uint8Array {
  return readFileSync(join(SEEDS, file));
}

export function seedDocuments(): { file: string; bytes: Uint8Array }[] {
  return readdirSync(SEEDS).sort().map((file) => ({ file, bytes: seedBytes(file) }));
}

/** The record of `file` with item number `no` (and printed section, where numbers restart per section). */
export function recordOf(records: ReformRecord[], file: string, no: number, section?: string): ReformRecord {
  const found = records.filter((r) => r.source.file === file && r.source.no === no && (section === undefined || r.section === section));
  if (found.length !== 1) throw new Error(`expected one record ${file} #${no} ${section ?? ''}, found ${found.length}`);
  return found[0];
}

/**
 * A value test/global-setup.ts provided for this vitest run, or '' when there is none: outside vitest (a script such
 * as npm run screenshots), in a script a test starts in a child process (it inherits VITEST but is no vitest worker,
 * so inject throws), or when the run did not build it (global setup builds the page only for runs that serve it).
 */
export async function provided(key: keyof ProvidedContext): Promise<string> {
  if (!process.env.VITEST) return '';
  const { inject } = await import('vitest');
  try {
    return inject(key) ?? '';
  } catch {
    return '';
  }
}

/** A file global setup wrote for this run, if it provided one and it is still there. */
async function sharedFile(key: 'seedSnapshotFile' | 'seedBuiltBodyFile'): Promise<string | undefined> {
  const file = await provided(key);
  return file && existsSync(file) ? file : undefined;
}

/** A body passed through v8 serialize keeps the character table's columns but not its class. */
function revived(body: SnapshotBody): SnapshotBody {
  restoreCharTable(body);
  return body;
}

/** The seeds built here, when the run provided no build (the indexer imported only then). */
async function buildSeeds(): Promise<SnapshotBody> {
  const { buildSnapshot } = await import('../indexer/build.js');
  return (await buildSnapshot({ seedsDir: SEEDS, dictDir: DICT })).body;
}

let built: Promise<SnapshotBody> | undefined;
/**
 * The body the seed build returned, in memory as the build gave it (records a plain array, no record store), once
 * per test file: global setup's structured clone of it (node:v8 serialize, so no snapshot writer or reader between
 * the build and this copy), or built here when there is none. What the snapshot tests compare a written and read
 * snapshot with, and how `npm run serve` serves when it builds from the seeds (server/main.ts).
 */
export function builtSeedBody(): Promise<SnapshotBody> {
  built ??= sharedFile('seedBuiltBodyFile').then((file) =>
    file ? revived(deserialize(readFileSync(file)) as SnapshotBody) : buildSeeds(),
  );
  return built;
}

let snapshot: Promise<SnapshotBody> | undefined;
/**
 * The seed snapshot's body, once per test file, as a server loads it (records behind a lazy record store): parsed
 * from the snapshot file the run's global setup wrote from the build, or, when there is none, from the build's body
 * written here.
 */
export function seedSnapshot(): Promise<SnapshotBody> {
  snapshot ??= sharedFile('seedSnapshotFile').then(async (file) => parseSnapshot(file ? readFileSync(file) : serializeSnapshot(await builtSeedBody())));
  return snapshot;
}

/**
 * A file holding the seed snapshot, for a child process that is no vitest worker and cannot ask for the run's file
 * itself: the run's shared file, or the seed snapshot written into `dir` when there is none.
 */
export async function seedSnapshotFile(dir: string): Promise<string> {
  const shared = await sharedFile('seedSnapshotFile');
  if (shared) return shared;
  const file = join(dir, 'seeds.snapshot');
  writeFileSync(file, serializeSnapshot(await seedSnapshot()));
  return file;
}

let service: Promise<SearchService> | undefined;
export function seedService(): Promise<SearchService> {
  service ??= seedSnapshot().then((body) => new SearchService(body));
  return service;
}

/**
 * Filter sets the facet tests try, from the seeds' own most common values: one region, two regions, two facets at
 * once (region and category; department and source), and a region no record has.
 */
export function facetFilterChoices(facets: Record<'region' | 'category' | 'department' | 'source', { value: string }[]>): Filters[] {
  return [
    { region: [facets.region[0].value] },
    { region: [facets.region[1].value, facets.region[2].value] },
    { region: [facets.region[0].value], category: [facets.category[0].value] },
    { department: [facets.department[0].value], source: [facets.source[1].value] },
    { region: ['没有这个地区'] },
  ];
}


/** Whether record d passes every facet's filter except `except`'s (an empty value list filters nothing). */
export function passesFilters(records: readonly ReformRecord[], d: number, filters: Filters, except?: string): boolean {
  return Object.entries(filters).every(([f, want]) => f === except || !want?.length || facetValues(records[d], f as FacetName).some((v) => want.includes(v)));
}

/** Whether record d's own text in `fields` (normalised as the index is) holds the string. */
export function ownTextSays(service: SearchService, d: number, text: string, fields: readonly SearchField[] = OWN_FIELDS): boolean {
  const n = service.engine.analyzer.normalizer;
  return fields.some((f) => n.plain(fieldText(service.records[d], f)).includes(text));
}

/** A reform's own text (title, content, applicability, process, outcome), normalised as the index is. */
export function recordPlainText(service: SearchService, id: string): string {
  const r = service.reform(id)!;
  return service.engine.analyzer.normalizer.plain([r.title, r.content, r.applicableTo, r.process, r.outcome].join('\n'));
}

/** A reform's text fields (TEXT_FIELDS: title, content, applicableTo, process, outcome), each normalised as the index is. */
export function recordFieldTexts(service: SearchService, id: string): string[] {
  const r = service.reform(id)!;
  const n = service.engine.analyzer.normalizer;
  return TEXT_FIELDS.map((f) => n.plain(r[f] ?? ''));
}

/** A service over the same snapshot body with other engine options (to compare a rule on and off). */
export function withOptions(service: SearchService, options: Partial<EngineOptions>): SearchService {
  return new SearchService(service.engine.body, options);
}

/**
 * The ranking's field statistics of a snapshot's positional index, with the default field weights; `compactFrom` 0
 * scores even the seeds through the compact length norms (search/length-norms.ts).
 */
export function fieldStatsOf(d: IndexData, bounded = true, compactFrom?: number): FieldStats {
  return {
    fieldCount: d.fields.length,
    records: d.records,
    fieldLengths: d.fieldLengths,
    avgLengths: d.avgLengths,
    weights: Float64Array.from(d.fields, (f) => DEFAULT_ENGINE_OPTIONS.fieldWeights[f as keyof typeof DEFAULT_ENGINE_OPTIONS.fieldWeights] ?? 0),
    bounded,
    compactFrom,
  };
}

/** Entries of each list at the records both hold, in record order. */
export function bothAt(a: Int32Array, b: Int32Array): [Int32Array, Int32Array] {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else x.push(i++), y.push(j++);
  }
  return [Int32Array.from(x), Int32Array.from(y)];
}

/**
 * Snapshot bytes with the header's own checksum (`headerSha256`) recomputed over its fields as they now are: a test
 * that simulates a writer's bug (a changed payload with its correct checksum) seals the header as a writer would.
 */
export function resealHeader(bytes: Uint8Array): Uint8Array {
  const { headerSha256, ...fields } = readSnapshotHeader(bytes).header;
  if (!headerSha256) return bytes;
  const out = Uint8Array.from(bytes);
  const at = Buffer.from(out).indexOf(Buffer.from(headerSha256));
  out.set(Buffer.from(sha256(Buffer.from(JSON.stringify(fields)))), at);
  return out;
}

/** One term's postings from random draws (tests' fast-check arbitraries): slots by gaps, each slot's positions from a
 *  first position and steps, so slots and each slot's positions increase. */
export function termOfDraws(raw: readonly { gap: number; first: number; steps: readonly number[] }[]): { slots: number[]; starts: number[]; pos: number[] } {
  let slot = -1;
  const slots: number[] = [];
  const starts = [0];
  const pos: number[] = [];
  for (const e of raw) {
    slots.push((slot += e.gap + 1));
    let p = e.first;
    pos.push(p);
    for (const s of e.steps) pos.push((p += s + 1));
    starts.push(pos.length);
  }
  return { slots, starts, pos };
}
