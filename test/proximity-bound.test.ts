/**
 * A record's proximity bonus is its best field's (closeness × share of the words held × field weight). Fields are read
 * heaviest first, and a field whose share of the words × weight cannot beat the best so far has its positions never
 * read. The bound must change no score: every re-ranked record scores exactly what the best of engines that each
 * read one field alone gives it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SearchEngine } from '../search/engine.js';
import { DEFAULT_ENGINE_OPTIONS } from '../search/options.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { seedSnapshot } from './helpers.js';

let body: SnapshotBody;
beforeAll(async () => {
  body = await seedSnapshot();
}, 120_000);

/** Every matched record's score (re-ranked ones with their bonuses), by record. */
function scores(engine: SearchEngine, q: string): Map<number, number> {
  const r = engine.search(q);
  return new Map(r.order(r.total).map((e) => [e.index, e.score]));
}

describe('the proximity bonus read heaviest field first', () => {
  // Seed questions and keyword lists whose words stand close together in titles and in the text fields; in the last
  // six, some record's best field is a lighter one than the heaviest field holding two of its words.
  const queries = ['如何缩短工程建设项目审批时间', '怎样降低企业融资成本', '海关 监管', '船舶 登记', '跨境电商 退货', '企业如何申请知识产权质押融资', '怎样降低企业物流成本', '建设项目接水接电接气一次申请', '人民银行征信系统', '审批服务', '项目用地', '保理征信'];

  it('gives every record the best of what each field alone gives it, and leaves some fields unread', () => {
    const engine = new SearchEngine(body);
    const single = DEFAULT_ENGINE_OPTIONS.proximityFields.map((f) => new SearchEngine(body, { proximityFields: [f] }));
    for (const q of queries) {
      const all = scores(engine, q);
      const each = single.map((e) => scores(e, q));
      expect(all.size, q).toBeGreaterThan(0);
      for (const [d, s] of all) expect(s, `${q} record ${d}`).toBe(Math.max(...each.map((m) => m.get(d)!)));
    }
    expect(engine.proximitySkips).toBeGreaterThan(0);
  });
});
