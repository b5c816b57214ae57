/**
 * The engine's part of a snapshot (body.index), built by the indexer: the positional index over the normalised
 * search texts (indexer/postings.ts) and the facet columns (indexer/facet-columns.ts). search/ only reads it.
 */
import { keyOf } from '../analysis/terms.js';
import { buildFacetColumns, type FacetColumns } from './facet-columns.js';
import { SEARCH_FIELDS } from './fields.js';
import { buildIndex, type IndexData } from './postings.js';
import type { ReformRecord } from './schema.js';

/** The body.index the indexer writes: the positional index and the facet columns. */
export interface EngineIndex {
  postings: IndexData;
  facets: FacetColumns;
}

/**
 * Build body.index from records and their normalised search texts, flat in slot order (indexer/fields.ts
 * normalizedSearchTexts).
 */
export function buildEngineIndex(records: ReformRecord[], normalized: string[]): EngineIndex {
  const F = SEARCH_FIELDS.length;
  const title = SEARCH_FIELDS.indexOf('title');
  return {
    postings: buildIndex(normalized, SEARCH_FIELDS, records.map((_, i) => keyOf(normalized[i * F + title]))),
    facets: buildFacetColumns(records),
  };
}
