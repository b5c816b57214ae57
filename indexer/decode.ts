/**
 * Bytes → text. Users drop in files from many sources: UTF-8 with or without a BOM, UTF-16 with a BOM,
 * and GB18030/GBK (common for files saved by Chinese Windows tools). We detect the encoding without asking
 * and normalise line ends, so every parser sees LF-only text without a BOM.
 */

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface Decoded {
  text: string;
  encoding: Encoding;
}

export class DecodeError extends Error {}

/** Decode a document's bytes, detecting its encoding; throws DecodeError when no supported encoding fits. */
export function decodeDocument(bytes: Uint8Array): Decoded {
  let encoding: Encoding;
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
  } else {
    encoding = isValidUtf8(bytes) ? 'utf-8' : 'gb18030';
  }
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(body);
  } catch {
    throw new DecodeError(`not valid ${encoding} text`);
  }
  if (text.includes('\u0000')) throw new DecodeError('binary content (NUL bytes), not a text document');
  return { text: normaliseLineEnds(text), encoding };
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
