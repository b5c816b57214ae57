/**
 * A search answer serialised once and sent many times, as identity, gzip, deflate or br bytes, each request with
 * its own `took_ms`.
 *
 * Why: the page's fetch asks for `gzip, deflate, br`, and compressing a 9 KB answer costs ~0.4–0.5 ms of CPU per
 * request (@fastify/compress's onSend), ten times what a cached answer otherwise costs. So the answer's JSON is kept
 * up to its last value (`"took_ms":` closes the object: the response schema lists it last), and each encoding
 * keeps that head compressed once, ending on a byte boundary without closing the stream. A request appends only
 * its own tail (`0.012}`) in a block the format stores uncompressed:
 * - gzip (RFC 1951/1952): the head is raw deflate sync-flushed (ends `00 00 ff ff`); the tail is a final stored
 *   block, then the CRC-32 of head + tail (zlib.crc32 continued from the head's) and the length.
 * - deflate (HTTP's name for the zlib format, RFC 1950): the same deflate blocks after zlib's two-byte header, then
 *   the Adler-32 of head + tail (continued from the head's).
 * - br (RFC 7932): the head is flushed (the encoder pads to a byte with an empty metadata block); the tail is an
 *   uncompressed meta-block, then an empty last meta-block.
 * Each encoding is made the first time a client asks for it.
 */
import zlib from 'node:zlib';

export type Encoding = 'identity' | 'gzip' | 'deflate' | 'br';

/** What the head costs to keep in each encoding (for the cache's byte bound). */
interface Compressed {
  gzip?: { head: Buffer; crc: number };
  deflate?: { head: Buffer; adler: number };
  br?: Buffer;
}

/** @fastify/compress's brotli settings (server/static.ts registers it with its defaults): same bytes either way. */
const BROTLI = { [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_QUALITY]: 4 };
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** The largest tail a stored block / uncompressed meta-block of this layout carries (a took_ms value is ~10 bytes). */
const MAX_TAIL = 0xffff;

export class AnswerBytes {
  private readonly compressed: Compressed = {};

  /** @param head the answer's JSON up to and including `"took_ms":` (UTF-8). */
  constructor(readonly head: Buffer) {}

  /**
   * From an answer serialised with `took_ms` as its last property, set to `mark` (a number no answer takes).
   * Throws when the JSON does not end that way (a schema that moved took_ms would otherwise send wrong bytes).
   */
  static fromJson(json: string, mark: number): AnswerBytes {
    const end = `"took_ms":${mark}}`;
    if (!json.endsWith(end)) throw new Error('answer JSON must end with its took_ms property');
    return new AnswerBytes(Buffer.from(json.slice(0, json.length - end.length + 10)));
  }

  /** Bytes held (the identity head and every compressed head made so far). */
  get bytes(): number {
    return this.head.length + (this.compressed.gzip?.head.length ?? 0) + (this.compressed.deflate?.head.length ?? 0) + (this.compressed.br?.length ?? 0);
  }

  /** The whole answer in `encoding`, closed with `took` (a JSON number) as its took_ms. */
  send(encoding: Encoding, took: number): Buffer {
    const tail = Buffer.from(`${took}}`);
    if (tail.length > MAX_TAIL) throw new Error('took_ms tail too long');
    if (encoding === 'gzip') return this.gzip(tail);
    if (encoding === 'deflate') return this.deflate(tail);
    if (encoding === 'br') return this.br(tail);
    return Buffer.concat([this.head, tail], this.head.length + tail.length);
  }

  private gzip(tail: Buffer): Buffer {
    const gz = (this.compressed.gzip ??= {
      head: Buffer.concat([GZIP_HEADER, zlib.deflateRawSync(this.head, { finishFlush: zlib.constants.Z_SYNC_FLUSH })]),
      crc: zlib.crc32(this.head),
    });
    const out = Buffer.allocUnsafe(gz.head.length + 5 + tail.length + 8);
    const at = storedBlock(out, gz.head.copy(out, 0), tail);
    out.writeUInt32LE(zlib.crc32(tail, gz.crc) >>> 0, at);
    out.writeUInt32LE((this.head.length + tail.length) >>> 0, at + 4);
    return out;
  }

