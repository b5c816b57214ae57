/**
 * Quantified facts in reform texts: 约5000万元, 95.09%, 1-2个工作日, 由75天压缩至25天, 2/3 …
 *
 * One recogniser (a table of units compiled into one regular expression, plus a short list of
 * “this is not a fact” rules) serves both {@link extractQuantities} (records) and
 * {@link scanNumberUnits} (the search tokenizer), so the two can never disagree about a span.
 *
 * Decisions, so callers know what to expect:
 * - Qualifiers printed before a figure (约, 近, 超, 逾, 不足, 最短 …) are not part of `text`.
 *   余/多 printed between the number and the unit (1100余家, 3300余万元, 2万余件) are inside `text`
 *   (the span must be contiguous) but are dropped from `unit`: 1100余家 → value 1100, unit 家.
 * - Magnitude characters stay in the unit, as printed: 1.6 万家 → value 1.6, unit 万家;
 *   5000万元 → value 5000, unit 万元. {@link classifyUnit} splits 万家 into 万 × 家 for callers that
 *   want to compare counts; money and durations are also compared through `normalized`.
 * - Money is normalised to 元 only when it is in 元 (人民币): 美元/港元/欧元/日元 amounts keep their
 *   unit and get no `normalized` (there is no exchange rate in the text). Rates such as 2.2 元/吨 or
 *   250立方米/小时 are not money or durations and get no `normalized` either.
 * - Fractions (2/3, 三分之二) have unit 分数 and value numerator/denominator rounded to 4 decimals.
 *   百分之三十 is a percentage: value 30, unit %.
 * - Chinese-numeral counts (一周办结, 两年, 十大) are not extracted: in this corpus they are mostly
 *   slogans (一网通办, 一次办结) rather than measurements.
 * - A range's `normalized` value is its low end and `normalized.max` its high end.
 * - The qualifier printed around a figure (约, 近, 超过, 不足 before; 以上, 左右 after; 余/多 inside) is kept in
 *   `qualifier`, so a reporter can tell "约 5000万元" from "5000万元".
 */
import type { Quantity, TextField } from '../indexer/schema.js';

/** Coarse kind of a unit, for filtering and normalisation. */
export type UnitKind = 'money' | 'duration' | 'count' | 'measure' | 'percent' | 'fraction' | 'rate';

/**
 * Magnitude characters that may precede a unit (5000万元, 1.6万家, 2万小时), with their factor.
 * Units that merely start with such a character (千克, 千伏, 千米) are listed as units themselves and win.
 */
export const MAGNITUDES: Readonly<Record<string, number>> = {
  万亿: 1e12,
  千亿: 1e11,
  亿: 1e8,
  千万: 1e7,
  百万: 1e6,
  万: 1e4,
  千: 1e3,
};

/**
 * Currencies, with their factor to 元 (人民币), or null when the amount cannot be converted from the
 * text alone. Combined with {@link MAGNITUDES}: 万元 = 1e4 元, 亿元 = 1e8 元, 亿美元 stays un-normalised.
 */
export const MONEY_UNITS: Readonly<Record<string, number | null>> = {
  元: 1,
  美元: null,
  港元: null,
  欧元: null,
  日元: null,
};

/**
 * Durations, with their length in days (the `normalized` unit). 月 counts as 30 days and 年 as 365;
 * a bare 4月 or 2020年 is a date, not a duration, and is never extracted.
 */
export const DURATION_UNITS: Readonly<Record<string, number>> = {
  秒: 1 / 86400,
  秒钟: 1 / 86400,
  分钟: 1 / 1440,
  小时: 1 / 24,
  个小时: 1 / 24,
  天: 1,
  日: 1,
  工作日: 1,
  个工作日: 1,
  周: 7,
  个星期: 7,
  星期: 7,
  个月: 30,
  月: 30,
  年: 365,
};

/** Durations counted in working days, normalised to 工作日 rather than 天. */
export const WORKING_DAY_UNITS: ReadonlySet<string> = new Set(['工作日', '个工作日']);

/**
 * Units that count things (家, 项, 名 …) or rank-free multiples (倍). A number followed by one of
 * these is a fact; magnitudes combine with them (万家, 万人次, 万件).
 */
export const COUNT_UNITS: readonly string[] = [
  '家', '个', '件', '项', '次', '人', '人次', '名', '位', '种', '类', '大类', '批', '票', '单', '辆',
  '艘', '艘次', '份', '台', '条', '户', '列', '座', '所', '幢', '尾', '本', '页', '张', '笔', '场',
  '支', '款', '步', '方面', '省', '倍', '分', '箱', '标箱', 'TEU',
];

