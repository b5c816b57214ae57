import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  COUNT_UNITS,
  DURATION_UNITS,
  MONEY_UNITS,
  classifyUnit,
  extractQuantities,
  normalizeValue,
  sameValueForms,
  scanNumberUnits,
} from '../analysis/quantities.js';
import type { Quantity } from '../indexer/schema.js';

const SEED_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'seeds');
const SEEDS: Record<string, string> = Object.fromEntries(
  readdirSync(SEED_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => [f.slice(0, 3), readFileSync(join(SEED_DIR, f), 'utf8')]),
);

/**
 * A sentence copied from a seed file. Throws when it is not in the file, so a typo in a test (or a
 * changed seed) cannot make a test pass vacuously. `unwrapped` sentences are compared with the PDF's
 * hard wraps (line breaks) removed, as the parser joins them.
 */
function seed(file: string, sentence: string, { unwrapped = false } = {}): string {
  const text = unwrapped ? SEEDS[file].replace(/\n+/g, '') : SEEDS[file];
  if (!text.includes(sentence)) throw new Error(`not in seed ${file}: ${sentence}`);
  return sentence;
}

/** The parts of each quantity a reader checks, in order. */
function facts(text: string): Array<Pick<Quantity, 'text' | 'value' | 'unit'> & Partial<Quantity>> {
  return extractQuantities(text, 'outcome').map(({ field: _f, start: _s, end: _e, ...rest }) => rest);
}

describe('the shortcut past texts without a figure', () => {
  it('finds in every line of the seeds, and in Chinese-numeral figures, the same spans as the recogniser run on every text', () => {
    // extractQuantities skips a text holding no digit and no 分之; scanNumberUnits always runs the recogniser.
    const lines = Object.values(SEEDS).flatMap((t) => t.split('\n'));
    lines.push('效率提高三倍', '成本降低一半', '收入翻番', '占比两成', '百分之三十', '三分之二', '时间缩短３０％', '１２个工作日');
    let withFigures = 0;
    let differ = 0;
    for (const line of lines) {
      const spans = scanNumberUnits(line).map((q) => q.text);
      if (spans.length) withFigures++;
      if (extractQuantities(line, 'content').map((q) => q.text).join('\u0000') !== spans.join('\u0000')) differ++;
    }
    expect(differ).toBe(0);
    expect(withFigures).toBeGreaterThan(100);
  });
});

