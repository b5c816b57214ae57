/**
 * What figure a question asks for: a reporter types 服务企业多少家, 审批时间压缩到几个工作日, 节省了多少钱, 通关要多久.
 * The question word (多少, 几, 多久 …) is a stop word, and the unit after it (家, 个工作日) a lone character or a
 * word nobody prints alone; read together they say the answer is a figure of that kind, which the engine matches
 * against the outcome facts the indexer extracted (analysis/outcomes.ts). Pure: no I/O.
 */
import type { OutcomeKind } from '../indexer/schema.js';

export interface QuantityAsk {
  /** The question as typed in the query (多少家). */
  text: string;
  /** The kind of figure asked for (time for 多久, money for 多少钱); absent when only a unit or any figure is asked. */
  kind?: OutcomeKind;
  /** A counting unit the figure must carry (家 also accepts 万家 and 余家); absent for any unit of the kind. */
  unit?: string;
  /**
   * The question asks what a reform achieved (取得了哪些成效, 效果如何), of any figure: every word of `text` is the
   * question's, none is a word to find.
   */
  outcomes?: true;
}

const TIME_UNITS = ['个工作日', '工作日', '天', '日', '小时', '分钟', '个月', '月', '年', '秒'];
const MONEY_UNITS = ['万元', '亿元', '元', '钱'];
const COUNT_UNITS = ['家', '个', '项', '件', '笔', '单', '票', '人', '名', '次', '批', '条', '户', '辆', '艘', '吨', '倍'];
const ASK = new RegExp(`(多久|多长时间|多少时间|多少|几)(${[...TIME_UNITS, ...MONEY_UNITS, ...COUNT_UNITS].sort((a, b) => b.length - a.length).join('|')})?`);

/**
 * A question about what was achieved: a word for results (成效, 效果, 成果, 效益, 成绩) with a question word before it
 * (哪些, 什么, 怎样的, 多大) or after it (如何, 怎么样, 怎样), and the verb leading into it (取得了, 有, 带来了).
 * Without a question word 退税成效 is a list of keywords and 成效 stays a word.
 */
const RESULTS = '(?:成效|效果|成果|效益|成绩)';
// The results word must end the question (end, space, punctuation, 吗/呢): 有哪些成果转化 asks about 科技成果转化 and
// 效果评估 is a topic, neither asks what was achieved.
const ASK_END = '(?=$|[\\s,，。.;；:：!！?？、]|吗|呢)';
const OUTCOME_ASK = new RegExp(
  `(?:(?:取得了?|产生了?|带来了?|有)?(?:哪些|什么|怎样的?|多大的?|何种)${RESULTS}(?:如何|怎么样|怎样)?|${RESULTS}(?:如何|怎么样|怎样))${ASK_END}`,
);

/**
 * A question for a percentage (办理时限压缩百分之多少, 提高了几个百分点, 降低了几成): the answer is a relative change or
 * a share, whatever the measure, so the ask is of kind percent (a fact with a computed or printed percentage).
 */
const PERCENT_ASK = /百分之(?:多少|几)|(?:多少|几)个?百分点|多少%|几成/;

/**
 * Counters of one class: a question for 多少笔 is answered by 4990 票 or 9626 件 as well (each counts transactions or
 * cases handled), 多少人 by 1500 名. A fact's unit answers an asked counter of its class. Not 户 for 家: 户 also
 * counts households (养殖户 216 户), and 服务企业多少家 then found them.
 */
const COUNTER_CLASSES: readonly (readonly string[])[] = [
  ['笔', '单', '票', '件', '宗'],
  ['人', '名', '位'],
  ['艘', '艘次'],
];

/** Whether a fact printed in `unit` (4990票, 30万家) counts what a question asks in `asked` (多少笔, 多少家). */
export function countsAs(unit: string, asked: string): boolean {
  if (unit.endsWith(asked)) return true;
  const cls = COUNTER_CLASSES.find((c) => c.includes(asked));
  return cls !== undefined && cls.some((c) => unit.endsWith(c));
}

