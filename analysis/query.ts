/**
 * The query language: words (all must match), "quoted phrases" (exact adjacent text, also “…” and 「…」),
 * -word (exclude), A OR B / A | B (either), and field prefixes title: / department: / region:. A prefix means
 * the record's own field; `department+:` (部门+:) also accepts the units printed on the record's copies in other
 * documents (a case collection prints no units; its copy in a task table does). Nothing here throws: unbalanced
 * quotes run to the end, a lone "-" or "OR" is ignored.
 */

import { chineseFigures, scanNumberUnits, type ChineseFigure } from './quantities.js';

export type QueryField = 'title' | 'departments' | 'regions' | 'departmentsWithCopies';

export interface Clause {
  /** The clause as typed (not normalised). */
  text: string;
  phrase: boolean;
  field?: QueryField;
}

export interface ParsedQuery {
  /** Every group must match; a group matches when any of its clauses does (OR). */
  must: Clause[][];
  /** No clause here may match. */
  not: Clause[];
}

const FIELD_PREFIX: Record<string, QueryField> = {
  title: 'title', 标题: 'title', 名称: 'title',
  department: 'departments', dept: 'departments', 部门: 'departments', 单位: 'departments',
  region: 'regions', 地区: 'regions', 省份: 'regions',
};
/**
 * Where the whitespace of a query is the documents' typesetting around a figure rather than a break between words:
 * inside a figure (1.7 亿元, 75 天, 1 - 2 个工作日) and between a figure and the Han text beside it (由 75 天压缩至 25 天).
 * The documents space every figure off so, and the index reads such a span as one figure (analysis/quantities.ts): a
 * query copied from them must not fall apart into a bare number and a unit that matches everywhere (天 in 天津), nor
 * leave 由 a clause of its own. Only a neighbour of Han characters alone joins: an operator, a field prefix
 * (region:湖南), a quote or OR stays a token of its own.
 */
function typesetSpaces(q: string): Set<number> {
  const joined = new Set<number>();
  if (!/[0-9\uff10-\uff19]/.test(q) || !/\s/.test(q)) return joined;
  for (const f of scanNumberUnits(simplifiedUnits(q))) {
    for (let k = f.start; k < f.end; k++) if (/\s/.test(q[k])) joined.add(k);
    const before = HAN_THEN_SPACE.exec(q.slice(0, f.start));
    if (before) for (let k = f.start - before[1].length; k < f.start; k++) joined.add(k);
    const after = SPACE_THEN_HAN.exec(q.slice(f.end));
    if (after) for (let k = f.end; k < f.end + after[1].length; k++) joined.add(k);
  }
  return joined;
}
/**
 * The traditional characters of the units a figure is printed with (1.7 億元, 兩個工作日, 五千萬元), as simplified, one
 * character for one so offsets hold: the query is read before the analyser's 繁→简 conversion, and a traditional unit
 * must not break the figure it ends.
 */
const TRADITIONAL_UNIT: Record<string, string> = {
  億: '亿', 萬: '万', 兩: '两', 個: '个', 時: '时', 鐘: '钟', 週: '周', 噸: '吨', 項: '项', 張: '张', 輛: '辆', 臺: '台',
  戶: '户', 場: '场', 條: '条', 筆: '笔', 類: '类', 種: '种', 畝: '亩', 點: '点',
};
const TRADITIONAL_UNIT_CHARS = new RegExp(`[${Object.keys(TRADITIONAL_UNIT).join('')}]`, 'g');
const simplifiedUnits = (s: string) => s.replace(TRADITIONAL_UNIT_CHARS, (c) => TRADITIONAL_UNIT[c]);

/** A chunk of Han characters alone, then the whitespace before a figure; and whitespace, then such a chunk. */
const HAN_THEN_SPACE = /(?:^|\s)\p{Script=Han}+(\s+)$/u;
const SPACE_THEN_HAN = /^(\s+)\p{Script=Han}+(?:\s|$)/u;

const OPEN_QUOTE: Record<string, string> = { '"': '"', '“': '”', '「': '」', '『': '』', '”': '”' };

interface Token {
  text: string;
  phrase: boolean;
  negated: boolean;
  field?: QueryField;
  or?: boolean;
}

/** Prefixes are looked up normalised (full width, 繁體: ＴＩＴＬＥ:, 標題:, 地區：); without a table, full width only. */
export type PrefixNormalizer = (prefix: string) => string;
const NFKC: PrefixNormalizer = (p) => p.normalize('NFKC');

