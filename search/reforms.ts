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
  const out = new Map<number, number[]>();
  for (let i = 0; i < reformOf.length; i++) {
    const g = out.get(reformOf[i]);
    if (g) g.push(i);
    else out.set(reformOf[i], [i]);
  }
  for (const [k, g] of out) if (g.length < 2) out.delete(k);
  return out;
}
