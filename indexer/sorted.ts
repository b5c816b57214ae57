// Sorted-array helpers shared by the build and the engine (search/ imports indexer/, never the reverse).
/** How many of `sorted` (increasing) are below `v`: the first index holding v or more (a lower bound). */
export function below(sorted: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