/** Physical measures: weight, area, volume, length, power. */
export const MEASURE_UNITS: readonly string[] = [
  '吨', '总吨', '千克', '公斤', '平方米', '平方公里', '立方米', '亩', '公顷', '公里', '千米', '米',
  '千伏', '千瓦', '兆瓦', '千瓦时',
];

/** Percent-like units. `%` also stands for ％ and the LaTeX `\%` that PDF conversion leaves in tables. */
export const PERCENT_UNITS: readonly string[] = ['%', '个百分点', '百分点'];

/** The unit given to fractions (2/3, 三分之二), whose value is numerator / denominator. */
export const FRACTION_UNIT = '分数';

/**
 * Unit + next character pairs that are words, not a unit: 2 天津, 3 台湾, 5 所需, 6 日韩 …
 * Checked on the unit as printed (without magnitude) and the character right after the match.
 */
const NOT_A_UNIT = new Set([
  '天津', '天然', '台湾', '台胞', '台商', '台企', '台资', '台账', '台州', '所需', '所属', '所得', '所有',
  '所在', '本地', '本市', '本省', '本次', '本年', '日常', '日韩', '日本', '日报', '次月', '次年', '次日',
  '单位', '单一', '单元', '单证', '单独', '单船', '票据', '批准', '批复', '列入', '列表', '支持', '支付',
  '种植', '种子', '项目', '名单', '名称', '名下', '名录', '人民', '位于', '户籍', '条件', '条例', '条款',
  '场所', '场景', '场站', '周期', '周边', '周转', '周年', '分别', '分局', '分行', '分公', '秒批', '秒办',
  '省级', '省市', '省内', '省外', '省委', '省政', '省直', '米兰',
]);

/** Every unit that may follow a number (other than `%`), longest first so 个工作日 beats 个. */
const BASE_UNITS = [
  ...Object.keys(MONEY_UNITS),
  ...Object.keys(DURATION_UNITS),
  ...COUNT_UNITS,
  ...MEASURE_UNITS,
  ...PERCENT_UNITS.filter((u) => u !== '%'),
].sort((a, b) => b.length - a.length);
const BASE_SET = new Set(BASE_UNITS);
const MONEY_SET = new Set(Object.keys(MONEY_UNITS));
const COUNT_SET = new Set(COUNT_UNITS);
const PERCENT_SET = new Set(PERCENT_UNITS);

// ---------------------------------------------------------------------------------------------
// The recogniser. It runs on a half-width copy of the text of the same length, so offsets found
// there index the original string.

/** Space, NBSP and line breaks (PDF hard wraps split 734.5⏎⏎万元 and even 个工⏎⏎作日); never a tab, which separates table cells. */
const WS = '[ \\u00a0\\r\\n]*';
const NUM = '\\d+(?:,\\d{3}(?!\\d))*(?:\\.\\d+)?';
export const CN_DIGITS = '零〇一二两三四五六七八九十百千';
/** Characters that continue a figure spelled in Chinese (百分之三十 of 百分之三十五, 百分之三十点五, 三十万): search and /api/outcomes share them. */
export const CN_FIGURE_CONTINUES = CN_DIGITS + '万点';
/** Decimals spelled in Chinese (点零九 of 九十五点零九): 点 and one digit character per decimal place. */
const CN_DECIMALS = '点[零〇一二三四五六七八九]+';
/** A percentage spelled in Chinese, as sameValueForms prints 30% (百分之三十): a figure that must stand whole. */
export const HAN_PERCENT = new RegExp(`^百分之[${CN_DIGITS}]+(?:${CN_DECIMALS})?$`);
const RANGE_SEP = '(?:-|–|—{1,2}|―|~|〜|至|到)';
const PCT = '\\\\?%';
const APPROX = '[余多]';
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** A unit may be split by a hard wrap between any two of its characters. */
const unitPattern = (u: string) => [...u].map(esc).join(WS);
const UNIT_ALT = BASE_UNITS.map(unitPattern).join('|');
const MAG_ALT = Object.keys(MAGNITUDES).sort((a, b) => b.length - a.length).join('|');

/**
 * Not a figure's first digit: inside a longer number (1.5, 7×24, 3+2+1+1, 1/3, 10:30) or a code (M0, h8j).
 */
const NUMBER_START = '(?<![\\dA-Za-z.+×*/])(?<!\\d:)';

