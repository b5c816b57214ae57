/**
 * Traditional → simplified, one character to one character, so normalisation keeps offsets. Built at index time
 * from opencc-js and carried in the snapshot: query analysis needs no converter of its own.
 */
import * as OpenCC from 'opencc-js';

let cached: Record<string, string> | undefined;

export function traditionalToSimplifiedTable(): Record<string, string> {
  if (cached) return cached;
  const convert = OpenCC.Converter({ from: 'tw', to: 'cn' });
  // A character that is itself simplified (么, whose Taiwan form is 麼) must not be mapped on: tw→cn alone
  // would turn 么 into its variant 幺.
  const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
  const table: Record<string, string> = {};
  const ranges: [number, number][] = [[0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xf900, 0xfaff]];
  for (const [lo, hi] of ranges) {
    for (let c = lo; c <= hi; c++) {
      const ch = String.fromCharCode(c);
      const out = convert(ch);
      if (out !== ch && out.length === 1 && toTraditional(ch) === ch) table[ch] = out;
    }
  }
  cached = table;
  return table;
}
