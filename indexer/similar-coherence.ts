/**
 * How well a term keeps company, learned from the corpus: the mean likeness of the reforms that carry it, leaving the
 * term itself out. A term that names an idea (混矿, 船舶直转) is carried by reforms that are alike in their other
 * words too; a rare but generic word (多维度 in a blue-carbon and a trade-secret reform, 促进, 智慧) is carried by
 * reforms that share little else. Rarity (idf) cannot tell the two apart; this can. Pure typed-array work over the
 * vectors of indexer/similar.ts, linear in the vector entries times the vector length.
 */

/** Most carriers of one term read (see termCoherence): 16 give 120 pairs per term, and the cost per term stays bounded
 *  as the corpus grows. The seeds' terms are carried by at most 10 % of ~250 reforms; their dev figures are the same
 *  with 16 as with every carrier read (bench/similar-dev.ts). */
export const MAX_CARRIERS = 16;

/** The vectors (CSR over reforms, entries sorted by feature id, L2-normalised) and the feature count. */
export interface CoherenceInput {
  R: number;
  F: number;
  vecStart: Int32Array;
  vIds: Int32Array;
  vW: Float32Array;
}

/**
 * For each feature carried by two or more vectors: the mean inner product over pairs of its carriers, of their vectors
 * with the feature itself left out (0 ≤ c ≤ 1; 0 = the carriers share nothing else). NaN for a feature carried by
 * fewer than two. Σ_{a≠b} v_a·v_b = ‖Σ v_a‖² − Σ ‖v_a‖², so each feature costs one pass over its carriers' vectors.
 */
export function termCoherence(input: CoherenceInput): Float64Array {
  const { R, F, vecStart, vIds, vW } = input;
  const count = new Int32Array(F + 1);
  for (let x = 0; x < vecStart[R]; x++) count[vIds[x] + 1]++;
  const start = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) start[f + 1] = start[f] + count[f + 1];
  const carrier = new Int32Array(vecStart[R]);
  {
    const at = start.slice(0, F);
    for (let r = 0; r < R; r++) for (let x = vecStart[r]; x < vecStart[r + 1]; x++) carrier[at[vIds[x]]++] = r;
  }
  const out = new Float64Array(F).fill(NaN);
  const sum = new Float64Array(F);
  const stamp = new Int32Array(F).fill(-1);
  const touched = new Int32Array(F);
  for (let f = 0; f < F; f++) {
    const d = start[f + 1] - start[f];
    if (d < 2) continue;
    // A term carried by many reforms is read through an evenly spaced sample of them (the same every build): the mean
    // over pairs of a sample estimates the mean over all pairs, and the cost per term stays bounded.
    const n = Math.min(d, MAX_CARRIERS);
    let nt = 0;
    let self = 0;
    for (let q = 0; q < n; q++) {
      const r = carrier[start[f] + Math.floor((q * d) / n)];
      for (let x = vecStart[r]; x < vecStart[r + 1]; x++) {
        const g = vIds[x];
        if (g === f) continue;
        const w = vW[x];
        self += w * w;
        if (stamp[g] !== f) {
          stamp[g] = f;
          sum[g] = 0;
          touched[nt++] = g;
        }
        sum[g] += w;
      }
    }
    let total = 0;
    for (let t = 0; t < nt; t++) total += sum[touched[t]] * sum[touched[t]];
    out[f] = Math.max(0, total - self) / (n * (n - 1));
  }
  return out;
}

/**
 * Each vector entry's weight × c / (c + kappa), c its term's coherence (termCoherence), then each vector L2-normalised
 * again; in place. Terms `weighed` does not accept, and terms carried by fewer than two vectors, keep their weight.
 * With kappa well under the median coherence the factor is near 1 for most terms and falls to 0 only for those whose
 * reforms share (almost) nothing else.
 */
export function weighByCoherence(input: CoherenceInput, kappa: number, weighed: (f: number) => boolean): void {
  const { R, vecStart, vIds, vW } = input;
  const c = termCoherence(input);
  for (let r = 0; r < R; r++) {
    let norm2 = 0;
    for (let x = vecStart[r]; x < vecStart[r + 1]; x++) {
      const f = vIds[x];
      if (!Number.isNaN(c[f]) && weighed(f)) vW[x] *= c[f] / (c[f] + kappa);
      norm2 += vW[x] * vW[x];
    }
    const by = Math.sqrt(norm2) || 1;
    for (let x = vecStart[r]; x < vecStart[r + 1]; x++) vW[x] /= by;
  }
}
