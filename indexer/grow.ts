/** A growable typed array: the build keeps its lists in flat typed arrays, never in per-record objects or maps. */
export class Grow<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array | Float32Array> {
  length = 0;
  constructor(public data: T) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** The values pushed, in an array of their own length. */
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}
