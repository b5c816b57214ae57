import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SearchService } from '../search/service.js';
import { countPresent, presentMembers } from '../search/copies.js';
import { FACETS, facetValues, type FacetValue, type Filters } from '../search/facets.js';
import { facetFilterChoices, passesFilters, seedService } from './helpers.js';
import { minimalWindow } from '../search/engine.js';
import { asksAboutTopic } from '../search/query-words.js';
import type { Postings } from '../search/postings.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
});

/** Facet counts the slow, obvious way: each reform's values once, over the records passing the other facets' filters. */
function reference(docs: number[], filters: Filters, reformOf: Int32Array | undefined): Record<string, FacetValue[]> {
  const out: Record<string, FacetValue[]> = {};
  const records = service.records;
  const passes = (d: number, except: string) => passesFilters(records, d, filters, except);
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

/** About share × n record indexes (the first `always` of them always), increasing, drawn by a seeded generator. */
function sampleRecords(n: number, share: number, seed: number, always = 0): number[] {
  let x = seed;
  const docs: number[] = [];
  for (let d = 0; d < n; d++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    if (x / 0x7fffffff < share || d < always) docs.push(d);
  }
  return docs;
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
          const docs = sampleRecords(N, share, seed);
          const filters: Filters = region.length ? { region } : {};
          const ro = collapse ? reformOf : undefined;
          expect(service.engine.facets.count(Int32Array.from(docs), filters, 0, ro)).toEqual(reference(docs, filters, ro));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('lists only the first values of a facet, by count then collation order, exactly as sorting every value would', () => {
    const N = service.records.length;
    const reformOf = (service as unknown as { reformOf: Int32Array }).reformOf;
    const regions = [...new Set(service.records.flatMap((r) => r.regions))];
    // The seeds have more departments and source files than these sizes: the shown ones are picked from many.
    expect(new Set(service.records.flatMap((r) => r.departments)).size).toBeGreaterThan(8);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 8 }), fc.subarray(regions, { maxLength: 1 }), (share, seed, size, region) => {
        const docs = sampleRecords(N, share, seed);
        const filters: Filters = region.length ? { region } : {};
        const all = reference(docs, filters, reformOf);
        const shown = service.engine.facets.count(Int32Array.from(docs), filters, size, reformOf);
        for (const f of FACETS) expect(shown[f]).toEqual(all[f].slice(0, size));
      }),
      { numRuns: 60 },
    );
  });

  it('counts one record set after another under the same region filter as counting each afresh would (the filter’s marks are kept)', () => {
    const N = service.records.length;
    const reformOf = (service as unknown as { reformOf: Int32Array }).reformOf;
    const top = service.search({ q: '', size: 1, facetSize: 0 }).facets.region;
    service.clearCache();
    for (const filters of [{ region: [top[0].value] }, { region: [top[1].value, top[2].value] }] as Filters[]) {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (seed, collapse) => {
          // More than 256 records (the one-filter path, with marks per record or per place in reform order), not all.
          const docs = sampleRecords(N, 0.93, seed, 260);
          if (docs.length === N) docs.pop();
          const ro = collapse ? reformOf : undefined;
          expect(service.engine.facets.count(Int32Array.from(docs), filters, 0, ro)).toEqual(reference(docs, filters, ro));
        }),
        { numRuns: 30 },
      );
    }
  });

  it('gives every hit of every page its reform’s other printings among the records passing the filters, as copyCount', () => {
    const reformOf = (service as unknown as { reformOf: Int32Array }).reformOf;
    const cap = service.engine.options.copiesShown;
    const facets = service.search({ q: '', size: 1, facetSize: 0 }).facets;
    const top = facets.region;
    const passes = (d: number, filters: Filters) => passesFilters(service.records, d, filters);
    let checked = 0;
    let withOutside = 0;
    let filteredOut = 0;
    const cases = [
      ['企业', {}],
      ['企业', { region: [top[0].value] }],
      ['', { region: [top[1].value] }],
      ['审批', { region: [top[0].value, top[2].value] }],
      // Some reforms printed in other categories: printings outside the set that the filter removes.
      ['审批', { category: [facets.category[0].value] }],
    ] as [string, Filters][];
    for (const [q, filters] of cases) {
      const result = service.engine.search(q);
      // Words with no phrase, field or number: a topical query, whose hits also count printings lacking a word.
      expect(asksAboutTopic(result.analysis)).toBe(q !== '');
      const docs = new Set(q ? Array.from(result.docs) : service.records.map((_, d) => d));
      const excluded = new Set(Array.from(result.excluded));
      for (const page of [1, 2, 3]) {
        for (const h of service.search({ q, page, size: 10, filters }).hits) {
          const d = service.records.findIndex((r) => r.id === h.id);
          const members = service.records.map((_, i) => i).filter((i) => i !== d && reformOf[i] === reformOf[d] && passes(i, filters));
          const inSet = members.filter((i) => docs.has(i)).length;
          // The reform's printings the result set lacks (not excluded), counted only when they pass the filters too.
          const outside = q ? members.filter((i) => !docs.has(i) && !excluded.has(i)).length : 0;
          expect(h.copyCount ?? 0).toBe(inSet + outside);
          // The copies listed: the first min(cap, copyCount), each once, each another passing printing of the same reform.
          const ids = (h.copies ?? []).map((c) => c.id);
          expect(ids.length).toBe(Math.min(cap, h.copyCount ?? 0));
          expect(new Set(ids).size).toBe(ids.length);
          for (const id of ids) expect(members).toContain(service.records.findIndex((r) => r.id === id));
          if (inSet > 0) checked++;
          if (outside > 0) withOutside++;
          if (q) filteredOut += service.records.filter((_, i) => i !== d && reformOf[i] === reformOf[d] && !docs.has(i) && !excluded.has(i) && !passes(i, filters)).length;
        }
      }
    }
    // Reforms printed several times were among the hits checked, some with printings outside the result set, and
    // some of those printings failing the filters (so the filters' test on them is exercised).
    expect(checked).toBeGreaterThan(5);
    expect(withOutside).toBeGreaterThan(0);
    expect(filteredOut).toBeGreaterThan(0);
  });

  it('counts a topical hit’s printings less those the query excludes, and a phrase hit’s printings in the result set only, with and without a filter', () => {
    const reformOf = (service as unknown as { reformOf: Int32Array }).reformOf;
    const cap = service.engine.options.copiesShown;
    const region = service.search({ q: '', size: 1 }).facets.region[0].value;
    let excludedPrintings = 0;
    let phraseCopies = 0;
    for (const q of ['海关', '监管 -企业', '海关 -监管', '贸易 -企业', '"企业"', '"海关"', '"企业" -审批']) {
      for (const filters of [{}, { region: [region] }] as Filters[]) {
        const result = service.engine.search(q);
        const topical = asksAboutTopic(result.analysis);
        expect(topical).toBe(!q.startsWith('"'));
        const docs = new Set(Array.from(result.docs));
        const excluded = new Set(Array.from(result.excluded));
        for (const page of [1, 2, 3]) {
          for (const h of service.search({ q, page, size: 10, filters }).hits) {
            const d = service.records.findIndex((r) => r.id === h.id);
            const others = service.records.map((_, i) => i).filter((i) => i !== d && reformOf[i] === reformOf[d] && passesFilters(service.records, i, filters));
            // A topical hit stands for every passing printing the query does not exclude; a phrase's for those it found.
            const expected = others.filter((i) => (topical ? !excluded.has(i) : docs.has(i)));
            expect(h.copyCount ?? 0).toBe(expected.length);
            const ids = (h.copies ?? []).map((c) => service.records.findIndex((r) => r.id === c.id));
            expect(ids.length).toBe(Math.min(cap, expected.length));
            for (const i of ids) expect(expected).toContain(i);
            excludedPrintings += others.filter((i) => excluded.has(i)).length;
            if (!topical) phraseCopies += expected.length;
          }
        }
      }
    }
    // Printings removed by the exclusion and phrase hits with copies were among those checked.
    expect(excludedPrintings).toBeGreaterThan(5);
    expect(phraseCopies).toBeGreaterThan(5);
  });

  it('counts a reform’s printings in a result set as testing each would, whichever list is the shorter (property)', () => {
    const sorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 200 }), fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 200 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (m, d, seed, filtered) => {
        const members = sorted(m);
        const docs = Int32Array.from(sorted(d));
        const keep = filtered ? Uint8Array.from(docs, (_, i) => ((seed >> i % 31) & 1) as number) : undefined;
        const inSet = (i: number) => docs.indexOf(i) >= 0 && (!keep || keep[docs.indexOf(i)] === 1);
        expect(countPresent(members, docs, keep)).toBe(members.filter(inSet).length);
      }),
      { numRuns: 300 },
    );
  });

  it('lists a reform’s first printings in a result set (passing its filters), as testing each would (property)', () => {
    const sorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 250 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 70 }),
        (m, d, seed, filtered, enough) => {
          const members = sorted(m);
          const docs = Int32Array.from(sorted(d));
          const keep = filtered ? Uint8Array.from(docs, (_, i) => ((seed >> i % 31) & 1) as number) : undefined;
          const inSet = (i: number) => docs.indexOf(i) >= 0 && (!keep || keep[docs.indexOf(i)] === 1);
          expect(presentMembers(members, docs, keep)).toEqual(members.filter(inSet));
          // It may stop once it has `enough`.
          expect(presentMembers(members, docs, keep, enough)).toEqual(members.filter(inSet).slice(0, enough));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts the empty query with one or two facets chosen as counting each reform once over the records passing the other filters', () => {
    const reformOf = (service as unknown as { reformOf: Int32Array }).reformOf;
    const all = Array.from({ length: service.records.length }, (_, d) => d);
    const top = service.search({ q: '', size: 1, facetSize: 0 }).facets;
    const choices = facetFilterChoices(top);
    for (const filters of choices) {
      const res = service.search({ q: '', size: 10, filters, facetSize: 0 });
      expect(res.facets).toEqual(reference(all, filters, reformOf));
      // The total is the reforms of the records passing every filter; the hits are those records in document order.
      const passing = all.filter((d) => passesFilters(service.records, d, filters));
      expect(res.total).toBe(new Set(passing.map((d) => reformOf[d])).size);
      expect(res.hits.map((h) => h.id)).toEqual(service.search({ q: '', size: 10, filters, sort: 'source' }).hits.map((h) => h.id));
      expect(res.hits.every((h) => passing.includes(service.records.findIndex((r) => r.id === h.id)))).toBe(true);
    }
    expect(service.search({ q: '', filters: choices[0] }).facets.region.length).toBeGreaterThan(1);
  });

  it('counts a query with two different facets filtered (region and category) as counting each reform once over the records passing the other filters', () => {
    const reformOf = (service as unknown as { reformOf: Int32Array }).reformOf;
    let nonEmpty = 0;
    for (const q of ['企业', '审批 监管']) {
      const docs = Array.from(service.engine.search(q).docs);
      const top = service.search({ q, size: 1, facetSize: 0 }).facets;
      for (const filters of [
        { region: [top.region[0].value], category: [top.category[0].value] },
        { region: [top.region[1].value], category: [top.category[0].value, top.category[1].value] },
      ] as Filters[]) {
        const res = service.search({ q, size: 10, filters, facetSize: 0 });
        expect(res.facets).toEqual(reference(docs, filters, reformOf));
        // The total is the reforms of the matched records passing both filters.
        const passing = docs.filter((d) => passesFilters(service.records, d, filters));
        expect(res.total).toBe(new Set(passing.map((d) => reformOf[d])).size);
        expect(res.hits.every((h) => passing.includes(service.records.findIndex((r) => r.id === h.id)))).toBe(true);
        if (passing.length) nonEmpty++;
        // Each filter narrows the other facet's counts: the category counts are those under the region filter alone.
        expect(res.facets.category).toEqual(reference(docs, { region: filters.region }, reformOf).category);
      }
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(3);
  });

  it("lists the empty query's facets over every seed reform, the most common region first", () => {
    const res = service.search({ q: '', size: 10 });
    const reformOf = (service as unknown as { reformOf: Int32Array }).reformOf;
    const all = Array.from({ length: service.records.length }, (_, d) => d);
    expect(res.facets.region).toEqual(reference(all, {}, reformOf).region.slice(0, service.engine.options.facetSize));
    expect(res.facets.region[0].count).toBeGreaterThanOrEqual(res.facets.region[res.facets.region.length - 1].count);
  });
});