  private deflate(tail: Buffer): Buffer {
    // deflateSync writes the zlib header; sync-flushed, it leaves the stream open for the stored block below.
    const z = (this.compressed.deflate ??= { head: zlib.deflateSync(this.head, { finishFlush: zlib.constants.Z_SYNC_FLUSH }), adler: adler32(this.head, 1) });
    const out = Buffer.allocUnsafe(z.head.length + 5 + tail.length + 4);
    const at = storedBlock(out, z.head.copy(out, 0), tail);
    out.writeUInt32BE(adler32(tail, z.adler), at);
    return out;
  }

  private br(tail: Buffer): Buffer {
    const head = (this.compressed.br ??= zlib.brotliCompressSync(this.head, {
      finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      params: { ...BROTLI, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: this.head.length },
    }));
    const out = Buffer.allocUnsafe(head.length + 3 + tail.length + 1);
    let at = head.copy(out, 0);
    // Meta-block header, bits from the lowest: ISLAST 0, MNIBBLES 00 (4 nibbles), MLEN-1 (16 bits), ISUNCOMPRESSED 1,
    // then zero padding to the byte.
    const bits = ((tail.length - 1) << 3) | (1 << 19);
    out[at++] = bits & 0xff;
    out[at++] = (bits >> 8) & 0xff;
    out[at++] = (bits >> 16) & 0xff;
    at += tail.copy(out, at);
    // ISLAST 1, ISLASTEMPTY 1: the stream ends.
    out[at] = 3;
    return out;
  }
}

/** Adler-32 (RFC 1950) of `bytes`, continued from `adler` (1 for a fresh sum); node:zlib exports no adler32. */
export function adler32(bytes: Uint8Array, adler: number): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  // 5552 bytes is the most that can be summed before b may pass 2^32 (zlib's NMAX).
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(bytes.length, i + 5552);
    for (; i < end; i++) b += a += bytes[i];
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * The server's compression, one setting for every route: @fastify/compress is registered with these (server/static.ts)
 * and /api/search, which encodes its own answers, follows them (server/routes/search.ts).
 */
export const COMPRESSION = {
  /** Encodings in the order the server prefers them when the client weighs several alike. */
  encodings: ['br', 'gzip', 'deflate'] as const,
  /** Answers smaller than this (bytes) go out uncompressed: tiny JSON errors stay cheap. */
  threshold: 1024,
};

/**
 * The content coding an `Accept-Encoding` header asks for, chosen as @fastify/compress chooses for the other routes
 * (highest q, ties in the order br, gzip, deflate; `*` and x-gzip mean gzip; q=0 refuses; identity is never chosen
 * over a coding); undefined means identity.
 */
export function negotiateEncoding(header: string | undefined): (typeof COMPRESSION.encodings)[number] | undefined {
  if (!header) return undefined;
  // Clients send one of a few headers over and over (every request of a browser alike): parse each once.
  let chosen = negotiated.get(header);
  if (chosen === undefined) {
    if (negotiated.size >= 256) negotiated.clear();
    negotiated.set(header, (chosen = negotiate(header) ?? null));
  }
  return chosen ?? undefined;
}

const negotiated = new Map<string, (typeof COMPRESSION.encodings)[number] | null>();

function negotiate(header: string): (typeof COMPRESSION.encodings)[number] | undefined {
  let best: (typeof COMPRESSION.encodings)[number] | undefined;
  let bestQ = 0;
  for (const part of header.toLowerCase().split(',')) {
    const [token, ...params] = part.split(';');
    const name = token.trim().replace(/^(\*|x-gzip)$/, 'gzip');
    const rank = COMPRESSION.encodings.indexOf(name as (typeof COMPRESSION.encodings)[number]);
    if (rank < 0) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number.parseFloat(qParam.slice(2)) || 0;
    if (q > bestQ || (q === bestQ && q > 0 && best !== undefined && rank < COMPRESSION.encodings.indexOf(best))) (best = COMPRESSION.encodings[rank]), (bestQ = q);
  }
  return best;
}

/** A final stored deflate block (BFINAL 1, BTYPE 00) at `at`: LEN and its one's complement, then the bytes. Returns its end. */
function storedBlock(out: Buffer, at: number, tail: Buffer): number {
  out[at] = 1;
  out.writeUInt16LE(tail.length, at + 1);
  out.writeUInt16LE(~tail.length & 0xffff, at + 3);
  return at + 5 + tail.copy(out, at + 5);
}