/** The figure a normalised query asks for, or undefined when it asks for none. */
export function quantityAsk(query: string): QuantityAsk | undefined {
  const pct = PERCENT_ASK.exec(query);
  if (pct) return { text: pct[0], kind: 'percent' };
  const m = ASK.exec(query);
  if (!m) {
    const results = OUTCOME_ASK.exec(query);
    return results ? { text: results[0], outcomes: true } : undefined;
  }
  const [text, word, unit] = m;
  // 几 alone is also a numeral in names (几何); only with a unit, or as 多少/多久, is it a question.
  if (word === '几' && !unit) return undefined;
  if (word === '多久' || word === '多长时间' || word === '多少时间') return { text, kind: 'time' };
  if (!unit) return { text };
  if (TIME_UNITS.includes(unit)) return { text, kind: 'time', ...(unit.endsWith('工作日') ? { unit: '工作日' } : {}) };
  if (MONEY_UNITS.includes(unit)) return { text, kind: 'money' };
  return { text, unit };
}

/**
 * Words a question puts before the figure it asks for (需要多长时间, 平均耗时多久, 大概花费多少钱, 满意度达到多少):
 * they belong to the question, not to what it is about (a record answers 满意度达 96% or 满意度近100% alike). Only
 * words of two or more characters: a lone 要 or 需 is never a word of the query anyway, and a single character may
 * end a real word (费用多少钱).
 */
const ASK_LEAD = /(?:(?:大概|大约|一般|通常|平均|总共|一共)?(?:需要|花费|耗费|耗时|用时|要花|要用|需花|达到|高达))$/;

/**
 * The query text without the words that lead into the question for a figure (需要 in 企业开办需要多长时间): they
 * belong to the question, not to what it is about, and as a word of its own 需要 (rarer in the corpus than
 * 企业开办) made every record lacking it a partial match. So is the 时间 of 多长时间 (the question word: a record
 * answers with 用时 35 分钟, a duration, which the ask's kind matches). The other question words (多少, 几, 多久) are
 * stop words already, and a unit after one (工作日 of 几个工作日) stays: records printing it fill the page.
 */
export function withoutAskLead(text: string, ask: QuantityAsk): string {
  const at = text.indexOf(ask.text);
  if (at < 0) return text;
  if (ask.outcomes) return (text.slice(0, at) + text.slice(at + ask.text.length)).trim();
  const before = text.slice(0, at).replace(ASK_LEAD, '');
  const question = /^(?:多长时间|多少时间)/.exec(ask.text)?.[0] ?? '';
  // Whether anything is left is decided for the whole query (QueryAnalyzer falls back to the literal text), not here:
  // 需要多长时间办营业执照 is about 办营业执照 although nothing precedes the question.
  return (before + text.slice(at + question.length)).trim();
}

/**
 * How a question is framed rather than what it is about: asking to be told (我想了解, 请介绍一下), 需要 before a
 * question word (需要哪些材料), asking what a term means, where (哪个城市) or by what ways (有哪些方式), and 的改革
 * closing a question about reforms (关于船舶登记的改革有哪些: every record
 * is a reform). Each is read only in that frame: 了解, 介绍 and 改革 are words of their own anywhere else (地方金融改革).
 */
