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
function typesetSpaces(q: string, norm: QueryNormalizer): Set<number> {
  const joined = new Set<number>();
  if (!/[0-9\uff10-\uff19]/.test(q) || !/\s/.test(q)) return joined;
  // A date's parts are no figure (2023年 is a year, not a duration: quantities.ts), but the documents space them off
  // alike (2023 年, 6 月): typed so, the number and its date unit are one word, as glued, never a lone 年 to search.
  // An ordinal with its counter (第 3 条) likewise.
  for (const m of q.matchAll(DATE_OR_ORDINAL)) {
    for (let k = m.index; k < m.index + m[0].length; k++) if (/\s/.test(q[k])) joined.add(k);
  }
  const n = norm.normalize(q);
  for (const nf of scanNumberUnits(n.text)) {
    const f = typedSpan(n, nf);
    for (let k = f.start; k < f.end; k++) if (/\s/.test(q[k])) joined.add(k);
    // A figure beside an OR is that OR's alternative as typed: Han text on its other side joining it would widen the
    // alternative (出口 1.7 亿元 OR 75 天 is 出口 and either figure, not 出口1.7亿元 or 75天), as besideOr keeps a word
    // with Chinese numerals whole for the OR.
    const orAfter = OR_AFTER.test(q.slice(f.end));
    const orBefore = OR_BEFORE.test(q.slice(0, f.start));
    const before = orAfter ? null : HAN_THEN_SPACE.exec(q.slice(0, f.start));
    if (before) for (let k = f.start - before[1].length; k < f.start; k++) joined.add(k);
    const after = orBefore ? null : SPACE_THEN_HAN.exec(q.slice(f.end));
    if (after) for (let k = f.end; k < f.end + after[1].length; k++) joined.add(k);
  }
  return joined;
}

/**
 * The analyser's normaliser as the query reader uses it: a field prefix is looked up normalised (full width, 繁體:
 * ＴＩＴＬＥ:, 標題:, 地區：), and figures are scanned on the text the index reads (1.7 億元, 兩個工作日, 五千萬元 as
 * simplified, full-width digits as ASCII), their spans mapped back to the query as typed through the offset maps.
 */
export interface QueryNormalizer {
  plain(s: string): string;
  normalize(s: string): { text: string; from: ArrayLike<number>; to: ArrayLike<number> };
}

/** Without the analyser's table: full width only (NFKC), one code point at a time so offsets map back. */
const NFKC: QueryNormalizer = {
  plain: (s) => s.normalize('NFKC'),
  normalize(s) {
    let text = '';
    const from: number[] = [];
    const to: number[] = [];
    for (let i = 0; i < s.length; ) {
      const w = s.codePointAt(i)! > 0xffff ? 2 : 1;
      const out = s.slice(i, i + w).normalize('NFKC');
      for (let u = 0; u < out.length; u++) from.push(i), to.push(i + w);
      text += out;
      i += w;
    }
    return { text, from, to };
  },
};

/** A span of the normalised text as the span of the query as typed it came from. */
function typedSpan<T extends { start: number; end: number }>(n: { from: ArrayLike<number>; to: ArrayLike<number> }, f: T): T {
  return { ...f, start: n.from[f.start], end: n.to[f.end - 1] };
}

/** Digits, spaces, a date unit (2023 年, 6 月, 12 日); or 第, a number and a counter, spaced (第 3 条). */
const DATE_OR_ORDINAL = /[0-9\uff10-\uff19]+\s+[年月日号]|第\s*[0-9\uff10-\uff19]+\s*[条款项章批届]/g;
/**
 * An ordinal with its counter (第3条, 第三条, 第六批): an article or batch number, one word searched whole (a phrase). Cut
 * up it searched a bare 3 (in 3+2+1+1) or 第三 (of 第三方); no record prints 第3条, so it finds none.
 */
const ORDINAL = /第(?:[0-9\uff10-\uff19]+|[一二三四五六七八九十百零两]+)[条款项章批届]/g;

/** A chunk of Han characters alone, then the whitespace before a figure; and whitespace, then such a chunk. */
const HAN_THEN_SPACE = /(?:^|\s)\p{Script=Han}+(\s+)$/u;
const SPACE_THEN_HAN = /^(\s+)\p{Script=Han}+(?:\s|$)/u;
/** An OR (or |) right after a figure, and right before one. */
const OR_AFTER = /^(?:\s+OR(?:\s|$)|\s*[|｜])/;
const OR_BEFORE = /(?:(?:^|\s)OR\s+|[|｜]\s*)$/;

