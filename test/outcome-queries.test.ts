import { beforeAll, describe, expect, it } from 'vitest';
import { type SearchService } from '../search/service.js';
import { recordPlainText, seedService } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
}, 120_000);

const plainText = (id: string) => recordPlainText(service, id);

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

describe('a question asking for a figure (多少家, 几个工作日, 多久) means records that state that figure', () => {
  it('reads the figure asked for from the question word and the unit after it', async () => {
    const { quantityAsk } = await import('../analysis/ask.js');
    expect(quantityAsk('服务企业多少家')).toEqual({ text: '多少家', unit: '家' });
    expect(quantityAsk('审批时间压缩到几个工作日')).toEqual({ text: '几个工作日', kind: 'time', unit: '工作日' });
    expect(quantityAsk('通关要多久')).toEqual({ text: '多久', kind: 'time' });
    expect(quantityAsk('节省了多少钱')).toEqual({ text: '多少钱', kind: 'money' });
    expect(quantityAsk('效率提高了多少')).toEqual({ text: '多少' });
    expect(quantityAsk('几何')).toBeUndefined();
    expect(quantityAsk('告知承诺制')).toBeUndefined();
  });

  it('reads 时间, 费用 and 次数 as measures a fact is counted in, whatever its metric says', async () => {
    const { namesMeasure } = await import('../analysis/ask.js');
    expect(namesMeasure('次数', { kind: 'count', unit: '万人次' })).toBe(true);
    expect(namesMeasure('次数', { kind: 'count', unit: '家' })).toBe(false);
    expect(namesMeasure('时间', { kind: 'time', unit: '个工作日' })).toBe(true);
    expect(namesMeasure('费用', { kind: 'money', unit: '万元' })).toBe(true);
    expect(namesMeasure('费用', { kind: 'time', unit: '天' })).toBe(false);
    // A percentage measures what its metric names: 物流成本 降低 20% is a change of money, 办理时限 压缩 94.4% of time.
    expect(namesMeasure('费用', { kind: 'percent', unit: '%', metric: '物流成本' })).toBe(true);
    expect(namesMeasure('时间', { kind: 'percent', unit: '%', metric: '办理时限' })).toBe(true);
    expect(namesMeasure('时间', { kind: 'percent', unit: '%', metric: '物流成本' })).toBe(false);
    expect(namesMeasure('费用', { kind: 'percent', unit: '%', metric: '群众满意度' })).toBe(false);
    expect(namesMeasure('通关', { kind: 'time', unit: '天' })).toBe(false);
    // One list per measure: every word a query may type for it also reads a percentage's metric as that measure
    // (审批期限 压缩 50% is a change of time), and a metric-only word (工期) is no query measure word.
    expect(namesMeasure('时间', { kind: 'percent', unit: '%', metric: '审批期限' })).toBe(true);
    expect(namesMeasure('费用', { kind: 'percent', unit: '%', metric: '审批期限' })).toBe(false);
    // Intended: a 期限 is always a length of time (the seeds print 保税展销期限为6个月), so a financing term's change
    // (贷款期限 延长 30%) is a change of time too, never of money; which term the user meant is for the topic words.
    expect(namesMeasure('时间', { kind: 'percent', unit: '%', metric: '贷款期限' })).toBe(true);
    expect(namesMeasure('费用', { kind: 'percent', unit: '%', metric: '融资期限' })).toBe(false);
    expect(namesMeasure('时间', { kind: 'percent', unit: '%', metric: '融资成本' })).toBe(false);
    expect(namesMeasure('时间', { kind: 'percent', unit: '%', metric: '施工工期' })).toBe(true);
    expect(namesMeasure('工期', { kind: 'time', unit: '天' })).toBe(false);
  });

  it('answers 服务企业多少家 with records whose outcomes count firms (家), the metric naming 企业 first', () => {
    const res = service.search({ q: '服务企业多少家', size: 200, collapse: false });
    const counts = (id: string) => service.reform(id)!.outcomes.filter((o) => (o.unit ?? '').endsWith('家'));
    expect(res.hits.length).toBeGreaterThan(5);
    // More than a page states such a count, so those are the results: records that merely say 服务 and 企业 are not.
    for (const h of res.hits) {
      expect(h.missing).toEqual([]);
      expect(counts(h.id).length).toBeGreaterThan(0);
    }
    expect(counts(res.hits[0].id).some((o) => o.metric.includes('企业'))).toBe(true);
    const words = service.search({ q: '服务企业', size: 200, collapse: false });
    expect(words.total).toBeGreaterThan(res.total);
  });
});

