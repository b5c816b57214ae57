import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ranksOf } from '../indexer/facet-tally.js';
import { Passed } from '../search/facets.js';
import { reformMembers, reformsOf } from '../search/reforms.js';
import { facetFilterChoices, passesFilters, seedService } from './helpers.js';

/** A permutation of 0 … n − 1 from a seed (Fisher–Yates over xorshift32): a snapshot's reform order. */
function permutation(n: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  let x = seed | 1;
  for (let i = n - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

const increasing = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

describe('facet counting walks agree with the obvious computation', () => {
  it('gives the ranks of a set of records sorted and distinct, for sets of at most and over 1/128 of the records (property)', () => {
    const seen = { few: 0, many: 0 };
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6000 })
          .chain((N) =>
            fc.tuple(
              fc.constant(N),
              fc.oneof(fc.integer({ min: 0, max: N >>> 7 }), fc.integer({ min: Math.min(N, (N >>> 7) + 1), max: Math.min(N, 600) })).chain((k) => fc.uniqueArray(fc.integer({ min: 0, max: N - 1 }), { minLength: k, maxLength: k })),
              fc.integer(),
            ),
          ),
        ([N, docs, seed]) => {
          const rank = permutation(N, seed);
          if (docs.length * 128 <= N) seen.few++;
          else seen.many++;
          expect(Array.from(ranksOf(docs, rank))).toEqual(increasing(docs.map((d) => rank[d])));
          expect(Array.from(ranksOf(Int32Array.from(increasing(docs)), rank))).toEqual(increasing(docs.map((d) => rank[d])));
        },
      ),
      { numRuns: 300 },
    );
    // Both ways of gathering were exercised.
    expect(seen.few).toBeGreaterThan(20);
    expect(seen.many).toBeGreaterThan(20);
  });

  it('finds where the records passing a filter sit among a search’s matches, galloping or reading marks (property)', () => {
    const seen = { gallop: 0, marks: 0 };
    fc.assert(
      fc.property(
        // Half the cases are drawn in the galloping regime (few passing records, many matches): left to chance it
        // came up in only ~7 % of runs, so the count below could fall short by luck.
        fc.boolean().chain((fewPassing) =>
          fc.integer({ min: fewPassing ? 600 : 1, max: 2000 }).chain((N) =>
            fc.tuple(
              fc.constant(N),
              fc.array(fc.integer({ min: 0, max: N - 1 }), { maxLength: fewPassing ? 6 : 60 }),
              fc.array(fc.integer({ min: 0, max: N - 1 }), { minLength: fewPassing ? 300 : 0, maxLength: 1200 }),
            ),
          ),
        ),
        ([N, p, d]) => {
          const pass = Int32Array.from(increasing(p));
          const docs = Int32Array.from(increasing(d));
          if (pass.length * 16 < docs.length) seen.gallop++;
          else seen.marks++;
          const passed = new Passed(pass);
          const passing = new Set(pass);
          const expected = Array.from(docs.keys()).filter((i) => passing.has(docs[i]));
          expect(Array.from(passed.within(docs, N))).toEqual(expected);
          // Asked again for the same matches (the count after the filtering), the same answer.
          expect(Array.from(passed.within(docs, N))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
    expect(seen.gallop).toBeGreaterThan(20);
    expect(seen.marks).toBeGreaterThan(20);
  });

  it('finds the printings of a reform that pass the filters from their places in reform order, as a test of each printing finds them', async () => {
    const service = await seedService();
    const reformOf = reformsOf(service.records);
    const groups = [...reformMembers(reformOf).values()];
    expect(groups.length).toBeGreaterThan(10);
    let cut = 0;
    for (const filters of facetFilterChoices(service.search({ q: '', size: 0 }).facets)) {
      const passingOf = service.engine.facets.reformPassing(filters, reformOf)!;
      for (const members of groups) {
        const expected = members.filter((d) => passesFilters(service.records, d, filters));
        expect(Array.from(passingOf(members))).toEqual(expected);
        if (expected.length > 0 && expected.length < members.length) cut++;
      }
    }
    // Some reforms are printed both inside and outside a filter, so the cut inside a reform's run is exercised.
    expect(cut).toBeGreaterThan(0);
    expect(service.engine.facets.reformPassing({}, reformOf)).toBeUndefined();
  });
});