const FRAMES: RegExp[] = [
  /^(?:请问)?我?(?:想要|想|希望|要)(?:了解|知道|咨询|查询|查找|查|看看|找)(?:一下)?/,
  /(?:能不能|能否|可不可以|可以|可否|请|麻烦)?(?:介绍|说明|讲讲|说说|解释)一下/,
  /^(?:请|麻烦)(?:介绍|说明|讲讲|说说|解释)/,
  // 需要 before a question word. Before a figure asked for (多少, 多长, 多久, 几 with a unit) withoutAskLead has already
  // cut it, but only in the clause holding the query's ask (the first figure asked): in 办理需要多久 需要多少材料 the
  // second clause's 需要 is cut here. 几 without a unit is no ask (需要几步): cut here too.
  /需要(?=哪些|什么|多少|多长|多久|几|怎样|如何|怎么)/,
  // Asking what a term means (证照分离是什么意思): the term is what to find.
  /(?:是)?什么意思|的含义是什么|是指什么|指的是什么/,
  // Asking where (哪个城市试点了首违不罚): the records' regions answer it; 城市 and 试点 are not words of the topic.
  // 在, 了 and 过 only with a verb (哪些城市过境免签, 在线办理 keep 过境, 在线); 省 and 地方 not where they begin a
  // longer word (省级部门, 地方金融改革).
  // 有没有 / 是否有 / 有无 ask where as 哪些 does (有没有地方做过告知承诺制: 地方 is the question's, not a topic word).
  new RegExp(
    '(?:哪个|哪些|什么|有没有|是否有|有无)(?:城市|省市|省份|省(?!级|属|内|直|委|政府|际|外)|地方(?!金融|政府|性|标准|立法|债|特色|财政|法规|专项|税|监管|经济|党委|人大|国资|国企|银行|版)|地区|片区|自贸区|自贸试验区)' +
      '(?:(?:已经|已|在)?(?:试点|实行|推行|实施|开展|落地|推广)(?:了|过)?)?',
  ),
  // The verb of 对 X 实行 Y (有没有地方对施工许可实行告知承诺制, 对进口货物实施先放后检): it applies the reform Y to X and
  // says nothing of either; as a word it made records printing 实行 outrank those about X and Y. Only after 对 and a
  // word of two or more characters, and before one: 实行 typed alone, or as a topic (实行情况), stays.
  /(?<=对[\u4e00-\u9fff]{2,12})(?:实行|推行|实施|试行)(?=[\u4e00-\u9fff]{2})/,
  // Asking how to solve a problem typed before it (跨境电商退货难怎么解决): the problem is what to find; 解决 is the
  // question's, and a record about the problem rarely prints it, nor the 难 / 问题 naming it a difficulty (退货难 as a
  // word outranked the record on 退货 that never says 难). Only closing the question: 如何解决融资难 keeps its words
  // for markQuestionAims (search/query-words.ts).
  /(?<=[\u4e00-\u9fff])(?:难|的?难题|的?问题)?(?:该|要|应该|应当|能)?(?:怎么|怎样|如何)(?:解决|处理|破解|应对|化解|办)(?=$|[\s,，。.;；:：!！?？、]|吗|呢)/,
  // Asking why a reform is done (为什么要推行告知承诺制): the reform is what to find, not the verb of doing it.
  /(?:为什么|为何)(?:要)?(?:推行|实行|实施|开展|推广|试点|搞)/,
  // Asking for the ways of doing something (海关担保有哪些方式): the topic is what to find.
  /(?:有哪些|有什么|哪些|什么)(?:方式|途径|渠道|方法)/,
  // Verbs of need, ability and obligation inside a sentence (码头装卸集装箱不需要人工, 企业无需到现场就能办理): they
  // frame the idea, as 可以 and 要 (stop words) do. The corpus prints some of them (需要, 无需, 能够), so they were
  // words to find, rarer than the idea's own words, and every record printing 需要 outranked one about 人工.
  // Only between Han characters: 无需审批 typed alone keeps its 无需. Not 才能 (人才能力), a stop word anyway.
  /(?<=[\u4e00-\u9fff])(?:不再需要|不需要|不需|无需|无须|不必|需要|能够|就能|也能|即可|必须|应当|应该)(?=[\u4e00-\u9fff])/g,
];
const QUESTION = /哪些|什么|吗|呢|有没有|是否|如何|怎样|怎么/;
/**
 * Question words beside QUESTION's that ask rather than describe: 哪 in any question (哪些, 哪里, 哪家, 哪种, 哪类 …;
 * not 哪怕, "even if"), when and where (何时, 何处), why, whether one may.
 */
const ASKING = new RegExp(`${QUESTION.source}|哪(?!怕)|何时|何处|为什么|为何|能否|可否`);

/**
 * Whether a normalised clause asks (进口食品怎么快速通关, 哪里可以申请知识产权证券化, 服务企业多少家) rather than
 * describes (企业关门注销一次办完): a question word, or a figure asked for (quantityAsk).
 */
export function asksQuestion(text: string): boolean {
  return ASKING.test(text) || quantityAsk(text) !== undefined;
}
/**
 * Words that make a typed figure approximate or a bound (约, 超过 before it; 以上, 左右 after it): they belong to the
 * figure, as a fact's `qualifier` does, and are not words to find (95%以上 is about 95%, not about every record
 * printing 以上).
 */
// A lone 约, 近 or 超 is a bound only where it does not end a word (节约5000万元, 签约12个项目, 最近5年 keep theirs).
// The characters listed are those that make a word of the language with it (节约, 最近, 赶超), the same kind of list
// as the 省 and 地方 words of FRAMES. Not read from the corpus vocabulary instead: the seeds' vocabulary holds 10 of
// these 43 words, so the rule would read 最近5年 or 哪些地方标准 differently on each corpus dropped in, and jieba
// keeps some whole inside longer words (违约金), so a word the corpus prints can be missing from its vocabulary.
const BOUND_BEFORE =
  /(?:大约|超过|高达|不足|不到|将近|接近|(?<!节|签|预|履|合|违|集|制|公|条|特|缔|租|邀|要|契|简|相|失|守|践|解|毁|婚|爽|赴)约|(?<!附|最|就|临|邻|靠|贴|亲|相|新|晚|逼|远)近|(?<!赶|高|反|追)超|逾)(?=\d)/g;
