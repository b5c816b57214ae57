/** The searchable fields, shared by the index builder and the search engine (their order is the index's slot order). */
import type { ReformRecord } from '../indexer/schema.js';

export type SearchField = 'title' | 'content' | 'applicableTo' | 'process' | 'outcome' | 'departments' | 'copyDepartments' | 'regions' | 'category' | 'scope';

export const SEARCH_FIELDS: readonly SearchField[] = ['title', 'content', 'applicableTo', 'process', 'outcome', 'departments', 'copyDepartments', 'regions', 'category', 'scope'];

/** What an exclusion (-word) looks at: what the record itself prints, not the units of its copies. */
export const OWN_FIELDS: readonly SearchField[] = SEARCH_FIELDS.filter((f) => f !== 'copyDepartments');

/** The text of a field as searched: list fields joined with a separator no query can span. */
export function fieldText(r: ReformRecord, f: SearchField): string {
  if (f === 'copyDepartments') return '';
  if (f === 'departments') return r.departments.join('、');
  if (f === 'regions') return r.regions.join('、');
  return r[f] ?? '';
}

/**
 * The searched text of every field of every record. A case collection prints no responsible units; its copy in a
 * task table does. For matching (not for facets, display or exclusions) a record answers to the units of its copies
 * too (field copyDepartments), so 省税务局 退税 finds both printings. Index and query time both read fields here.
 */
export function searchTexts(records: ReformRecord[]): Record<SearchField, string>[] {
  const byId = new Map(records.map((r) => [r.id, r]));
  return records.map((r) => {
    const out = {} as Record<SearchField, string>;
    for (const f of SEARCH_FIELDS) out[f] = fieldText(r, f);
    const inherited = r.related.flatMap((x) => byId.get(x.id)?.departments ?? []).filter((d) => !r.departments.includes(d));
    out.copyDepartments = [...new Set(inherited)].join('、');
    return out;
  });
}
