/**
 * The query language: words (all must match), "quoted phrases" (exact adjacent text, also “…” and 「…」),
 * -word (exclude), A OR B / A | B (either), and field prefixes title: / department: / region:. A prefix means
 * the record's own field; `department+:` (部门+:) also accepts the units printed on the record's copies in other
 * documents (a case collection prints no units; its copy in a task table does). Nothing here throws: unbalanced
 * quotes run to the end, a lone "-" or "OR" is ignored.
 */

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
    while (k < q.length && !/\s/.test(q[k]) && !(k > j && OPEN_QUOTE[q[k]] && q[k] !== '”')) k++;
    const word = q.slice(j, k);
    i = k;
    if (!negated && !field && (word === 'OR' || word === '|' || word === '｜')) {
      tokens.push({ text: '', phrase: false, negated: false, or: true });
      continue;
    }
    // Words joined by | without spaces (跨境电商|海外仓) widen too.
    const alternatives = word.split(/[|｜]/);
    alternatives.forEach((alt, n) => {
      if (n > 0) tokens.push({ text: '', phrase: false, negated: false, or: true });
      tokens.push({ text: alt, phrase: false, negated, field });
    });
  }
  return tokens.filter((t) => t.or || t.text.trim() !== '' );
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
