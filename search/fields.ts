/** The searchable fields and the inverted-index settings, shared by the index builder and the search engine. */
import type { Options } from 'minisearch';
import { indexTerms } from '../analysis/terms.js';
import type { ReformRecord } from '../indexer/schema.js';

export type SearchField = 'title' | 'content' | 'applicableTo' | 'process' | 'outcome' | 'departments' | 'regions' | 'category' | 'scope';

export const SEARCH_FIELDS: readonly SearchField[] = ['title', 'content', 'applicableTo', 'process', 'outcome', 'departments', 'regions', 'category', 'scope'];

/** The text of a field as searched: list fields joined with a separator no query can span. */
export function fieldText(r: ReformRecord, f: SearchField): string {
  if (f === 'departments') return r.departments.join('、');
  if (f === 'regions') return r.regions.join('、');
  return r[f] ?? '';
}

export interface IndexDocument {
  i: number;
  [field: string]: string | number;
}

/**
 * MiniSearch options; documents hold already-normalised text, so terms pass through unchanged. Each term is added
 * once per field: the index only finds candidates, and scoring counts exact occurrences itself, so in-index term
 * frequencies would be unused work.
 */
export const INDEX_OPTIONS: Options<IndexDocument> = {
  idField: 'i',
  fields: [...SEARCH_FIELDS],
  storeFields: [],
  tokenize: (text) => [...new Set(indexTerms(text))],
  processTerm: (term) => term,
};