describe('a question for a figure is about its content words, not the words that ask', () => {
  it('drops the words leading into the figure asked for (需要, 大概花费) and the 时间 of 多长时间, keeps a unit word', async () => {
    const { quantityAsk, withoutAskLead } = await import('../analysis/ask.js');
    const strip = (q: string) => withoutAskLead(q, quantityAsk(q)!);
    expect(strip('企业开办需要多长时间')).toBe('企业开办');
    expect(strip('通关需要多少时间')).toBe('通关');
    // Nothing left but the question: the whole query decides whether to search the text literally (QueryAnalyzer).
    expect(strip('大概花费多少钱')).toBe('多少钱');
    expect(strip('需要多长时间办营业执照')).toBe('办营业执照');
    expect(strip('办证大概花费多少钱')).toBe('办证多少钱');
    // A unit after the question word names the measure: it stays a word.
    expect(strip('审批时间压缩到几个工作日')).toBe('审批时间压缩到几个工作日');
    // A single character is never stripped: it may end a real word (费用).
    expect(strip('费用多少钱')).toBe('费用多少钱');
  });

  it('reads 需要 before a second question for a figure as its frame too (办理需要多久 需要多少材料: the ask is the first figure)', () => {
    const words = (q: string) => service.engine.analyse(q).groups.map((g) => g.flatMap((c) => c.constraints.map((k) => k.text)));
    expect(service.engine.analyse('办理需要多久 需要多少材料').ask?.text).toBe('多久');
    // The second clause holds no ask: only the frame 需要(?=多少) keeps 需要 out of its words.
    expect(words('办理需要多久 需要多少材料')[1]).toEqual(['材料']);
    // 几 without a unit asks no figure (需要几步): the frame cuts 需要 there as well.
    expect(words('需要几步').flat()).not.toContain('需要');
  });

  it('answers 企业开办需要多长时间 with the records on 企业开办, those stating a duration first', () => {
    const words = service.engine.analyse('企业开办需要多长时间').groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
    expect(words).toEqual(['企业开办']);
    const res = service.search({ q: '企业开办需要多长时间', size: 50, collapse: false });
    // The total counts records about 企业开办 (and its other names), not records that merely say 需要 or 时间.
    expect(res.total).toBe(service.search({ q: '企业开办', size: 1, collapse: false }).total);
    for (const h of res.hits) expect(h.missing.filter((m) => m !== '多长时间')).toEqual([]);
    expect(service.reform(res.hits[0].id)!.outcomes.some((o) => o.kind === 'time')).toBe(true);
    const timed = res.hits.map((h) => service.reform(h.id)!.outcomes.some((o) => o.kind === 'time'));
    // Every record stating a duration ranks before every record that states none.
    expect(timed.indexOf(false)).toBeGreaterThan(0);
    expect(timed.slice(timed.indexOf(false)).some(Boolean)).toBe(false);
  });
  it('reads a superlative (最快 of 企业开办最快多久) as which figure is wanted: every record on 企业开办 ranks before records sharing only 最快', () => {
    const res = service.search({ q: '企业开办最快多久', size: 50, collapse: false });
    const offTopic = res.hits.map((h) => h.missing.includes('企业开办'));
    expect(offTopic.indexOf(true)).toBeGreaterThan(0);
    expect(offTopic.slice(offTopic.indexOf(true)).some((x) => !x)).toBe(false);
    // The record that states the fastest opening time (最短用时 35 分钟) is among the first two.
    expect(res.hits.slice(0, 2).some((h) => /35\s*分钟/.test(plainText(h.id)))).toBe(true);
  });

  it('reads 取得了哪些成效, 有什么效果 and 效果如何 as asking what was achieved, of any figure; 退税成效 stays keywords', async () => {
    const { quantityAsk } = await import('../analysis/ask.js');
    expect(quantityAsk('退税取得了哪些成效')).toEqual({ text: '取得了哪些成效', outcomes: true });
    expect(quantityAsk('跨境电商有什么效果')).toEqual({ text: '有什么效果', outcomes: true });
    expect(quantityAsk('证照分离效果如何')).toEqual({ text: '效果如何', outcomes: true });
    expect(quantityAsk('退税成效')).toBeUndefined();
  });

  it('answers 退税取得了哪些成效 with records on 退税, those stating an outcome first, never records that only say 成效', () => {
    const words = service.engine.analyse('退税取得了哪些成效').groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
    expect(words).toEqual(['退税']);
    const res = service.search({ q: '退税取得了哪些成效', size: 50, collapse: false });
    expect(res.hits.length).toBeGreaterThan(3);
    for (const h of res.hits) expect(plainText(h.id)).toContain('退税');
    const stated = res.hits.map((h) => service.reform(h.id)!.outcomes.length > 0);
    expect(stated[0]).toBe(true);
    const firstWithout = stated.indexOf(false);
    if (firstWithout >= 0) expect(stated.slice(firstWithout).some(Boolean)).toBe(false);
  });
  it('reads a question’s frame (我想了解, 介绍一下, 需要 before 哪些, 的改革 closing it) as the question’s, nowhere else', async () => {
    const { questionContent } = await import('../analysis/ask.js');
    expect(questionContent('我想了解知识产权质押')).toBe('知识产权质押');
    expect(questionContent('能不能介绍一下证照分离')).toBe('证照分离');
    expect(questionContent('办理施工许可需要哪些材料')).toBe('办理施工许可 哪些材料');
    expect(questionContent('关于船舶登记的改革有哪些')).toBe('关于船舶登记有哪些');
    expect(questionContent('证照分离是什么意思')).toBe('证照分离');
    expect(questionContent('哪个城市试点了首违不罚')).toBe('首违不罚');
    expect(questionContent('海关担保有哪些方式')).toBe('海关担保');
    expect(questionContent('为什么要推行告知承诺制')).toBe('告知承诺制');
    expect(questionContent('推行告知承诺制')).toBe('推行告知承诺制');
    // Outside the frame the words are the user's: 改革 in a compound, 介绍 or 了解 typed alone.
    expect(questionContent('地方金融改革')).toBe('地方金融改革');
    // 的改革 closing a description is every record's frame too (压缩审批时间的改革: see below).
    expect(questionContent('船舶登记的改革')).toBe('船舶登记');
    expect(questionContent('了解')).toBe('了解');
  });

  it('reads a verb of need or ability inside a sentence (不需要, 无需, 能够, 就能) as its frame, cut to a word boundary; typed alone or at the start it stays', async () => {
    const { questionContent } = await import('../analysis/ask.js');
    expect(questionContent('码头装卸集装箱不需要人工')).toBe('码头装卸集装箱 人工');
    expect(questionContent('企业无需到现场就能办理')).toBe('企业 到现场 办理');
    expect(questionContent('船舶能够快速通关')).toBe('船舶 快速通关');
    expect(questionContent('无需审批')).toBe('无需审批');
    expect(questionContent('需要')).toBe('需要');
    // Not inside another word: 人才能力 keeps its 才能.
    expect(questionContent('人才能力评价')).toBe('人才能力评价');
  });
  it('keeps a verb of ability that a thesaurus term prints (即可 of 拿地即可开工): the term is searched whole, with its equivalents', async () => {
    const { questionContent } = await import('../analysis/ask.js');
    expect(questionContent('拿地即可开工', undefined, ['拿地即可开工'])).toBe('拿地即可开工');
    expect(questionContent('企业能够拿地即可开工', undefined, ['拿地即可开工'])).toBe('企业 拿地即可开工');
    for (const q of ['拿地即可开工', '工业项目拿地即可开工']) {
      const constraints = service.engine.analyse(q).groups.flat().flatMap((c) => c.constraints);
      const term = constraints.find((k) => k.text === '拿地即可开工');
      expect(term, q).toBeDefined();
      expect(term!.alternatives.map((a) => a.text), q).toContain('拿地即开工');
    }
    const top = service.search({ q: '拿地即可开工', size: 1, collapse: false }).hits[0];
    expect(plainText(top.id)).toContain('拿地即开工');
  });

  it('searches 码头装卸集装箱不需要人工 by the idea’s words: no hit is there for printing 需要, none lists it as missing', () => {
    const words = service.engine.analyse('码头装卸集装箱不需要人工').groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
    expect(words).not.toContain('需要');
    expect(words).toEqual(expect.arrayContaining(['码头', '装卸', '集装箱', '人工']));
    const hits = service.search({ q: '码头装卸集装箱不需要人工', size: 20, collapse: false }).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) {
      expect(h.missing).not.toContain('需要');
      expect(h.missing.length).toBeLessThan(4);
    }
  });

  it('searches 我想了解知识产权质押 exactly as 知识产权质押, and 关于船舶登记的改革有哪些 without 改革', () => {
    const ids = (q: string) => service.search({ q, size: 20, collapse: false }).hits.map((h) => h.id);
    expect(ids('我想了解知识产权质押')).toEqual(ids('知识产权质押'));
    const words = service.engine.analyse('关于船舶登记的改革有哪些').groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
    expect(words).toEqual(['船舶', '登记']);
    const res = service.search({ q: '关于船舶登记的改革有哪些', size: 20, collapse: false });
    expect(res.hits.length).toBeGreaterThan(0);
    for (const h of res.hits) expect(h.missing).not.toContain('改革');
    expect(ids('关于船舶登记的改革有哪些')).toEqual(ids('关于船舶登记有哪些'));
  });
  it('answers 一业一证效果如何 and 首违不罚效果如何 with what the slogan alone finds', () => {
    const ids = (q: string) => service.search({ q, size: 20, collapse: false }).hits.map((h) => h.id);
    // No seed record prints 一业一证 or its equivalents: both find nothing, never records sharing 行业 or 许可 of
    // 行业综合许可 (test/honest-fill.test.ts).
    expect(ids('一业一证效果如何')).toEqual(ids('一业一证'));
    const slogan = ids('首违不罚');
    expect(slogan.length).toBeGreaterThan(0);
    expect(ids('首违不罚效果如何')).toEqual(slogan);
  });
  it('reads the bound of a typed figure (约, 超过; 以上, 左右) as part of the figure, not as a word to find', async () => {
    const { questionContent } = await import('../analysis/ask.js');
    expect(questionContent('95%以上')).toBe('95%');
    expect(questionContent('节约成本约5000万元')).toBe('节约成本5000万元');
    expect(questionContent('5000万元左右')).toBe('5000万元');
    expect(questionContent('超过1万家')).toBe('1万家');
    // Not next to a figure, the same words are words.
    expect(questionContent('以上')).toBe('以上');
    expect(questionContent('超过限额')).toBe('超过限额');
    // A lone 约, 近 or 超 that ends a word is the word's: 节约 and 签约 stay whole, 将近 is a bound of its own.
    expect(questionContent('节约5000万元')).toBe('节约5000万元');
    expect(questionContent('签约12个项目')).toBe('签约12个项目');
    expect(questionContent('预约3天')).toBe('预约3天');
    expect(questionContent('最近5年')).toBe('最近5年');
    expect(questionContent('将近5000万元')).toBe('5000万元');
    // 95%以上 finds the record printing 95% 以上, and no record merely for saying 以上.
    const hits = service.search({ q: '95%以上', size: 20, collapse: false }).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(plainText(h.id)).toMatch(/95\s*%/);
  });
  it('searches 节约50% as 节约 with the figure: the 约 of 节约 is no bound', () => {
    const words = service.engine.analyse('节约50%').groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
    expect(words).toContain('节约');
    const hits = service.search({ q: '节约50%', size: 20, collapse: false }).hits;
    expect(hits.length).toBeGreaterThan(0);
    expect(plainText(hits[0].id)).toMatch(/节约\s*50\s*%/);
  });
  it('reads a question for where (哪些城市) as the question’s, never the words after it (省级部门, 地方金融, 过境, 在线)', async () => {
    const { questionContent } = await import('../analysis/ask.js');
    expect(questionContent('哪些省级部门')).toBe('哪些省级部门');
    expect(questionContent('有哪些地方金融改革')).toBe('有哪些地方金融改革');
    expect(questionContent('哪些城市过境免签')).toBe('过境免签');
    expect(questionContent('哪些城市在线办理营业执照')).toBe('在线办理营业执照');
    expect(questionContent('哪些省市试点了证照分离')).toBe('证照分离');
    expect(questionContent('哪些地方推行了证照分离')).toBe('证照分离');
    const words = (q: string) => service.engine.analyse(q).groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
    expect(words('有哪些地方金融改革')).toEqual(words('地方金融改革'));
    expect(words('哪些城市在线办理')).toEqual(words('在线办理'));
  });
  it('reads 成果 followed by more of a word (有哪些成果转化, 效果评估) as a topic, not a question for outcomes', async () => {
    const { quantityAsk } = await import('../analysis/ask.js');
    expect(quantityAsk('有哪些成果转化')).toBeUndefined();
    expect(quantityAsk('有什么效果评估')).toBeUndefined();
    expect(quantityAsk('退税取得了哪些成效？')).toEqual({ text: '取得了哪些成效', outcomes: true });
    expect(quantityAsk('退税取得了哪些成效 跨境电商')).toEqual({ text: '取得了哪些成效', outcomes: true });
    const words = service.engine.analyse('科技有哪些成果转化').groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
    expect(words.some((w) => w.includes('成果'))).toBe(true);
  });
  it('drops a question’s frame across the whole query: a clause of frame alone, or a question before its topic', () => {
    const words = (q: string) => service.engine.analyse(q).groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
    expect(words('需要多长时间办营业执照')).toEqual(words('办营业执照'));
    expect(words('企业开办 需要多长时间')).toEqual(['企业开办']);
    expect(words('我想了解 证照分离')).toEqual(words('证照分离'));
    expect(words('退税 取得了哪些成效')).toEqual(['退税']);
    // Nothing but a frame: the text typed is searched, literally, never nothing.
    expect(service.engine.analyse('大概花费多少钱').groups.length).toBeGreaterThan(0);
  });
  it('keeps a clause’s text as typed beside the words it searches, and never reads a field clause as a question', () => {
    const [clause] = service.engine.analyse('我想了解知识产权质押').groups[0];
    expect(clause.typed).toBe('我想了解知识产权质押');
    expect(clause.text).toBe('知识产权质押');
    const [field] = service.engine.analyse('title:我想了解知识产权质押').groups[0];
    expect(field.text).toBe('我想了解知识产权质押');
  });
  it('searches a question about a term (证照分离是什么意思, 哪个城市试点了首违不罚) as the term itself', () => {
    const ids = (q: string) => service.search({ q, size: 20, collapse: false }).hits.map((h) => h.id);
    expect(ids('证照分离是什么意思')).toEqual(ids('证照分离'));
    expect(ids('哪个城市试点了首违不罚')).toEqual(ids('首违不罚'));
    expect(ids('首违不罚').length).toBeGreaterThan(0);
  });
});