/** The window as first written (every event an object, the window's end re-read at each step): the reference. */
function windowByScan(lists: { start: number; length: number }[][]): number {
  const events: { pos: number; end: number; k: number }[] = [];
  lists.forEach((l, k) => l.forEach((o) => events.push({ pos: o.start, end: o.start + o.length, k })));
  events.sort((a, b) => a.pos - b.pos);
  const count = new Array<number>(lists.length).fill(0);
  let have = 0;
  let best = Infinity;
  let lo = 0;
  for (let hi = 0; hi < events.length; hi++) {
    if (count[events[hi].k]++ === 0) have++;
    while (have === lists.length) {
      let end = 0;
      for (let j = lo; j <= hi; j++) end = Math.max(end, events[j].end);
      best = Math.min(best, end - events[lo].pos);
      if (--count[events[lo].k] === 0) have--;
      lo++;
    }
  }
  return best;
}

describe('the proximity bonus reads the same window, found in one pass', () => {
  it('gives the smallest span covering every word for any occurrences, as the scan it replaces does', () => {
    const occurrence = fc.record({ start: fc.integer({ min: 0, max: 400 }), length: fc.integer({ min: 1, max: 8 }) });
    fc.assert(
      fc.property(fc.array(fc.array(occurrence, { maxLength: 12 }), { minLength: 1, maxLength: 5 }), (lists) => {
        expect(minimalWindow(lists)).toBe(windowByScan(lists));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every occurrence when its columns grow while they are filled: many occurrences give the window the scan gives', () => {
    // The first word's few occurrences are added first, so a growth that lost them would change the window.
    const occurrence = fc.record({ start: fc.integer({ min: 1, max: 20_000 }), length: fc.integer({ min: 1, max: 8 }) });
    const first = fc.array(occurrence, { minLength: 1, maxLength: 3 });
    const rest = fc.array(fc.array(occurrence, { minLength: 100, maxLength: 600 }), { minLength: 1, maxLength: 7 });
    fc.assert(
      fc.property(first, rest, (head, tail) => {
        const lists = [head, ...tail];
        expect(minimalWindow(lists)).toBe(windowByScan(lists));
      }),
      { numRuns: 40 },
    );
  });

  it('measures the span of 通关 and 时间 in seed records as the scan does, never shorter than the two words', () => {
    const n = service.engine.analyzer.normalizer;
    const texts = service.records.map((r) => n.plain(r.content ?? '')).filter((t) => t.includes('通关') && t.includes('时间'));
    expect(texts.length).toBeGreaterThan(0);
    const at = (text: string, w: string) => [...text.matchAll(new RegExp(w, 'g'))].map((m) => ({ start: m.index!, length: w.length }));
    for (const text of texts) {
      const lists = [at(text, '通关'), at(text, '时间')];
      expect(minimalWindow(lists)).toBe(windowByScan(lists));
      expect(minimalWindow(lists)).toBeGreaterThanOrEqual(4);
    }
    // Written together somewhere (通关时间): the window is exactly the four characters.
    expect(texts.some((t) => t.includes('通关时间'))).toBe(texts.some((t) => minimalWindow([at(t, '通关'), at(t, '时间')]) === 4));
  });
});

describe('a union of postings is every (record field, position) once, in order', () => {
  it('merges any lists of occurrences as sorting their pairs would, a pair in several lists kept once (property)', () => {
    const postings = (service.engine as unknown as { postings: Postings }).postings;
    // One term's occurrences: increasing slots, each with increasing positions.
    const occ = fc
      .uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 12 })
      .chain((slots) => fc.tuple(fc.constant(slots.sort((a, b) => a - b)), fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 6 }), { minLength: slots.length, maxLength: slots.length })))
      .map(([slots, lists]) => {
        const starts = [0];
        const pos: number[] = [];
        lists.forEach((l) => (pos.push(...l.sort((a, b) => a - b)), starts.push(pos.length)));
        return { slots: Int32Array.from(slots), starts: Int32Array.from(starts), pos: Int32Array.from(pos) };
      });
    fc.assert(
      fc.property(fc.array(occ, { maxLength: 6 }), (parts) => {
        const pairs = new Set<number>();
        for (const p of parts) p.slots.forEach((s, i) => { for (let x = p.starts[i]; x < p.starts[i + 1]; x++) pairs.add(s * 1000 + p.pos[x]); });
        const want = [...pairs].sort((a, b) => a - b);
        const u = postings.union(parts);
        const got: number[] = [];
        u.slots.forEach((s, i) => { for (let x = u.starts[i]; x < u.starts[i + 1]; x++) got.push(s * 1000 + u.pos[x]); });
        expect(got).toEqual(want);
        expect(new Set(u.slots).size).toBe(u.slots.length);
      }),
      { numRuns: 400 },
    );
  });

  it('holds every sentence break of the seeds once: the break terms never share a position, so none is lost or doubled', () => {
    const postings = (service.engine as unknown as { postings: Postings }).postings;
    const breaks = postings.union(['。', '；', ';'].map((t) => postings.term(t)));
    const total = ['。', '；', ';'].reduce((n, t) => n + postings.term(t).pos.length, 0);
    expect(breaks.pos.length).toBe(total);
    expect(breaks.pos.length).toBeGreaterThan(100);
  });
});

describe('a page of no hits answers totals and facets', () => {
  it('returns at once with the same total and facets as a page of ten, and no hits', () => {
    for (const q of ['退税', '海关 监管', '']) {
      const none = service.search({ q, size: 0 });
      const ten = service.search({ q, size: 10 });
      expect(none.hits).toEqual([]);
      expect(none.total).toBe(ten.total);
      expect(none.facets).toEqual(ten.facets);
      expect(ten.hits.length).toBeGreaterThan(0);
    }
  });
});
