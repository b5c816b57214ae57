/** One reform, several printings: the copies a search collapses and a similar list never counts twice. */
import type { ReformRecord } from '../indexer/schema.js';

/**
 * Which records are copies of one reform: connected components of the `related` links (a reform printed in a task
 * table, a case collection and a national list is one reform). Each record maps to the lowest index of its reform.
 */
export function reforms(records: ReformRecord[], byId: Map<string, number>): Int32Array {
  const parent = Int32Array.from(records, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  records.forEach((r, i) => {
    for (const link of r.related) {
      const j = byId.get(link.id);
      if (j === undefined) continue;
      const [a, b] = [find(i), find(j)];
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  });
  return Int32Array.from(records, (_, i) => find(i));
}

/** Reform → its records (only reforms with more than one printing are listed). */
export function reformMembers(reformOf: Int32Array): Map<number, number[]> {
  // Counted first, so only reforms printed more than once get a list (no array per record at load).
  const count = new Int32Array(reformOf.length);
  for (let i = 0; i < reformOf.length; i++) count[reformOf[i]]++;
  const out = new Map<number, number[]>();
  for (let i = 0; i < reformOf.length; i++) {
    const r = reformOf[i];
    if (count[r] < 2) continue;
    const g = out.get(r);
    if (g) g.push(i);
    else out.set(r, [i]);
  }
  return out;
}
