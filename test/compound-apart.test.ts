import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_OPTIONS } from '../search/options.js';
import { SearchService } from '../search/service.js';
import { recordFieldTexts, seedService, withOptions } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
}, 120_000);


/** Whether two words meet in a record: either in its title, or the two within proximityWindow of each other in one field. */
function meet(id: string, a: string, b: string): boolean {
  const [title, ...rest] = recordFieldTexts(service, id);
  if (title.includes(a) || title.includes(b)) return true;
  const at = (t: string, w: string) => [...t.matchAll(new RegExp(w, 'g'))].map((m) => m.index!);
  return [title, ...rest].some((t) => at(t, a).some((x) => at(t, b).some((y) => Math.abs(x - y) <= DEFAULT_ENGINE_OPTIONS.proximityWindow)));
}

describe('a compound typed whole: a record holding its words apart ranks with the partial matches (apartCost)', () => {
  // 执法平台 is cut 执法|平台, each searched as itself only (no equivalent), so the records' own text says where they are.
  const q = '执法平台';
  it('analyses 执法平台 as two plain words with no other forms, fewer than a page of records holding both', () => {
    const [clause] = service.engine.analyse(q).groups[0];
    expect(clause.constraints.map((c) => c.alternatives.map((a) => a.text))).toEqual([['执法'], ['平台']]);
    expect(service.search({ q }).partial).toBe(true);
  });

  it('puts a record lacking a word above records that hold both words only apart, and says they lack nothing', () => {
    const hits = service.search({ q, size: 20, collapse: false }).hits;
    const firstPartial = hits.findIndex((h) => h.missing.length > 0);
    expect(firstPartial).toBeGreaterThanOrEqual(0);
    const after = hits.slice(firstPartial).filter((h) => h.missing.length === 0);
    expect(after.length).toBeGreaterThan(0);
    for (const h of after) expect(meet(h.id, '执法', '平台'), h.title).toBe(false);
    // Every record holding both words where they meet still comes before every partial match.
    for (const h of hits.slice(0, firstPartial)) expect(meet(h.id, '执法', '平台'), h.title).toBe(true);
  });

  it('with apartCost 0, every record holding both words comes first, as before', () => {
    const hits = withOptions(service, { apartCost: 0 }).search({ q, size: 20, collapse: false }).hits;
    const firstPartial = hits.findIndex((h) => h.missing.length > 0);
    expect(hits.slice(firstPartial).every((h) => h.missing.length > 0)).toBe(true);
    expect(hits.slice(0, firstPartial).some((h) => !meet(h.id, '执法', '平台'))).toBe(true);
  });

  it('changes only the order: the same records, totals and missing words as with apartCost 0', () => {
    const off = withOptions(service, { apartCost: 0 });
    // Compounds whose order the rule moves (科研机构 is one thesaurus term, 建筑资质's order it leaves as it was).
    for (const query of ['执法平台', '住建数据', '小微融资']) {
      const a = service.search({ q: query, size: 100, collapse: false });
      const b = off.search({ q: query, size: 100, collapse: false });
      expect(a.hits.map((h) => h.id), query).not.toEqual(b.hits.map((h) => h.id));
      expect(a.total, query).toBe(b.total);
      const missing = (r: typeof a) => new Map(r.hits.map((h) => [h.id, h.missing.join(',')]));
      expect(missing(a), query).toEqual(missing(b));
    }
  });

  it('leaves two keywords typed apart (执法 平台) in their tiers: the user typed each word on its own', () => {
    const ids = (s: SearchService) => s.search({ q: '执法 平台', size: 20, collapse: false }).hits.map((h) => `${h.id} ${h.score}`);
    expect(ids(service)).toEqual(ids(withOptions(service, { apartCost: 0 })));
  });
});