describe('extractQuantities: figures in real seed sentences', () => {
  it('reads 约 5000万元 as 5000 万元 normalised to 5e7 元, leaving the qualifier 约 outside the span', () => {
    const s = seed('004', '每年可为企业降低综合物流成本约 5000万元。', { unwrapped: true });
    const [q, ...rest] = extractQuantities(s, 'outcome');
    expect(rest).toEqual([]);
    expect(q).toMatchObject({ value: 5000, unit: '万元', text: '5000万元', field: 'outcome', normalized: { value: 5e7, unit: '元' } });
    expect(s.slice(q.start, q.end)).toBe('5000万元');
  });

  it('keeps the space of “35 分钟” inside the span but not in the unit, and normalises minutes to days', () => {
    const s = seed('002', '实现“企业开办”最短用时 35 分钟纪录，已为 10117 家新开办企业、20234 位个人提供服务');
    expect(facts(s)).toEqual([
      { text: '35 分钟', value: 35, unit: '分钟', normalized: { value: 0.0243056, unit: '天' } },
      { text: '10117 家', value: 10117, unit: '家' },
      { text: '20234 位', value: 20234, unit: '位' },
    ]);
  });

  it('reads a price per tonne (2.2 元/吨) as a rate, which is not normalised as an amount of money', () => {
    const s = seed('002', '地炼企业采购成本可节省 2.2 元/吨，贸易商通过原油混兑可提升约 20 元/吨的效益。');
    expect(facts(s)).toEqual([
      { text: '2.2 元/吨', value: 2.2, unit: '元/吨' },
      { text: '20 元/吨', value: 20, unit: '元/吨', qualifier: '约' },
    ]);
  });

  it('reads percentages printed with a trailing space (近 80% 的) and ignores the comparison year 2017', () => {
    expect(facts(seed('002', '近 80% 的业务类型实现网上办理'))).toEqual([{ text: '80%', value: 80, unit: '%', qualifier: '近' }]);
    const s = seed('004', '整体通关时间0.29小时，较2017年分别压缩95.09%和99.33%；');
    expect(facts(s).map((q) => [q.text, q.value, q.unit])).toEqual([
      ['0.29小时', 0.29, '小时'],
      ['95.09%', 95.09, '%'],
      ['99.33%', 99.33, '%'],
    ]);
  });

  it('reads every multiple in “2021年的 2.5倍、2.4 倍、2.2 倍和 1.3 倍” and not the year', () => {
    const s = seed('004', '实现技术合同交易额 135亿元，分别是 2021年的 2.5倍、2.4 倍、2.2 倍和 1.3 倍。', { unwrapped: true });
    expect(facts(s).map((q) => [q.value, q.unit])).toEqual([
      [135, '亿元'],
      [2.5, '倍'],
      [2.4, '倍'],
      [2.2, '倍'],
      [1.3, '倍'],
    ]);
  });

  it('reads 亿元 amounts and 家 counts with 超/近 outside the span', () => {
    const s = seed('004', '近 60 家企业获大企业超2.07亿元合作订单，68家企业获得融资额超 37.46亿元。', { unwrapped: true });
    expect(facts(s)).toEqual([
      { text: '60 家', value: 60, unit: '家', qualifier: '近' },
      { text: '2.07亿元', value: 2.07, unit: '亿元', normalized: { value: 207_000_000, unit: '元' }, qualifier: '超' },
      { text: '68家', value: 68, unit: '家' },
      { text: '37.46亿元', value: 37.46, unit: '亿元', normalized: { value: 3_746_000_000, unit: '元' }, qualifier: '超' },
    ]);
  });

  it('keeps 余 inside the span of “1100余家” across a PDF hard wrap, but drops it from the unit', () => {
    const raw = seed('004', '引进新注册企业超过 300 家。1100\n\n余家中小企业');
    const qs = extractQuantities(raw, 'outcome');
    expect(qs.map((q) => [q.text, q.value, q.unit])).toEqual([
      ['300 家', 300, '家'],
      ['1100\n\n余家', 1100, '家'],
    ]);
    for (const q of qs) expect(raw.slice(q.start, q.end)).toBe(q.text);
  });

  it('reads an amount whose unit was pushed onto the next line (734.5⏎⏎万元)', () => {
    const raw = seed('004', '总计扣减内河运费 5900万元，为企业节约税款 734.5\n\n万元。');
    expect(facts(raw).map((q) => [q.value, q.unit, q.normalized?.value])).toEqual([
      [5900, '万元', 59_000_000],
      [734.5, '万元', 7_345_000],
    ]);
  });

  it('keeps the magnitude in the unit of “1.6 万家”, and classifyUnit splits it into 万 × 家', () => {
    const s = seed('004', '科技型中小企业数量同比增长 40%，突破 1.6 万家；');
    expect(facts(s)).toEqual([
      { text: '40%', value: 40, unit: '%' },
      { text: '1.6 万家', value: 1.6, unit: '万家' },
    ]);
    expect(classifyUnit('万家')).toEqual({ kind: 'count', base: '家', magnitude: 1e4 });
  });

  it('reads fractions (2/3, 1/3) as 分数 rounded to 4 decimals', () => {
    const s = seed('002', '建设成本仅为国外同类码头的 2/3，建设周期仅为 1/3。');
    expect(facts(s)).toEqual([
      { text: '2/3', value: 0.6667, unit: '分数' },
      { text: '1/3', value: 0.3333, unit: '分数' },
    ]);
  });

  it('reads a measure (1 千克) and a voltage (10千伏) without taking 千 for a magnitude', () => {
    expect(facts(seed('002', '企业申报车辆自重为 1 千克'))).toEqual([{ text: '1 千克', value: 1, unit: '千克' }]);
    expect(facts(seed('001', '快速受理审批10千伏及以下电力管线'))).toEqual([{ text: '10千伏', value: 10, unit: '千伏' }]);
  });

  it('reads the LaTeX percentages (1.5\\%) that PDF conversion left in a table', () => {
    const s = seed('002', '占地面积 $\\leq 1.5\\%$ 且');
    expect(facts(s)).toEqual([{ text: '1.5\\%', value: 1.5, unit: '%' }]);
  });
});

