/**
 * LEB128 varints: one writer and one reader for every stored form that uses them (the snapshot's front-coded sorted
 * lists, the offline bundle's postings chunks and the entry file's packed columns). Environment-neutral.
 */

export class VarintWriter {
  private buf = new Uint8Array(1 << 12);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  varint(v: number): void {
    this.room(5);
    while (v >= 0x80) {
      this.buf[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.length++] = v;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  take(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Reads varints from `b` at `i` (advanced as it reads); a number cut short or left-over bytes throw, naming `what`. */
export class VarintReader {
  constructor(
    private readonly b: Uint8Array,
    public i = 0,
    private readonly what = 'the data',
  ) {}

  varint(): number {
    let v = 0;
    let shift = 0;
    let x: number;
    do {
      if (this.i >= this.b.length || shift > 28) throw new Error(`${this.what} ends inside a number`);
      x = this.b[this.i++];
      v += (x & 0x7f) * 2 ** shift;
      shift += 7;
    } while (x & 0x80);
    return v;
  }

  end(): void {
    if (this.i !== this.b.length) throw new Error(`${this.what} has ${this.b.length - this.i} bytes too many`);
  }
}
