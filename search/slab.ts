/**
 * Small typed arrays carved out of shared buffers. A typed array of more than 64 bytes owns an off-heap buffer (V8
 * keeps smaller ones on its heap), and every such buffer, dead or alive, is a step of the next scavenge's array-buffer
 * sweep, while a dead on-heap object costs a scavenge nothing. At the seeds, a question left ~75 buffers per first-seen
 * + repeated pair, and their sweep (in the pause with server/serving-gc.ts) was about half of an undisturbed scavenge
 * (docs/design.md, Serving). A word's field weights (one per field, a few per query) are views of one slab instead. A live view keeps its whole slab alive, so only
 * arrays this small come from here (a slab holds ~50 of them; SLAB_BYTES is all a long-cached view can pin).
 */
const SLAB_BYTES = 4096;
/** Arrays above this many bytes get a buffer of their own (a slab would then pin more than it saves). */
const MAX_CARVED = 256;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** A zeroed Float64Array of n entries (a view of the current slab when it is small). */
export function smallFloat64(n: number): Float64Array {
  const bytes = n * 8;
  if (bytes > MAX_CARVED) return new Float64Array(n);
  if (used + bytes > SLAB_BYTES) {
    // Carved memory is never handed out twice, so a fresh slab's zeros are every view's zeros.
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const out = new Float64Array(slab, used, n);
  used += bytes;
  return out;
}

/** Typed arrays up to this many bytes are kept on V8's heap (V8_TYPED_ARRAY_MAX_SIZE_IN_HEAP): no buffer to sweep. */
export const ON_HEAP_BYTES = 64;

/**
 * Int32Arrays of these lengths that live and die together: each its own while every one is small enough for V8's
 * heap, else views of one buffer (one off-heap buffer for a scavenge to sweep instead of one per array).
 */
export function int32Columns(...lengths: number[]): Int32Array[] {
  if (lengths.every((n) => n * 4 <= ON_HEAP_BYTES)) return lengths.map((n) => new Int32Array(n));
  const all = new Int32Array(lengths.reduce((a, b) => a + b, 0));
  let at = 0;
  return lengths.map((n) => all.subarray(at, (at += n)));
}

/** Float64Arrays of these lengths that live and die together (as int32Columns). */
export function float64Columns(...lengths: number[]): Float64Array[] {
  if (lengths.every((n) => n * 8 <= ON_HEAP_BYTES)) return lengths.map((n) => new Float64Array(n));
  const all = new Float64Array(lengths.reduce((a, b) => a + b, 0));
  let at = 0;
  return lengths.map((n) => all.subarray(at, (at += n)));
}
