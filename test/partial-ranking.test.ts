import { beforeAll, describe, expect, it } from 'vitest';
import { fieldText, OWN_FIELDS } from '../indexer/fields.js';
import { NEAR_GAP } from '../search/analyzer.js';
import { SearchEngine } from '../search/engine.js';
import { type SearchService } from '../search/service.js';
import { seedService } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
}, 120_000);

const text = (index: number, engine: SearchEngine) => {
  // Every field the record is searched by (its units and facets' included).
  const r = engine.records[index];
  return engine.analyzer.normalizer.plain(OWN_FIELDS.map((f) => fieldText(r, f)).join('\n'));
};

describe('partial matches rank by how rare the words they lack are', () => {
  it('进口食品怎么快速通关: records holding the rare 食品 and 通关 but lacking two commoner words rank before every record lacking 食品', () => {
    const hits = service.search({ q: '进口食品怎么快速通关', size: 100, collapse: false }).hits;
    const lacking = hits.findIndex((h) => h.missing.includes('食品'));
    expect(lacking).toBeGreaterThan(0);
    const before = hits.slice(0, lacking);
    expect(before.some((h) => h.missing.length === 2)).toBe(true);
    for (const h of before) expect(h.missing.every((w) => w === '进口' || w === '快速' || w === '通关')).toBe(true);
  });

  it('counting every missing word alike (missingRarityPower 0) puts a record lacking only 食品 first instead', () => {
    const engine = new SearchEngine(service.engine.body, { missingRarityPower: 0 });
    const [first] = engine.search('进口食品怎么快速通关').ranked;
    expect(first.missing).toEqual(['食品']);
  });
});

describe('a lone character of a sentence is read with the word typed before it, and ranks, never matches', () => {
  const query = '给国际航行船舶加保税油';
  // 保税 then 油 at most NEAR_GAP characters later, in one sentence (保税船供油), or 油 right after 保税 (保税油罐).
  const tail = new RegExp(`保税[^。；！？\\n]{0,${NEAR_GAP}}油`);

  it('adds to the score of matched records printing 保税…油 and leaves every other score and the result set as they were', () => {
    const off = new SearchEngine(service.engine.body, { loneCharWeight: 0 }).search(query);
    const on = new SearchEngine(service.engine.body).search(query);
    expect(Array.from(on.docs)).toEqual(Array.from(off.docs));
    const engine = service.engine;
    let raised = 0;
    for (let i = 0; i < on.docs.length; i++) {
      if (tail.test(text(on.docs[i], engine))) {
        expect(on.scores[i]).toBeGreaterThan(off.scores[i]);
        raised++;
      } else expect(on.scores[i]).toBe(off.scores[i]);
    }
    expect(raised).toBeGreaterThan(0);
  });

  it('moves 保税船供油 up the ranking', () => {
    const rank = (engine: SearchEngine) => engine.search(query).ranked.findIndex((e) => engine.records[e.index].title.includes('保税船供油'));
    const before = rank(new SearchEngine(service.engine.body, { loneCharWeight: 0 }));
    const after = rank(service.engine);
    expect(after).toBeGreaterThanOrEqual(0);
    expect(after).toBeLessThan(before);
  });

  it('is not a word of the query: no hit lists 油 as missing and the analysis names it dropped', () => {
    const analysis = service.engine.analyse(query);
    expect(analysis.groups.flat().flatMap((c) => c.dropped.map((d) => d.text))).toContain('油');
    for (const h of service.search({ q: query, size: 50, collapse: false }).hits) expect(h.missing).not.toContain('油');
  });

  it('a keyword list (not a sentence) keeps lone characters out of ranking: 保税 油 scores as 保税 alone', () => {
    const on = service.engine.search('保税 油');
    const off = new SearchEngine(service.engine.body, { loneCharWeight: 0 }).search('保税 油');
    expect(Array.from(on.scores)).toEqual(Array.from(off.scores));
  });
});
