/**
 * Facets and filters. Values within one facet mean any of them; different facets must all hold. The counts of a
 * facet ignore that facet's own filter, so the user still sees the alternatives they could switch to.
 */
import type { ReformRecord } from '../indexer/schema.js';

export const FACETS = ['region', 'category', 'department', 'source', 'scope'] as const;
export type FacetName = (typeof FACETS)[number];
export type Filters = Partial<Record<FacetName, string[]>>;

export interface FacetValue {
  value: string;
  count: number;
  /** Human label where the value is a code (the document title for a source file). */
  label?: string;
}

/** The values a record has for a facet. */
export function facetValues(r: ReformRecord, facet: FacetName): string[] {
  switch (facet) {
    case 'region':
      return r.regions;
    case 'category':
      return r.category ? [r.category] : [];
    case 'department':
      return r.departments;
    case 'source':
      return [r.source.file];
    case 'scope':
      return r.scope ? [r.scope] : [];
  }
}

function passes(r: ReformRecord, filters: Filters, skip?: FacetName): boolean {
  for (const f of FACETS) {
    if (f === skip) continue;
    const wanted = filters[f];
    if (!wanted?.length) continue;
    const have = facetValues(r, f);
    if (!wanted.some((w) => have.includes(w))) return false;
  }
  return true;
}

export function applyFilters<T extends { index: number }>(entries: T[], records: ReformRecord[], filters: Filters): T[] {
  if (!FACETS.some((f) => filters[f]?.length)) return entries;
  return entries.filter((e) => passes(records[e.index], filters));
}

/**
 * Facet counts over the whole result set (before paging). With `reformOf` (record index → reform), a value counts
 * reforms: copies of one reform that share a value count once.
 */
export function computeFacets(entries: { index: number }[], records: ReformRecord[], filters: Filters, reformOf?: (index: number) => number): Record<FacetName, FacetValue[]> {
  const out = {} as Record<FacetName, FacetValue[]>;
  // Records of one reform, together: a value counts once per group.
  let groups: number[][];
  if (reformOf) {
    const byReform = new Map<number, number[]>();
    for (const e of entries) {
      const key = reformOf(e.index);
      const g = byReform.get(key);
      if (g) g.push(e.index);
      else byReform.set(key, [e.index]);
    }
    groups = [...byReform.values()];
  } else {
    groups = entries.map((e) => [e.index]);
  }
  for (const facet of FACETS) {
    const counts = new Map<string, number>();
    for (const group of groups) {
      const values = new Set<string>();
      for (const i of group) {
        const r = records[i];
        if (passes(r, filters, facet)) for (const v of facetValues(r, facet)) values.add(v);
      }
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    out[facet] = [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value, 'zh'));
  }
  const titles = new Map<string, string>();
  for (const e of entries) titles.set(records[e.index].source.file, records[e.index].source.title);
  for (const v of out.source) v.label = titles.get(v.value);
  return out;
}
