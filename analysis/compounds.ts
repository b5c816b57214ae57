/**
 * Split compounds: a compound typed whole (不动产登记) also matches its two parts a few characters apart inside one
 * sentence (不动产…登记). What "split", "a few characters" and "one sentence" mean, shared by the query analyzer (which
 * parts a typed word splits into), the matcher (search/match.ts `near`, from the index's positions) and the indexer
 * (indexer/near-postings.ts, which stores the costliest splits' matches at build): one definition, so a stored match
 * is exactly what the matcher would compute.
 */

/** At most this many characters may separate the two parts of a split compound. */
export const NEAR_GAP = 6;

/** Characters that end a sentence in normalised text (full-width ；！？ become ;!? under NFKC). */
export const SENTENCE_BREAKS = ['。', ';', '!', '?', '；', '！', '？'];

const HAN_ONLY = /^\p{Script=Han}+$/u;

/**
 * The two parts a Han word of four or more characters splits into, each of two or more characters: the cut whose
 * rarer part the vocabulary counts most often (counts: how often each word was produced over the corpus). Undefined
 * when no cut leaves two vocabulary words.
 */
export function splitCompound(text: string, counts: ReadonlyMap<string, number>): [string, string] | undefined {
  if (text.length < 4 || !HAN_ONLY.test(text)) return undefined;
  let best: [string, string] | undefined;
  let bestScore = 0;
  for (let k = 2; k <= text.length - 2; k++) {
    const a = text.slice(0, k);
    const b = text.slice(k);
    const score = Math.min(counts.get(a) ?? 0, counts.get(b) ?? 0);
    if (score > bestScore) [best, bestScore] = [[a, b], score];
  }
  return best;
}

/**
 * Where a…b occurs in one text: the starts of a followed, 1 to `gap` characters after a ends, by b, with no sentence
 * break in between (nearAt at every start of a). The same positions search/match.ts `near` finds from the index (a's
 * and b's occurrences, the breaks' positions).
 */
export function nearStarts(text: string, a: string, b: string, gap: number, emit: (at: number) => void): void {
  for (let x = text.indexOf(a); x >= 0; x = text.indexOf(a, x + 1)) if (nearAt(text, x, a, b, gap)) emit(x);
}

/**
 * Whether a…b starts at x: a at x, and the first b starting 1…gap characters after a ends (looked for in that window
 * only) with no sentence break between a's end and it. Only the first b is looked at: a break before it is before
 * any later b too.
 */
export function nearAt(text: string, x: number, a: string, b: string, gap: number): boolean {
  if (!text.startsWith(a, x)) return false;
  const end = x + a.length;
  let q = end + 1;
  const last = Math.min(end + gap, text.length - b.length);
  // b's first character compared before the whole of b: most places in the window fail there, with no call.
  const first = b.charCodeAt(0);
  while (q <= last && (text.charCodeAt(q) !== first || !text.startsWith(b, q))) q++;
  if (q > last) return false;
  return !breakBetween(text, end, q);
}

const BREAK_CODES = new Set(SENTENCE_BREAKS.map((c) => c.charCodeAt(0)));

/** Whether text[from … to) holds a sentence break (then a part ending at `from` and one starting at `to` are not near). */
export function breakBetween(text: string, from: number, to: number): boolean {
  for (let z = from; z < to; z++) if (BREAK_CODES.has(text.charCodeAt(z))) return true;
  return false;
}
