/**
 * The reporter's view: every quantified fact of the corpus, searchable by its sentence and its reform, filterable
 * by unit and sortable by value ("which reforms cut costs the most").
 */
import type { Quantity, ReformRecord } from '../indexer/schema.js';
import { escapeHtml } from './highlight.js';
import { sentenceAround } from '../analysis/outcomes.js';

const SENTENCE_END = /[。；！？\n]/;

export interface Fact {
  reformId: string;
  title: string;
  value: number;
  max?: number;
  unit: string;
  normalized?: Quantity['normalized'];
  change?: Quantity['change'];
  qualifier?: string;
  field: Quantity['field'];
  text: string;
  /** The sentence around the figure, HTML-escaped, with the figure in <mark>. */
  context: string;
}

export interface IndexedFact {
  fact: Fact;
  recordIndex: number;
  /** Plain sentence, for matching. */
  sentence: string;
}



export function collectFacts(records: ReformRecord[]): IndexedFact[] {
  const out: IndexedFact[] = [];
  records.forEach((r, recordIndex) => {
    for (const q of r.quantities) {
      const text = r[q.field] ?? '';
      const { from, to } = sentenceAround(text, q.start, q.end);
      const context =
        (from > 0 && !SENTENCE_END.test(text[from - 1]) ? '…' : '') +
        escapeHtml(text.slice(from, q.start)) + '<mark>' + escapeHtml(text.slice(q.start, q.end)) + '</mark>' + escapeHtml(text.slice(q.end, to)) +
        (to < text.length && !SENTENCE_END.test(text[to - 1]) ? '…' : '');
      out.push({
        recordIndex,
        sentence: text.slice(from, to),
        fact: {
          reformId: r.id,
          title: r.title,
          value: q.value,
          ...(q.max !== undefined ? { max: q.max } : {}),
          unit: q.unit,
          ...(q.normalized ? { normalized: q.normalized } : {}),
          ...(q.change ? { change: q.change } : {}),
          ...(q.qualifier ? { qualifier: q.qualifier } : {}),
          field: q.field,
          text: q.text,
          context,
        },
      });
    }
  });
  return out;
}

/** The value facts are sorted by: normalised (元, 天) where there is one, else as printed. */
export function sortValue(f: Fact): number {
  return f.normalized?.value ?? f.value;
}
