import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type SearchService } from '../search/service.js';
import { FACETS, type FacetValue, type Filters } from '../search/facets.js';
import { facetValues } from '../search/facets.js';
import { seedService } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
});

/** Facet counts the slow, obvious way: each reform's values once, over the records passing the other facets' filters. */
function reference(docs: number[], filters: Filters, reformOf: Int32Array | undefined): Record<string, FacetValue[]> {
  const out: Record<string, FacetValue[]> = {};
  const records = service.records;
  const passes = (d: number, except: string) =>
    Object.entries(filters).every(([f, want]) => f === except || !want?.length || facetValues(records[d], f as never).some((v) => want.includes(v)));
  const cols = service.engine.facets as unknown as { columns: Record<string, { values: string[]; labels?: string[] }> };
  for (const f of FACETS) {
    const seen = new Map<string, Set<number>>();
    for (const d of docs) {
      if (!passes(d, f)) continue;
      for (const v of facetValues(records[d], f)) {
        if (!seen.has(v)) seen.set(v, new Set());
        seen.get(v)!.add(reformOf ? reformOf[d] : d);
      }
    }
    const col = cols.columns[f];
    out[f] = [...seen]
      .map(([value, s]) => ({ value, count: s.size, id: col.values.indexOf(value) }))
      .sort((a, b) => b.count - a.count || a.id - b.id)
      .map(({ value, count, id }) => (col.labels ? { value, count, label: col.labels[id] } : { value, count }));
  }
  return out;
}

describe('facet counts cost what the smaller side costs, and count the same', () => {
  it('counts every record set of the seeds as counting each reform once would, with and without filters', () => {
    const N = service.records.length;
    const reformOf = (service as unknown as { reformOf: Int32Array }).reformOf;
    const regions = [...new Set(service.records.flatMap((r) => r.regions))];
    fc.assert(
      fc.property(
        // Sets from a few records to nearly all of them, so both the direct and the complement count run.
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.subarray(regions, { maxLength: 2 }),
        fc.boolean(),
        (share, seed, region, collapse) => {
          let x = seed;
          const docs: number[] = [];
          for (let d = 0; d < N; d++) {
            x = (x * 1103515245 + 12345) & 0x7fffffff;
            if (x / 0x7fffffff < share) docs.push(d);
          }
          const filters: Filters = region.length ? { region } : {};
          const ro = collapse ? reformOf : undefined;
          expect(service.engine.facets.count(Int32Array.from(docs), filters, 0, ro)).toEqual(reference(docs, filters, ro));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("lists the empty query's facets over every seed reform, the most common region first", () => {
    const res = service.search({ q: '', size: 10 });
    const reformOf = (service as unknown as { reformOf: Int32Array }).reformOf;
    const all = Array.from({ length: service.records.length }, (_, d) => d);
    expect(res.facets.region).toEqual(reference(all, {}, reformOf).region.slice(0, service.engine.options.facetSize));
    expect(res.facets.region[0].count).toBeGreaterThanOrEqual(res.facets.region[res.facets.region.length - 1].count);
  });
});
