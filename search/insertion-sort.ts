/**
 * Sorts a short list in place, stably (equal items keep their order, as Array sort gives). Array sort copies its list
 * to a work array first; for the few items a query sorts per field or needle (spans, covering tokens) that copy is
 * most of the garbage. Callers pass a comparator made once, not a closure per call.
 */
export function insertionSort<T>(list: T[], compare: (a: T, b: T) => number): void {
  for (let i = 1; i < list.length; i++) {
    const x = list[i];
    let j = i - 1;
    while (j >= 0 && compare(list[j], x) > 0) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = x;
  }
}
