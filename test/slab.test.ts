import { beforeAll, describe, expect, it } from 'vitest';
import type { IndexData } from '../indexer/postings.js';
import { Postings, TermOccurrences } from '../search/postings.js';
import { ON_HEAP_BYTES, float64Columns, head, int32Columns, smallFloat64 } from '../search/slab.js';
import { seedSnapshot } from './helpers.js';

let index: IndexData;
beforeAll(async () => {
  index = ((await seedSnapshot()).index as { postings: IndexData }).postings;
});

describe('small arrays of a query share buffers (fewer for a scavenge to sweep)', () => {
  it('columns that die together are views of one buffer once any is too big for V8’s heap, each zeroed and apart', () => {
    const [a, b, c] = int32Columns(40, 41, 7);
    expect([a.length, b.length, c.length]).toEqual([40, 41, 7]);
    expect(a.buffer).toBe(b.buffer);
    expect(b.buffer).toBe(c.buffer);
    a.fill(-1);
    c.fill(-3);
    // Writing one column leaves its neighbours as they were (zeros).
    expect([...b].every((x) => x === 0)).toBe(true);
    b.fill(-2);
    expect([...a].every((x) => x === -1) && [...c].every((x) => x === -3)).toBe(true);
    const [x, y] = float64Columns(9, 9);
    expect(x.buffer).toBe(y.buffer);
    expect(x.length + y.length).toBe(18);
  });

  it('columns all small enough for V8’s heap stay arrays of their own (one buffer would be one more to sweep)', () => {
    const [a, b] = int32Columns(ON_HEAP_BYTES / 4, ON_HEAP_BYTES / 4);
    expect(a.buffer).not.toBe(b.buffer);
    const [x, y] = float64Columns(3, 8);
    expect(x.buffer).not.toBe(y.buffer);
  });

  it('small Float64Arrays are zeroed views of a shared slab that never overlap; large ones get their own buffer', () => {
    const views = Array.from({ length: 200 }, (_, i) => smallFloat64(1 + (i % 12)));
    for (const v of views) expect([...v].every((x) => x === 0)).toBe(true);
    views.forEach((v, i) => v.fill(i + 1));
    views.forEach((v, i) => expect([...v].every((x) => x === i + 1)).toBe(true));
    // 200 views of up to 96 bytes in far fewer buffers than views.
    expect(new Set(views.map((v) => v.buffer)).size).toBeLessThan(20);
    const big = smallFloat64(1000);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(8000);
  });

  it('a seed term’s decoded lists (退税: slots, starts, records, their starts) share one buffer and read as a fresh decode', () => {
    const occ = new Postings(index, 1 << 20).term('退税');
    expect(occ).toBeInstanceOf(TermOccurrences);
    const t = occ as TermOccurrences;
    expect(t.slots.length).toBeGreaterThan(ON_HEAP_BYTES / 4);
    expect(t.starts.buffer).toBe(t.slots.buffer);
    expect(t.runs!.docs.buffer).toBe(t.slots.buffer);
    // Slots increase; starts increase from 0 with one entry more than slots; records are the slots' records, in order.
    for (let i = 1; i < t.slots.length; i++) expect(t.slots[i]).toBeGreaterThan(t.slots[i - 1]);
    expect(t.starts.length).toBe(t.slots.length + 1);
    expect(t.starts[0]).toBe(0);
    for (let i = 1; i < t.starts.length; i++) expect(t.starts[i]).toBeGreaterThan(t.starts[i - 1]);
    const F = t.runs!.F;
    const records = [...new Set([...t.slots].map((s) => Math.floor(s / F)))];
    expect([...t.runs!.docs.subarray(0, t.runs!.n)]).toEqual(records);
    // Positions (decoded on demand) are the term's own: one per occurrence.
    expect(t.pos.length).toBe(t.starts[t.slots.length]);
  });

  it('the first entries of a seed term’s record lists, taken for scoring, are the list itself, a copy when small, else a view', () => {
    const postings = new Postings(index, 1 << 20);
    // 冷链: two records, a list of exactly two entries kept on V8's heap: scoring takes the list itself (a view of it
    // would move it off the heap, one more buffer to sweep).
    const rare = (postings.term('冷链') as TermOccurrences).runs!;
    expect(rare.docs.length).toBe(rare.n);
    expect(rare.docs.byteLength).toBeLessThanOrEqual(ON_HEAP_BYTES);
    expect(head(rare.docs, rare.n)).toBe(rare.docs);
    // Its record starts less the last: a copy of the same entries, which later writes to the list do not reach.
    const starts = Int32Array.from(rare.first);
    const first = head(starts, rare.n);
    expect([...first]).toEqual([...rare.first].slice(0, rare.n));
    starts[0] = -1;
    expect(first[0]).toBe(rare.first[0]);
    // 退税: 13 records in a list of 24 (over 64 bytes, off the heap already): a view, as before, sharing writes.
    const common = (postings.term('退税') as TermOccurrences).runs!;
    expect(common.n).toBeLessThan(common.docs.length);
    const docs = Int32Array.from(common.docs);
    const view = head(docs, common.n);
    expect([...view]).toEqual([...common.docs].slice(0, common.n));
    docs[0] = -1;
    expect(view[0]).toBe(-1);
  });
});
