import { beforeAll, describe, expect, it } from 'vitest';
import { SearchService } from '../search/service.js';
import { DEFAULT_ENGINE_OPTIONS } from '../search/options.js';
import { seedService } from './helpers.js';

let service: SearchService;
let off: SearchService;
beforeAll(async () => {
  service = await seedService();
  off = new SearchService(service.body, { bonus: { ...DEFAULT_ENGINE_OPTIONS.bonus, kinds: 0 } });
});

// dict/synonyms.txt: 融资 > 贷款 信贷 债券 供应链金融 票据贴现. The engine reads the kinds that are one index token (a
// kind of several, 供应链金融, would need its positions intersected across the corpus): these three.
const KINDS_OF_FINANCING = ['贷款', '信贷', '债券'];
const plainOf = (s: SearchService, id: string) => {
  const r = s.reform(id)!;
  return s.engine.analyzer.normalizer.plain([r.title, r.content, r.applicableTo, r.process, r.outcome].join('\n'));
};

describe("a word that finds a page by itself ranks the records printing one of its kinds up, without widening", () => {
  it('融资 finds the same records either way, and its kinds are set aside, not searched', () => {
    const on = service.search({ q: '融资', size: 100 });
    const without = off.search({ q: '融资', size: 100 });
    expect(on.total).toBe(without.total);
    expect(new Set(on.hits.map((h) => h.id))).toEqual(new Set(without.hits.map((h) => h.id)));
    // Every hit prints 融资 itself: the kinds brought no record in.
    for (const h of on.hits) expect(plainOf(service, h.id)).toContain('融资');
    const c = service.engine.analyse('融资').groups[0][0].constraints[0];
    expect(c.alternatives.some((a) => a.kind)).toBe(false);
    expect(c.asideKinds).toEqual(expect.arrayContaining(['贷款', '债券']));
  });

  it('ranks 融资 records that also print 贷款, 债券 … above where they stood, and the 融资租赁 titles lower', () => {
    const rankOf = (s: SearchService) => new Map(s.search({ q: '融资', size: 30 }).hits.map((h, i) => [h.id, i] as const));
    const on = rankOf(service);
    const without = rankOf(off);
    const printsKind = (id: string) => KINDS_OF_FINANCING.some((k) => plainOf(service, id).includes(k));
    const withKind = [...without.keys()].filter(printsKind);
    const withoutKind = [...without.keys()].filter((id) => !printsKind(id));
    expect(withKind.length).toBeGreaterThan(0);
    expect(withoutKind.length).toBeGreaterThan(0);
    // The bonus only lifts: no record printing a kind falls, no record printing none rises.
    for (const id of withKind) expect(on.get(id)!).toBeLessThanOrEqual(without.get(id)!);
    for (const id of withoutKind) expect(on.get(id)!).toBeGreaterThanOrEqual(without.get(id)!);
    // 融资租赁 (a leasing business) titles print no kind of financing: at least one record about 融资 with a kind passes them.
    const leasing = [...without.keys()].filter((id) => service.reform(id)!.title.includes('融资租赁'));
    expect(leasing.length).toBeGreaterThan(0);
    for (const id of leasing) expect(printsKind(id)).toBe(false);
    expect(leasing.some((id) => on.get(id)! > without.get(id)!)).toBe(true);
  });

  it('leaves a word with no kinds, or whose kinds fill in, as it ranked', () => {
    // 跨境电商 has no narrower terms; 药品 finds less than a page, so its kinds are searched, not set aside.
    for (const q of ['跨境电商', '药品']) {
      expect(service.search({ q, size: 30 }).hits.map((h) => [h.id, h.score])).toEqual(off.search({ q, size: 30 }).hits.map((h) => [h.id, h.score]));
    }
    expect(service.engine.analyse('药品').groups[0][0].constraints[0].asideKinds).toBeUndefined();
  });
});