describe('a question for a figure typed after a space is the question, as when glued to its topic', () => {
  const view = (q: string) => service.search({ q, size: 20, collapse: false }).hits.map((h) => [h.id, h.missing]);
  it('answers 退税 多少天, 退税 要多久 and 留抵 多少钱 as 退税多少天, 退税要多久 and 留抵多少钱: the question is never a word to find', () => {
    for (const [spaced, glued] of [['退税 多少天', '退税多少天'], ['退税 要多久', '退税要多久'], ['留抵 多少钱', '留抵多少钱']]) {
      expect(view(spaced)).toEqual(view(glued));
      expect(view(spaced).length).toBeGreaterThan(0);
      expect(service.engine.analyse(spaced).ask).toEqual(service.engine.analyse(glued).ask);
    }
    // A word kept beside the question stays, the question's lone characters (多|久) never join into a word to find.
    const words = (q: string) => service.engine.analyse(q).groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
    expect(words('企业开办 最快多久')).toEqual(words('企业开办最快多久'));
    expect(words('企业开办 最快多久')).toEqual(['企业开办', '最快']);
    // 跨境电商海外仓出口退税 prints 由 75 天压缩至 25 天: a full answer, not a record missing 多少天.
    const hit = service.search({ q: '退税 多少天', size: 20, collapse: false }).hits.find((h) => service.reform(h.id)!.title.includes('海外仓'));
    expect(hit?.missing).toEqual([]);
  });

  it('keeps a field clause the filter beside a figure question typed apart: title:海外仓 多少天 finds the titles printing 海外仓, a duration first', () => {
    const hits = service.search({ q: 'title:海外仓 多少天', size: 20, collapse: false }).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(service.reform(h.id)!.title).toContain('海外仓');
    expect(hits[0].missing).toEqual([]);
    const titled = service.search({ q: 'title:留抵退税', size: 20, collapse: false }).hits.map((h) => h.id);
    expect(service.search({ q: 'title:留抵退税 多少钱', size: 20, collapse: false }).hits.map((h) => h.id).sort()).toEqual(titled.sort());
  });

  it('lists in the outcomes table for 退税 多少天 the facts 退税多少天 lists', () => {
    const facts = (q: string) => service.outcomes({ q });
    expect(facts('退税 多少天')).toEqual(facts('退税多少天'));
    expect(facts('退税 多少天').total).toBeGreaterThan(0);
  });

  it('still searches a query of nothing but a question literally, never nothing (多少天)', () => {
    expect(service.engine.analyse('多少天').groups.length).toBeGreaterThan(0);
  });
});

