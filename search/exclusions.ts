/**
 * Exclusions (-word): the records each excluded clause matches, unscored, as a map of one bit per record; from a
 * common word's stored record map where the snapshot has one, else from occurrences filtered by field. Apart from the
 * engine because an exclusion needs no score: only which records go.
 */
import type { ReformRecord } from '../indexer/schema.js';
import type { AnalysedClause, Constraint, QueryAnalysis } from './analyzer.js';
import { checkDeadline } from './budget.js';
import type { SearchField } from './fields.js';
import type { LooseMatch } from './loose-match.js';
import type { Matcher } from './match.js';
import { recordsOf, type Postings } from './postings.js';
import { RecordSet, andInto, mapOf, markInto, orInto, type RecordMaps } from './record-bits.js';
import { NO_DOCS, unionRecords, type FieldStats } from './score.js';

export class Exclusions {
  /** Exclusions answered from a stored record map: read by tests through SearchEngine.mapReads. */
  mapReadCount = 0;

  constructor(
    private readonly records: ReformRecord[],
    private readonly stats: FieldStats,
    private readonly matcher: Matcher,
    private readonly postings: Postings,
    /** Record maps of common words (indexer/record-bits.ts; absent on small corpora, in older snapshots and offline). */
    private readonly maps: RecordMaps | undefined,
    private readonly looseMatch: LooseMatch,
    private readonly fieldIds: (fields?: readonly SearchField[]) => number[] | undefined,
  ) {}

  /**
   * The records a constraint matches, unscored (what an exclusion needs), as a record map: a common word's stored map
   * where the snapshot has one (any field), else each alternative's occurrences filtered by field while listing
   * records, so neither BM25 nor a field-restricted copy of the positions is computed.
   */
  private constraintRecords(c: Constraint): Int32Array {
    const F = this.stats.fieldCount;
    const N = this.records.length;
    let keep: Uint8Array | undefined;
    if (c.fields) {
      keep = new Uint8Array(F);
      for (const f of this.fieldIds(c.fields)!) keep[f] = 1;
    }
    let out = NO_DOCS.docs;
    let bits: Int32Array | undefined;
    for (const alt of c.alternatives) {
      if (alt.words) {
        out = unionRecords(out, this.looseMatch.looseDocs(alt.words, this.fieldIds(c.fields), alt.weight).docs);
        continue;
      }
      const term = this.maps && this.mapsFit(keep) && !alt.near ? this.matcher.soleTerm(alt.text) : undefined;
      const map = term === undefined ? undefined : this.maps!.of(term);
      if (map) {
        // The stored map is the snapshot's own: read, never written.
        bits = orInto(bits ?? new Int32Array(map.length), map);
        this.mapReadCount++;
        continue;
      }
      out = unionRecords(out, alt.near ? recordsOf(this.matcher.near(alt.near[0], alt.near[1]), F, keep) : this.matcher.records(alt.text, keep));
    }
    return bits ? markInto(bits, out) : mapOf(out, N);
  }

  /** Whether the stored record maps count exactly the fields `keep` marks (all fields when absent). */
  private mapsFit(keep: Uint8Array | undefined): boolean {
    const mask = (this.mapFields ??= this.maps!.fieldMask(this.postings.data.fields));
    for (let f = 0; f < mask.length; f++) if (mask[f] !== (keep ? keep[f] : 1)) return false;
    return true;
  }

  private mapFields?: Uint8Array;

  /** Every record the query's exclusions remove: the clauses' maps joined a word at a time. */
  excludedSet(analysis: QueryAnalysis): RecordSet {
    if (analysis.exclude.length === 0) return RecordSet.EMPTY;
    let out: Int32Array | undefined;
    for (const clause of analysis.exclude) {
      const bits = this.excludedRecords(clause);
      out = out ? orInto(out, bits) : bits;
    }
    return RecordSet.of(out!);
  }

  /** Records an excluded clause matches (every constraint of it; any of them for a question), unscored, as a map. */
  private excludedRecords(clause: AnalysedClause): Int32Array {
    let out: Int32Array | undefined;
    for (const c of clause.constraints) {
      checkDeadline();
      const d = this.constraintRecords(c);
      out = out === undefined ? d : clause.natural ? orInto(out, d) : andInto(out, d);
    }
    return out ?? mapOf([], this.records.length);
  }
}
