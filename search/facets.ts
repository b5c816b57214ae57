/**
 * Facets and filters. Values within one facet mean any of them; different facets must all hold. The counts of a
 * facet ignore that facet's own filter, so the user still sees the alternatives they could switch to.
 *
 * Every facet is one entry of FACET_LIST (a new facet is one more entry). The indexer turns each into a column of
 * integer value ids per record (typed arrays in the snapshot: offsets + ids, values sorted in Chinese collation
 * order so ties in counts order by id); at query time filters and counts work on those ids, never on strings.
 */
import { below } from '../indexer/sorted.js';
import type { ReformRecord } from '../indexer/schema.js';

import { FACET_LIST, type FacetColumns, type FacetName } from '../indexer/facet-columns.js';
import { ID_SPAN, fingerprint, topKeys, type StoredCounts } from '../indexer/facet-counts.js';
import { facetRows, ranksOf, reformRows, tallyReforms, type FacetRows, type ReformRows } from '../indexer/facet-tally.js';
import { Lru } from '../analysis/lru.js';
import { gallop } from './match.js';
import { intersectRecords } from './score.js';

export { buildFacetColumns, type FacetColumn, type FacetColumns, type FacetName } from '../indexer/facet-columns.js';

export const FACETS: readonly FacetName[] = FACET_LIST.map((f) => f.name);
export type Filters = Partial<Record<FacetName, string[]>>;

export interface FacetValue {
  value: string;
  count: number;
  /** Human label where the value is a code (the document title for a source file). */
  label?: string;
}

/** The values a record has for a facet. */
export function facetValues(r: ReformRecord, facet: FacetName): string[] {
  return [...FACET_LIST.find((f) => f.name === facet)!.values(r)];
}

/**
 * What a count per reform also finds, in the same pass: the distinct reforms among the records passing every filter.
 * `reforms` stays -1 when the count took a path that reads no records (the empty query's totals), and the caller
 * counts them itself. (How many records of one reform a set holds is asked only for the reforms a page shows: the
 * caller counts those from the reform's few members.)
 */
export interface ReformTally {
  reforms: number;
}

/**
 * Whether increasing, distinct record indexes are every record 0 … N − 1: then the length and the ends decide, with
 * no pass over them (the empty query's set; filters and counts answer it from the snapshot's lists and totals).
 */
export function isEveryRecord(docs: ArrayLike<number>, N: number): boolean {
  return docs.length === N && (N === 0 || (docs[0] === 0 && docs[N - 1] === N - 1));
}

/** At most this many records are tested against filters one by one (more: the filters' value lists are read). */
const FEW = 256;

/** Filters and counts over the columns. */
export class FacetIndex {
  private readonly ids = new Map<FacetName, Map<string, number>>();

  /** Counts stored at build for common terms' record sets (absent: every count is made live). */
  private readonly stored?: StoredSets;

  /**
   * Why a snapshot's stored counts are not used, when it has some: made for other facets or another order of them
   * (another release), so every count is made live rather than one facet's counts shown under another's name.
   */
  readonly storedUnused?: string;

  constructor(
    private readonly columns: FacetColumns,
    counts?: StoredCounts,
  ) {
    if (!counts) return;
    const names = counts.facetNames;
    if (!Array.isArray(names) || names.length !== FACETS.length || names.some((n, f) => n !== FACETS[f])) {
      this.storedUnused = `stored facet counts are for facets ${Array.isArray(names) ? names.join(', ') : '(not named)'}, not ${FACETS.join(', ')}: counted live`;
      return;
    }
    this.stored = new StoredSets(counts, columns);
  }

  /** A value's id (the map is built the first time a facet is filtered on). */
  private valueId(f: FacetName, value: string): number | undefined {
    let m = this.ids.get(f);
    if (!m) this.ids.set(f, (m = new Map(this.columns[f].values.map((v, i) => [v, i]))));
    return m.get(value);
  }

