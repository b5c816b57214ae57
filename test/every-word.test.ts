import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchService } from '../search/service.js';
import type { SearchResult } from '../search/engine.js';
import { seedService } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
});

/** Two-word queries of the seeds and a question: those with at least a page of records holding every word are the cases. */
const QUERIES = ['海关 监管', '企业 登记', '跨境电商 退货', '船舶 登记', '知识产权 质押', '贸易 便利化', '怎样办理跨境电商退货'];

/** The query's result with every cache cleared first (the path a first-seen query takes). */
function fresh(q: string): SearchResult {
  service.engine.clearCache();
  return service.engine.search(q);
}

/** The queries whose result is the records holding every word (a page or more of them, none partial). */
function everyWordQueries(): string[] {
  return QUERIES.filter((q) => {
    const r = fresh(q);
    return r.total >= 10 && !r.partial && r.analysis.groups.length > 0;
  });
}

describe('records holding every word are scored when read, as the words score them', () => {
  it('each record holding both words scores the sum of its two one-word scores, to the last bit', () => {
    const cases = everyWordQueries().filter((q) => q.includes(' '));
    expect(cases.length).toBeGreaterThanOrEqual(3);
    for (const q of cases) {
      const [a, b] = q.split(' ');
      const ra = fresh(a);
      const sa = new Map(Array.from(ra.docs, (d, i) => [d, ra.scores[i]]));
      const rb = fresh(b);
      const sb = new Map(Array.from(rb.docs, (d, i) => [d, rb.scores[i]]));
      const r = fresh(q);
      const scores = r.scores;
      for (let i = 0; i < r.docs.length; i++) {
        const d = r.docs[i];
        // A record holding both words is in both one-word results; a title equal to the query would add its bonus.
        expect(sa.has(d) && sb.has(d), `${q}: record ${d}`).toBe(true);
        const title = service.records[d].title.replace(/\s+/g, '');
        if (title === q.replace(/\s+/g, '')) continue;
        expect(scores[i], `${q}: record ${d}`).toBe(sa.get(d)! + sb.get(d)!);
      }
    }
  });

  it('a region-filtered page scores its records one by one exactly as the whole set scored at once ranks them', () => {
    const cases = everyWordQueries();
    let compared = 0;
    for (const q of cases) {
      const probe = fresh(q);
      const regions = [...new Set(Array.from(probe.docs, (d) => service.records[d].regions).flat())];
      for (const region of regions) {
        const keep = Uint8Array.from(probe.docs, (d) => (service.records[d].regions.includes(region) ? 1 : 0));
        const kept = keep.reduce((x, y) => x + y, 0);
        // A strict part of the set, so the view reads some records' scores and not others'.
        if (kept === 0 || kept === keep.length) continue;
        const lazy = fresh(q).order(10, keep);
        const whole = fresh(q);
        void whole.scores;
        const eager = whole.order(10, keep);
        expect(lazy, `${q} in ${region}`).toEqual(eager);
        expect(lazy.every((e) => service.records[e.index].regions.includes(region))).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5);
  });
});
