import { beforeAll, describe, expect, it } from 'vitest';
import { SearchService } from '../search/service.js';
import { ownTextSays, seedService } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
}, 120_000);

describe('with missingRarityPower, partial matches rank by how rare the words they lack are', () => {
  it('进口食品怎么快速通关: records holding the rare 食品 and 通关 but lacking two commoner words rank before every record lacking 食品', () => {
    // Without narrower terms, which make 食品 commoner (水果, 水产品 are kinds of it), and without the question-aim
    // rule, which also lets 快速 and 通关 cost less to lack: the rarity rule alone here.
    const body = { ...service.engine.body, dictionary: { ...service.engine.body.dictionary, narrower: [] } };
    const hits = new SearchService(body, { missingRarityPower: 2, questionAims: false }).search({ q: '进口食品怎么快速通关', size: 100, collapse: false }).hits;
    const lacking = hits.findIndex((h) => h.missing.includes('食品'));
    expect(lacking).toBeGreaterThan(0);
    const before = hits.slice(0, lacking);
    expect(before.some((h) => h.missing.length === 2)).toBe(true);
    for (const h of before) expect(h.missing.every((w) => w === '进口' || w === '快速' || w === '通关')).toBe(true);
  });

  it('counting every missing word alike (missingRarityPower 0, questionAims off) puts a record lacking only 食品 first instead', () => {
    const engine = new SearchService(service.engine.body, { questionAims: false }).engine;
    const [first] = engine.search('进口食品怎么快速通关').ranked;
    expect(first.missing).toEqual(['食品']);
  });
});

describe('in a question of manner typed after its topic, the words after 怎么 / 怎样 / 如何 cost less to lack than the topic', () => {
  it('进口食品怎么快速通关 (the default): records holding 食品 that lack only 快速 and 通关 rank before every record lacking 食品', () => {
    const hits = service.search({ q: '进口食品怎么快速通关', size: 100, collapse: false }).hits;
    const lacking = hits.findIndex((h) => h.missing.includes('食品'));
    expect(lacking).toBeGreaterThan(0);
    const before = hits.slice(0, lacking);
    // Some of them lack both aim words and still come first: the aim says what is wanted of 食品, not which topic.
    expect(before.some((h) => h.missing.includes('快速') && h.missing.includes('通关'))).toBe(true);
    for (const h of before) expect(h.missing.every((w) => w === '快速' || w === '通关')).toBe(true);
  });

  it('企业注销怎样简化手续: the records on 企业注销 come first, before records that only simplify 手续', () => {
    const hits = service.search({ q: '企业注销怎样简化手续', size: 10 }).hits;
    expect(hits.length).toBeGreaterThan(1);
    const firstLacking = hits.findIndex((h) => h.missing.includes('注销') || h.missing.includes('企业注销'));
    expect(firstLacking).not.toBe(0);
    const topic = firstLacking < 0 ? hits : hits.slice(0, firstLacking);
    expect(topic.length).toBeGreaterThan(0);
    for (const h of topic) expect(ownTextSays(service, service.records.findIndex((r) => r.id === h.id), '注销')).toBe(true);
  });

  it('a question with nothing typed before 如何 (如何缩短工程建设项目审批时间) is ranked as without the rule', () => {
    const off = new SearchService(service.engine.body, { questionAims: false });
    const ids = (s: SearchService) => s.search({ q: '如何缩短工程建设项目审批时间', size: 20, collapse: false }).hits.map((h) => `${h.id} ${h.score}`);
    expect(ids(service)).toEqual(ids(off));
  });

  it('a field clause (title:进口食品怎么快速通关) or a pasted paragraph longer than a question is ranked as without the rule', () => {
    const off = new SearchService(service.engine.body, { questionAims: false });
    const ids = (s: SearchService, q: string) => s.search({ q, size: 20, collapse: false }).hits.map((h) => `${h.id} ${h.score}`);
    for (const q of ['title:进口食品怎么快速通关', '进口食品怎么快速通关，企业希望海关提供更多通关便利措施和查验服务']) {
      expect(ids(service, q).length, q).toBeGreaterThan(0);
      expect(ids(service, q), q).toEqual(ids(off, q));
    }
  });
});