  /** Per facet with a filter, a mark per value id wanted; undefined when no filter is set. */
  private wanted(filters: Filters): (Uint8Array | undefined)[] | undefined {
    let any = false;
    const out = FACETS.map((f) => {
      const want = filters[f];
      if (!want?.length) return undefined;
      any = true;
      const col = this.columns[f];
      const marks = new Uint8Array(col.values.length);
      for (const w of want) {
        const k = this.valueId(f, w);
        if (k !== undefined) marks[k] = 1;
      }
      return marks;
    });
    return any ? out : undefined;
  }

  /** Bit f set when record `doc` fails facet f's filter. */
  private failures(doc: number, wanted: (Uint8Array | undefined)[]): number {
    let fail = 0;
    for (let f = 0; f < FACETS.length; f++) {
      const marks = wanted[f];
      if (!marks) continue;
      const col = this.columns[FACETS[f]];
      let ok = false;
      for (let k = col.offsets[doc]; k < col.offsets[doc + 1]; k++) {
        if (marks[col.ids[k]]) {
          ok = true;
          break;
        }
      }
      if (!ok) fail |= 1 << f;
    }
    return fail;
  }

  /**
   * Which of `docs` pass every filter (a mask aligned with docs), or undefined when no filter is set. The records
   * passing come from the filters' value lists (a few thousand for a region) and are found in docs by one walk
   * (Passed.within, kept for the facet count that follows), so a common word's tens of thousands of matches are not
   * each tested. A few docs (or docs in any order) are each tested directly.
   */
  passing(docs: ArrayLike<number>, filters: Filters): Uint8Array | undefined {
    return this.kept(docs, filters)?.keep;
  }

  /**
   * What passing() gives, with how many of docs pass (the marks set), known without a pass over the marks, and where
   * they are in docs (`at`, increasing: a ranking of a filtered view then reads only them).
   */
  kept(docs: ArrayLike<number>, filters: Filters): { keep: Uint8Array; count: number; at: Int32Array } | undefined {
    const wanted = this.wanted(filters);
    if (!wanted) return undefined;
    const out = new Uint8Array(docs.length);
    if (!(docs instanceof Int32Array) || (docs.length <= FEW && !isEveryRecord(docs, this.recordCount))) {
      // A few records (a hit's printings, a rare word's matches), in any order: each tested against the filters.
      const at = new Int32Array(docs.length);
      let count = 0;
      for (let i = 0; i < docs.length; i++) {
        if (this.failures(docs[i], wanted) !== 0) continue;
        out[i] = 1;
        at[count++] = i;
      }
      return { keep: out, count, at: at.subarray(0, count) };
    }
    const passed = this.passedSet(filters, wanted);
    if (isEveryRecord(docs, this.recordCount)) {
      // Every record (the empty query): the passing records are the marks' positions.
      const pass = passed.docs;
      for (let i = 0; i < pass.length; i++) out[pass[i]] = 1;
      return { keep: out, count: pass.length, at: pass };
    }
    const at = passed.within(docs, this.recordCount);
    for (let i = 0; i < at.length; i++) out[at[i]] = 1;
    return { keep: out, count: at.length, at };
  }

  /**
   * Per record, 1 when it passes every filter (undefined when no filter is set), kept with the filter set's records:
   * a page tests a reform's printings against the filters by reading marks.
   */
  recordsPassing(filters: Filters): Uint8Array | undefined {
    const wanted = this.wanted(filters);
    return wanted ? this.passedSet(filters, wanted).byDoc(this.recordCount) : undefined;
  }

  /**
   * The records of one reform that pass every filter (increasing), as a function of the reform's records (all of
   * them, increasing), or undefined when no filter is set. A reform's records are one run of places in reformOf's
   * reform order (indexer/facet-tally.ts reformRows), so they are found by two binary searches in the passing records'
   * places (sorted once per filter set, kept with its records), not by testing every record of a reform printed
   * thousands of times (a reform of the generated 100k corpus has 9,543 printings, and a topical page shows ten).
   */
  reformPassing(filters: Filters, reformOf: Int32Array): ((members: readonly number[]) => Int32Array) | undefined {
    const wanted = this.wanted(filters);
    if (!wanted) return undefined;
    const { rank, order } = this.reformRows(reformOf);
    const places = this.passedSet(filters, wanted).places(rank);
    return (members) => {
      if (!members.length) return new Int32Array(0);
      const from = below(places, rank[members[0]]);
      const to = below(places, rank[members[0]] + members.length);
      const out = new Int32Array(to - from);
      // Places within a reform follow record order (reformRows), so these come out increasing.
      for (let p = from; p < to; p++) out[p - from] = order[places[p]];
      return out;
    };
  }

