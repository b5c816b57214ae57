import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ReformPage, reformMembers, reformsOf } from '../search/reforms.js';
import { seedService } from './helpers.js';

// The seed records' reforms, grouped as a loaded snapshot groups them (building the seeds is the slow part: a hook).
let reformOf: Int32Array;
beforeAll(async () => {
  reformOf = reformsOf((await seedService()).records);
});

describe('a page of reforms, counted as the engine fills its pages', () => {
  it('counts a reform printed in several documents once, and is full at its size of distinct reforms', () => {
    const members = [...reformMembers(reformOf).values()];
    // The seeds print some reforms in more than one document (copies the search collapses).
    expect(members.length).toBeGreaterThan(0);
    const copies = members[0];
    const page = new ReformPage(reformOf, 2);
    for (const d of copies) expect(page.add(d)).toBe(false);
    expect(page.full).toBe(false);
    const other = reformOf.findIndex((r) => r !== reformOf[copies[0]]);
    expect(page.add(other)).toBe(true);
    expect(page.full).toBe(true);
  });

  it('is full exactly when the records added so far hold its size of distinct reforms (property, seed records)', () => {
    const N = reformOf.length;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: N - 1 }), { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), (records, size) => {
        const page = new ReformPage(reformOf, size);
        const seen = new Set<number>();
        for (const d of records) {
          seen.add(reformOf[d]);
          expect(page.add(d)).toBe(seen.size >= size);
          expect(page.full).toBe(seen.size >= size);
        }
      }),
    );
  });
});
