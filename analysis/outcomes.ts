/**
 * Outcome facts: what each figure of a text measures, which way it moved and by how much.
 *
 * Built on the figures and changes of {@link scanChanges} (one recogniser for search and facts). Each figure ends
 * up in exactly one fact:
 * - a printed change (由75天压缩至25天, 从 20 小时、2 小时压缩至 4 小时、5 分钟, 97 → 26 → 7 个工作日) is one fact
 *   with `from`, `to` (and `via` for the steps), its direction from the values and its signed relative change
 *   `percent`; a percentage printed right after it for the same change (提速 67%, 压减率达 90.3%) joins that fact as
 *   `printedPercent` and is checked against the computed one;
 * - a figure after a verb of change is the size of a change: 成本降低 35% (down, percent −35), 节约成本约5000万元
 *   (down, 5000 万元), 压缩 2/3 以上 (down, percent −66.7), 缩减至 7个工作日 (down, `to` only);
 * - anything else is a level (direction none): 满意度近100%, 综合审批时间：7个工作日, 10117 家新开办企业.
 * Word figures that close a change are read too: 由 6个工作日 … 缩减至半天; 由法定 60个工作日压缩达一半以上.
 *
 * `metric` is the measured thing as printed, found by position (no segmenter, so this also runs in the browser):
 * the phrase before 由/从 for a change, the object after the verb (降低综合物流成本) or the subject before it
 * (办理时限压缩 94.4%), the subject before 达/为/： for a level, and for a count the thing counted (38 个受理点).
 * A fact with nothing of its own takes the metric of the fact before it in the same sentence (85%，提升近 30%).
 */
import type { Outcome, OutcomeAmount, OutcomeKind, Quantity, TextField } from '../indexer/schema.js';
import { classifyUnit, scanChanges, type ChangePair } from './quantities.js';

/** Ends of a sentence: facts are cited with the sentence they are printed in. */
const SENTENCE_END = /[。；;！？!?\n]/;
/** Where a long sentence may be cut for citing: after a comma, an enumeration mark, a colon or a dash. */
const CLAUSE_CUT = /[，,、：:—]/;
const CLAUSE_CUT_G = /[，,、：:—]/g;
/** Ends of a clause: a metric never reaches across one. */
const CLAUSE_BREAK = /[，,。；;！？!?\n（(）)]/;

/** Verbs that make the figure after them a reduction (节约/节省 are verbs: they are never the qualifier 约). */
export const DOWN_VERBS = ['压缩', '缩短', '缩减', '压减', '减少', '降低', '下降', '节约', '节省', '精简', '减轻', '缩小', '压降', '压至', '降至', '减至'];
/** Verbs that make the figure after them an increase. */
export const UP_VERBS = ['提高', '提升', '增长', '增加', '上升', '扩大', '提速', '增至'];
const VERB = new RegExp(`(${[...DOWN_VERBS, ...UP_VERBS].sort((a, b) => b.length - a.length).join('|')})`, 'g');
/** After a verb: 至/到/为 make the figure the level reached (压缩至 7个工作日), not the size of the change. */
const TO_LEVEL = /^(?:了)?(?:至|到|为)(?!期|了)/;

/**
 * Words at the edges of a metric phrase that are not part of the measured thing. Its superlatives are a shorter list
 * than the query side's (analysis/ask.ts SUPERLATIVES): 最多 also starts slogans (最多跑一次) that a metric may name,
 * and the facts stay as built.
 */