const OPEN_QUOTE: Record<string, string> = { '"': '"', '“': '”', '「': '」', '『': '』', '”': '”' };

interface Token {
  text: string;
  phrase: boolean;
  negated: boolean;
  field?: QueryField;
  or?: boolean;
}

function tokenize(q: string, norm: QueryNormalizer): Token[] {
  const tokens: Token[] = [];
  const joined = typesetSpaces(q, norm);
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
    const named = prefix ? FIELD_PREFIX[norm.plain(prefix[1]).toLowerCase()] : undefined;
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
    const plainWord = !negated && !field && alternatives.length === 1 ? norm.plain(word.replace(/\s+/g, '')) : '';
    const ordinals = plainWord ? [...plainWord.matchAll(ORDINAL)] : [];
    if (ordinals.length > 0 && !besideOrAt(tokens, q, k)) {
      tokens.push(...ordinalsWhole(plainWord, ordinals));
      continue;
    }
    const figures = !negated && !field && alternatives.length === 1 ? figuresAsTyped(word, norm) : [];
    const whole = figures.length === 1 && figures[0].start === 0 && figures[0].end === word.length;
    // Cut around its figures, a word beside an OR would leave the OR its last or first piece only: read whole ones there.
    if (figures.length > 0 && (whole || !besideOrAt(tokens, q, k))) {
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

/** Whether a word ending at `k` stands beside an OR (the previous token, or an OR after it). */
function besideOrAt(tokens: Token[], q: string, k: number): boolean {
  return tokens[tokens.length - 1]?.or === true || /^\s+(?:OR|\||｜)(?:\s|$)/.test(q.slice(k));
}

/**
 * A word cut around spans taken out of it: each span's tokens (`tokensOf`) in order, and what the word says around
 * them one word first, spaced where a span stood, when it is at least `minAround` characters (a lone character left
 * beside a figure, 近 of 近十亿元, is its qualifier, not a word).
 */
function aroundSpans(word: string, spans: readonly { start: number; end: number }[], tokensOf: (i: number) => Token[], minAround: number): Token[] {
  const out: Token[] = [];
  const rest: string[] = [];
  let at = 0;
  spans.forEach((sp, i) => {
    rest.push(word.slice(at, sp.start));
    out.push(...tokensOf(i));
    at = sp.end;
  });
  rest.push(word.slice(at));
  const around = rest.filter((r) => r !== '').join(' ');
  if ([...around].length >= minAround) out.unshift({ text: around, phrase: false, negated: false });
  return out;
}

/** A word's ordinals as phrases, the rest of the word around them one word (第3条 税收 → "第3条", 税收). */
function ordinalsWhole(word: string, ordinals: RegExpMatchArray[]): Token[] {
  const spans = ordinals.map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
  return aroundSpans(word, spans, (i) => [{ text: ordinals[i][0], phrase: true, negated: false }], 1);
}

/**
 * A word with figures spelled in Chinese numerals (节约五千万元成本), each figure taken out as one query word that either
 * printing satisfies: the Chinese as typed, exactly (a phrase: 两个工作日, never 两个 and 工作日 apart), or the figure in
 * digits, which is how the documents print measurements (5000万元, and its equal printings: 0.5亿元). What the word says
 * around its figures stays one word of the query, spaced where a figure stood; a lone character left (近 of 近十亿元, 约)
 * is the figure's qualifier, not a word.
 */
function withFiguresInDigits(word: string, figures: ChineseFigure[]): Token[] {
  return aroundSpans(
    word,
    figures,
    (i) => [{ text: word.slice(figures[i].start, figures[i].end), phrase: true, negated: false }, { text: '', phrase: false, negated: false, or: true }, { text: figures[i].digits, phrase: false, negated: false }],
    2,
  );
}

/** A word's figures in Chinese numerals, read on its normalised text, with their spans in the word as typed. */
function figuresAsTyped(word: string, norm: QueryNormalizer): ChineseFigure[] {
  const n = norm.normalize(word);
  return chineseFigures(n.text).map((f) => typedSpan(n, f));
}

/** @param norm The analyser's normaliser (with its 繁→简 table); without it, full width only. */
export function parseQuery(q: string, norm: QueryNormalizer = NFKC): ParsedQuery {
  const tokens = tokenize(q.normalize('NFC'), norm);
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
