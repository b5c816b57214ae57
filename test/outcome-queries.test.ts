import { beforeAll, describe, expect, it } from 'vitest';
import { type SearchService } from '../search/service.js';
import { seedService } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
}, 120_000);

const plainText = (id: string) => {
  const r = service.reform(id)!;
  const n = service.engine.analyzer.normalizer;
  return n.plain([r.title, r.content, r.applicableTo, r.process, r.outcome].join('\n'));
};

describe('a reporter’s outcome query means the stated change, not the verb', () => {
  it('finds records whose outcomes state a reduction with another verb (压缩, 减少) for 通关时间缩短', () => {
    const hits = service.search({ q: '通关时间缩短', size: 200, collapse: false }).hits;
    const withoutVerb = hits.filter((h) => h.missing.length === 0 && !plainText(h.id).includes('缩短'));
    expect(withoutVerb.length).toBeGreaterThan(0);
    for (const h of withoutVerb) expect(service.reform(h.id)!.outcomes.some((o) => o.direction === 'down')).toBe(true);
  });

  it('ranks first a record whose reduction names the asked-for metric (通关时间)', () => {
    const [first] = service.search({ q: '通关时间缩短', size: 10, collapse: false }).hits;
    const outcomes = service.reform(first.id)!.outcomes;
    expect(outcomes.some((o) => o.direction === 'down' && o.metric.includes('通关') && o.metric.includes('时间'))).toBe(true);
  });

  it('turns off with outcomeChange 0: then every hit prints the verb itself', async () => {
    const { SearchEngine } = await import('../search/engine.js');
    const engine = new SearchEngine(service.engine.body, { outcomeChange: 0, outcomeMetric: 0 });
    const r = engine.search('通关时间缩短');
    const n = engine.analyzer.normalizer;
    for (const e of r.ranked.filter((x) => x.missing.length === 0)) {
      const rec = engine.records[e.index];
      expect(n.plain([rec.title, rec.content, rec.applicableTo, rec.process, rec.outcome, ...(rec.departments ?? [])].join('\n'))).toContain('缩短');
    }
  });
});