describe('a change closed by a word of immediacy is a fall a reporter can ask for', () => {
  it('提货时间缩短 ranks first a record whose fall of 提货时间 ends in 即提, with nothing missing', () => {
    const [first] = service.search({ q: '提货时间缩短', size: 5, collapse: false }).hits;
    expect(first.missing).toEqual([]);
    const fall = service.reform(first.id)!.outcomes.find((o) => o.metric.includes('提货时间'));
    expect(fall).toMatchObject({ direction: 'down', kind: 'time', from: { unit: '天' } });
    expect(fall!.sentence).toContain('即提');
  });
});

describe('a figure answers the words printed in its own clause', () => {
  it('ranks first for 服务企业多少家 records counting 家 in a clause that also says 服务 and 企业 (服务全国 30 余万家企业)', () => {
    const clauseOf = (o: { sentence: string; sentenceStart: number; start: number; end: number }) => {
      const at = o.start - o.sentenceStart;
      const before = o.sentence.slice(0, at).split(/[，,。；;！？!?]/).pop()!;
      const after = o.sentence.slice(o.end - o.sentenceStart).split(/[，,。；;！？!?]/)[0];
      return before + o.sentence.slice(at, o.end - o.sentenceStart) + after;
    };
    const hits = service.search({ q: '服务企业多少家', size: 10, collapse: false }).hits;
    for (const h of hits.slice(0, 2)) {
      const counts = service.reform(h.id)!.outcomes.filter((o) => (o.unit ?? '').endsWith('家'));
      expect(counts.some((o) => /服务/.test(clauseOf(o)) && /企业/.test(clauseOf(o)))).toBe(true);
    }
  });

  it('keeps a fact’s metric and its clause apart once normalised, so no word is found across the join (许可证|实现 is no 证实)', async () => {
    const { metricAndClause } = await import('../search/outcome-facts.js');
    const n = service.engine.analyzer.normalizer;
    let facts = 0;
    for (const r of service.engine.records) {
      for (const o of r.outcomes ?? []) {
        if (!o.metric) continue;
        facts++;
        // A line break or space between two Han characters is dropped by normalisation: the separator must survive.
        expect(n.plain(metricAndClause(o)).startsWith(n.plain(o.metric) + '。'), o.metric).toBe(true);
      }
    }
    expect(facts).toBeGreaterThan(300);
    // Seed facts whose metric ends where its clause starts a word: 许可证 + 实现…, 时限 + 时限为…, 人工 + 人工减少….
    const joined = (metric: string) => service.engine.records.flatMap((r) => r.outcomes ?? []).filter((o) => o.metric === metric).map((o) => n.plain(metricAndClause(o)));
    for (const [metric, across] of [['许可证', '证实'], ['时限', '限时'], ['人工', '工人']]) {
      const texts = joined(metric).filter((t) => t.slice(t.indexOf('。') + 1).startsWith(across[1]));
      expect(texts.length, metric).toBeGreaterThan(0);
      for (const t of texts) expect(t.includes(across), `${metric}: ${t}`).toBe(false);
    }
  });
});

