/**
 * The one folding rule of both judged sets (bench/relevance.ts for search queries, bench/similar-eval.ts for similar
 * reforms): within each group (a query kind, a seed document), items alternate between fold 0 and fold 1 in file
 * order, so both folds cover every group. A tuning choice should help, or not hurt, both folds.
 */
export function alternateFolds<T>(items: readonly T[], groupOf: (item: T) => string): (0 | 1)[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const n = seen.get(groupOf(item)) ?? 0;
    seen.set(groupOf(item), n + 1);
    return (n % 2) as 0 | 1;
  });
}