// Tried only where a figure starts (never inside a run of digits): linear in the query's length.
const BOUND_AFTER = /(?<![\d.,])(\d[\d.,]*\s*[%‰]?[\u4e00-\u9fff]{0,4}?)\s*(?:以上|以下|以内|之内|左右)/g;
const REFORM_CLOSE = /的改革(?=有哪些|是什么|有什么|吗|呢|$)/;
const REFORM_END = /(?<=[\u4e00-\u9fff]{2})的改革$/;

/**
 * The words of a normalised query clause that say what it is about: without its question frame (FRAMES), the
 * words leading into a question for a figure (withoutAskLead) and the bounds of a typed figure (约, 以上). Empty when
 * the clause is all frame (我想了解 of 我想了解 证照分离): the caller drops it, and searches the literal text only when
 * no clause of the whole query is left. A frame inside a term of `whole` that the clause prints stays (即可 of the
 * thesaurus term 拿地即可开工: see framedTerms).
 */
export function questionContent(text: string, ask?: QuantityAsk, whole: readonly string[] = []): string {
  let out = ask ? withoutAskLead(text, ask) : text;
  for (const frame of FRAMES) out = withoutFrame(out, frame, whole);
  // 的改革 closing a question (关于船舶登记的改革有哪些) or a description of what reforms did (压缩审批时间的改革):
  // every record is a reform, and as a word 改革 made the records that print it outrank those that did the thing.
  if (QUESTION.test(text)) out = out.replace(REFORM_CLOSE, '');
  else out = out.replace(REFORM_END, '');
  out = out.replace(BOUND_BEFORE, '').replace(BOUND_AFTER, '$1');
  return out.trim();
}

/**
 * The text without one frame, except where the frame lies inside a term of `whole` that the text prints: a thesaurus
 * term may print a framing word (即可 of 拿地即可开工), and cutting it would leave a phrase no record prints. A frame cut
 * leaves a space: the words on either side of it were typed apart, and glued they could read as a word no one typed
 * (保函也能向海关 → 保函向, a word the corpus's segmenter guessed once, so 保函 was never searched).
 */
function withoutFrame(text: string, frame: RegExp, whole: readonly string[]): string {
  const spans: [number, number][] = [];
  for (const term of whole) for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) spans.push([at, at + term.length]);
  if (spans.length === 0) return text.replace(frame, ' ');
  return text.replace(frame, (m: string, ...rest: unknown[]) => {
    const at = rest.find((x) => typeof x === 'number') as number;
    return spans.some(([a, b]) => at < b && at + m.length > a) ? m : ' ';
  });
}

/**
 * The terms (of a thesaurus) that print a question's framing word inside them (拿地即可开工): questionContent keeps
 * them whole when given them.
 */
export function framedTerms(terms: Iterable<string>): string[] {
  return [...terms].filter((t) => FRAMES.some((f) => t.replace(f, '') !== t));
}

/** A question of manner: how to do something (进口食品怎么快速通关, 企业注销怎样简化手续). */
const HOW = /怎么样|怎么|怎样|如何/;

/**
 * Where the aim of a question of manner begins in a clause's text: the words after 怎么 / 怎样 / 如何 say what is
 * wanted of the topic typed before it (快速通关 of 进口食品怎么快速通关, 简化手续 of 企业注销怎样简化手续). Undefined
 * when the clause asks no such question or types nothing before the question word (如何缩短工程建设项目审批时间: no
 * topic stands apart from the aim).
 */
export function questionAimStart(text: string): number | undefined {
  const m = HOW.exec(text);
  if (!m || m.index === 0 || !text.slice(0, m.index).trim()) return undefined;
  return m.index + m[0].length;
}

/**
 * Words that name a measure rather than a thing (时间, 费用, 次数), each list with the figures it is measured in. One
 * list per measure serves both readings below: a query word that is one of them (MEASURES), and a fact's metric that
 * prints one (PERCENT_OF). `metricOnly` words say a measure inside a metric (工期 of 施工工期) but are not asked for
 * alone in a query.
 */
