/**
 * Which records are copies of one reform: connected components of the `related` links (a reform printed in a task
 * table, a case collection and a national list is one reform), each record mapped to the lowest index of its reform.
 * One union-find for every reader of the links: the indexer over parsed records (stored facet counts, similar lists)
 * and a loaded snapshot over its link columns (snapshot/records.ts reformOf), so the grouping a server uses is the
 * build's.
 */
import type { ReformRecord } from './schema.js';

/** The groups of n records joined by the links `each` reports (each calls link(i, j) once per link). */
export function linkedGroups(n: number, each: (link: (i: number, j: number) => void) => void): Int32Array {
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  each((i, j) => {
    const a = find(i);
    const b = find(j);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  });
  for (let i = 0; i < n; i++) parent[i] = find(i);
  return parent;
}

/** Each record's reform from its `related` links (a link to no record is ignored). */
export function reformGroups(records: readonly ReformRecord[], byId: ReadonlyMap<string, number> = new Map(records.map((r, i) => [r.id, i]))): Int32Array {
  return linkedGroups(records.length, (link) =>
    records.forEach((r, i) => {
      for (const x of r.related ?? []) {
        const j = byId.get(x.id);
        if (j !== undefined) link(i, j);
      }
    }),
  );
}