describe('extractQuantities: ranges keep both ends', () => {
  it('reads 5000—10000 平方米 as one range after a single figure', () => {
    const s = seed('003', '对于不超过 5000 平方米、5000—10000 平方米的工业类建设项目');
    expect(facts(s)).toEqual([
      { text: '5000 平方米', value: 5000, unit: '平方米', qualifier: '不超过' },
      { text: '5000—10000 平方米', value: 5000, max: 10000, unit: '平方米' },
    ]);
  });

  it('reads 10-15个工作日 as a range of working days normalised on both ends', () => {
    const s = seed('002', '银行贷款业务由过去最少跑3次、带5份材料、需10-15个工作日，升级为');
    expect(facts(s)).toEqual([
      { text: '3次', value: 3, unit: '次' },
      { text: '5份', value: 5, unit: '份' },
      { text: '10-15个工作日', value: 10, max: 15, unit: '个工作日', normalized: { value: 10, unit: '工作日', max: 15 } },
    ]);
  });

  it('reads ranges joined by 到, by % on both ends and with a per-unit (元/天/车)', () => {
    expect(facts(seed('004', '需 20到 30分钟的材料辅导'))[0]).toMatchObject({ text: '20到 30分钟', value: 20, max: 30, unit: '分钟' });
    expect(facts(seed('002', '能够为企业降低年化 3%-6% 的融资成本'))).toEqual([{ text: '3%-6%', value: 3, max: 6, unit: '%' }]);
    expect(facts(seed('004', '滞留卡口将产生用车费用 600—800元/天/车。'))).toEqual([
      { text: '600—800元/天/车', value: 600, max: 800, unit: '元/天/车' },
    ]);
    expect(facts(seed('004', '开展研发活动等给予 1000—3000 万元的'))).toEqual([
      { text: '1000—3000 万元', value: 1000, max: 3000, unit: '万元', normalized: { value: 1e7, unit: '元', max: 3e7 } },
    ]);
  });

  it('never gives a range whose high end is not above its low end (made-up 5-3 天 is no range)', () => {
    expect(extractQuantities('工期 5-3 天', 'content').every((q) => q.max === undefined)).toBe(true);
  });

  it('reads 1-2天 in a sentence that compresses to it without marking a change (there is no “from” figure)', () => {
    const s = seed('002', '保函审核备案流程压缩到1-2天完成');
    expect(extractQuantities(s, 'outcome')).toEqual([
      { value: 1, max: 2, unit: '天', text: '1-2天', field: 'outcome', start: 11, end: 15, normalized: { value: 1, unit: '天', max: 2 } },
    ]);
  });
});

