/**
 * Markdown inline markup to the text a reader sees. A markdown collection (a PDF converted to markdown) prints
 * emphasis (**争取权限下放**), links ([www.singlewindow.cn](http://…)), autolinks (<http://…>) and inline TeX math
 * ($\pm 0.000$, $\leq 1.5\%$); a record's text is what users read, search and cite, so markup is rendered here,
 * once, at parse time: every later stage (analysis, snippets, outcome facts, export) sees plain text.
 * Only markdown sources go through this: in the other layouts a `*` or `$` is printed text.
 */

/** TeX commands that name one printed symbol. */
const TEX_SYMBOLS: Record<string, string> = {
  leq: '≤', le: '≤', leqslant: '≤', geq: '≥', ge: '≥', geqslant: '≥', lt: '<', gt: '>', neq: '≠', ne: '≠',
  approx: '≈', sim: '～', pm: '±', mp: '∓', times: '×', div: '÷', cdot: '·', circ: '°', degree: '°',
  infty: '∞', to: '→', rightarrow: '→', leftarrow: '←', Rightarrow: '⇒', mu: 'μ', alpha: 'α', beta: 'β',
  permil: '‰', ldots: '…', cdots: '…',
};
/** Commands whose braced argument is printed as is (\text{容积率} → 容积率). */
const TEX_TEXT = new Set(['text', 'mathrm', 'textrm', 'mathbf', 'textbf', 'mathit', 'textit', 'operatorname']);
/** Spacing and sizing commands that print nothing of their own. */
const TEX_SILENT = new Set(['left', 'right', ',', ';', ':', '!', 'quad', 'qquad', 'displaystyle']);

/**
 * The text of a TeX math span, or undefined when it holds a command this does not know (the span is then kept as
 * printed, rather than guessed). Spaces inside math are not printed; those inside \text{…} are.
 */
export function texToText(math: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < math.length) {
    const ch = math[i];
    if (ch === '\\') {
      const name = /^\\([A-Za-z]+|[^A-Za-z])/.exec(math.slice(i));
      if (!name) return undefined;
      const cmd = name[1];
      i += name[0].length;
      if (cmd in TEX_SYMBOLS) out += TEX_SYMBOLS[cmd];
      else if ('%$&#_{}'.includes(cmd)) out += cmd;
      else if (TEX_SILENT.has(cmd)) continue;
      else if (TEX_TEXT.has(cmd)) {
        const arg = /^\s*\{([^{}]*)\}/.exec(math.slice(i));
        if (!arg) return undefined;
        out += arg[1];
        i += arg[0].length;
      } else return undefined;
    } else if (ch === '^' && /^\^\s*\{?\s*\\circ\s*\}?/.test(math.slice(i))) {
      const m = /^\^\s*\{?\s*\\circ\s*\}?/.exec(math.slice(i))!;
      out += '°';
      i += m[0].length;
    } else if (ch === '^' || ch === '_') {
      return undefined; // a power or an index has no plain form that keeps its meaning
    } else {
      if (ch !== '{' && ch !== '}' && !/\s/.test(ch)) out += ch;
      i++;
    }
  }
  return out;
}

/**
 * Inline math as pandoc reads it: `$` followed by a non-space, closed by a `$` after a non-space and not followed
 * by a digit (so US$5 and US$10 are no math span).
 */
const MATH = /\$(?!\s)((?:\\.|[^$\\])+?)(?<!\s)\$(?!\d)/g;
/** **strong**: opened before a non-space, closed after one, on one line. */
const STRONG = /\*\*(?![\s*])(.+?)(?<![\s*])\*\*/g;
/** [text](url): the reader sees the text. */
const LINK = /(?<!!)\[([^\]\n]+)\]\((?:[^()\s]|\([^()\s]*\))+\)/g;
/** <http://…>: the reader sees the address. */
const AUTOLINK = /<((?:https?|ftp):\/\/[^<>\s]+|[^<>\s@]+@[^<>\s@]+\.[A-Za-z]{2,})>/g;
/** Backslash escapes of markdown punctuation (\* → *): applied to text outside math only. */
const ESCAPE = /\\([!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~])/g;

/** One line of markdown with its inline markup rendered as plain text. */
export function plainInline(line: string): string {
  // Math first: inside it, * _ [ ] are TeX, not markdown. A span with an unknown command is kept as printed.
  const parts: string[] = [];
  let last = 0;
  for (const m of line.matchAll(MATH)) {
    const text = texToText(m[1]);
    parts.push(markdownText(line.slice(last, m.index)), text ?? m[0]);
    last = m.index + m[0].length;
  }
  parts.push(markdownText(line.slice(last)));
  return parts.join('');
}

function markdownText(s: string): string {
  return s.replace(LINK, '$1').replace(AUTOLINK, '$1').replace(STRONG, '$1').replace(ESCAPE, '$1');
}
