/**
 * Bytes → text. Users drop in files from many sources: UTF-8 with or without a BOM, UTF-16 with a BOM,
 * and GB18030/GBK (common for files saved by Chinese Windows tools). We detect the encoding without asking
 * and normalise line ends, so every parser sees LF-only text without a BOM.
 */

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface Decoded {
  text: string;
  encoding: Encoding;
  /**
   * Byte sequences that were not valid in the detected encoding, replaced with U+FFFD so the rest of the file is
   * kept: one entry per line that has any (line numbers count from 1 in the decoded text).
   */
  damaged: { line: number; count: number }[];
}

export class DecodeError extends Error {}

/**
 * A text with at most this share of undecodable characters (or at most three) is that encoding with some damage
 * (kept, with a warning per line); more than this and the encoding is wrong, not the bytes.
 */
const MAX_DAMAGE_SHARE = 0.01;

/** Decode a document's bytes, detecting its encoding; throws DecodeError when no supported encoding fits. */
export function decodeDocument(bytes: Uint8Array): Decoded {
  let encoding: Encoding | undefined;
  let body = bytes;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    encoding = 'utf-8';
    body = bytes.subarray(3);
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    encoding = 'utf-16le';
    body = bytes.subarray(2);
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    encoding = 'utf-16be';
    body = bytes.subarray(2);
  }
  let text: string | undefined;
  if (encoding) {
    text = lenient(encoding, body);
    if (tooDamaged(text)) throw new DecodeError(`not valid ${encoding} text (${countDamage(text)} undecodable sequences)`);
  } else if (isValidUtf8(bytes)) {
    [encoding, text] = ['utf-8', new TextDecoder('utf-8').decode(bytes)];
  } else {
    // Not clean UTF-8. A UTF-8 file with a few bad bytes still has most of its non-ASCII characters valid; a
    // GB18030 file read as UTF-8 has almost none. So: UTF-8 with damage, else GB18030, else GB18030 with damage.
    const utf8 = lenient('utf-8', bytes);
    const damage = countDamage(utf8);
    if (nonAsciiDecoded(utf8) >= 4 * damage && !tooDamaged(utf8)) [encoding, text] = ['utf-8', utf8];
    else {
      const gb = strict('gb18030', bytes) ?? lenient('gb18030', bytes);
      if (tooDamaged(gb)) throw new DecodeError(`not valid UTF-8 or GB18030 text (${damage} undecodable sequences as UTF-8, ${countDamage(gb)} as GB18030)`);
      [encoding, text] = ['gb18030', gb];
    }
  }
  if (text.includes('\u0000')) throw new DecodeError('binary content (NUL bytes), not a text document');
  text = normaliseLineEnds(text);
  return { text, encoding, damaged: damagedLines(text) };
}

function strict(encoding: Encoding, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function lenient(encoding: Encoding, bytes: Uint8Array): string {
  return new TextDecoder(encoding, { fatal: false, ignoreBOM: true }).decode(bytes);
}

function countDamage(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) n++;
  return n;
}

/** More than a few undecodable sequences, and more than MAX_DAMAGE_SHARE of the text: the wrong encoding. */
function tooDamaged(text: string): boolean {
  const n = countDamage(text);
  return n > 3 && n > text.length * MAX_DAMAGE_SHARE;
}

/** Characters beyond ASCII that decoded to something real. */
function nonAsciiDecoded(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f && c !== 0xfffd) n++;
  }
  return n;
}

function damagedLines(text: string): { line: number; count: number }[] {
  if (!text.includes('\uFFFD')) return [];
  const out: { line: number; count: number }[] = [];
  text.split('\n').forEach((l, i) => {
    const count = countDamage(l);
    if (count) out.push({ line: i + 1, count });
  });
  return out;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** CRLF and lone CR → LF; a BOM that survived decoding is dropped. */
export function normaliseLineEnds(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}
