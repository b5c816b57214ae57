/**
 * Small typed arrays carved out of shared buffers. A typed array of more than 64 bytes owns an off-heap buffer (V8
 * keeps smaller ones on its heap), and every such buffer, dead or alive, is a step of the next scavenge's array-buffer
 * sweep, while a dead on-heap object costs a scavenge nothing. At the seeds, a question left ~75 buffers per first-seen
 * + repeated pair, and their sweep (in the pause with server/serving-gc.ts) was about half of an undisturbed scavenge
 * (docs/design.md, Serving). A word's field weights (one per field, a few per query) are views of one slab instead. A live view keeps its whole slab alive, so only
 * arrays this small come from here (a slab holds ~50 of them; SLAB_BYTES is all a long-cached view can pin).
 * Columns that die together share one buffer (int32Columns, float64Columns; a result set's scores, missing idf and
 * missing masks mix Float64 and Uint32, so search/engine.ts carves that one buffer itself), and a common term's
 * decoded blocks are written into chunks (Int32Chunks).
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
 * The first n entries of a typed array, for reading: the array itself when it has n entries, a copy when it fits V8's
 * heap, else a view. A view of an array kept on V8's heap (ON_HEAP_BYTES or less) moves its contents off the heap
 * (subarray needs a buffer to view), so each such view made one more buffer for the next scavenge to sweep (at the
 * seeds a first-seen question's word scores made 17 of its 53), where copying at most 64 bytes leaves nothing to sweep.
 * Only for arrays neither side writes to afterwards: a copy does not share later writes.
 */
export function head<T extends Int32Array | Uint32Array | Float64Array>(a: T, n: number): T {
  if (n === a.length) return a;
  return (a.byteLength <= ON_HEAP_BYTES ? a.slice(0, n) : a.subarray(0, n)) as T;
}

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

/** A place is chunk index × PLACES_PER_CHUNK + offset (offsets below 2^21: a term's positions at 100k records fit). */
const PLACES_PER_CHUNK = 1 << 21;

/**
 * Chunks of 32-bit integers that runs are written into one after another, so writing a run allocates no array of its
 * own (search/doc-skips.ts: a common term's decoded blocks). Each block's two arrays of 64 entries (and its positions)
 * were each an allocation with its own backing store, freed by the collector, 520 to 630 per first-seen question at
 * 100k records. Filled chunks are kept as they are (never copied or reused), so an array handed out with an offset
 * into it reads the same entries later.
 */
export class Int32Chunks {
  readonly chunks: Int32Array[] = [];
  private used = 0;

  constructor(private readonly chunkSize: number) {}

  /**
   * Room for n entries in one chunk; returns where (a place: read its chunk with chunkOf and its offset there with
   * offsetOf). A run longer than a chunk gets a chunk of its own size.
   */
  take(n: number): number {
    let c = this.chunks.length - 1;
    if (c < 0 || this.used + n > this.chunks[c].length) {
      this.chunks.push(new Int32Array(Math.max(this.chunkSize, n)));
      c++;
      this.used = 0;
    }
    const at = this.used;
    this.used += n;
    return c * PLACES_PER_CHUNK + at;
  }

  /** The chunk a place is in. */
  chunkOf(place: number): Int32Array {
    return this.chunks[(place / PLACES_PER_CHUNK) | 0];
  }
}

/** A place's offset in its chunk. */
export function offsetOf(place: number): number {
  return place % PLACES_PER_CHUNK;
}