  /**
   * The records passing every filter (increasing), kept for the last few filter sets: a search's filtering and its
   * facet counts both read them, and users filter the same way query after query. Cleared with the query caches.
   */
  private readonly passed = new Lru<string, Passed>(8);

  private passedSet(filters: Filters, wanted: (Uint8Array | undefined)[]): Passed {
    const key = JSON.stringify(FACETS.map((f) => filters[f] ?? []));
    let pass = this.passed.get(key);
    if (!pass) this.passed.set(key, (pass = new Passed(this.matching(wanted))));
    return pass;
  }

  /**
   * Counts of matched sets answered from the stored counts (`storedFiltered` of them with one facet filtered) and
   * counted live, since load (for tests and benchmarks).
   */
  readonly counted = { stored: 0, storedFiltered: 0, live: 0 };

  /** Result sets the snapshot stores counts for. */
  get storedSets(): number {
    return this.stored?.size ?? 0;
  }

  /** Forget the filtered record lists (benchmarks measure first-seen queries with every cache cleared). */
  clearCache(): void {
    this.passed.clear();
  }

  /** Records in the snapshot. */
  private get recordCount(): number {
    return this.columns[FACETS[0]].offsets.length - 1;
  }

  /** Per facet, the records holding each value (value k's records are docs[start[k]] … docs[start[k + 1] − 1]), built on first filter. */
  private readonly byValue = new Map<FacetName, { start: Uint32Array; docs: Int32Array }>();

  private valueDocs(f: FacetName): { start: Uint32Array; docs: Int32Array } {
    let lists = this.byValue.get(f);
    if (lists) return lists;
    const { values, offsets, ids } = this.columns[f];
    const start = new Uint32Array(values.length + 1);
    for (let k = 0; k < ids.length; k++) start[ids[k] + 1]++;
    for (let v = 0; v < values.length; v++) start[v + 1] += start[v];
    const fill = start.slice(0, values.length);
    const docs = new Int32Array(ids.length);
    const N = offsets.length - 1;
    for (let d = 0; d < N; d++) for (let k = offsets[d]; k < offsets[d + 1]; k++) docs[fill[ids[k]]++] = d;
    this.byValue.set(f, (lists = { start, docs }));
    return lists;
  }

  /** Records (increasing) passing every filter except facet `skip`'s, from the value lists. */
  private matching(wanted: (Uint8Array | undefined)[], skip = -1): Int32Array {
    const N = this.recordCount;
    let out: Int32Array | undefined;
    for (let f = 0; f < FACETS.length; f++) {
      const marks = wanted[f];
      if (!marks || f === skip) continue;
      const { start, docs } = this.valueDocs(FACETS[f]);
      let only = -1;
      for (let v = 0; v < marks.length; v++) if (marks[v]) only = only === -1 ? v : -2;
      if (only >= 0) {
        // One value (a region): its list is already increasing, so no pass over every record; met with the other
        // facets' records by one merge.
        const list = docs.subarray(start[only], start[only + 1]);
        out = out ? intersectRecords(out, list) : list.slice();
        continue;
      }
      // The union of the wanted values' lists (a record may hold several of them), increasing.
      const seen = new Uint8Array(N);
      let n = 0;
      for (let v = 0; v < marks.length; v++) if (marks[v]) for (let k = start[v]; k < start[v + 1]; k++) if (!seen[docs[k]]) seen[docs[k]] = 1, n++;
      const next = new Int32Array(out ? Math.min(n, out.length) : n);
      let m = 0;
      if (out) {
        for (let i = 0; i < out.length; i++) if (seen[out[i]]) next[m++] = out[i];
      } else {
        for (let d = 0; d < N && m < n; d++) if (seen[d]) next[m++] = d;
      }
      out = next.subarray(0, m);
    }
    return out ?? Int32Array.from({ length: N }, (_, i) => i);
  }