describe('extractQuantities: changes give both figures', () => {
  it('marks 由 75 天压缩至 25 天 as from/to and leaves the 提速 67% alone', () => {
    const s = seed('002', '出口到退税时间由 75 天压缩至 25 天，提速 67%。');
    expect(facts(s).map((q) => [q.text, q.change])).toEqual([
      ['75 天', 'from'],
      ['25 天', 'to'],
      ['67%', undefined],
    ]);
  });

  it('marks changes across units (从 1 小时缩短至 10 分钟) and with 余 (由10余天压缩到1天)', () => {
    const a = facts(seed('002', '办理时长从 1 小时缩短至 10 分钟'));
    expect(a.map((q) => [q.value, q.unit, q.change])).toEqual([
      [1, '小时', 'from'],
      [10, '分钟', 'to'],
    ]);
    const b = facts(seed('002', '康保险平均赔付时间由10余天压缩到1天'));
    expect(b.map((q) => [q.text, q.change])).toEqual([
      ['10余天', 'from'],
      ['1天', 'to'],
    ]);
  });

  it('marks a change printed without 由/从 (2次现场核查缩减为1次联合勘查)', () => {
    const s = seed('002', '“二合一”联合勘验实现2次现场核查缩减为1次联合勘查');
    expect(facts(s).map((q) => [q.text, q.change])).toEqual([
      ['2次', 'from'],
      ['1次', 'to'],
    ]);
  });

  it('marks a 由…下降为… change between percentages', () => {
    const s = seed('002', '船舶滞留率由 9.5% 下降为 4.3%。');
    expect(facts(s).map((q) => [q.value, q.change])).toEqual([
      [9.5, 'from'],
      [4.3, 'to'],
    ]);
  });

  it('pairs the two lists of “从过去的 20 小时、2 小时压缩至 4 小时、5 分钟”', () => {
    const s = seed('002', '撰写时间分别从过去的 20 小时、2 小时压缩至 4 小时、5 分钟，资料审核效率');
    expect(facts(s).map((q) => [q.text, q.change])).toEqual([
      ['20 小时', 'from'],
      ['2 小时', 'from'],
      ['4 小时', 'to'],
      ['5 分钟', 'to'],
    ]);
  });

  it('marks 由 31个 减少至 3个 across a hard wrap, and not the 压减率 that follows', () => {
    const raw = seed('004', '电子表单必填字段由 31个\n\n减少至 3个，压减率达 90.3%；提交的材料由 13项减少至 2');
    expect(facts(raw).map((q) => [q.text, q.change])).toEqual([
      ['31个', 'from'],
      ['3个', 'to'],
      ['90.3%', undefined],
      ['13项', undefined], // its “to” figure (2⏎⏎项) is on a later line, out of this text
    ]);
  });

  it('does not pair figures of different kinds (由 3 个部门审批压缩至 1 天办结: a count, then a duration)', () => {
    expect(facts('由 3 个部门审批压缩至 1 天办结').map((q) => [q.text, q.change])).toEqual([
      ['3 个', undefined],
      ['1 天', undefined],
    ]);
  });

  it('does not mark a change across a clause break (由平时的 1-2 个工作日，缩减到秒级)', () => {
    const s = seed('002', '资金划付时效由平时的 1-2 个工作日，缩减到秒级到账');
    expect(facts(s)).toEqual([{ text: '1-2 个工作日', value: 1, max: 2, unit: '个工作日', normalized: { value: 1, unit: '工作日', max: 2 } }]);
  });
});