describe('a figure is understood by its value, not only as printed (bar point 7)', () => {
  const ids = (q: string) => service.search({ q, size: 20, collapse: false }).hits.map((h) => h.id);
  const printing = (q: string) => service.search({ q, size: 1, collapse: false }).hits[0];

  it('finds the record printing 5900万元 when the reporter types 0.59亿元, and marks the printed figure', () => {
    expect(ids('5900万元').length).toBeGreaterThan(0);
    expect(ids('0.59亿元')).toEqual(ids('5900万元'));
    expect(printing('0.59亿元').highlight.snippet).toContain('<mark>5900万元</mark>');
  });

  it('finds 2万小时 typed as 20000小时 and 734.5万元 typed in 元', () => {
    expect(ids('20000小时')).toEqual(ids('2万小时'));
    expect(ids('2万小时').length).toBeGreaterThan(0);
    expect(ids('7345000元')).toEqual(ids('734.5万元'));
    expect(ids('734.5万元').length).toBeGreaterThan(0);
  });

  it('does not widen a figure to a different value: 590万元 does not find the record printing 5900万元', () => {
    const [record] = ids('5900万元');
    expect(ids('590万元')).not.toContain(record);
    expect(ids('0.6亿元')).not.toContain(record);
  });
});

describe('the records read for a figure asked for are the best-scored ones, picked without a sort', () => {
  it('bestBy keeps exactly what a stable sort by value, highest first, cut to k keeps (the first ties in input order), listed in input order', async () => {
    const fc = (await import('fast-check')).default;
    const { bestBy } = await import('../search/best-by.js');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 220 }), (values, k) => {
        const items = values.map((_, i) => (i * 7919) % values.length).filter((d, i, a) => a.indexOf(d) === i);
        const kept = new Set(items.slice().sort((a, b) => values[b] - values[a]).slice(0, k));
        // An array, not a set: which of the tied items are kept (the earliest) and the order they come back in.
        expect(bestBy(items, values, k)).toEqual(items.filter((d) => kept.has(d)));
      }),
    );
  });
});