  /**
   * Per facet, each value's count of reforms over every record: the empty query's counts, a property of the
   * snapshot computed on first use (per reformOf array; `undefined` counts records).
   */
  private everything?: { reformOf?: Int32Array; counts: Uint32Array[] };

  private totals(reformOf?: Int32Array): Uint32Array[] {
    if (this.everything && this.everything.reformOf === reformOf) return this.everything.counts;
    const N = this.recordCount;
    const all = Int32Array.from({ length: N }, (_, i) => i);
    const counts = this.tally(all, undefined, reformOf);
    this.everything = { reformOf, counts };
    return counts;
  }

  /** Counts per facet over docs; a facet's own filter is ignored for its counts. `size` 0 = every value. */
  count(docs: ArrayLike<number>, filters: Filters, size = 0, reformOf?: Int32Array, reforms?: ReformTally): Record<FacetName, FacetValue[]> {
    const wanted = this.wanted(filters);
    const everything = isEveryRecord(docs, this.recordCount);
    // Every record unfiltered (the empty query): the snapshot's totals, not a pass over every record.
    let counts: Uint32Array[];
    if (everything && !wanted) counts = this.totals(reformOf);
    else if (everything && wanted) {
      // Every record, filtered (the empty query with facets chosen): each facet counts the records passing the other
      // facets' filters, found from the value lists; a facet no other filter constrains has the snapshot's totals.
      const filtered = wanted.flatMap((w, f) => (w ? [f] : []));
      const all = this.passedSet(filters, wanted).docs;
      const full = this.tally(all, undefined, reformOf, reforms);
      const totals = this.totals(reformOf);
      counts = FACETS.map((_, f) => {
        if (!wanted[f]) return full[f];
        if (filtered.length === 1) return totals[f];
        return this.tally(this.matching(wanted, f), undefined, reformOf)[f];
      });
    } else {
      const stored = reformOf ? this.fromStore(docs, filters, wanted, size, reformOf, reforms) : undefined;
      if (stored) {
        this.counted.stored++;
        return stored;
      }
      this.counted.live++;
      counts = this.tally(docs, wanted, reformOf, reforms, filters);
    }
    return this.listed(counts, size);
  }

  /**
   * The counts per reform of a result set the build stored counts for (a common word's records), when the request
   * can be answered from them: unfiltered, the stored lists; with one facet filtered, that facet's stored list (its
   * counts ignore its own filter, so they are the set's) and the other facets counted over the few records passing
   * the filter. Several filters, or more values than were stored, are counted live (undefined).
   */
  private fromStore(docs: ArrayLike<number>, filters: Filters, wanted: (Uint8Array | undefined)[] | undefined, size: number, reformOf: Int32Array, reforms?: ReformTally): Record<FacetName, FacetValue[]> | undefined {
    const store = this.stored;
    if (!store || !(docs instanceof Int32Array)) return undefined;
    let facet = -1;
    if (wanted) {
      for (let f = 0; f < wanted.length; f++) {
        if (!wanted[f]) continue;
        if (facet >= 0) return undefined;
        facet = f;
      }
    }
    const s = store.find(docs, reformOf);
    if (s < 0) return undefined;
    const out = {} as Record<FacetName, FacetValue[]>;
    if (facet < 0) {
      for (let f = 0; f < FACETS.length; f++) {
        const list = store.list(s, f, size);
        if (!list) return undefined;
        out[FACETS[f]] = list;
      }
      if (reforms) reforms.reforms = store.reforms(s);
      return out;
    }
    const own = store.list(s, facet, size);
    if (!own) return undefined;
    // The records passing the filter among the set's: the walk passing() made for the same docs (Passed.within).
    const at = this.passedSet(filters, wanted!).within(docs, this.recordCount);
    const kept = new Int32Array(at.length);
    for (let i = 0; i < at.length; i++) kept[i] = docs[at[i]];
    const live = this.listed(this.tally(kept, undefined, reformOf, reforms), size);
    live[FACETS[facet]] = own;
    this.counted.storedFiltered++;
    return live;
  }