describe('extractQuantities: numbers that are not facts', () => {
  it('skips the list markers of numbered points (1. 整合审批机构 … 2. 优化)', () => {
    const s = seed(
      '003',
      '1. 整合审批机构和部门职责，将原来需要多个部门重复报批的事项，变成一个主体审批、一个窗口办理。集中行使承接的省、市级行政职权。2. 优化“一章办理”工作流程',
    );
    expect(extractQuantities(s, 'process')).toEqual([]);
  });

  it('skips years and dates: 2020年 4月, 2022年, 2023年 6月12日', () => {
    expect(extractQuantities(seed('004', '自 2020年 4月改革创'), 'outcome')).toEqual([]);
    expect(facts(seed('004', '2022年，钦州港口岸进口整体通关时间13.13小时'))).toEqual([
      { text: '13.13小时', value: 13.13, unit: '小时', normalized: { value: 0.547083, unit: '天' } },
    ]);
    const raw = seed('004', '截至2023年 6月12日，共接收企业、群众各类咨询11084\n\n次，受理 9626件');
    expect(facts(raw).map((q) => [q.value, q.unit])).toEqual([
      [11084, '次'],
      [9626, '件'],
    ]);
  });

  it('skips ordinals: 次月第 5 个工作日 is a deadline and 第 44 位 a rank', () => {
    expect(extractQuantities(seed('002', '5. 企业在次月第 5 个工作日结束前'), 'process')).toEqual([]);
    expect(extractQuantities(seed('004', '港排名跃升至第 44 位'), 'outcome')).toEqual([]);
  });

  it('skips model numbers and slogans (1+1+N, 5G, M0, 7×24小时) but keeps the counts beside them', () => {
    expect(facts(seed('000', '打造智慧医保“1+1+N”体系—1个智慧大脑平台，1个基础保障平台')).map((q) => q.text)).toEqual(['1个', '1个']);
    expect(extractQuantities(seed('000', '“5G+智能制造”赋能高端家电产业数智化发展'), 'title')).toEqual([]);
    expect(extractQuantities(seed('000', '将“新型产业用地（M0）”和“标准地”的指标体系'), 'content')).toEqual([]);
    expect(extractQuantities(seed('002', '可以享受到7×24小时“AI智能+人工客服”线上帮办服务'), 'outcome')).toEqual([]);
    expect(extractQuantities('提供 7 × 24 小时服务', 'outcome')).toEqual([]); // spaced, as PDF extraction may print it
  });

  it('skips document numbers and cross-references to item numbers (〔2011〕300号, 1-36 项对应)', () => {
    expect(extractQuantities(seed('002', '《中小企业划型标准规定》（工信部联企业〔2011〕300号）的中小微企业'), 'applicableTo')).toEqual([]);
    const note = seed('002', '备注：1-36 项对应《自由贸易试验区制度创新成果复制推广地图第一版》的 10-（1-36）项，37-87 项对应 11-（1-51）项');
    expect(extractQuantities(note, 'content')).toEqual([]);
  });

  it('skips unit characters that begin another word, and digits that belong to a code (made-up sentences)', () => {
    expect(extractQuantities('吸引 30 台资企业入驻，完成 12 项目建设，覆盖 3 天津港区', 'outcome')).toEqual([]);
    expect(extractQuantities('纳税信用为 B2 类的企业', 'applicableTo')).toEqual([]);
  });

  it('skips numbers inside 《titles》 (no seed has one; these sentences are made up in the seeds’ style)', () => {
    expect(extractQuantities('落实《关于促进外贸稳增长的18条措施》，审批时限压缩至3个工作日', 'content').map((q) => q.text)).toEqual(['3个工作日']);
    expect(extractQuantities('依据《外商投资法（2019年）》，审批时限为3个工作日', 'content').map((q) => q.text)).toEqual(['3个工作日']);
  });
});

describe('extractQuantities: full-width input', () => {
  it('reads full-width digits, point and percent sign, with offsets into the original string', () => {
    const s = '降低成本约５０００万元，效率提升９５．０９％，办理时间１－２个工作日';
    const qs = extractQuantities(s, 'outcome');
    expect(qs.map((q) => [q.text, q.value, q.max, q.unit])).toEqual([
      ['５０００万元', 5000, undefined, '万元'],
      ['９５．０９％', 95.09, undefined, '%'],
      ['１－２个工作日', 1, 2, '个工作日'],
    ]);
    for (const q of qs) expect(s.slice(q.start, q.end)).toBe(q.text);
  });

  it('reads Chinese fractions and percentages (三分之二, 百分之三十)', () => {
    expect(facts('材料精简三分之二，百分之三十的企业')).toEqual([
      { text: '三分之二', value: 0.6667, unit: '分数' },
      { text: '百分之三十', value: 30, unit: '%' },
    ]);
  });
});