const EDGE_WORDS = /^(?:其中|同时|目前|此外|另外|平均|整体|分别|累计|共计|合计|均|都|也|已经|已|可以|可|能够|将|使|让|把|并|且|还|再|就|仅|只|约|近|达到|达|为|是|了|的|在|对|从|由|通过|年化|同比|逆势|现在|现(?=每|已|在)|仅需|需要|环比|年均|月均|日均|每年|每月|每天|最高|最快|最长|最短|最少|大幅|明显|有效|显著|进一步|一个)+/;
const EDGE_TAIL = /(?:超过|突破|高达|不足|不到|逾|超|平均|整体|分别|累计|均|都|也|已|可|将|达到|达|为|是|了|的|约|近|仅|只需|需要|需|同比|大幅|明显|有效|显著|均可|可以|至少)+$/;
/** Points inside a clause after which a new subject starts: 实现…, 为企业…, 较2017年…. */
const MID_SPLIT = /.*(?:实现了|实现|使得|帮助企业|为企业|可为企业|为客户|相对于|相比|与改革前相比|改革后|以来|之后)/;
/** The subject before a beneficiary (…可以为企业): what a saving printed after it is a saving of. */
const BENEFICIARY = /^(.*?)(?:可以|可|能)?(?:为企业|为客户|为群众|帮助企业)[^，,]*$/;
/** A comparison (较上一年度的, 比改革前): the measured thing is printed before it. */
const COMPARISON = /(?:较|比改革前|与改革前相比|相比)/;
/** What may follow a count as the thing counted (two characters at least: 国内 of 国内技术领先项目 is no stop at 内), up to the next verb or break. */
const COUNTED = /^(?:[\u4e00-\u9fff“”"]{2,12}?)(?=[，,。；;、：:（(）)和与及\n]|实现|提供|入驻|参与|落地|获得|完成|通过|签约|参加|享受|成为|开展|注册|前往|达到|达|的|压缩|缩短|缩减|压减|减少|降低|下降|提高|提升|增加|增长|转变|变为|进行|支付|列入|纳入|划分|内|$)/;

const roundTo = (x: number, d: number) => Number(x.toFixed(d));

/** The sentence of `text` around [start, end), cut to about 120 characters each side of the figure. */
export function sentenceAround(text: string, start: number, end: number): { from: number; to: number } {
  let from = start;
  while (from > 0 && !SENTENCE_END.test(text[from - 1])) from--;
  let to = end;
  while (to < text.length && !SENTENCE_END.test(text[to])) to++;
  if (to < text.length && text[to] !== '\n') to++; // keep the full stop
  // A long sentence is cut at a clause break inside the 120 characters, never inside a word (“慧培育”功能 of 通过“智慧培育”功能).
  if (start - from > 120) {
    from = start - 120;
    const cut = text.slice(from, start).search(CLAUSE_CUT);
    if (cut >= 0) from += cut + 1;
    while (from < start && CLAUSE_CUT.test(text[from])) from++;
  }
  if (to - end > 120) {
    to = end + 120;
    const tail = text.slice(end, to);
    let last = -1;
    for (const m of tail.matchAll(CLAUSE_CUT_G)) last = m.index;
    if (last >= 0) to = end + last + 1;
  }
  while (from < start && /\s/.test(text[from])) from++;
  return { from, to };
}

/** time, money, percent or count, from the unit of a figure. */
export function kindOfUnit(unit: string): OutcomeKind {
  const info = classifyUnit(unit);
  switch (info?.kind) {
    case 'duration':
      return 'time';
    case 'money':
      return 'money';
    case 'percent':
      return 'percent';
    case 'count':
      return 'count';
    default:
      return 'other';
  }
}

function amount(q: Quantity): OutcomeAmount {
  return {
    value: q.value,
    unit: q.unit,
    ...(q.max !== undefined ? { max: q.max } : {}),
    ...(q.qualifier ? { qualifier: q.qualifier } : {}),
    ...(q.normalized ? { normalized: q.normalized } : {}),
  };
}

/**
 * A figure on a scale where changes compare: money in 元, durations in days (a working day counts as one day
 * when it is compared with hours or calendar days: 2 个工作日 → 10 分钟), else the value as printed.
 */
function comparable(a: OutcomeAmount, other: OutcomeAmount): number {
  if (a.unit === other.unit) return a.value;
  const info = classifyUnit(a.unit);
  if (a.normalized) return a.normalized.value;
  return a.value * (info?.magnitude ?? 1);
}

/** The signed relative change from one amount to another, in percent, one decimal. */
export function relativeChange(from: OutcomeAmount, to: OutcomeAmount): number | undefined {
  const a = comparable(from, to);
  const b = comparable(to, from);
  if (!(a > 0)) return undefined;
  return roundTo(((b - a) / a) * 100, 1);
}

/** Whether a computed change agrees with a printed percentage, given the printed qualifier (75%以上, 近 30%). */
export function percentAgrees(computed: number, printed: number, qualifier?: string): boolean {
  const size = Math.abs(computed);
  switch (qualifier) {
    case '以上':
    case '超过':
    case '超':
    case '逾':
    case '高达':
      return size >= printed - 1;
    case '近':
    case '不足':
    case '不到':
      return size <= printed + 1 && size >= printed - 6;
    case '约':
    case '左右':
      return Math.abs(size - printed) <= 3;
    default:
      return Math.abs(size - printed) <= 1;
  }
}

/** Trim a metric candidate to the measured thing: no leading subjects or adverbs, no trailing auxiliaries. */
function cleanMetric(raw: string): string {
  // The parser renders a markdown source's TeX ($\leq 1.5\%$ → ≤1.5%); records files written before it (--records
  // input, the bench corpora) still print it, and its commands and delimiters are never part of a name.
  let m = raw.replace(/\\[a-zA-Z]+|[$\\{}]/g, '').replace(/\s+/g, '');
  const cmp = COMPARISON.exec(m);
  if (cmp && /[\u4e00-\u9fff]{2}/.test(m.slice(0, cmp.index).replace(MID_SPLIT, ''))) m = m.slice(0, cmp.index);
  else if (cmp) m = '';
  const split = MID_SPLIT.exec(m);
  if (split) m = m.slice(split[0].length);
  m = m.replace(/^[“”"'、，,：:]+/, '');
  for (let i = 0; i < 3; i++) m = m.replace(EDGE_WORDS, '').replace(EDGE_TAIL, '');
  m = m.replace(/^[”"、]+|[“"、]+$/g, '');
  m = m.replace(/^.*\d{4}\s*年(?:底|末|初)?/, '').replace(/^[\d\s.]+/, '');
  // Keep the end of a long phrase: the head noun comes last in Chinese (…的开办时间).
  // Cut after a 的 when that leaves a noun phrase, else keep up to 24 characters, so a name rarely starts inside a
  // word (钦州港集装箱吞吐量 was cut to 州港集装箱吞吐量).
  if (m.length > 16) {
    const at = Math.max(...[...m.matchAll(/的/g)].map((x) => x.index + 1).filter((i) => m.length - i <= 16 && m.length - i >= 4), -1);
    if (at > 0) m = m.slice(at);
    else if (m.length > 24) m = m.slice(m.length - 16);
  }
  m = m.replace(/^[—–-]+/, '');
  if ((m.match(/“/g) ?? []).length !== (m.match(/”/g) ?? []).length) m = m.replace(/[“”]/g, '');
  return /[\u4e00-\u9fff]{2}/.test(m) ? m : '';
}

/** The start of the clause that `pos` is in. */
function clauseStart(text: string, pos: number, limit = 40): number {
  let i = pos;
  while (i > 0 && pos - i < limit && !CLAUSE_BREAK.test(text[i - 1])) i--;
  return i;
}

/** The last verb of change in `s` and what follows it; undefined when there is none. */
function lastVerb(s: string): { verb: string; at: number } | undefined {
  let found: { verb: string; at: number } | undefined;
  for (const m of s.matchAll(VERB)) found = { verb: m[1], at: m.index };
  return found;
}

/** The thing counted after a count (38 个受理点 → 受理点), or ''. */
function countedAfter(text: string, end: number): string {
  // 5个工作日内可办结, 放款后 5个工作日: what follows a time limit is what happens within it, not a thing counted.
  if (/^\s*(?:以内|之内|内|后|前|起)/.test(text.slice(end))) return '';
  const m = COUNTED.exec(text.slice(end).replace(/^\s*(?:以上|以下|左右|余|多)?(?:的)?\s*/, ''));
  // 以12大类40项指标为引导: the close of a 以…为… frame is not part of the thing counted (not 行为, 作为, 成为 …).
  return m ? cleanMetric(m[0].replace(/([\u4e00-\u9fff]{2})(?<![作成认行因])为[\u4e00-\u9fff]{2}$/, '$1')) : '';
}

/** 聚集 100 余家具有世界 500强…背景的保理公司: the thing counted closes the clause after its last 的, or ''. */
function countedAtClauseEnd(text: string, end: number): string {
  const m = /^[^，,。；;！？!?\n]{0,40}的([\u4e00-\u9fff]{2,8})(?=[，,。；;！？!?\n]|$)/.exec(text.slice(end));
  return m ? cleanMetric(m[1]) : '';
}

/** The noun after a figure's 的 (3%-6% 的融资成本 → 融资成本), or ''. */
function nounAfterDe(text: string, end: number): string {
  const rest = /^\s*(?:以上|以下|左右)?的/.exec(text.slice(end));
  if (!rest) return '';
  const m = COUNTED.exec(text.slice(end + rest[0].length));
  return m ? cleanMetric(m[0]) : '';
}

interface Draft extends Omit<Outcome, 'sentence' | 'sentenceStart' | 'text'> {
  /** Indexes of the figures the fact is made of. */
  figures: number[];
  /** The draft this one is listed after (和/、), sharing its verb. */
  listedAfter?: number;
}

/** Between two figures governed by one verb: 95.09%和99.33%, 2 人次 2 个工作日, 50%—60%的时间成本和60%. */
const LIST_AFTER_CHANGE = /^\s*(?:以上|左右)?(?:的[\u4e00-\u9fff]{1,8})?\s*[、和与及]?\s*$/;

/**
 * 进口整体通关时间13.13小时，出口整体通关时间0.29小时，较2017年分别压缩95.09%和99.33%: the k changes listed after
 * 分别 measure, in order, the k levels printed before them in the sentence.
 */
function assignRespectively(text: string, qs: Quantity[], drafts: Draft[]): void {
  for (let i = 0; i < drafts.length; i++) {
    const d = drafts[i];
    if (d.direction === 'none' || d.listedAfter !== undefined || d.from) continue;
    const cs = clauseStart(text, d.start);
    if (!text.slice(cs, d.start).includes('分别')) continue;
    const group = [i];
    for (let j = i + 1; j < drafts.length && drafts[j].listedAfter === group[group.length - 1]; j++) group.push(j);
    const { from: sentenceFrom } = sentenceAround(text, d.start, d.end);
    const levels = drafts.slice(0, i).filter((x) => x.direction === 'none' && x.start >= sentenceFrom && x.metric);
    if (group.length < 2 || levels.length < group.length) continue;
    const chosen = levels.slice(levels.length - group.length);
    group.forEach((g, k) => (drafts[g].metric = chosen[k].metric));
  }
  void qs;
}

/** Word figures that close a change: 缩减至半天, 压缩达一半以上. */
const HALF_DAY = /^[^。；;\d]{0,30}?(压缩|缩短|缩减|压减|减少|降低|降|减)(?:了)?(?:至|到|为)(半天|半小时|半个工作日)/;
/**
 * A change whose end is a word of immediacy rather than a figure: 提货时间由 3 天左右转变至卸货后即提, 资金划付时效由
 * 1-2 个工作日缩减到秒级到账. Matched from the figure's end to the end of its clause (more figures listed, then the
 * verb, 为/至/到 and, within a few characters, the word, with no figure after it in its clause: 变为当天办结的 5 家 ends
 * in a figure). Not across a comma, except one right after the figure (由平时的 1-2 个工作日，缩减到秒级到账): after a
 * 、 list of figures (由过去最少跑3次、带5份材料、需10-15个工作日，升级为“秒批”) the list names no metric per figure, and
 * the clause ending in the word may be about something else. Only words that
 * say a procedure is done at once: 升级为实时监控 changes how a thing is done (每月3次人工巡检 did not fall to 实时), so
 * neither 实时 nor the verbs 升级 and 转化 count.
 */
const TO_IMMEDIATE = /^\s*[，,]?[^。；;!?！？，,]{0,40}?(?:压缩|缩短|缩减|压减|减少|降低|转变|变|调整|改)(?:为|成|至|到)[^。；;，,!?！？\d]{0,10}?(?:即(?:提|办|拿|取|批|审|放|入|到|领|时|来即)|秒(?:批|办|级|过|审|到)|当天|当日|当场|立等可取|随到随)(?![^，,。；;!?！？]*\d)/;
/** 由/从 opening the clause of the first figure of such a change. */
const FROM_BEFORE = /(?:由|从)[^，,。；;\d]{0,12}$/;

const HALF = /^[^，,。；;\d]{0,6}?(压缩|缩短|缩减|压减|减少|降低|下降|减|降|提高|提升|增长|增加)(?:了)?(?:达|近|超过)?(一半)(以上|左右)?/;

/**
 * Every outcome fact of one field's text, in order of position. `quantities` and `pairs` are those of
 * {@link scanChanges} for the same text (passed when the caller already has them).
 */
export function extractOutcomes(text: string, field: TextField, scanned = scanChanges(text, field)): Outcome[] {
  const { quantities: qs, pairs } = scanned;
  const drafts: Draft[] = [];
  const taken = new Set<number>();
  const pairAt = new Map<number, ChangePair>();
  for (const p of pairs) pairAt.set(p.from, p);

  for (let i = 0; i < qs.length; i++) {
    if (taken.has(i)) continue;
    const q = qs[i];
    const p = pairAt.get(i);
    if (p) {
      const from = amount(qs[p.from]);
      const to = amount(qs[p.to]);
      const percent = relativeChange(from, to);
      const d: Draft = {
        metric: '',
        direction: percent === undefined || percent === 0 ? (to.value < from.value ? 'down' : to.value > from.value ? 'up' : 'none') : percent < 0 ? 'down' : 'up',
        kind: kindOfUnit(from.unit),
        from,
        to,
        ...(p.via.length ? { via: p.via.map((v) => amount(qs[v])) } : {}),
        ...(percent !== undefined ? { percent } : {}),
        field,
        start: q.start,
        end: Math.max(qs[p.to].end, q.end),
        figures: [p.from, p.to, ...p.via],
      };
      for (const f of d.figures) taken.add(f);
      // A percentage printed for the same change right after it: 提速 67%, 压减率达 90.3%, 压缩75%以上.
      const lastIdx = Math.max(p.to, ...p.via);
      const next = qs[lastIdx + 1];
      if (next && !taken.has(lastIdx + 1) && !pairAt.has(lastIdx + 1) && next.unit === '%' && next.max === undefined) {
        const gap = text.slice(qs[lastIdx].end, next.start);
        const afterComma = gap.split(/[，,]/).pop()!.replace(/\s/g, '');
        if (gap.length <= 14 && afterComma.length <= 5 && !SENTENCE_END.test(gap) && /压缩|缩短|缩减|压减|减少|降低|下降|提速|提升|提高|增长|精简|节约|节省|率/.test(gap) && !/[\d]/.test(gap)) {
          d.printedPercent = next.value;
          if (d.percent !== undefined) d.percentCheck = percentAgrees(d.percent, next.value, next.qualifier) ? 'agrees' : 'differs';
          d.figures.push(lastIdx + 1);
          d.end = next.end;
          taken.add(lastIdx + 1);
        }
      }
      d.metric = changeMetric(text, qs[p.from], qs[p.to]);
      drafts.push(d);
      continue;
    }
    taken.add(i);
    const d = singleFact(text, field, qs, i);
    // A threshold, a condition, a deadline or an example states a rule, not what a reform achieved: no fact.
    if (d.direction === 'none' && !d.from && !d.to && ruleFigure(text, q)) continue;
    // 分别压缩95.09%和99.33%, 节约 2 人次 2 个工作日: a figure listed after a change shares its verb.
    const prev = drafts[drafts.length - 1];
    if (d.direction === 'none' && !d.to && prev && prev.value !== undefined && prev.direction !== 'none' && !prev.to && prev.figures.includes(i - 1)) {
      const gap = text.slice(qs[i - 1].end, q.start);
      if (LIST_AFTER_CHANGE.test(gap)) {
        d.direction = prev.direction;
        d.kind = prev.kind === 'percent' && q.unit === '%' ? 'percent' : d.kind;
        if (q.unit === '%') d.percent = prev.direction === 'down' ? -q.value : q.value;
        d.metric = nounAfterDe(text, q.end) || (q.unit === prev.unit ? prev.metric : '');
        d.listedAfter = drafts.length - 1;
      }
    }
    drafts.push(d);
  }
  assignRespectively(text, qs, drafts);

  drafts.sort((a, b) => a.start - b.start);
  // 12大类40项指标, 9 类 17 项海事政务事项: two counts printed back to back count the same thing, named after the second.
  for (let k = drafts.length - 2; k >= 0; k--) {
    const d = drafts[k];
    const next = drafts[k + 1];
    if (!d.metric && d.kind === 'count' && next.kind === 'count' && next.metric && /^\s*$/.test(text.slice(d.end, next.start))) d.metric = next.metric;
  }
  // Metrics: inherit from the fact before in the same sentence when a fact names nothing of its own.
  const out: Outcome[] = [];
  let prev: { metric: string; sentenceStart: number } | undefined;
  for (const d of drafts) {
    const { from, to } = sentenceAround(text, d.start, d.end);
    const { figures: _f, listedAfter: _l, ...fact } = d;
    if (!fact.metric && prev && prev.sentenceStart === from) fact.metric = prev.metric;
    out.push({ ...fact, text: text.slice(d.start, d.end), sentence: text.slice(from, to), sentenceStart: from });
    prev = { metric: fact.metric, sentenceStart: from };
  }
  return out;
}

/** The metric of a change: the phrase before its 由/从 (or before the first figure), else the noun after 的. */
function changeMetric(text: string, from: Quantity, to: Quantity): string {
  const cs = clauseStart(text, from.start);
  let pre = text.slice(cs, from.start);
  const mark = Math.max(pre.lastIndexOf('由'), pre.lastIndexOf('从'));
  if (mark >= 0) pre = pre.slice(0, mark);
  else {
    const v = lastVerb(pre);
    if (v) pre = pre.slice(0, v.at);
  }
  let metric = cleanMetric(pre);
  if (!metric) metric = nounAfterDe(text, from.end);
  if (!metric) {
    // 2次现场核查缩减为1次联合勘查: the thing counted after the “from” figure.
    if (kindOfUnit(from.unit) === 'count') metric = countedAfter(text, from.end);
  }
  if (!metric) {
    // 由过去1个月的时间缩减为… with 由 at a clause start: the clause before names the procedure.
    const prevEnd = cs - 1;
    if (prevEnd > 0 && !SENTENCE_END.test(text[prevEnd])) metric = cleanMetric(text.slice(clauseStart(text, prevEnd), prevEnd));
  }
  void to;
  return metric;
}

/** A figure that is not part of a printed pair: a change by an amount, a level reached, or a level. */
function singleFact(text: string, field: TextField, qs: Quantity[], i: number): Draft {
  const q = qs[i];
  const cs = Math.max(clauseStart(text, q.start), i > 0 ? qs[i - 1].end : 0);
  const before = text.slice(cs, q.start);
  const kindFromUnit = kindOfUnit(q.unit);
  const base: Draft = {
    metric: '',
    direction: 'none',
    kind: kindFromUnit,
    value: q.value,
    ...(q.max !== undefined ? { max: q.max } : {}),
    unit: q.unit,
    ...(q.normalized ? { normalized: q.normalized } : {}),
    ...(q.qualifier ? { qualifier: q.qualifier } : {}),
    field,
    start: q.start,
    end: q.end,
    figures: [i],
  };

  // Word figures that close a change starting at this figure: 6个工作日 … 缩减至半天; 60个工作日压缩达一半以上.
  const rest = text.slice(q.end, qs[i + 1]?.start ?? text.length);
  const half = HALF.exec(rest);
  const halfDay = kindFromUnit === 'time' ? HALF_DAY.exec(rest) : null;
  if (halfDay) {
    const toValue = halfDay[2] === '半小时' ? { value: 0.5, unit: '小时', normalized: { value: 0.0208333, unit: '天' as const } } : { value: 0.5, unit: halfDay[2] === '半天' ? '天' : '个工作日', normalized: { value: 0.5, unit: halfDay[2] === '半天' ? ('天' as const) : ('工作日' as const) } };
    const from = amount(q);
    const percent = relativeChange(from, toValue);
    return { ...withoutFigure(base), metric: levelMetric(text, q, before), direction: 'down', from, to: toValue, ...(percent !== undefined ? { percent } : {}), end: q.end + halfDay.index + halfDay[0].length };
  }
  if (half && !/[\d]/.test(rest.slice(0, half.index + half[0].length))) {
    const down = DOWN_VERBS.includes(half[1]);
    return {
      ...withoutFigure(base),
      metric: levelMetric(text, q, before),
      direction: down ? 'down' : 'up',
      from: amount(q),
      percent: down ? -50 : 50,
      ...(half[3] ? { qualifier: half[3] } : {}),
      end: q.end + half.index + half[0].length,
    };
  }

  // 由 3 天转变至卸货后即提; 由3个工作日、5份材料变为“秒批”: each figure after 由/从 is where a reduction began.
  const fromAt = fromMark(text, qs, i);
  if (fromAt !== undefined && TO_IMMEDIATE.test(text.slice(q.end, q.end + 80))) {
    return { ...withoutFigure(base), metric: levelMetric(text, q, before) || cleanMetric(text.slice(clauseStart(text, fromAt), fromAt)), direction: 'down', from: amount(q) };
  }
  // A verb of change shortly before the figure, in the same clause: 降低综合物流成本约 5000万元, 压缩75%以上.
  const v = lastVerb(before);
  const between = v ? before.slice(v.at + v.verb.length) : '';
  // Not after 超过 (减轻超过确定的处罚金额50%的 is a threshold), nor before 的 (减轻处罚的6种情形 counts kinds).
  if (v && between.length <= 12 && !/[\d、]/.test(between) && !/的\s*$/.test(between) && !/超过|以上|以下/.test(between)) {
    const down = DOWN_VERBS.includes(v.verb);
    const dir: Outcome['direction'] = down ? 'down' : 'up';
    if (TO_LEVEL.test(between) || v.verb.endsWith('至')) {
      // 压缩至 1-2 个, 降至 4%左右: the level reached, with no “from”.
      return { ...withoutFigure(base), direction: dir, to: amount(q), metric: cleanMetric(before.slice(0, v.at)) || nounAfterDe(text, q.end) };
    }
    const metric =
      cleanMetric(between.replace(/^(?:了|约|近|达|超过|超|逾)+/, '')) || nounAfterDe(text, q.end) ||
      // 减少 3 个环节: what a count counts is the measured thing.
      (kindFromUnit === 'count' ? countedAfter(text, q.end) : '') || cleanMetric(before.slice(0, v.at)) ||
      (/^\s*(?:以上|左右)?(时间|成本|费用)/.exec(text.slice(q.end))?.[1] ?? '') ||
      // 一个缴费流程至少可以为企业节约 2 人次: with nothing named after the verb, the procedure that saves is the metric.
      cleanMetric(BENEFICIARY.exec(before.slice(0, v.at))?.[1] ?? '');
    const info = classifyUnit(q.unit);
    if (info?.kind === 'percent' && q.unit === '%') return { ...base, kind: 'percent', direction: dir, percent: down ? -q.value : q.value, metric };
    if (info?.kind === 'fraction') return { ...base, kind: 'percent', direction: dir, percent: roundTo((down ? -q.value : q.value) * 100, 1), metric };
    return { ...base, direction: dir, metric };
  }
  // 项目开工时间平均提前 2个月: a duration brought forward is time saved.
  const metric = levelMetric(text, q, before);
  if (kindFromUnit === 'time' && /提前\s*$/.test(before) && /时间|时限|周期|工期/.test(metric)) return { ...base, direction: 'down', metric: metric.replace(/(?:平均)?(?:可)?提前$/, '') };
  return { ...base, metric };
}

/**
 * A draft without its own figure (value, max, unit, normalized, qualifier): a change states its figures as from/to
 * instead, so the figure the draft started from must not stay beside them.
 */
function withoutFigure(draft: Draft): Omit<Draft, 'value' | 'max' | 'unit' | 'normalized' | 'qualifier'> {
  const { value: _v, max: _m, unit: _u, normalized: _n, qualifier: _q, ...rest } = draft;
  return rest;
}

/**
 * Where the 由/从 of a change begun at figure `i` stands: right before it (由 3 天), or before an earlier figure of the
 * same sentence that the figures between list with it (由过去最少跑3次、带5份材料、需10-15个工作日); undefined otherwise.
 */
function fromMark(text: string, qs: Quantity[], i: number): number | undefined {
  for (let j = i; j >= 0 && i - j < 6; j--) {
    const start = j > 0 ? Math.max(qs[j - 1].end, qs[j].start - 14) : Math.max(0, qs[j].start - 14);
    const m = FROM_BEFORE.exec(text.slice(start, qs[j].start));
    if (m) return start + m.index;
    // Only figures listed in one run (、 or ， with a few words between) share a 由.
    if (j === 0 || !/^[^。；;!?！？由从]{0,8}$/.test(text.slice(qs[j - 1].end, qs[j].start))) return undefined;
  }
  return undefined;
}

/** Printed just before a figure, a bound makes it a threshold: 不超过 5000 平方米, 满3年, $\\leq 1.5\\%$. */
const BOUND_BEFORE = /(?:不超过|不低于|不少于|不高于|不大于|不小于|未满|满|≤|≥|＜|＞|<|>|\\leq?|\\geq?)[\s$]*$/;
/** 企业首次出口退税申报 5 万元以下的，; 减轻超过确定的处罚金额50%的，: a figure closing a “…的，” clause is its condition. */
const CONDITION_AFTER = /^\s*(?:以下|以上|以内)?\s*的\s*[，,；;]/;
/** A ceiling printed with a level (5 万元以下) is a rule's bound; a change down to it (降至 5%以下) is read before this. */
const CEILING_AFTER = /^\s*以下/;
/** 放款后5个工作日内向…备案, 销售后，30日内清关缴税, 结束之日起3日内: a time limit counted from an event is a deadline. */
const FROM_EVENT = /(?:后|起)[\s，,]*$/;
/** …内 followed by the service being done (5个工作日内办结) is how fast a procedure is, which a reporter may cite. */
const DONE_WITHIN = /^\s*(?:以内|之内|内)[\s，,]*(?:即|可|均|就)?(?:办结|办完|完成审批|办理完毕|审结|出证|到账|拿到|领到)/;

/**
 * Whether figure `q` of `text` states a rule rather than an outcome: a threshold (不超过 5000 平方米, $\\leq 1.5\\%$), a
 * condition (满3年，…的; 5 万元以下的，), a deadline counted from an event (放款后5个工作日内), or a figure of a worked
 * example (以一家经营 1 艘 5000 总吨以上普通货船的航运公司为例). Applied to levels only: a printed change is an outcome.
 */
export function ruleFigure(text: string, q: Quantity): boolean {
  const before = text.slice(Math.max(0, q.start - 40), q.start);
  const after = text.slice(q.end, q.end + 60);
  if (BOUND_BEFORE.test(before) || CONDITION_AFTER.test(after) || CEILING_AFTER.test(after)) return true;
  if (kindOfUnit(q.unit) === 'time' && FROM_EVENT.test(before) && /^\s*(?:以内|之内|内)/.test(after) && !DONE_WITHIN.test(after)) return true;
  // 对被吊销营业执照 2 年以上或者…未申请注销的: a figure inside a “对…的” clause says whom a rule applies to.
  if (/(?:^|[，,。；;\n])(?:对于|对|凡)[^，,。；;\n]*$/.test(before) && /^[^，,。；;\n]*的/.test(after)) return true;
  return /(?:^|[，,。；;\n])以[^，,。；;\n]*$/.test(before) && /^[^，,。；;\n]*为例/.test(after);
}

/** The metric of a level: 满意度达 96% → 满意度; 综合审批时间：7个工作日; for counts the thing counted (38 个受理点). */
function levelMetric(text: string, q: Quantity, before: string): string {
  const mark = Math.max(before.lastIndexOf('由'), before.lastIndexOf('从'));
  let pre = cleanMetric((mark >= 0 ? before.slice(0, mark) : before).replace(/[：:]\s*$/, ''));
  // 企业相当于享受到了100%留抵退税政策: a phrase ending in a verb's 到 is no name; the thing follows the figure.
  if (/到$/.test(pre)) pre = '';
  if (kindOfUnit(q.unit) === 'count') return countedAfter(text, q.end) || countedAtClauseEnd(text, q.end) || pre || nounAfterDe(text, q.end);
  return pre || nounAfterDe(text, q.end) || countedAfter(text, q.end);
}
