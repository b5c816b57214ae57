/**
 * Traditional → simplified, one character to one character, so normalisation keeps offsets. Built at index time
 * from opencc-js and carried in the snapshot: query analysis needs no converter of its own.
 */
import * as OpenCC from 'opencc-js';
import { SortedCharMap } from '../analysis/char-map.js';

let cached: SortedCharMap | undefined;

/** The table in the form the snapshot stores and the normaliser reads (keys in increasing order). */
export function traditionalToSimplifiedTable(): SortedCharMap {
  if (cached) return cached;
  const convert = OpenCC.Converter({ from: 'tw', to: 'cn' });
  // A character that is itself simplified (么, whose Taiwan form is 麼) must not be mapped on: tw→cn alone
  // would turn 么 into its variant 幺. The ranges are walked upwards, so the keys come out in increasing order.
  const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
  const from: number[] = [];
  let to = '';
  const ranges: [number, number][] = [[0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xf900, 0xfaff]];
  for (const [lo, hi] of ranges) {
    for (let c = lo; c <= hi; c++) {
      const ch = String.fromCharCode(c);
      const out = convert(ch);
      if (out !== ch && out.length === 1 && toTraditional(ch) === ch) {
        from.push(c);
        to += out;
      }
    }
  }
  cached = new SortedCharMap(Uint32Array.from(from), to);
  return cached;
}