describe('in an outcome query a compound is also said by its head noun (申报材料 → 材料)', () => {
  const broaderOf = (q: string, word: string) =>
    service.engine
      .analyse(q)
      .groups.flat()
      .flatMap((c) => c.constraints)
      .find((c) => c.text === word)?.broader ?? [];

  it('cuts a two-word compound into its head, and nothing else', () => {
    const a = service.engine.analyzer;
    expect(a.headOf('申报材料')).toBe('材料');
    // One word of the vocabulary, not two: no head.
    expect(a.headOf('材料')).toBeUndefined();
    expect(a.headOf('退税')).toBeUndefined();
  });

  it('gives the head as a broader term only where a change verb is typed', () => {
    expect(broaderOf('申报材料减少多少', '申报材料')).toContain('材料');
    expect(broaderOf('申报材料 企业', '申报材料')).not.toContain('材料');
    // A measure word is a qualifier of the query already, never the compound's stand-in (物流费用 → 费用).
    expect(broaderOf('节省物流费用', '物流费用')).not.toContain('费用');
  });

  it('finds a reform that states the cut by the head (提供材料率压减, 材料精简) though it never prints the compound', async () => {
    const hits = service.search({ q: '申报材料减少多少', size: 50, collapse: false }).hits;
    const byHead = hits.filter((h) => h.missing.includes('申报材料'));
    expect(byHead.length).toBeGreaterThan(0);
    for (const h of byHead) {
      expect(plainText(h.id)).toContain('材料');
      expect(plainText(h.id)).not.toContain('申报材料');
    }
    expect(byHead.some((h) => service.reform(h.id)!.outcomes.some((o) => o.direction === 'down' && o.metric.includes('材料')))).toBe(true);
    // Every hit holding the compound still ranks before every hit that has only its head.
    const firstByHead = hits.findIndex((h) => h.missing.includes('申报材料'));
    const lastWithWord = hits.map((h) => !h.missing.includes('申报材料')).lastIndexOf(true);
    expect(lastWithWord).toBeLessThan(firstByHead);

    const { SearchEngine } = await import('../search/engine.js');
    const off = new SearchEngine(service.engine.body, { outcomeHeads: false });
    expect(off.search('申报材料减少多少').ranked.every((e) => !e.missing.includes('申报材料'))).toBe(true);
  });
});

