/**
 * The per-record columns the entry file must carry (every query reads them for every record it matches): field
 * lengths for BM25 and the facet columns, written compactly and expanded in the page into the typed arrays the
 * engine reads, value for value (so ranking and facet counts are the server's).
 *   field lengths   one LEB128 varint per record field (most are below 128: one byte instead of four; an empty
 *                   field is one byte)
 *   facets          per facet, per value in id order: varint record count, then varint gaps between the increasing
 *                   record indexes holding it (Pagefind's filter layout). A facet no record has (scope, policy area
 *                   at the seeds' shape) costs nothing, where its offsets column cost 4 bytes a record.
 * Measured at 10,000 generated records: field lengths 400 → 111 KB, facet columns 700 → about 80 KB.
 * Carrying the field lengths in the postings chunks instead was measured too: each chunk then repeats the lengths
 * of its slots, and a first query fetched 270-550 KB more than the entry file saved.
 * Environment-neutral (the export packs in Node, the page and the parity benchmark expand).
 */
import type { EngineIndex } from '../../../search/engine.js';
import type { FacetColumn, FacetColumns, FacetName } from '../../../search/facets.js';
import { VarintReader, VarintWriter } from '../../../snapshot/varint.js';

/** What the entry file carries in place of the columns (inside its body, so its checksum covers it). */
export interface PackedColumns {
  fieldLengths: Uint8Array;
  facets: Partial<Record<FacetName, Uint8Array>>;
}

function packFacet(col: FacetColumn, records: number): Uint8Array {
  const lists: number[][] = col.values.map(() => []);
  for (let r = 0; r < records; r++) for (let k = col.offsets[r]; k < col.offsets[r + 1]; k++) lists[col.ids[k]].push(r);
  const w = new VarintWriter();
  for (const list of lists) {
    w.varint(list.length);
    let prev = -1;
    for (const r of list) {
      w.varint(r - prev);
      prev = r;
    }
  }
  return w.take();
}

/**
 * A record's ids come back in increasing value id, which is how facets.ts reads them: as a set (filtering and
 * counting never depend on their order within a record).
 */
function unpackFacet(bytes: Uint8Array, name: string, values: number, records: number): Pick<FacetColumn, 'offsets' | 'ids'> {
  const what = `facet ${name}`;
  const read = new VarintReader(bytes, 0, `offline entry file: ${what}`);
  const counts = new Uint32Array(records + 1);
  const lists: Uint32Array[] = [];
  for (let v = 0; v < values; v++) {
    const n = read.varint();
    if (n > records) throw new Error(`offline entry file: ${what} lists more records than there are`);
    const list = new Uint32Array(n);
    let r = -1;
    for (let k = 0; k < n; k++) {
      const gap = read.varint();
      r += gap;
      if (gap < 1 || r >= records) throw new Error(`offline entry file: ${what} has records out of order or out of range`);
      list[k] = r;
      counts[r + 1]++;
    }
    lists.push(list);
  }
  read.end();
  const offsets = new Uint32Array(records + 1);
  for (let r = 0; r < records; r++) offsets[r + 1] = offsets[r] + counts[r + 1];
  const ids = new Uint32Array(offsets[records]);
  const fill = offsets.slice(0, records);
  lists.forEach((list, v) => {
    for (const r of list) ids[fill[r]++] = v;
  });
  return { offsets, ids };
}

/** The entry's index with its per-record columns packed (left empty in the index), and the packed bytes. */
export function packColumns(index: EngineIndex): { index: EngineIndex; packed: PackedColumns } {
  const records = index.postings.records;
  const w = new VarintWriter();
  for (const x of index.postings.fieldLengths) w.varint(x);
  const facets: PackedColumns['facets'] = {};
  const columns = {} as FacetColumns;
  for (const [name, col] of Object.entries(index.facets) as [FacetName, FacetColumn][]) {
    facets[name] = packFacet(col, records);
    columns[name] = { ...col, offsets: new Uint32Array(0), ids: new Uint32Array(0) };
  }
  // The stored counts of common words (indexer/facet-counts.ts) travel as they are: the page then counts as the server.
  const counts = index.counts ? { counts: index.counts } : {};
  // The stored words and split compounds (index.words, index.nears) are left out: the chunked postings do not carry
  // them, so words intersect bigrams and splits are checked from their parts.
  // So are the record maps (index.bits, ~2 MB at 100k records): an exclusion in the page decodes the word's records
  // from its chunk, the same records the server reads from a map.
  return { index: { postings: { ...index.postings, fieldLengths: new Uint32Array(0) }, facets: columns, ...counts }, packed: { fieldLengths: w.take(), facets } };
}

/** The index with its columns expanded from `packed`, as packColumns was given it. Damaged bytes throw. */
export function expandColumns(index: EngineIndex, packed: PackedColumns): EngineIndex {
  if (!packed || !(packed.fieldLengths instanceof Uint8Array) || !packed.facets) throw new Error('offline entry file: the packed columns are malformed');
  const records = index.postings.records;
  const n = records * index.postings.fields.length;
  const lengths = new Uint32Array(n);
  const read = new VarintReader(packed.fieldLengths, 0, 'offline entry file: field lengths');
  for (let s = 0; s < n; s++) lengths[s] = read.varint();
  read.end();
  const columns = {} as FacetColumns;
  for (const [name, col] of Object.entries(index.facets) as [FacetName, FacetColumn][]) {
    const bytes = packed.facets[name];
    if (!(bytes instanceof Uint8Array)) throw new Error(`offline entry file: no packed column for facet ${name}`);
    columns[name] = { ...col, ...unpackFacet(bytes, name, col.values.length, records) };
  }
  return { postings: { ...index.postings, fieldLengths: lengths }, facets: columns, ...(index.counts ? { counts: index.counts } : {}) };
}
