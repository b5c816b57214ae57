/**
 * Facets and filters. Values within one facet mean any of them; different facets must all hold. The counts of a
 * facet ignore that facet's own filter, so the user still sees the alternatives they could switch to.
 *
 * Every facet is one entry of FACET_LIST (a new facet is one more entry). The indexer turns each into a column of
 * integer value ids per record (typed arrays in the snapshot: offsets + ids, values sorted in Chinese collation
 * order so ties in counts order by id); at query time filters and counts work on those ids, never on strings.
 */
import type { ReformRecord } from '../indexer/schema.js';

import { FACET_LIST, type FacetColumns, type FacetName } from '../indexer/facet-columns.js';

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

/** Value ids are below this (2^22), so count × ID_SPAN + id is exact in a double for any count below 2^31. */
const ID_SPAN = 2 ** 22;

/** Filters and counts over the columns. */
export class FacetIndex {
  private readonly ids = new Map<FacetName, Map<string, number>>();

  constructor(private readonly columns: FacetColumns) {}

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

  /** Which of `docs` pass every filter (a mask aligned with docs), or undefined when no filter is set. */
  passing(docs: ArrayLike<number>, filters: Filters): Uint8Array | undefined {
    const wanted = this.wanted(filters);
    if (!wanted) return undefined;
    const out = new Uint8Array(docs.length);
    for (let i = 0; i < docs.length; i++) out[i] = this.failures(docs[i], wanted) === 0 ? 1 : 0;
    return out;
  }

  /** Per facet, each value's count over every record (a property of the snapshot, computed on first use). */
  private totals?: Uint32Array[];
  /** Reforms as a CSR over records (each reform's records at start[r] … start[r+1] of members), and per facet
   * each value's count of reforms: properties of the snapshot, computed on first use per reformOf array. */
  private byReform?: { reformOf: Int32Array; start: Int32Array; members: Int32Array; totals: Uint32Array[] };
  /** Scratch per record and per value, reset after each count (counts run one at a time). */
  private at?: Int32Array;
  private stampOf?: Int32Array[];
  private touched?: Int32Array;

  private records(): number {
    return this.columns[FACETS[0]].offsets.length - 1;
  }

  private facetTotals(): Uint32Array[] {
    return (this.totals ??= FACETS.map((f) => {
      const { ids, values } = this.columns[f];
      const c = new Uint32Array(values.length);
      for (let k = 0; k < ids.length; k++) c[ids[k]]++;
      return c;
    }));
  }

  private reforms(reformOf: Int32Array) {
    if (this.byReform?.reformOf === reformOf) return this.byReform;
    const N = reformOf.length;
    const start = new Int32Array(N + 1);
    for (let i = 0; i < N; i++) start[reformOf[i] + 1]++;
    for (let r = 0; r < N; r++) start[r + 1] += start[r];
    const fill = start.slice(0, N);
    const members = new Int32Array(N);
    for (let i = 0; i < N; i++) members[fill[reformOf[i]]++] = i;
    const stamp = new Int32Array(Math.max(0, ...FACETS.map((f) => this.columns[f].values.length))).fill(-1);
    const totals = FACETS.map((f) => {
      const { offsets, ids, values } = this.columns[f];
      const c = new Uint32Array(values.length);
      for (let r = 0; r < N; r++) {
        for (let j = start[r]; j < start[r + 1]; j++) {
          const d = members[j];
          for (let k = offsets[d]; k < offsets[d + 1]; k++) if (stamp[ids[k]] !== r) (stamp[ids[k]] = r), c[ids[k]]++;
        }
      }
      stamp.fill(-1);
      return c;
    });
    return (this.byReform = { reformOf, start, members, totals });
  }

