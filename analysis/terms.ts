/**
 * Index terms. Chinese has no spaces, and a word segmenter cuts the same string differently in different
 * contexts (留抵退税 may be one word in a title and two in a sentence). So the index holds what does not depend on
 * segmentation: overlapping character bigrams of every Han run, whole Latin/number tokens, and whole numbers with
 * units (5000万元, 95.09%, 1-2个工作日). Any substring a user types can be found from these, and the search
 * layer then checks the exact substring in the normalised field (so 退税 finds 留抵退税, never 退…税).
 */
import { scanNumberUnits } from './quantities.js';

const HAN_RUN = /\p{Script=Han}+/gu;
const WORD = /[a-z0-9]+(?:\.[0-9]+)?/g;

/** Terms a normalised field contributes to the inverted index. */
export function indexTerms(text: string): string[] {
  const terms = retrievalTerms(text);
  for (const span of scanNumberUnits(text)) terms.push(span.text.replace(/\s+/g, ''));
  return terms;
}

/** Terms that every occurrence of `text` must contain in the index: Han bigrams and Latin/number tokens. */
export function retrievalTerms(text: string): string[] {
  return terms(text, 1);
}

/**
 * Fewer terms for finding candidates of a substring: every other bigram of each Han run, plus its last bigram.
 * Any text containing the substring contains these; the exact check afterwards removes the rest. Half the
 * index look-ups of retrievalTerms for the same result.
 */
export function candidateTerms(text: string): string[] {
  return [...new Set(terms(text, 2))];
}

/** Han bigrams taken every `step` characters (always ending with the run's last one) and Latin/number tokens. */
function terms(text: string, step: 1 | 2): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(HAN_RUN)) {
    const run = m[0];
    if (run.length === 1) out.push(run);
    for (let i = 0; i + 1 < run.length; i += step) out.push(run.slice(i, i + 2));
    if (step === 2 && run.length > 2 && run.length % 2 === 1) out.push(run.slice(-2));
  }
  for (const m of text.matchAll(WORD)) out.push(m[0]);
  return out;
}
