/**
 * Deterministic corpora for the scale benchmark, made from the seeds' own sentences: n records whose titles splice
 * two seed titles (one in five is a seed title as printed, so copies exist to link), whose fields are seed
 * sentences drawn at random with every figure varied, and whose regions and departments are renamed across the
 * provinces. The same n always gives the same file (a seeded generator, no clock, no Math.random).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../analysis/seeded-random.js';
import { parseCorpus } from '../indexer/corpus.js';
import { PROVINCES } from '../indexer/regions.js';
import type { ReformRecord } from '../indexer/schema.js';

export interface SeedPools {
  titles: string[];
  content: string[];
  process: string[];
  outcome: string[];
  applicableTo: string[];
  departments: string[];
  categories: string[];
}

const PROVINCE_RE = new RegExp(PROVINCES.join('|'), 'g');
/** The mainland provinces with FTZs or not: every one of them could send a collection. */
export const REGIONS = PROVINCES.slice(0, 31);

function sentences(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(/(?<=[。；！？\n])/).map((s) => s.trim()).filter((s) => s.length >= 8);
}

export function seedPools(seedsDir: string): SeedPools {
  const docs = readdirSync(seedsDir).sort().map((file) => ({ file, bytes: readFileSync(join(seedsDir, file)) }));
  const records = parseCorpus(docs).records;
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  return {
    titles: uniq(records.map((r) => r.title)),
    content: uniq(records.flatMap((r) => sentences(r.content))),
    process: uniq(records.flatMap((r) => sentences(r.process))),
    outcome: uniq(records.flatMap((r) => sentences(r.outcome))),
    applicableTo: uniq(records.flatMap((r) => sentences(r.applicableTo))),
    departments: uniq(records.flatMap((r) => r.departments)),
    categories: uniq(records.flatMap((r) => (r.category ? [r.category] : []))),
  };
}

export type GeneratedRecord = Pick<ReformRecord, 'id' | 'title' | 'departments' | 'regions' | 'source'> & Partial<Pick<ReformRecord, 'category' | 'content' | 'process' | 'outcome' | 'applicableTo'>>;

/** Records per generated "document" (one province's collection). */
const PER_DOCUMENT = 50;

/**
 * The k-th record of a corpus (k from 0). Each record depends only on k, so a 10k corpus starts with the 1k one.
 */
export function generateRecord(pools: SeedPools, k: number): GeneratedRecord {
  const r = seededRandom(0x5eed + k * 7919);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const doc = Math.floor(k / PER_DOCUMENT);
  const region = REGIONS[seededRandom(doc + 1)() * REGIONS.length | 0];
  const vary = (s: string) =>
    s
      .replace(PROVINCE_RE, () => (r() < 0.7 ? region : pick(REGIONS)))
      .replace(/\d+(?:\.\d+)?/g, (m) => {
        const [int, dec] = m.split('.');
        const first = 1 + Math.floor(r() * 9);
        let out = int.length === 1 ? String(Math.floor(r() * 10)) : String(first) + Array.from({ length: int.length - 1 }, () => Math.floor(r() * 10)).join('');
        if (dec) out += '.' + Array.from({ length: dec.length }, () => Math.floor(r() * 10)).join('');
        return out;
      });
  const some = (pool: string[], min: number, max: number) => {
    const n = min + Math.floor(r() * (max - min + 1));
    return n ? Array.from({ length: n }, () => vary(pick(pool))).join('') : undefined;
  };
  let title: string;
  if (r() < 0.2) title = vary(pick(pools.titles));
  else {
    const a = [...pick(pools.titles)];
    const b = [...pick(pools.titles)];
    const cutA = Math.max(2, Math.round(a.length * (0.35 + r() * 0.3)));
    const cutB = Math.min(b.length - 2, Math.round(b.length * (0.35 + r() * 0.3)));
    title = vary(a.slice(0, cutA).join('') + b.slice(Math.max(0, cutB)).join(''));
  }
  const departments = [...new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => vary(pick(pools.departments))))];
  const rec: GeneratedRecord = {
    id: `g${k}`,
    title,
    ...(r() < 0.8 ? { category: pick(pools.categories) } : {}),
    content: some(pools.content, 1, 4),
    ...(r() < 0.5 ? { applicableTo: some(pools.applicableTo, 1, 1) } : {}),
    ...(r() < 0.6 ? { process: some(pools.process, 1, 3) } : {}),
    ...(r() < 0.8 ? { outcome: some(pools.outcome, 1, 2) } : {}),
    departments,
    regions: [region],
    source: { file: `gen-${String(doc).padStart(5, '0')}.txt`, title: `中国（${region}）自由贸易试验区制度创新成果汇编（第${doc + 1}批）`, no: (k % PER_DOCUMENT) + 1, line: (k % PER_DOCUMENT) + 1 },
  };
  return rec;
}

/** n records as JSON Lines (the shape --records reads; quantities and links left to the build). */
export function* corpusLines(pools: SeedPools, n: number): Generator<string> {
  for (let k = 0; k < n; k++) yield JSON.stringify(generateRecord(pools, k));
}

/** Parse "1k,10k,100k" / "2500" into record counts. */
export function parseSizes(s: string): number[] {
  return s.split(',').map((x) => {
    const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(x.trim());
    if (!m) throw new Error(`--sizes: "${x}" is not a size like 1k, 10k, 100k or 2500`);
    return Math.round(Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1));
  });
}