function tokenize(q: string, normalizePrefix: PrefixNormalizer): Token[] {
  const tokens: Token[] = [];
  const joined = typesetSpaces(q);
  let i = 0;
  while (i < q.length) {
    const ch = q[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    let negated = false;
    let field: QueryField | undefined;
    let j = i;
    if (q[j] === '-' || q[j] === '－') {
      negated = true;
      j++;
    }
    const prefix = /^([a-zａ-ｚ\u4e00-\u9fff]+)(\+|＋)?[:：]/i.exec(q.slice(j));
    const named = prefix ? FIELD_PREFIX[normalizePrefix(prefix[1]).toLowerCase()] : undefined;
    if (prefix && named && (!prefix[2] || named === 'departments')) {
      field = prefix[2] ? 'departmentsWithCopies' : named;
      j += prefix[0].length;
    }
    if (OPEN_QUOTE[q[j]]) {
      const close = OPEN_QUOTE[q[j]];
      let end = q.indexOf(close, j + 1);
      if (close === '”' && end < 0) end = q.indexOf('"', j + 1);
      const stop = end < 0 ? q.length : end;
      tokens.push({ text: q.slice(j + 1, stop), phrase: true, negated, field });
      i = stop + 1;
      continue;
    }
    let k = j;
    while (k < q.length && (!/\s/.test(q[k]) || joined.has(k)) && !(k > j && OPEN_QUOTE[q[k]] && q[k] !== '”')) k++;
    const word = q.slice(j, k);
    i = k;
    if (!negated && !field && (word === 'OR' || word === '|' || word === '｜')) {
      tokens.push({ text: '', phrase: false, negated: false, or: true });
      continue;
    }
    // Words joined by | without spaces (跨境电商|海外仓) widen too.
    const alternatives = word.split(/[|｜]/);
    const figures = !negated && !field && alternatives.length === 1 ? chineseFigures(simplifiedUnits(word)) : [];
    const whole = figures.length === 1 && figures[0].start === 0 && figures[0].end === word.length;
    // Cut around its figures, a word beside an OR would leave the OR its last or first piece only: read whole ones there.
    const besideOr = tokens[tokens.length - 1]?.or === true || /^\s+(?:OR|\||｜)(?:\s|$)/.test(q.slice(k));
    if (figures.length > 0 && (whole || !besideOr)) {
      tokens.push(...withFiguresInDigits(word, figures));
      continue;
    }
    alternatives.forEach((alt, n) => {
      if (n > 0) tokens.push({ text: '', phrase: false, negated: false, or: true });
      tokens.push({ text: alt, phrase: false, negated, field });
    });
  }
  return tokens.filter((t) => t.or || t.text.trim() !== '' );
}

/**
 * A word with figures spelled in Chinese numerals (节约五千万元成本), each figure taken out as one query word that either
 * printing satisfies: the Chinese as typed, exactly (a phrase: 两个工作日, never 两个 and 工作日 apart), or the figure in
 * digits, which is how the documents print measurements (5000万元, and its equal printings: 0.5亿元). What the word says
 * around its figures stays one word of the query, spaced where a figure stood; a lone character left (近 of 近十亿元, 约)
 * is the figure's qualifier, not a word.
 */
function withFiguresInDigits(word: string, figures: ChineseFigure[]): Token[] {
  const out: Token[] = [];
  const rest: string[] = [];
  let at = 0;
  for (const f of figures) {
    rest.push(word.slice(at, f.start));
    out.push({ text: word.slice(f.start, f.end), phrase: true, negated: false }, { text: '', phrase: false, negated: false, or: true }, { text: f.digits, phrase: false, negated: false });
    at = f.end;
  }
  rest.push(word.slice(at));
  const around = rest.filter((r) => r !== '').join(' ');
  if ([...around].length > 1) out.unshift({ text: around, phrase: false, negated: false });
  return out;
}

/** @param normalizePrefix How a field prefix is normalised before its lookup (the analyser's normaliser, with 繁體). */
export function parseQuery(q: string, normalizePrefix: PrefixNormalizer = NFKC): ParsedQuery {
  const tokens = tokenize(q.normalize('NFC'), normalizePrefix);
  const must: Clause[][] = [];
  const not: Clause[] = [];
  let joinNext = false;
  for (const t of tokens) {
    if (t.or) {
      joinNext = must.length > 0;
      continue;
    }
    const clause: Clause = { text: t.text.trim(), phrase: t.phrase, ...(t.field ? { field: t.field } : {}) };
    if (t.negated) {
      not.push(clause);
      joinNext = false;
      continue;
    }
    if (joinNext) must[must.length - 1].push(clause);
    else must.push([clause]);
    joinNext = false;
  }
  return { must, not };
}