describe('a page is ten reforms: partial matches fill it when the records holding every word are fewer reforms', () => {
  // The service shows one hit per reform (copies fold under it), so ten records that are fewer than ten reforms used to
  // leave the page short with no partial match after them.
  for (const q of ['告知承诺制', '海关 担保']) {
    it(`${q}: ten or more records hold every word but they are fewer than ten reforms, so partial matches fill the page after them`, () => {
      const records = service.search({ q, size: 100, collapse: false }).hits;
      const full = records.filter((h) => h.missing.length === 0);
      expect(full.length).toBeGreaterThanOrEqual(10);
      const page = service.search({ q, size: 10 });
      const fullHits = page.hits.filter((h) => h.missing.length === 0);
      expect(fullHits.length).toBeLessThan(10);
      // Every record holding every word is on the page (as a hit or a copy under one).
      const shown = new Set(page.hits.flatMap((h) => [h.id, ...(h.copies ?? []).map((c) => c.id)]));
      for (const h of full) expect(shown.has(h.id)).toBe(true);
      expect(page.hits).toHaveLength(10);
      expect(page.partial).toBe(true);
      // All words rank first, partial matches after, each saying which word it lacks.
      const firstPartial = page.hits.findIndex((h) => h.missing.length > 0);
      expect(firstPartial).toBe(fullHits.length);
      for (const h of page.hits.slice(firstPartial)) expect(h.missing.length).toBeGreaterThan(0);
    });
  }
});

describe('a description in the user’s own words ranks its partial matches by score, not in tiers of missing words', () => {
  const titled = (s: SearchService, q: string, title: string) =>
    s.search({ q, size: 20, collapse: false }).hits.findIndex((h) => h.title.includes(title));

  it('外国人可以自己出资开办技能培训学校: the record on foreign-owned skills-training institutions ranks first, though it lacks more of the words than a record on vocational-education standards', () => {
    const q = '外国人可以自己出资开办技能培训学校';
    const off = new SearchService(service.engine.body, { descriptionsByScore: false });
    const own = titled(service, q, '外商独资职业技能培训机构');
    const other = titled(service, q, '双元制职业教育标准');
    expect(own).toBe(0);
    expect(other).toBeGreaterThan(own);
    const hits = service.search({ q, size: 20, collapse: false }).hits;
    expect(hits[own].missing.length).toBeGreaterThan(hits[other].missing.length);
    // In tiers, the record lacking fewer words comes first, whatever it is about (and it is on the page: -1 would
    // pass the comparison too).
    expect(titled(off, q, '双元制职业教育标准')).toBeGreaterThanOrEqual(0);
    expect(titled(off, q, '外商独资职业技能培训机构')).toBeGreaterThan(titled(off, q, '双元制职业教育标准'));
  });

  it('orders every record of a description by its score, partial or not, and still says which words each lacks', () => {
    for (const q of ['码头装卸集装箱不需要人工', '外国人可以自己出资开办技能培训学校', '人才评价服务']) {
      const hits = service.search({ q, size: 30, collapse: false }).hits;
      expect(hits.some((h) => h.missing.length > 0), q).toBe(true);
      for (let i = 1; i < hits.length; i++) expect(hits[i].score, `${q} #${i}`).toBeLessThanOrEqual(hits[i - 1].score);
      for (const h of hits) for (const w of h.missing) expect(ownTextSays(service, service.records.findIndex((r) => r.id === h.id), w), `${q} ${h.id} ${w}`).toBe(false);
    }
  });

  it('a sentence that leaves two words once its lone characters are dropped is a description: 不用登船就能检查船舶 ranks by score, unlike 检查 船舶 typed as keywords', () => {
    const q = '不用登船就能检查船舶';
    const analysed = service.engine.analyse(q).groups.flat();
    expect(analysed.flatMap((c) => c.constraints.map((k) => k.text))).toEqual(['检查', '船舶']);
    expect(analysed[0].dropped.some((d) => d.reason === 'single-character')).toBe(true);
    expect(analysed[0].natural).toBe(true);
    const hits = service.search({ q, size: 30, collapse: false }).hits;
    expect(hits.some((h) => h.missing.length > 0)).toBe(true);
    for (let i = 1; i < hits.length; i++) expect(hits[i].score, `#${i}`).toBeLessThanOrEqual(hits[i - 1].score);
    // By score, a record lacking a word can rank above one holding both.
    expect(hits.some((h, i) => h.missing.length > 0 && hits.slice(i + 1).some((later) => later.missing.length === 0))).toBe(true);
    // Typed as two keywords, the same words keep their tiers: every record holding both comes before any lacking one
    // (within a tier, a keyword list ranks by score scaled by its missing words' rarity: missingIdfDecay).
    expect(service.engine.analyse('检查 船舶').groups.flat().some((c) => c.natural)).toBe(false);
    const keywords = service.search({ q: '检查 船舶', size: 30, collapse: false }).hits;
    expect(keywords.some((h) => h.missing.length > 0)).toBe(true);
    for (let i = 1; i < keywords.length; i++) expect(keywords[i].missing.length, `#${i}`).toBeGreaterThanOrEqual(keywords[i - 1].missing.length);
  });

  it('keeps the tiers of a question, an outcome query and a list of two keywords (same records, same order, same scores)', () => {
    const off = new SearchService(service.engine.body, { descriptionsByScore: false });
    const ids = (s: SearchService, q: string) => s.search({ q, size: 30, collapse: false }).hits.map((h) => `${h.id} ${h.score}`);
    for (const q of ['进口食品怎么快速通关', '哪里可以申请知识产权证券化', '哪家银行可以办理跨境结算', '退税时间缩短', '审批时间压缩到几个工作日', '药品进口', '海关 担保']) {
      expect(service.search({ q, size: 30 }).partial, q).toBe(true);
      expect(ids(service, q), q).toEqual(ids(off, q));
    }
  });
});