const SCANNER = new RegExp(
  [
    // 百分之三十 → 30 %
    // 百分之九十五点零九 → 95.09 %: the decimals belong to the figure (read without them it is another one, 95 %)
    `(?<![${CN_DIGITS}])百分之(?<cpct>[${CN_DIGITS}]+)(?<cdec>${CN_DECIMALS})?`,
    // 三分之二 → 2/3
    `(?<![${CN_DIGITS}])(?<cden>[${CN_DIGITS}]+)分之(?<cnum>[${CN_DIGITS}]+)`,
    // 2/3, 1/4 (a date such as 2023/6/12 fails the numerator < denominator check)
    `${NUMBER_START}(?<fnum>\\d+)/(?<fden>\\d+)(?![\\d/.A-Za-z])`,
    // number, optional range (3%-6% repeats the %), optional 余/多 and magnitude, unit (and /per-unit for rates)
    `${NUMBER_START}(?<lo>${NUM})(?:${WS}${PCT})?(?:${WS}${RANGE_SEP}${WS}(?<hi>${NUM}))?` +
      `${WS}(?:${APPROX}${WS})?(?:(?<pct>${PCT})|(?:(?<mag>${MAG_ALT})${WS})?(?:${APPROX}${WS})?` +
      `(?:(?<unit>${UNIT_ALT})(?<per>(?:/(?:${UNIT_ALT}|[\\u4e00-\\u9fff]))*)|(?<bare>万|亿)(?:${WS}${APPROX})?(?![\\d.])))`,
  ].join('|'),
  'g',
);

/**
 * What any match of SCANNER holds: an ASCII or full-width digit, or 分之 (百分之三十, 三分之二); scanChanges skips a
 * text without it. An alternative added to SCANNER that needs neither (a Chinese-numeral figure such as 三倍) must
 * widen this too, or such a text would yield nothing (test/quantities.test.ts holds the two equal on the seeds).
 */
const MAY_HOLD_FIGURE = /[0-9\uff10-\uff19]|分之/;

/** Full-width ASCII forms (０-９ ．％ ／ －) and wide spaces → their ASCII form, one UTF-16 unit each, so offsets survive. */
function toHalfWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e\u3000\u00a0\u2000-\u200a]/g, (c) => {
    const code = c.charCodeAt(0);
    return code >= 0xff01 ? String.fromCharCode(code - 0xfee0) : ' ';
  });
}

const stripSpace = (s: string) => s.replace(/[ \u00a0\r\n]/g, '');
const parseNum = (s: string) => Number(s.replace(/,/g, ''));
const roundTo = (x: number, digits: number) => Number(x.toFixed(digits));
const roundSig = (x: number, digits: number) => Number(x.toPrecision(digits));

/** 三十五 → 35, 一百零五 → 105, 两 → 2; undefined when it is not a plain Chinese integer. */
function parseChineseInt(s: string): number | undefined {
  const digit: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  const place: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
  let total = 0;
  let cur = 0;
  for (const ch of s) {
    if (ch in digit) cur = digit[ch];
    else if (ch in place) {
      total += (cur || 1) * place[ch];
      cur = 0;
    } else return undefined;
  }
  return total + cur;
}