const MEASURE_WORDS: { words: string[]; metricOnly?: string[]; of: { kind?: OutcomeKind; unit?: string } }[] = [
  { words: ['时间', '时限', '用时', '耗时', '时长', '周期', '天数', '工作日', '期限'], metricOnly: ['工期', '时效'], of: { kind: 'time' } },
  { words: ['费用', '成本', '资金', '金额', '税款', '税费', '开支', '支出', '运费', '物流费用', '物流成本'], of: { kind: 'money' } },
  { words: ['次数', '人次', '趟数'], of: { unit: '次' } },
  { words: ['比例', '比率', '占比', '百分比'], of: { kind: 'percent' } },
];

/**
 * A query word that is a measure's word, whole: the word → what it is measured in (the first list naming it). A map,
 * not a regex per list: namesMeasure runs per outcome fact and query word of a first-seen query.
 */
const MEASURES = new Map<string, { kind?: OutcomeKind; unit?: string }>();
for (const m of MEASURE_WORDS) for (const w of m.words) if (!MEASURES.has(w)) MEASURES.set(w, m.of);

/**
 * Measure words that name nothing but the measure (时间, 成本, 次数), unlike 物流成本, 税款 or 运费, which name what is
 * measured too: only these are held by any fact of their measure (OutcomeFacts.withMeasureFacts).
 */
const GENERAL_MEASURES = new Set(['时间', '时限', '用时', '耗时', '时长', '周期', '天数', '期限', '费用', '成本', '开支', '支出', '次数']);

/** Whether a query word names a measure and nothing else (时间, 成本; not 物流成本). */
export function isGeneralMeasure(word: string): boolean {
  return GENERAL_MEASURES.has(word);
}

/** Whether a query word names a measure (时间, 费用, 次数) rather than a thing. */
export function isMeasureWord(word: string): boolean {
  return MEASURES.has(word);
}

/**
 * Superlatives that say which figure of a topic is meant (最快 35 分钟, 最高 3000 万元): a query word that is one
 * qualifies the topic asked about, as a measure word does (search/query-words.ts markQualifiers). The outcome extractor's
 * EDGE_WORDS (analysis/outcomes.ts) keeps its own shorter list off a metric's front: 最多 also starts slogans
 * (最多跑一次) that a metric may name, and the facts stay as built.
 */
export const SUPERLATIVES: readonly string[] = ['最高', '最快', '最长', '最短', '最少', '最多', '最低', '最大', '最小'];

/** Whether a query word is a superlative (最快 of 企业开办最快多久). */
export function isSuperlative(word: string): boolean {
  return SUPERLATIVES.includes(word);
}

/**
 * What a relative change measures, read from its metric (办理时限 压缩 94.4% is a change of time; 物流成本 降低 20% of
 * money): a percentage has no unit of its own, so the measure word its metric prints says which measure moved (a
 * metric printing a share, 比例, is no measure of a percentage: the percentage is the share).
 */
const PERCENT_OF: [RegExp, { kind?: OutcomeKind; unit?: string }][] = MEASURE_WORDS.filter((m) => m.of.kind !== 'percent').map((m) => [
  new RegExp([...m.words, ...(m.metricOnly ?? [])].join('|')),
  m.of,
]);

/**
 * Whether a query word names the measure of an outcome fact (时间 a duration, 费用 money, 次数 a count in 次 or 人次):
 * 减少跑腿次数 asks about 减少往返大厅 4.56 万人次 although the fact's metric says neither 跑腿 nor 次数. A percentage
 * measures what its metric names (物流成本 降低 20% answers 费用 as 节约费用 800 元 does).
 */
export function namesMeasure(word: string, fact: { kind: OutcomeKind; unit?: string; to?: { unit: string }; metric?: string }): boolean {
  const m = MEASURES.get(word);
  if (!m) return false;
  if (fact.kind === 'percent' && fact.metric !== undefined) {
    const of = PERCENT_OF.find(([r]) => r.test(fact.metric!))?.[1];
    if (of && of.kind === m.kind && of.unit === m.unit) return true;
  }
  if (m.kind && fact.kind !== m.kind) return false;
  if (m.unit && !(fact.unit ?? fact.to?.unit ?? '').endsWith(m.unit)) return false;
  return true;
}