describe('scanNumberUnits', () => {
  it('returns exactly the spans extractQuantities finds, for the tokenizer to keep whole', () => {
    const s = seed('002', '实现“企业开办”最短用时 35 分钟纪录，已为 10117 家新开办企业');
    expect(scanNumberUnits(s)).toEqual([
      { start: 13, end: 18, text: '35 分钟' },
      { start: 24, end: 31, text: '10117 家' },
    ]);
  });
});

describe('unit tables and normalisation', () => {
  it('normalises 亿元 to 元 but leaves 亿美元 un-normalised (no exchange rate in the text)', () => {
    expect(normalizeValue(12.6, '亿元')).toEqual({ value: 1_260_000_000, unit: '元' });
    expect(normalizeValue(195.2, '亿美元')).toBeUndefined();
    expect(facts(seed('004', '“免审单”业务规模达 195.2 亿美元', { unwrapped: true }))).toEqual([
      { text: '195.2 亿美元', value: 195.2, unit: '亿美元' },
    ]);
  });

  it('counts a working day, a week, a month and a year in days', () => {
    expect([DURATION_UNITS['个工作日'], DURATION_UNITS['周'], DURATION_UNITS['个月'], DURATION_UNITS['年']]).toEqual([1, 7, 30, 365]);
    expect(normalizeValue(3, '个月')).toEqual({ value: 90, unit: '天' });
    expect(MONEY_UNITS['元']).toBe(1);
    expect(COUNT_UNITS).toContain('家');
  });

  it('classifies 千克 as a measure, not 千 × 克, and 元/吨 as a rate', () => {
    expect(classifyUnit('千克')).toEqual({ kind: 'measure', base: '千克', magnitude: 1 });
    expect(classifyUnit('元/吨')).toEqual({ kind: 'rate', base: '元', magnitude: 1, per: ['吨'] });
    expect(classifyUnit('平方')).toBeUndefined();
  });
});

describe('the whole corpus', () => {
  /** Every line of every seed, and every seed with its hard wraps joined (as the parser sees narrative text). */
  const texts = Object.entries(SEEDS).flatMap(([file, t]) => [
    ...t.split('\n').map((line, i) => ({ where: `${file}:${i + 1}`, text: line })),
    { where: `${file} joined`, text: t },
  ]);

  it('yields quantities whose text is the exact slice, in order, with finite values and no spaces in units', () => {
    let count = 0;
    for (const { where, text } of texts) {
      const qs = extractQuantities(text, 'content');
      let last = -1;
      for (const q of qs) {
        const ctx = `${where} ${JSON.stringify(q)}`;
        expect(text.slice(q.start, q.end), ctx).toBe(q.text);
        expect(q.start, ctx).toBeGreaterThanOrEqual(last);
        last = q.end;
        expect(Number.isFinite(q.value), ctx).toBe(true);
        if (q.max !== undefined) expect(q.max, ctx).toBeGreaterThan(q.value);
        expect(q.unit, ctx).toMatch(/^\S+$/);
        expect(classifyUnit(q.unit), ctx).toBeDefined();
        expect(q.text, ctx).not.toMatch(/^[约近超逾]/);
        if (q.normalized) {
          expect(Number.isFinite(q.normalized.value), ctx).toBe(true);
          // at most 12 significant digits: no 0.024305555555555556-style noise in the JSON
          expect(String(q.normalized.value).replace(/^[0.]+|\./g, '').replace(/0+$/, '').length, ctx).toBeLessThanOrEqual(12);
        }
      }
      expect(scanNumberUnits(text).map((s) => s.text)).toEqual(qs.map((q) => q.text));
      if (!where.endsWith('joined')) count += qs.length;
    }
    expect(count).toBeGreaterThan(350);
  });

  it('never reads a calendar year as a duration of years, nor a month of a date as months', () => {
    for (const { where, text } of texts) {
      for (const q of extractQuantities(text, 'content')) {
        if (q.unit === '年') expect(q.value, where).toBeLessThan(1900);
        if (q.unit === '月') expect(q.value, where).toBeGreaterThan(12);
        expect(q.text, where).not.toMatch(/^\d+\s*[.、．]\s*\D/);
      }
    }
  });

  it('gives every change a “from” and a “to” figure of the same kind in the same text', () => {
    let changes = 0;
    for (const { where, text } of texts) {
      const qs = extractQuantities(text, 'content');
      for (const [i, q] of qs.entries()) {
        if (q.change !== 'from') continue;
        changes++;
        const to = qs.slice(i + 1).find((r) => r.change === 'to');
        expect(to, where).toBeDefined();
        expect(classifyUnit(to!.unit)?.kind, where).toBe(classifyUnit(q.unit)?.kind);
      }
    }
    expect(changes).toBeGreaterThanOrEqual(10);
  });
});