  /** Every record's values of every facet in one row (indexer/facet-tally.ts: the layout the build's stored counts
   *  are made from), built on first use. */
  private rows?: FacetRows;

  private rowIndex(): FacetRows {
    return (this.rows ??= facetRows(this.columns));
  }

  /**
   * The rows again, in reform order (indexer/facet-tally.ts reformRows), built once per reformOf. `own[f]`: facet f's
   * entries alone in that order (what a record failing f's filter counts), built when f is first filtered on.
   */
  private byReform?: ReformRowsOwn;

  private reformRows(reformOf: Int32Array): ReformRowsOwn {
    if (this.byReform?.reformOf === reformOf) return this.byReform;
    const rows = this.rowIndex();
    const r = reformRows(rows, reformOf);
    return (this.byReform = { ...r, own: [], short: rows.size <= 0x10000 ? Uint16Array.from(r.ids) : undefined });
  }

  /** Facet f's entries (global ids) in reform order: what a record failing only f's filter counts. */
  private ownRows(r: ReformRowsOwn, f: number): { start: Int32Array; ids: Int32Array } {
    let own = r.own[f];
    if (own) return own;
    const { base } = this.rowIndex();
    const { offsets, ids: col } = this.columns[FACETS[f]];
    const N = r.order.length;
    const start = new Int32Array(N + 1);
    const ids = new Int32Array(col.length);
    let n = 0;
    for (let k = 0; k < N; k++) {
      start[k] = n;
      const d = r.order[k];
      for (let j = offsets[d]; j < offsets[d + 1]; j++) ids[n++] = base[f] + col[j];
    }
    start[N] = n;
    return (r.own[f] = own = { start, ids });
  }

  /**
   * With exactly one facet filtered (a region), each record either passes or fails that facet alone: which, from the
   * records passing, as a mark per record (in record order, or in reform order when `byRank` is given) kept with the
   * filter set's cached list, so a second count under the same filters builds no mask. A failing record counts only
   * for that facet, read from its own column.
   */
  private singleFilter(filters: Filters, wanted: (Uint8Array | undefined)[], byRank?: Int32Array): Single | undefined {
    let facet = -1;
    for (let f = 0; f < wanted.length; f++) {
      if (!wanted[f]) continue;
      if (facet >= 0) return undefined;
      facet = f;
    }
    if (facet < 0) return undefined;
    const passed = this.passedSet(filters, wanted);
    return { facet, pass: byRank ? passed.byRank(byRank) : passed.byDoc(this.recordCount) };
  }