const CN_DECIMAL_DIGIT: Record<string, string> = { 零: '0', 〇: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/** 九十五 + 点零九 → 95.09; undefined when the integer part is not a plain Chinese integer. */
function parseChineseNumber(int: string, decimals: string | undefined): number | undefined {
  const whole = parseChineseInt(int);
  if (whole === undefined || !decimals) return whole;
  return Number(`${whole}.${[...decimals.slice(1)].map((c) => CN_DECIMAL_DIGIT[c]).join('')}`);
}

/** How a unit as printed breaks down: 万家 → count of 家 × 1e4; 元/吨 → rate; 亿美元 → money (not convertible). */
export interface UnitInfo {
  kind: UnitKind;
  /** The unit without magnitude or per-part: 家, 元, 小时, %. */
  base: string;
  /** Factor of the magnitude prefix (万 → 1e4); 1 when there is none. */
  magnitude: number;
  /** For rates, the units after each slash: 元/天/车 → ['天', '车']. */
  per?: string[];
}

/** Classify a unit string as found in {@link Quantity.unit}; undefined for a unit this module never produces. */
export function classifyUnit(unit: string): UnitInfo | undefined {
  if (unit === FRACTION_UNIT) return { kind: 'fraction', base: unit, magnitude: 1 };
  if (PERCENT_SET.has(unit)) return { kind: 'percent', base: unit, magnitude: 1 };
  // 200 万的, 逾 2 亿: a magnitude with no unit counts something unnamed; never money without 元.
  if (unit === '万' || unit === '亿') return { kind: 'count', base: unit, magnitude: MAGNITUDES[unit] };
  const [head, ...per] = unit.split('/');
  let base = head;
  let magnitude = 1;
  if (!BASE_SET.has(head)) {
    const mag = Object.keys(MAGNITUDES).find((m) => head.startsWith(m) && BASE_SET.has(head.slice(m.length)));
    if (!mag) return undefined;
    base = head.slice(mag.length);
    magnitude = MAGNITUDES[mag];
  }
  if (per.length) return { kind: 'rate', base, magnitude, per };
  const kind: UnitKind = MONEY_SET.has(base)
    ? 'money'
    : base in DURATION_UNITS
      ? 'duration'
      : PERCENT_SET.has(base)
        ? 'percent'
        : COUNT_SET.has(base)
          ? 'count'
          : 'measure';
  return { kind, base, magnitude };
}

/**
 * The value in 元 (money in 人民币) or 天 (durations), or undefined for every other unit.
 * Money keeps 12 significant digits and durations 6 (35分钟 → 0.0243056 天), enough to sort.
 */
export function normalizeValue(value: number, unit: string): Quantity['normalized'] | undefined {
  const info = classifyUnit(unit);
  if (!info) return undefined;
  if (info.kind === 'money') {
    const toYuan = MONEY_UNITS[info.base];
    return toYuan == null ? undefined : { value: roundSig(value * info.magnitude * toYuan, 12), unit: '元' };
  }
  if (info.kind === 'duration') {
    // Working days are not calendar days (7 个工作日 is about 9 天): they are normalised apart.
    if (WORKING_DAY_UNITS.has(info.base)) return { value: roundSig(value * info.magnitude, 6), unit: '工作日' };
    return { value: roundSig(value * info.magnitude * DURATION_UNITS[info.base], 6), unit: '天' };
  }
  return undefined;
}

/** A quantity before it is attached to a record field. */
type Found = Omit<Quantity, 'field'>;

/** Text before `i`, skipping spaces: what the figure is attached to on the left. */
function charBefore(s: string, i: number): string {
  let j = i - 1;
  while (j >= 0 && /[ \u00a0\r\n]/.test(s[j])) j--;
  return j >= 0 ? s[j] : '';
}

/** Spans of 《…》 titles: numbers in the name of a law or document are not facts. */
function titleSpans(s: string): Array<[number, number]> {
  return [...s.matchAll(/《[^《》\n]{0,200}》/g)].map((m) => [m.index, m.index + m[0].length]);
}

/**
 * Why a number + unit that the regex recognised is not a fact, or undefined when it is one.
 * Each rule is one reason a number in these documents is an address rather than a measurement.
 */
function notAFact(s: string, q: Found): string | undefined {
  const before = charBefore(s, q.start);
  const after = s.slice(q.end).replace(/^[ \u00a0\r\n]+/, '');
  const info = classifyUnit(q.unit);
  const bareUnit = info ? info.base : q.unit;
  if (before === '第') return 'ordinal (第 5 个工作日, 第 44 位)';
  if ('×*+'.includes(before) && before) return 'part of a code or product (7 × 24 小时, 1 + 1)';
  if (q.unit === '年' && (q.value >= 1000 || (q.max ?? 0) >= 1000)) return 'calendar year (2020年, 2021 年的)';
  if (q.unit === '月' && Number.isInteger(q.value) && q.value >= 1 && q.value <= 12) return 'month of a date (4月, 6月末)';
  if (q.unit === '日' && before === '月') return 'day of a date (6月12日)';
  if (after.startsWith('对应')) return 'cross-reference to item numbers (1-36 项对应…)';
  if (info && q.unit.endsWith(bareUnit) && NOT_A_UNIT.has(bareUnit + after.charAt(0))) return 'unit character starts a word (2 天津)';
  if (q.max !== undefined && q.max <= q.value) return 'not an increasing range';
  return undefined;
}

/** Words before a figure that make it approximate or a bound, longest first (超过 before 超). */
export const QUALIFIERS_BEFORE = ['不超过', '超过', '不足', '不到', '高达', '约', '近', '超', '逾'];
/** Words after a figure that do the same. */
export const QUALIFIERS_AFTER = ['以上', '以下', '左右'];
/** Words ending in 约/近/超 that are not qualifiers: 节约 (save) is a verb, 签约 a contract, 最近 recent, 高超 skilled. */
const NOT_QUALIFIER = /(?:节约|制约|签约|违约|履约|预约|合约|条约|契约|践约|守约|集约|最近|附近|将近|高超|赶超)$/;
/**
 * A verb or auxiliary that may stand between 约 and the figure: 约需 2 分钟, 约节省 1.5 天, 约占 30%, 可达约 ….
 * 约 before such a word still qualifies the figure.
 */
const AFTER_APPROX = /(?:约|近)(?:需要|需|节省|节约|减少|缩短|降低|提升|提高|增加|占|为|有|达到|达|可|合计|共|计)$/;

/** The qualifier printed around a figure (约 5000万元, 80% 以上, 1100余家, 约需 2 分钟), or undefined. */
function qualifierOf(s: string, q: Found): string | undefined {
  const before = s.slice(Math.max(0, q.start - 6), q.start).replace(/[ \u00a0\r\n]+$/, '');
  const b = QUALIFIERS_BEFORE.find((w) => before.endsWith(w));
  if (b && !NOT_QUALIFIER.test(before)) return b;
  const via = AFTER_APPROX.exec(before);
  if (via && !NOT_QUALIFIER.test(before.slice(0, before.length - via[0].length + 1))) return via[0][0];
  const after = s.slice(q.end, q.end + 6).replace(/^[ \u00a0\r\n]+/, '');
  const a = QUALIFIERS_AFTER.find((w) => after.startsWith(w));
  if (a) return a;
  const inside = /[余多]/.exec(q.text.slice(1));
  return inside ? inside[0] : undefined;
}

/** Run the recogniser over one text: accepted quantities in order, without field or change marks. */
function scan(original: string): Found[] {
  const s = toHalfWidth(original);
  const titles = titleSpans(s);
  const found: Found[] = [];
  for (const m of s.matchAll(SCANNER)) {
    const g = m.groups!;
    const start = m.index;
    const end = start + m[0].length;
    let q: Found;
    if (g.cpct !== undefined) {
      const v = parseChineseNumber(g.cpct, g.cdec);
      if (v === undefined) continue;
      q = { value: v, unit: '%', text: '', start, end };
    } else if (g.cden !== undefined) {
      const den = parseChineseInt(g.cden);
      const num = parseChineseInt(g.cnum);
      if (!den || num === undefined || num >= den) continue;
      q = { value: roundTo(num / den, 4), unit: FRACTION_UNIT, text: '', start, end };
    } else if (g.fnum !== undefined) {
      const num = Number(g.fnum);
      const den = Number(g.fden);
      if (num < 1 || num >= den || den > 1000) continue;
      q = { value: roundTo(num / den, 4), unit: FRACTION_UNIT, text: '', start, end };
    } else {
      const unit = g.pct !== undefined ? '%' : g.bare !== undefined ? g.bare : stripSpace((g.mag ?? '') + g.unit + g.per);
      q = { value: parseNum(g.lo), unit, text: '', start, end };
      if (g.hi !== undefined) q.max = parseNum(g.hi);
    }
    q.text = original.slice(start, end);
    if (titles.some(([a, b]) => start >= a && end <= b)) continue;
    if (notAFact(s, q)) continue;
    const normalized = normalizeValue(q.value, q.unit);
    if (normalized) {
      q.normalized = normalized;
      if (q.max !== undefined) q.normalized.max = normalizeValue(q.max, q.unit)!.value;
    }
    const qualifier = qualifierOf(s, q);
    if (qualifier) q.qualifier = qualifier;
    found.push(q);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Changes: 由75天压缩至25天, 从 1 小时缩短至 10 分钟, 2次现场核查缩减为1次联合勘查,
// 从过去的 20 小时、2 小时压缩至 4 小时、5 分钟. 由/从 is not required (the 2次…1次 sentence has none):
// the short, punctuation-free verb phrase between the figures and their matching units are the evidence.

/** What may stand between the “from” and the “to” figure: a verb of change, then 至/到/为, maybe a qualifier. */
const CHANGE_GAP =
  /^[^，。；;,!?！？\t]{0,12}?(?:压缩|缩短|缩减|压减|减少|减|降低|下降|降|提高|提升|增加|增长|增|扩大|转变|升|变)[^，。；;,!?！？\t]{0,3}?(?:至|到|为|成)[ \r\n]*(?:不到|不足|约|近|仅|只需|只有|最快|最短)?[ \r\n]*$/;
/** Between two figures of a list on either side of a change: 20 小时、2 小时. */
const LIST_GAP = /^[ \r\n]*[、和与及][ \r\n]*$/;
/** A step of a printed chain without a verb: 97 个工作日、“协同办”26个工作日 … */
const STEP_GAP = /^[ \r\n]*[、，,][ \r\n]*(?:[“"‘][^”"’，。；\d]{1,10}[”"’])?[ \r\n]*$/;
/** The last step of a chain: …到“网上协同办”7个工作日, 由 A 至 B. */
const LAST_STEP_GAP = /^[ \r\n]*(?:到|至|变为|降为|减为|降至|减至)[ \r\n]*(?:[“"‘][^”"’，。；\d]{1,10}[”"’])?[ \r\n]*$/;
/** 由/从 shortly before the first figure of a verbless chain: 由“分头办”97 个工作日. */
const FROM_MARK = /(?:由|从)[^，。；;,!?！？\t\d]{0,10}$/;

/** What a change may compare: all durations with each other (1个月 → 15天, 2个工作日 → 10分钟), else the same unit. */
function dimension(q: Found): string {
  const info = classifyUnit(q.unit);
  if (info?.kind === 'duration') return 'time';
  if (q.normalized) return q.normalized.unit;
  return info ? `${info.kind}:${info.base}` : q.unit;
}

/** One printed change: indexes of its “from” and “to” figures in the scanned list, and any steps between them. */
export interface ChangePair {
  from: number;
  to: number;
  via: number[];
}

/**
 * The changes printed in one text, in order: 由75天压缩至25天 (one pair); 从 20 小时、2 小时压缩至 4 小时、5 分钟
 * (lists paired one to one: 20→4, 2→5); 由“分头办”97 个工作日、“协同办”26个工作日到“网上协同办”7个工作日
 * (a chain: 97 → 7 via 26). Both sides must measure the same thing (durations compare with durations).
 */
function findChanges(s: string, qs: Found[]): ChangePair[] {
  const pairs: ChangePair[] = [];
  const used = new Set<number>();
  for (let t = 1; t < qs.length; t++) {
    if (used.has(t)) continue;
    const gap = s.slice(qs[t - 1].end, qs[t].start);
    if (CHANGE_GAP.test(gap)) {
      let a = t - 1;
      while (a > 0 && LIST_GAP.test(s.slice(qs[a - 1].end, qs[a].start))) a--;
      let b = t;
      while (b + 1 < qs.length && LIST_GAP.test(s.slice(qs[b].end, qs[b + 1].start))) b++;
      let froms = Array.from({ length: t - a }, (_, i) => a + i);
      let tos = Array.from({ length: b + 1 - t }, (_, i) => t + i);
      if (froms.length !== tos.length) {
        froms = [t - 1];
        tos = [t];
      }
      if (!froms.every((f, i) => dimension(qs[f]) === dimension(qs[tos[i]]))) continue;
      froms.forEach((f, i) => {
        pairs.push({ from: f, to: tos[i], via: [] });
        used.add(f).add(tos[i]);
      });
      continue;
    }
    if (!LAST_STEP_GAP.test(gap)) continue;
    // A verbless chain: walk back over 、“label” steps to the figure that 由/从 introduces.
    let a = t - 1;
    while (a > 0 && !used.has(a - 1) && STEP_GAP.test(s.slice(qs[a - 1].end, qs[a].start)) && !FROM_MARK.test(s.slice(Math.max(0, qs[a].start - 12), qs[a].start))) a--;
    if (used.has(a) || !FROM_MARK.test(s.slice(Math.max(0, qs[a].start - 12), qs[a].start))) continue;
    const chain = Array.from({ length: t + 1 - a }, (_, i) => a + i);
    if (!chain.every((i) => dimension(qs[i]) === dimension(qs[a]))) continue;
    pairs.push({ from: a, to: t, via: chain.slice(1, -1) });
    for (const i of chain) used.add(i);
  }
  return pairs.sort((x, y) => x.from - y.from);
}

/** Mark both sides of each change (the steps of a chain are neither side). */
function markChanges(s: string, qs: Found[]): ChangePair[] {
  const pairs = findChanges(s, qs);
  for (const p of pairs) {
    qs[p.from].change = 'from';
    qs[p.to].change = 'to';
  }
  return pairs;
}

/**
 * Every figure of one text with the changes among them: what {@link extractQuantities} returns, plus the pairs as
 * indexes into it. The outcome analysis builds facts from this.
 */
export function scanChanges(text: string, field: TextField): { quantities: Quantity[]; pairs: ChangePair[] } {
  // Every alternative of SCANNER needs a digit (a full-width one is a digit in the half-width copy) or 分之: a text
  // with neither has no figure, and three quarters of a generated corpus's fields are such (100k records: the read
  // stage's quantity CPU halved, same quantities).
  if (!MAY_HOLD_FIGURE.test(text)) return { quantities: [], pairs: [] };
  const found = scan(text);
  const pairs = markChanges(toHalfWidth(text), found);
  return { quantities: found.map((q) => ({ ...q, field })), pairs };
}

/**
 * Every quantified fact in one field's text, in order of position.
 *
 * `text` is the exact span of the original (`fieldText.slice(start, end) === text`), from the first
 * digit to the end of the unit; qualifiers such as 约 before it and 以上 after it are outside.
 * Not extracted: item numbers and list markers (1. 整合…, （一）), years and dates (2020年4月, 6月末,
 * 6月12日), ordinals (第 5 个工作日), numbers in 《titles》, codes (5G, M0, 3+2+1+1, 7×24), and any
 * number without a unit.
 */
export function extractQuantities(text: string, field: TextField): Quantity[] {
  return scanChanges(text, field).quantities;
}

/**
 * Spans of number + unit (ranges, percentages and fractions included) that a search tokenizer should
 * keep whole: 12.6亿元, 95.09%, 1-2个工作日, 35 分钟 (spaces and line breaks inside the span are the
 * caller's to normalise). Exactly the spans of {@link extractQuantities}.
 */
export function scanNumberUnits(text: string): Array<{ start: number; end: number; text: string }> {
  return scan(text).map(({ start, end, text: t }) => ({ start, end, text: t }));
}

// ---------------------------------------------------------------------------------------------
// Figures by value: a reporter types 1万家 where the text prints 10000家, 0.5亿元 where it prints 5000万元.

/** Magnitudes a figure is printed with in these documents (千万 and 百万 are rare and read ambiguously: left out). */
const PRINTED_MAGNITUDES: readonly [string, number][] = [['', 1], ['万', 1e4], ['亿', 1e8]];
/** Printings of one unit (个小时 = 小时, 个工作日 = 工作日): the same unit, so the same figure. */
const UNIT_PRINTINGS: readonly string[][] = [['小时', '个小时'], ['工作日', '个工作日'], ['秒', '秒钟'], ['周', '星期', '个星期']];
/** 1.5小时 = 90分钟: durations that convert exactly, by their length in minutes. */
const MINUTES: Readonly<Record<string, number>> = { 分钟: 1, 小时: 60 };

/** A decimal as these documents print it (no exponent, no trailing zeros), or undefined past 4 decimals or 13 digits. */
function printed(x: number): string | undefined {
  if (!(x > 0) || x >= 1e13) return undefined;
  const s = x.toFixed(4).replace(/\.?0+$/, '');
  return Math.abs(Number(s) - x) <= x * 1e-9 ? s : undefined;
}

/** 1 → 一, 30 → 三十, 95 → 九十五, 100 → 一百; undefined outside 1…100 or for a fraction. */
function chineseNumber(n: number): string | undefined {
  const d = '零一二三四五六七八九';
  if (!Number.isInteger(n) || n < 1 || n > 100) return undefined;
  if (n === 100) return '一百';
  if (n < 10) return d[n];
  return (n >= 20 ? d[Math.floor(n / 10)] : '') + '十' + (n % 10 ? d[n % 10] : '');
}

/** How a range is printed between its ends: 1-2 (the normaliser's form of 1~2, 1—2, 1－2), 1至2, 1到2. */
const RANGE_PRINTINGS = ['-', '至', '到'];

/**
 * Other printings of a range typed as one figure (1至2个工作日 → 1-2个工作日, 1到2个工作日, 1-2工作日 …): the same ends in
 * the same unit with another separator or printing of the unit. Never converted to another magnitude: 1-2 is read as
 * printed, and a range's ends are not all that 100-200万元 = 1-2百万元 would need.
 */
function rangeForms(text: string, q: Found): string[] {
  const lo = printed(q.value);
  const hi = printed(q.max!);
  const info = classifyUnit(q.unit);
  if (lo === undefined || hi === undefined || !info || info.kind === 'rate') return [];
  const mag = q.unit === '%' ? '' : q.unit.slice(0, q.unit.length - info.base.length);
  const units = q.unit === '%' ? ['%'] : (UNIT_PRINTINGS.find((p) => p.includes(info.base)) ?? [info.base]).map((b) => mag + b);
  const out = new Set<string>();
  for (const sep of RANGE_PRINTINGS) for (const u of units) out.add(`${lo}${sep}${hi}${u}`);
  out.delete(text);
  return [...out];
}

/**
 * Other printings of the same figure, for a query that is one figure: 5000万元 → 0.5亿元, 50000000元; 1万家 → 10000家;
 * 2小时 → 120分钟, 2个小时; 30% → 百分之三十. Each has exactly the typed value in the same unit (never a rounded one, a
 * range, a bound such as 1100余家, a rate or another currency), so a record printing it states the same figure.
 * Empty when the text is not a single figure.
 */
export function sameValueForms(text: string): string[] {
  // Every figure but 百分之… starts with a digit: a plain word (most constraints) is not scanned.
  if (!/\d|百分之/.test(text)) return [];
  const spans = scan(text);
  if (spans.length !== 1 || spans[0].start !== 0 || spans[0].end !== text.length) return [];
  const q = spans[0];
  if (/[余多]/.test(q.text)) return [];
  if (q.max !== undefined) return rangeForms(text, q);
  const info = classifyUnit(q.unit);
  if (!info || info.kind === 'rate' || info.kind === 'fraction') return [];
  const out = new Set<string>();
  if (info.kind === 'percent') {
    if (q.unit !== '%') return [];
    const cn = chineseNumber(Math.trunc(q.value));
    const decimals = printed(q.value)?.split('.')[1];
    if (cn) out.add(`百分之${cn}${decimals ? `点${[...decimals].map((d) => '零一二三四五六七八九'[Number(d)]).join('')}` : ''}`);
    const n = printed(q.value);
    if (n !== undefined) out.add(`${n}%`);
  } else if (q.unit !== '万' && q.unit !== '亿') {
    const bases: [string, number][] = [];
    const printings = UNIT_PRINTINGS.find((p) => p.includes(info.base)) ?? [info.base];
    for (const b of printings) bases.push([b, 1]);
    const own = info.base === '个小时' ? '小时' : info.base;
    const minutes = MINUTES[own];
    // A converted duration in each of its printings too (90分钟 → 1.5小时 and 1.5个小时).
    if (minutes) {
      for (const [b, m] of Object.entries(MINUTES)) {
        if (b === own) continue;
        for (const p of UNIT_PRINTINGS.find((x) => x.includes(b)) ?? [b]) bases.push([p, minutes / m]);
      }
    }
    const total = q.value * info.magnitude;
    for (const [base, factor] of bases) {
      for (const [mag, size] of PRINTED_MAGNITUDES) {
        const n = printed((total * factor) / size);
        // 0.5亿元 is printed; 0.012万分钟 is not: a magnitude's mantissa stays at 0.1 or more.
        if (n !== undefined && (size === 1 || Number(n) >= 0.1)) out.add(n + mag + base);
      }
    }
  }
  out.delete(text);
  return [...out];
}

// ---------------------------------------------------------------------------------------------
// Figures a query spells in Chinese numerals: 五千万元, 两个工作日, 一点五亿元. The records are not read so (their
// Chinese-numeral counts are slogans: 一网通办, 一小时办结, 一周办结): a query's such figure is looked for as typed and
// as the same figure in digits, which is how the documents print their measurements.

/** Units a Chinese-numeral figure of a query is read with: money and durations (counts are slogans: 两步申报, 一单制). */
const CN_FIGURE_UNITS = [...Object.keys(MONEY_UNITS), ...Object.keys(DURATION_UNITS)].sort((a, b) => b.length - a.length);
const CN_FIGURE = new RegExp(
  `(?<![${CN_DIGITS}万亿点第])(?<num>[${CN_DIGITS}]+(?:${CN_DECIMALS})?)(?<mag>${MAG_ALT})?(?<unit>${CN_FIGURE_UNITS.map(esc).join('|')})`,
  'g',
);
/** Digit characters side by side with no place between (二〇二〇, 一二): a year or a code, not an amount. */
const CN_DIGIT_RUN = /[一二两三四五六七八九][零〇一二两三四五六七八九]/;

/** A figure spelled in Chinese numerals in a query, and the same figure in digits (五千万元 → 5000万元). */
export interface ChineseFigure {
  start: number;
  end: number;
  text: string;
  digits: string;
}

/**
 * The money and durations a query spells in Chinese numerals (五千万元, 两个工作日, 十亿元, 一点五亿元), each with its
 * printing in digits. A duration of one (一天, 一周, 一小时) is left alone: in these documents it is a slogan's (一小时办结,
 * 一天之内), never a measurement to convert. Dates, ordinals and years (二〇二〇年, 第二天, 2023年) are not read.
 */
export function chineseFigures(text: string): ChineseFigure[] {
  if (!/[零〇一二两三四五六七八九十百千]/.test(text)) return [];
  const out: ChineseFigure[] = [];
  for (const m of text.matchAll(CN_FIGURE)) {
    const g = m.groups!;
    const int = g.num.split('点')[0];
    if (CN_DIGIT_RUN.test(int)) continue;
    const value = parseChineseNumber(int, g.num.slice(int.length) || undefined);
    const n = value === undefined ? undefined : printed(value);
    if (n === undefined) continue;
    const unit = (g.mag ?? '') + g.unit;
    const info = classifyUnit(unit);
    if (!info || (info.kind === 'duration' && value! * info.magnitude < 2)) continue;
    if (NOT_A_UNIT.has(g.unit + text.charAt(m.index + m[0].length))) continue;
    if (unit === '年' && value! >= 1000) continue;
    out.push({ start: m.index, end: m.index + m[0].length, text: m[0], digits: n + unit });
  }
  return out;
}