describe('in a description of four or more words, a word counts at most descriptionWordCap × its idf', () => {
  const hits = (s: SearchService, q: string) => s.search({ q, size: 20, collapse: false }).hits;

  it('老百姓在网上认购鱼苗一起放到海里: the one record printing the rare 认购 ranks first, above records whose titles print the common 网上 group', () => {
    const q = '老百姓在网上认购鱼苗一起放到海里';
    const buying = service.records.filter((r, i) => ownTextSays(service, i, '认购'));
    expect(buying.length).toBe(1);
    const [first] = hits(service, q);
    expect(first.id).toBe(buying[0].id);
    expect(first.missing).not.toContain('认购');
    // Uncapped, a record lacking 认购 leads on the common words it prints, its title's weigh six times its text's.
    const [uncapped] = hits(new SearchService(service.engine.body, { descriptionWordCap: 0 }), q);
    expect(uncapped.missing).toContain('认购');
  });

  it('leaves three words typed whole, keyword lists and questions as they were (same records, same order, same scores)', () => {
    const off = new SearchService(service.engine.body, { descriptionWordCap: 0 });
    const ids = (s: SearchService, q: string) => hits(s, q).map((h) => `${h.id} ${h.score}`);
    for (const q of ['人才评价服务', '港口通关效率', '海关 担保 保险 企业', '进口食品怎么快速通关', '哪里可以申请知识产权证券化']) {
      expect(ids(service, q), q).toEqual(ids(off, q));
    }
  });
});

describe('an outcome query keeps its tiers whatever qualifierCost is', () => {
  const ids = (s: SearchService, q: string) => s.search({ q, size: 30, collapse: false }).hits.map((h) => `${h.id} ${h.score}`);

  it('退税时间缩短 with qualifierCost 1: its change verb and measure word still make it no description (tiers, not score)', () => {
    const even = new SearchService(service.engine.body, { qualifierCost: 1 });
    const tiers = new SearchService(service.engine.body, { qualifierCost: 1, descriptionsByScore: false });
    const q = '退税时间缩短';
    expect(even.search({ q, size: 30 }).partial).toBe(true);
    expect(ids(even, q)).toEqual(ids(tiers, q));
  });

  it('退税时间缩短 with qualifierCost 2: every record lacking the topic (退税) still ranks after every record holding it', () => {
    const dear = new SearchService(service.engine.body, { qualifierCost: 2 });
    const hits = dear.search({ q: '退税时间缩短', size: 200, collapse: false }).hits;
    const lacking = hits.map((h, i) => (h.missing.includes('退税') ? i : -1)).filter((i) => i >= 0);
    const having = hits.map((h, i) => (h.missing.includes('退税') ? -1 : i)).filter((i) => i >= 0);
    expect(lacking.length).toBeGreaterThan(0);
    // Some topic records lack both 时间 and 缩短 (cost 4 at this price, more than a lone topic word).
    expect(hits.some((h) => !h.missing.includes('退税') && h.missing.includes('时间') && h.missing.includes('缩短'))).toBe(true);
    expect(Math.max(...having)).toBeLessThan(Math.min(...lacking));
  });
});

describe('asksQuestion tells a question from a description', () => {
  it('reads question words and asked figures as questions, and a sentence without them as a description', async () => {
    const { asksQuestion } = await import('../analysis/ask.js');
    for (const q of ['进口食品怎么快速通关', '哪里可以申请知识产权证券化', '服务企业多少家', '通关要多久', '为什么要推行告知承诺制', '境外投资备案怎么办']) expect(asksQuestion(q), q).toBe(true);
    // Any 哪 asks (哪家, 哪种, 哪类 as well as 哪些, 哪里), and so do 何时, 何处; 哪怕 ("even if") does not.
    for (const q of ['哪家银行可以办理跨境结算', '哪种方式可以办理跨境结算', '哪类企业可以享受出口退税', '何时可以办理出口退税', '何处可以办理跨境结算']) expect(asksQuestion(q), q).toBe(true);
    for (const q of ['企业关门注销一次办完', '码头装卸集装箱不需要人工', '几何', '人才评价服务', '哪怕企业不到现场也能办理跨境结算']) expect(asksQuestion(q), q).toBe(false);
  });
});