  /**
   * Counts per global value id over docs: per reform when reformOf is given (a value counts once per reform: the
   * reform that last counted it is kept), else per record. A record failing some filter counts only for the facet
   * it fails, when that is its only failure (a facet's counts ignore its own filter). With reformOf, `reforms`
   * receives the distinct reforms among the records passing every filter. The loops are written out per case (no
   * filter: the build's own count, indexer/facet-tally.ts; one facet filtered; several): each is one tight pass in
   * reform order.
   */
  private tally(docs: ArrayLike<number>, wanted: (Uint8Array | undefined)[] | undefined, reformOf?: Int32Array, reforms?: ReformTally, filters?: Filters): Uint32Array[] {
    const rows = this.rowIndex();
    const { facetOf, base, size } = rows;
    const counts = new Uint32Array(size);
    if (reformOf) {
      const r = this.reformRows(reformOf);
      const { reformAt, start, ids } = r;
      const ranks = ranksOf(docs, r.rank);
      const last = new Int32Array(size).fill(-1);
      // Ranks are in reform order: the reforms of the records passing every filter come in runs, counted here.
      let distinct = 0;
      let current = -1;
      const single = wanted && filters && docs.length > FEW ? this.singleFilter(filters, wanted, r.rank) : undefined;
      if (!wanted) distinct = r.short ? tallyShort(ranks, r, r.short, counts, last) : tallyReforms(ranks, r, counts, last);
      else if (single) {
        const pass = single.pass;
        const own = this.ownRows(r, single.facet);
        for (let i = 0; i < ranks.length; i++) {
          const k = ranks[i];
          const reform = reformAt[k];
          let j = start[k];
          let end = start[k + 1];
          let from = ids;
          if (pass[k]) {
            if (reform !== current) (current = reform), distinct++;
          } else {
            // Failing the one filter: it counts for that facet only.
            j = own.start[k];
            end = own.start[k + 1];
            from = own.ids;
          }
          for (; j < end; j++) {
            const id = from[j];
            if (last[id] !== reform) (last[id] = reform), counts[id]++;
          }
        }
      } else {
        const { order } = r;
        for (let i = 0; i < ranks.length; i++) {
          const k = ranks[i];
          const reform = reformAt[k];
          // A record failing another facet's filter does not count there; its own facet's filter is ignored.
          const fail = this.failures(order[k], wanted);
          if (fail === 0 && reform !== current) (current = reform), distinct++;
          for (let j = start[k], end = start[k + 1]; j < end; j++) {
            const id = ids[j];
            if (fail !== 0 && (fail & ~(1 << facetOf[id])) !== 0) continue;
            if (last[id] !== reform) (last[id] = reform), counts[id]++;
          }
        }
      }
      if (reforms) reforms.reforms = distinct;
    } else {
      const { start, ids } = rows;
      const single = wanted && filters && docs.length > FEW ? this.singleFilter(filters, wanted) : undefined;
      const own = single ? this.columns[FACETS[single.facet]] : undefined;
      const ownBase = single ? base[single.facet] : 0;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i];
        const fail = single ? (single.pass[doc] ? 0 : 1 << single.facet) : wanted ? this.failures(doc, wanted) : 0;
        if (fail !== 0 && own) {
          for (let j = own.offsets[doc]; j < own.offsets[doc + 1]; j++) counts[ownBase + own.ids[j]]++;
          continue;
        }
        for (let k = start[doc]; k < start[doc + 1]; k++) {
          const id = ids[k];
          if (fail !== 0 && (fail & ~(1 << facetOf[id])) !== 0) continue;
          counts[id]++;
        }
      }
    }
    return FACETS.map((f, fi) => counts.subarray(base[fi], base[fi] + this.columns[f].values.length));
  }

  /** The first `size` values of each facet by count, then collation order (0: every value). */
  private listed(counts: Uint32Array[], size: number): Record<FacetName, FacetValue[]> {
    const out = {} as Record<FacetName, FacetValue[]>;
    FACETS.forEach((f, fi) => {
      const col = this.columns[f];
      const c = counts[fi];
      let keys: Float64Array;
      if (c.length <= ID_SPAN) keys = topKeys(c, size);
      else {
        // More distinct values than the key holds (never in practice): compare counts, then ids.
        const ids = Array.from({ length: c.length }, (_, k) => k).filter((k) => c[k]);
        ids.sort((a, b) => c[b] - c[a] || a - b);
        keys = Float64Array.from(size > 0 ? ids.slice(0, size) : ids);
      }
      const list: FacetValue[] = new Array(keys.length);
      for (let x = 0; x < keys.length; x++) {
        const k = c.length <= ID_SPAN ? ID_SPAN - 1 - (keys[x] % ID_SPAN) : keys[x];
        list[x] = col.labels ? { value: col.values[k], count: c[k], label: col.labels[k] } : { value: col.values[k], count: c[k] };
      }
      out[f] = list;
    });
    return out;
  }
}

/** One facet filtered: which records pass it, a mark per record or per rank in reform order. */
interface Single {
  facet: number;
  pass: Uint8Array;
}

/** The rows in reform order (FacetIndex.reformRows), with each filtered facet's own entries in that order. */
interface ReformRowsOwn extends ReformRows {
  own: ({ start: Int32Array; ids: Int32Array } | undefined)[];
  /** `ids` again as 16-bit numbers, when every global id fits (tallyShort); undefined otherwise. */
  short?: Uint16Array;
}

