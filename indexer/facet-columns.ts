/**
 * Facet columns, built by the indexer: every facet is one entry of FACET_LIST (a new facet is one more entry),
 * turned into a column of integer value ids per record (typed arrays in the snapshot: offsets + ids, values sorted
 * in Chinese collation order so ties in counts order by id). search/facets.ts filters and counts on these ids.
 */
import type { ReformRecord } from './schema.js';

export const FACET_LIST = [
  { name: 'region', values: (r: ReformRecord) => r.regions },
  { name: 'category', values: (r: ReformRecord) => (r.category ? [r.category] : []) },
  { name: 'department', values: (r: ReformRecord) => r.departments },
  /** Labelled with the document's own title. */
  { name: 'source', values: (r: ReformRecord) => [r.source.file], label: (r: ReformRecord) => r.source.title },
  { name: 'scope', values: (r: ReformRecord) => (r.scope ? [r.scope] : []) },
  { name: 'policyArea', values: (r: ReformRecord) => r.policyAreas ?? [] },
  { name: 'scopeLevel', values: (r: ReformRecord) => r.scopeLevels ?? [] },
] as const;

export type FacetName = (typeof FACET_LIST)[number]['name'];

/** One facet as stored: record r has ids[offsets[r] … offsets[r+1]) into values. */
export interface FacetColumn {
  values: string[];
  labels?: string[];
  offsets: Uint32Array;
  ids: Uint32Array;
}

export type FacetColumns = Record<FacetName, FacetColumn>;

/** Build the columns at index time. */
export function buildFacetColumns(records: ReformRecord[]): FacetColumns {
  const out = {} as FacetColumns;
  for (const def of FACET_LIST) {
    const distinct = new Set<string>();
    for (const r of records) for (const v of def.values(r)) distinct.add(v);
    const values = [...distinct].sort((a, b) => a.localeCompare(b, 'zh') || (a < b ? -1 : a > b ? 1 : 0));
    const id = new Map(values.map((v, i) => [v, i]));
    const offsets = new Uint32Array(records.length + 1);
    const ids: number[] = [];
    const labels: string[] = new Array(values.length).fill('');
    records.forEach((r, i) => {
      for (const v of new Set(def.values(r))) {
        ids.push(id.get(v)!);
        if ('label' in def) labels[id.get(v)!] = def.label(r);
      }
      offsets[i + 1] = ids.length;
    });
    out[def.name] = { values, offsets, ids: Uint32Array.from(ids), ...('label' in def ? { labels } : {}) };
  }
  return out;
}

