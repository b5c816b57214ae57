/** The searchable fields: defined by the indexer (their order is the index's slot order), read here. */
export * from '../indexer/fields.js';
