/**
 * Completions as the user types: titles starting with the text, then vocabulary terms starting with it, then titles
 * containing it. Apart from the search path: its own list of titles and terms, built on the first suggestion (loading
 * does no per-record work), read by no query.
 */
import type { ReformRecord } from '../indexer/schema.js';
import type { SnapshotBody } from '../snapshot/body.js';
import type { RecordStore } from '../snapshot/records.js';
import type { QueryAnalyzer } from './analyzer.js';

export class Suggester {
  private suggestions?: { titles: { key: string; title: string; id: string }[]; terms: [string, number][] };

  constructor(
    private readonly body: SnapshotBody,
    private readonly records: ReformRecord[],
    /** Records of a loaded snapshot (titles and ids read without decoding a record); absent for a body built in memory. */
    private readonly store: RecordStore | undefined,
    private readonly analyzer: QueryAnalyzer,
  ) {}

  /** Completions: titles starting with the text, then terms starting with it, then titles containing it. */
  suggest(q: string, size: number): { text: string; kind: 'title' | 'term'; id?: string }[] {
    const key = this.analyzer.normalizer.plain(q).replace(/\s+/g, '');
    if (!key) return [];
    const out: { text: string; kind: 'title' | 'term'; id?: string }[] = [];
    const seen = new Set<string>();
    const push = (s: { text: string; kind: 'title' | 'term'; id?: string }) => {
      if (out.length >= size || seen.has(s.text)) return;
      seen.add(s.text);
      out.push(s);
    };
    // Built on the first suggestion, not at load (loading does no per-record work).
    if (!this.suggestions) {
      const n = this.analyzer.normalizer;
      const stop = new Set(this.body.dictionary.stopwords);
      this.suggestions = {
        titles: Array.from({ length: this.records.length }, (_, i) => {
          // Titles and ids only: a loaded snapshot's records are not decoded for this.
          const title = this.store ? this.store.title(i) : this.records[i].title;
          return { key: n.plain(title), title, id: this.store ? this.store.id(i) : this.records[i].id };
        }),
        terms: this.body.analysis.vocabulary.filter(([w]) => w.length >= 2 && !stop.has(w) && !/^[\d.]+$/.test(w)),
      };
    }
    const { titles, terms } = this.suggestions;
    for (const t of titles) if (t.key.startsWith(key)) push({ text: t.title, kind: 'title', id: t.id });
    for (const [w] of terms) {
      if (out.length >= size) break;
      if (w.startsWith(key) && w !== key) push({ text: w, kind: 'term' });
    }
    for (const t of titles) if (!t.key.startsWith(key) && t.key.includes(key)) push({ text: t.title, kind: 'title', id: t.id });
    return out;
  }
}
