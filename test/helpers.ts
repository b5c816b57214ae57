/** Shared test fixtures: the real seed corpus, built once per test file. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSnapshot } from '../indexer/build.js';
import { parseSnapshot } from '../snapshot/file.js';
import { parseCorpus, type Corpus } from '../indexer/corpus.js';
import type { ReformRecord } from '../indexer/schema.js';
import type { ProvidedContext } from 'vitest';
import type { SnapshotBody } from '../snapshot/body.js';
import { SearchService } from '../search/service.js';
import { facetValues, type FacetName, type Filters } from '../search/facets.js';
import { fieldText, OWN_FIELDS, type SearchField } from '../search/fields.js';

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

let corpus: Corpus | undefined;
export function seedCorpus(): Corpus {
  corpus ??= parseCorpus(seedDocuments());
  return corpus;
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
 * so inject throws), or when the run did not build it.
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

/** The seed snapshot test/global-setup.ts built for this vitest run, if any and still there. */
async function sharedSeedSnapshotFile(): Promise<string | undefined> {
  const file = await provided('seedSnapshotFile');
  return file && existsSync(file) ? file : undefined;
}

let snapshot: Promise<SnapshotBody> | undefined;
/**
 * The seed snapshot's body, once per test file: read from the file the run's global setup built (the same bytes a
 * build writes, parsed as the server parses them), or built here when there is none.
 */
export function seedSnapshot(): Promise<SnapshotBody> {
  snapshot ??= sharedSeedSnapshotFile().then((file) => (file ? parseSnapshot(readFileSync(file)) : buildSnapshot({ seedsDir: SEEDS, dictDir: DICT }).then((r) => r.body)));
  return snapshot;
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
