/**
 * The similar-reform lists' stored form (`body.similar`): written by indexer/similar.ts, carried by the snapshot,
 * served by search/similar.ts. Here, in the indexer's folder, so no earlier stage imports from the server's.
 */

/** Field bits of a key term: where a record says it. */
/** Where a key term is printed, and `names`: the term can carry an idea (indexer/similar.ts, `namesOf`), not a word of
 *  the background such as 确认 / 主动 / 享受 (set on every term when the build had no naming test). */
export const TERM_FLAG = { title: 1, slogan: 2, content: 4, process: 8, outcome: 16, applicableTo: 32, names: 64 } as const;
/** Outcome bits of a record: what it reports having cut. */
export const OUTCOME_FLAG = { time: 1, cost: 2 } as const;

/**
 * What the snapshot carries for similar reforms (`body.similar`). Lists hold `k` slots per record (record index
 * + 1; 0 = empty), already collapsed (one entry per reform, never the source's own copies), diversified and ordered.
 */
export interface SimilarData {
  version: 1;
  k: number;
  /** Best `k` reforms from anywhere. */
  all: { ids: Uint32Array; scores: Float32Array };
  /** Best `k` reforms with a province that is not one of the source's (records with no province are left out). */
  otherRegions: { ids: Uint32Array; scores: Float32Array };
  /** Each record's key terms (CSR: record i's are termStart[i] … termStart[i+1]), strongest first. */
  termStart: Uint32Array;
  termIds: Uint32Array;
  termWeights: Float32Array;
  /** TERM_FLAG bits per key term. */
  termFlags: Uint8Array;
  /** Term table for termIds. */
  terms: string[];
  /** OUTCOME_FLAG bits per record. */
  outcomes: Uint8Array;
  /**
   * Per mechanism class of the snapshot's dictionary (dict/ideas.txt, by index): 1 when it passed the background cut
   * (marks two or more reforms, at most `maxDf` of them) and the classes weighed (ideaWeight > 0), else 0. Only such
   * a class is named as the mechanism two reforms share. Absent in snapshots built before it: then none is named.
   */
  ideasKept?: Uint8Array;
}