/**
 * indexer/facet-tally.ts tallyReforms (the same loop, so the same counts) over the rows' ids as 16-bit numbers: a count
 * reads one row per matched record, scattered over the rows, and at half the bytes more of them stay in cache (at 100k,
 * 3,251 values: the rows' 1.9 MB of ids become 0.96 MB). In situ, interleaved per count at 100k (load ~17, median CPU
 * of 100 counts): 船舶 登记 747 → 559 µs, 融资 -银行 784 → 419, 跨境电商 退货 663 → 632, 企业 登记 701 → 678.
 */
function tallyShort(ranks: ArrayLike<number>, r: ReformRows, ids: Uint16Array, counts: Uint32Array, last: Int32Array): number {
  const { reformAt, start } = r;
  let distinct = 0;
  let current = -1;
  for (let i = 0; i < ranks.length; i++) {
    const k = ranks[i];
    const reform = reformAt[k];
    if (reform !== current) (current = reform), distinct++;
    for (let j = start[k], end = start[k + 1]; j < end; j++) {
      const id = ids[j];
      if (last[id] !== reform) (last[id] = reform), counts[id]++;
    }
  }
  return distinct;
}

/**
 * The records passing one filter set (increasing), and the same as marks, built when a count first asks: per record,
 * or per place in reform order. A class (see analysis/lru.ts): the cache lets go of it whole when it leaves.
 */
export class Passed {
  private doc?: Uint8Array;
  private rank?: { of: Int32Array; mask: Uint8Array };
  /** The last walk of `within`: a search filters its matches (passing) and then counts them (fromStore), one walk. */
  private met?: { docs: Int32Array; at: Int32Array };

  constructor(readonly docs: Int32Array) {}

  /**
   * Where in `docs` (increasing) the passing records are, increasing. Galloped when the passing records are under
   * 1/16 of docs (a region's few thousand in a common word's tens of thousands), else each of docs read in the marks
   * per record (byDoc, which a page's copies read too), with no branch: a merge of the two lists mispredicted on
   * about every step (审批 @广东 at 100k: 0.2 ms).
   */
  within(docs: Int32Array, N: number): Int32Array {
    if (this.met?.docs === docs) return this.met.at;
    const pass = this.docs;
    let at: Int32Array;
    let n = 0;
    if (pass.length * 16 < docs.length) {
      at = new Int32Array(Math.min(pass.length, docs.length));
      for (let i = 0, j = 0; i < pass.length && j < docs.length; i++) {
        j = gallop(docs, pass[i], j);
        if (j < docs.length && docs[j] === pass[i]) at[n++] = j;
      }
    } else {
      const marks = this.byDoc(N);
      at = new Int32Array(docs.length + 1);
      for (let i = 0; i < docs.length; i++) {
        at[n] = i;
        n += marks[docs[i]];
      }
    }
    this.met = { docs, at: at.subarray(0, n) };
    return this.met.at;
  }

  byDoc(N: number): Uint8Array {
    if (!this.doc) {
      this.doc = new Uint8Array(N);
      for (let i = 0; i < this.docs.length; i++) this.doc[this.docs[i]] = 1;
    }
    return this.doc;
  }

  /** The passing records' places in reform order (ranks), increasing. */
  places(rank: Int32Array): Int32Array {
    if (this.ranked?.of !== rank) this.ranked = { of: rank, places: ranksOf(this.docs, rank) };
    return this.ranked.places;
  }

  private ranked?: { of: Int32Array; places: Int32Array };

  byRank(rank: Int32Array): Uint8Array {
    if (this.rank?.of !== rank) {
      const mask = new Uint8Array(rank.length);
      for (let i = 0; i < this.docs.length; i++) mask[rank[this.docs[i]]] = 1;
      this.rank = { of: rank, mask };
    }
    return this.rank.mask;
  }
}

