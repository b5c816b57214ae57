import { beforeAll, describe, expect, it } from 'vitest';
import { SearchService } from '../search/service.js';
import { recordFieldTexts, seedService, withOptions } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
}, 120_000);


describe('a word one record prints is no yardstick of which words are common (rarestYardstickRecords)', () => {
  const printing = (w: string) => service.records.filter((r) => recordFieldTexts(service, r.id).some((t) => t.includes(w)));

  it('房产登记: 房产 is printed by one record only, and 登记 beside it fills the page (the 不动产登记 records among them)', () => {
    expect(printing('房产')).toHaveLength(1);
    const res = service.search({ q: '房产登记', size: 20, collapse: false });
    expect(res.total).toBeGreaterThan(1);
    const fill = res.hits.filter((h) => h.missing.includes('房产'));
    expect(fill.some((h) => h.title.includes('不动产登记'))).toBe(true);
    for (const h of fill) expect(recordFieldTexts(service, h.id).some((t) => t.includes('登记')), h.title).toBe(true);
    // Judged against 房产's own idf (one mention), 登记 was common: one record on the page.
    expect(withOptions(service, { rarestYardstickRecords: 1 }).search({ q: '房产登记' }).total).toBe(1);
  });

  it('a rare word printed by two records or more is the yardstick as before: 进口冷链 and 药品进口 are never filled by 进口 alone', () => {
    expect(printing('冷链').length).toBeGreaterThanOrEqual(2);
    const off = withOptions(service, { rarestYardstickRecords: 1 });
    for (const query of ['进口冷链', '药品进口']) {
      const ids = (s: SearchService) => s.search({ q: query, size: 50, collapse: false }).hits.map((h) => `${h.id} ${h.score}`);
      expect(ids(service), query).toEqual(ids(off));
    }
  });
});