  /**
   * Counts per facet over docs; a facet's own filter is ignored for its counts. `size` 0 = every value. With
   * `reformOf`, a value counts once per reform however many of its printings are in docs.
   *
   * The cost follows the smaller side, not the result: a facet's counts over a set holding most records are its
   * totals minus the records outside the set (an empty query or a common word walks the few records it lacks), and
   * reforms are counted as records, then the few reforms printed several times are corrected.
   */
  count(docs: ArrayLike<number>, filters: Filters, size = 0, reformOf?: Int32Array): Record<FacetName, FacetValue[]> {
    const N = this.records();
    const n = docs.length;
    const wanted = this.wanted(filters);
    let fails: Uint8Array | undefined;
    if (wanted) {
      fails = new Uint8Array(n);
      for (let i = 0; i < n; i++) fails[i] = this.failures(docs[i], wanted);
    }
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = docs[i - 1] < docs[i];
    // Where each record sits in docs (-1: absent), for the complement walk and the reform checks.
    const at = (this.at ??= new Int32Array(N).fill(-1));
    // Every record, unfiltered (an empty query): each facet's counts are its totals, nothing to look up.
    const everything = sorted && n === N && !fails;
    if (!everything) for (let i = 0; i < n; i++) at[docs[i]] = i;
    const R = reformOf ? this.reforms(reformOf) : undefined;
    try {
      const counts = FACETS.map((f, fi) => {
        const { offsets, ids, values } = this.columns[f];
        if (!values.length) return new Uint32Array(0);
        const others = ~(1 << fi);
        const inSet = (d: number) => {
          const i = at[d];
          return i >= 0 && (!fails || (fails[i] & others) === 0);
        };
        let size = n;
        if (fails) for (let i = 0; i < n; i++) if (fails[i] & others) size--;
        // Per value, the last reform (or record) that counted it.
        const stamp = ((this.stampOf ??= [])[fi] ??= new Int32Array(values.length).fill(-1));
        let c: Uint32Array;
        try {
          if (!(sorted && size * 2 > N)) {
            // Few records: count them; a reform printed several times is counted once, over its records in the set.
            c = new Uint32Array(values.length);
            const touched = R ? (this.touched ??= new Int32Array(N + 1)) : undefined;
            for (let i = 0; i < n; i++) {
              if (fails && fails[i] & others) continue;
              const d = docs[i];
              const r = reformOf ? reformOf[d] : d;
              if (!R || R.start[r + 1] - R.start[r] === 1) {
                for (let k = offsets[d]; k < offsets[d + 1]; k++) c[ids[k]]++;
                continue;
              }
              if (touched![r]) continue;
              touched![r] = 1;
              for (let j = R.start[r]; j < R.start[r + 1]; j++) {
                const m = R.members[j];
                if (!inSet(m)) continue;
                for (let k = offsets[m]; k < offsets[m + 1]; k++) if (stamp[ids[k]] !== r) (stamp[ids[k]] = r), c[ids[k]]++;
              }
            }
            if (touched) for (let i = 0; i < n; i++) touched[reformOf![docs[i]]] = 0;
          } else if (!R) {
            // Most records: the totals less the records outside the set.
            c = this.facetTotals()[fi].slice();
            if (size < N) for (let d = 0; d < N; d++) if (!inSet(d)) for (let k = offsets[d]; k < offsets[d + 1]; k++) c[ids[k]]--;
          } else {
            // Most records, counting reforms: a reform with a record outside the set loses the values that none of
            // its records inside the set has.
            c = R.totals[fi].slice();
            if (size < N) {
              const touched = (this.touched ??= new Int32Array(N + 1));
              for (let d = 0; d < N; d++) {
                if (inSet(d)) continue;
                const r = reformOf![d];
                if (touched[r]) continue;
                touched[r] = 1;
                const from = R.start[r];
                const to = R.start[r + 1];
                // Values held inside the set, stamped 2r; held outside only, stamped 2r+1 then taken back.
                for (let j = from; j < to; j++) {
                  const m = R.members[j];
                  if (!inSet(m)) continue;
                  for (let k = offsets[m]; k < offsets[m + 1]; k++) stamp[ids[k]] = 2 * r;
                }
                for (let j = from; j < to; j++) {
                  const m = R.members[j];
                  if (inSet(m)) continue;
                  for (let k = offsets[m]; k < offsets[m + 1]; k++) {
                    if (stamp[ids[k]] === 2 * r || stamp[ids[k]] === 2 * r + 1) continue;
                    stamp[ids[k]] = 2 * r + 1;
                    c[ids[k]]--;
                  }
                }
              }
              for (let d = 0; d < N; d++) if (!inSet(d)) touched[reformOf![d]] = 0;
            }
          }
        } finally {
          stamp.fill(-1);
        }
        return c;
      });
      const out = {} as Record<FacetName, FacetValue[]>;
      FACETS.forEach((f, fi) => {
        const col = this.columns[f];
        const c = counts[fi];
        // Count, then collation order (value ids are in collation order): both in one number per value, so the
        // values sort natively rather than through a comparison callback.
        let nonzero = 0;
        for (let k = 0; k < c.length; k++) if (c[k]) nonzero++;
        const keys = new Float64Array(nonzero);
        let j = 0;
        for (let k = 0; k < c.length; k++) if (c[k]) keys[j++] = c[k] * ID_SPAN + (ID_SPAN - 1 - k);
        if (c.length <= ID_SPAN) keys.sort().reverse();
        else {
          // More distinct values than the key holds (never in practice): compare counts, then ids.
          const ids = Array.from({ length: c.length }, (_, k) => k).filter((k) => c[k]);
          ids.sort((a, b) => c[b] - c[a] || a - b);
          ids.forEach((k, x) => (keys[x] = k));
        }
        const shown = size > 0 ? Math.min(size, nonzero) : nonzero;
        const list: FacetValue[] = new Array(shown);
        for (let x = 0; x < shown; x++) {
          const k = c.length <= ID_SPAN ? ID_SPAN - 1 - (keys[x] % ID_SPAN) : keys[x];
          list[x] = col.labels ? { value: col.values[k], count: c[k], label: col.labels[k] } : { value: col.values[k], count: c[k] };
        }
        out[f] = list;
      });
      return out;
    } finally {
      if (!everything) for (let i = 0; i < n; i++) at[docs[i]] = -1;
    }
  }
}