/**
 * The stored counts of a snapshot (indexer/facet-counts.ts), checked when loaded: a damaged table is refused, not
 * half-used. A result set is recognised by its length and fingerprint; the counts hold only under the reform grouping
 * they were made with, checked once per grouping (a body whose links differ from the build's counts live).
 */
class StoredSets {
  private readonly byLength = new Map<number, number[]>();
  private grouping?: { reformOf: Int32Array; same: boolean };

  constructor(
    private readonly c: StoredCounts,
    private readonly columns: FacetColumns,
  ) {
    const bad = (what: string) => new Error(`damaged snapshot: stored facet counts ${what}`);
    const S = c.length?.length ?? 0;
    const F = FACETS.length;
    const arrays = [c.reformKey, c.length, c.hash, c.reforms, c.nonzero, c.start, c.ids, c.counts];
    if (!arrays.every((a) => a instanceof Uint32Array)) throw bad('are not typed arrays');
    if (c.facets !== F || c.reformKey.length !== 2) throw bad(`are for ${c.facets} facets, not ${F}`);
    if (c.hash.length !== 2 * S || c.reforms.length !== S || c.nonzero.length !== S * F || c.start.length !== S * F + 1) throw bad('have tables of unequal lengths');
    if (c.start[0] !== 0 || c.start[S * F] !== c.ids.length || c.ids.length !== c.counts.length) throw bad('do not cover their values');
    for (let s = 0; s < S; s++) {
      if (c.length[s] < c.minRecords || c.reforms[s] > c.length[s]) throw bad(`of set ${s} are out of range`);
      for (let f = 0; f < F; f++) {
        const from = c.start[s * F + f];
        const to = c.start[s * F + f + 1];
        const values = columns[FACETS[f]].values.length;
        // perFacet 0 keeps every value.
        const cap = c.perFacet > 0 ? Math.min(c.perFacet, c.nonzero[s * F + f]) : c.nonzero[s * F + f];
        if (to < from || to - from > cap || c.nonzero[s * F + f] > values) throw bad(`of set ${s} list too many values`);
        for (let j = from; j < to; j++) if (c.ids[j] >= values || c.counts[j] === 0 || c.counts[j] > c.reforms[s]) throw bad(`of set ${s} name a value or count out of range`);
      }
      const same = this.byLength.get(c.length[s]);
      if (same) same.push(s);
      else this.byLength.set(c.length[s], [s]);
    }
  }

  /** The stored set that is docs (increasing record indexes), or −1. The fingerprint is taken only when a set has docs' length. */
  find(docs: Int32Array, reformOf: Int32Array): number {
    if (docs.length < this.c.minRecords) return -1;
    const candidates = this.byLength.get(docs.length);
    if (!candidates) return -1;
    if (this.grouping?.reformOf !== reformOf) {
      const [a, b] = fingerprint(reformOf);
      this.grouping = { reformOf, same: a === this.c.reformKey[0] && b === this.c.reformKey[1] };
    }
    if (!this.grouping.same) return -1;
    const [h0, h1] = fingerprint(docs);
    for (const s of candidates) if (this.c.hash[2 * s] === h0 && this.c.hash[2 * s + 1] === h1) return s;
    return -1;
  }

  get size(): number {
    return this.c.length.length;
  }

  reforms(s: number): number {
    return this.c.reforms[s];
  }

  /** Facet f's first `size` values (0: all) of set s, or undefined when more were asked than were stored. */
  list(s: number, f: number, size: number): FacetValue[] | undefined {
    const { start, ids, counts, nonzero } = this.c;
    const k = s * FACETS.length + f;
    const kept = start[k + 1] - start[k];
    const n = size > 0 ? Math.min(size, nonzero[k]) : nonzero[k];
    if (n > kept) return undefined;
    const col = this.columns[FACETS[f]];
    const out: FacetValue[] = new Array(n);
    for (let x = 0; x < n; x++) {
      const v = ids[start[k] + x];
      out[x] = col.labels ? { value: col.values[v], count: counts[start[k] + x], label: col.labels[v] } : { value: col.values[v], count: counts[start[k] + x] };
    }
    return out;
  }
}