describe('qualifiers and normalised ranges', () => {
  it('keeps the qualifier printed around a figure: 约 before, 以上 after, 余 inside', () => {
    const about = extractQuantities('每年可为企业降低综合物流成本约 5000万元。', 'outcome');
    expect(about[0]).toMatchObject({ value: 5000, unit: '万元', qualifier: '约' });
    const over = extractQuantities('群众满意度达到 80% 以上。', 'outcome');
    expect(over[0]).toMatchObject({ value: 80, unit: '%', qualifier: '以上' });
    const inside = extractQuantities('1100余家中小企业实现技术创新突破', 'outcome');
    expect(inside[0]).toMatchObject({ value: 1100, unit: '家', qualifier: '余' });
    const plain = extractQuantities('为企业节约税款 734.5万元。', 'outcome');
    expect(plain[0].qualifier).toBeUndefined();
  });

  it('normalises both ends of a range (10-15个工作日 → 10 to 15 working days, kept apart from calendar days)', () => {
    const [q] = extractQuantities('审批时限为10-15个工作日', 'content');
    expect(q.normalized).toEqual({ value: 10, unit: '工作日', max: 15 });
  });
});

describe('sameValueForms: other printings of exactly the typed figure', () => {
  it('rewrites money, counts and durations across magnitudes and unit printings', () => {
    expect(sameValueForms('5000万元').sort()).toEqual(['0.5亿元', '50000000元']);
    expect(sameValueForms('1万家')).toEqual(['10000家']);
    expect(sameValueForms('10000家')).toEqual(['1万家']);
    expect(sameValueForms('90分钟').sort()).toEqual(['1.5个小时', '1.5小时']);
    expect(sameValueForms('2小时')).toEqual(expect.arrayContaining(['2个小时', '120分钟']));
    expect(sameValueForms('30%')).toEqual(['百分之三十']);
    expect(sameValueForms('百分之三十')).toEqual(['30%']);
  });
  it('gives nothing for bounds, rates, words, or a value it cannot print exactly', () => {
    for (const t of ['1100余家', '2.2元/吨', '退税', '5000万元 退税']) expect(sameValueForms(t)).toEqual([]);
    // A percentage with decimals is spelled with 点 (百分之九十五点零九), never rounded to 95%.
    expect(sameValueForms('95.09%')).toEqual(['百分之九十五点零九']);
    // Every form has the typed value: none is rounded (0.012万分钟 is not printed and not offered).
    for (const f of sameValueForms('12.6亿元')) expect(normalizeValue(Number(f.replace(/[^\d.]/g, '')), f.replace(/[\d.]/g, ''))!.value).toBe(1.26e9);
    expect(sameValueForms('2小时')).not.toContain('0.012万分钟');
  });

  it('prints a range with each separator the documents use (1-2, 1至2, 1到2) and its unit, its ends as typed', () => {
    expect(sameValueForms('1至2个工作日').sort()).toEqual(['1-2个工作日', '1-2工作日', '1到2个工作日', '1到2工作日', '1至2工作日'].sort());
    // Never another magnitude: 100-200万元 is not offered as 1-2百万元 or in 元.
    expect(sameValueForms('100-200万元').sort()).toEqual(['100到200万元', '100至200万元']);
  });
});