describe('a reporter’s outcome words say what kind of outcome is wanted: a time cut, a cost cut, a percentage, a count', () => {
  it('holds a measure word (时间, 成本) by a fact moving the asked way in that measure, whatever noun the record prints', async () => {
    const hits = service.search({ q: '压缩审批时间', size: 100, collapse: false }).hits;
    // Records that print no 时间 yet state a cut of time (办理时限压缩 94.4%) are whole matches.
    const byFact = hits.filter((h) => h.missing.length === 0 && !plainText(h.id).includes('时间'));
    expect(byFact.length).toBeGreaterThan(0);
    for (const h of byFact) expect(service.reform(h.id)!.outcomes.some((o) => o.direction === 'down' && (o.kind === 'time' || /时限|时长|用时/.test(o.metric)))).toBe(true);
    const { SearchEngine } = await import('../search/engine.js');
    const off = new SearchEngine(service.engine.body, { measureFacts: false });
    const n = off.analyzer.normalizer;
    for (const e of off.search('压缩审批时间').ranked.filter((x) => x.missing.length === 0)) {
      const r = off.records[e.index];
      expect(n.plain([r.title, r.content, r.applicableTo, r.process, r.outcome].join('\n'))).toContain('时间');
    }
  });

  it('holds only a measure word that names nothing else: 物流成本 and 工作日 are never held by a fact alone', async () => {
    const { isGeneralMeasure } = await import('../analysis/ask.js');
    expect(isGeneralMeasure('时间')).toBe(true);
    expect(isGeneralMeasure('成本')).toBe(true);
    expect(isGeneralMeasure('物流成本')).toBe(false);
    expect(isGeneralMeasure('工作日')).toBe(false);
    // 物流费用 names what is measured: the same records match it whole with the rule on or off.
    const { SearchEngine } = await import('../search/engine.js');
    const off = new SearchEngine(service.engine.body, { measureFacts: false });
    const whole = (e: { search: (q: string) => { ranked: { index: number; missing: string[] }[] } }) =>
      e.search('节省物流费用').ranked.filter((x) => x.missing.length === 0).map((x) => x.index).sort((a, b) => a - b);
    expect(whole(service.engine)).toEqual(whole(off));
    expect(whole(off).length).toBeGreaterThan(0);
  });

  it('reads 百分之多少 and 几个百分点 as asking for a percentage, answered by a relative change of any measure', async () => {
    const { quantityAsk } = await import('../analysis/ask.js');
    expect(quantityAsk('办理时限压缩百分之多少')).toEqual({ text: '百分之多少', kind: 'percent' });
    expect(quantityAsk('融资成本降低了几个百分点')).toEqual({ text: '几个百分点', kind: 'percent' });
    const hits = service.search({ q: '办理时限压缩百分之多少', size: 30, collapse: false }).hits;
    const answering = hits.filter((h) => !h.missing.includes('百分之多少'));
    expect(answering.length).toBeGreaterThan(3);
    for (const h of answering) expect(service.reform(h.id)!.outcomes.some((o) => o.direction === 'down' && (o.percent !== undefined || o.kind === 'percent'))).toBe(true);
    // 出口到退税时间由 75 天压缩至 25 天 prints no % yet states −66.7 %: it answers.
    expect(answering.some((h) => service.reform(h.id)!.outcomes.some((o) => o.kind === 'time' && o.percent !== undefined && o.printedPercent === undefined))).toBe(true);
  });

  it('answers a counter with the counters of its class (多少笔: 4990 票, 9626 件), never 户 for 家', async () => {
    const { countsAs } = await import('../analysis/ask.js');
    expect(countsAs('票', '笔')).toBe(true);
    expect(countsAs('件', '笔')).toBe(true);
    expect(countsAs('名', '人')).toBe(true);
    expect(countsAs('万家', '家')).toBe(true);
    expect(countsAs('户', '家')).toBe(false);
    expect(countsAs('天', '笔')).toBe(false);
    const hits = service.search({ q: '累计办理多少笔业务', size: 20, collapse: false }).hits;
    const answering = hits.filter((h) => !h.missing.includes('多少笔'));
    expect(answering.some((h) => service.reform(h.id)!.outcomes.some((o) => o.kind === 'count' && /票|件/.test(o.unit ?? '')))).toBe(true);
  });

  it('reads 达到 before the figure asked for as the question’s (满意度达到多少 searches 满意度 and a figure)', async () => {
    const { quantityAsk, questionContent } = await import('../analysis/ask.js');
    const q = '群众满意度达到多少';
    expect(questionContent(q, quantityAsk(q))).toBe('群众满意度多少');
    expect(questionContent('交易额达到多少亿元', quantityAsk('交易额达到多少亿元'))).toBe('交易额多少亿元');
    for (const h of service.search({ q, size: 20, collapse: false }).hits) expect(h.missing).not.toContain('达到');
  });

  it('drops 的改革 closing a description of what reforms did (压缩审批时间的改革), never 改革 of a term', async () => {
    const { questionContent } = await import('../analysis/ask.js');
    expect(questionContent('压缩审批时间的改革')).toBe('压缩审批时间');
    expect(questionContent('国有企业改革')).toBe('国有企业改革');
    expect(questionContent('地方金融改革')).toBe('地方金融改革');
    expect(questionContent('的改革')).toBe('的改革');
    const a = service.search({ q: '压缩审批时间的改革', size: 10, collapse: false }).hits.map((h) => h.id);
    const b = service.search({ q: '压缩审批时间', size: 10, collapse: false }).hits.map((h) => h.id);
    expect(a).toEqual(b);
  });
});
