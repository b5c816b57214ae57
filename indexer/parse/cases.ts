/**
 * Narrative case write-ups (最佳实践案例, text extracted from PDF): each case is a numbered title (possibly
 * wrapped), a "中国（X）自由贸易试验区…提供" line naming the FTZs that provided it, an introduction, and
 * sections 一、主要做法 / 二、实践效果. Lines are hard-wrapped at a fixed width, often mid-word, with blank lines
 * between them and page numbers between pages; we reflow them into paragraphs.
 */
import { displayWidth, isPageNumber, removeCjkSpaces } from '../text.js';
import { sectionField } from './markdown.js';
import type { ParsedDocument, ParsedItem } from './types.js';

const CASE_HEADING = /^\s*(\d{1,3})\s*[.．、]\s*(?!\d)(\S.*)$/;
const PROVIDER_START = /^\s*中国（/;
const PROVIDER_END = /提供\s*$/;
const FTZ_NAMED = /中国（([^）]+)）自由贸易试验区/g;

export function looksLikeCases(lines: string[]): boolean {
  return lines.some((l, i) => PROVIDER_START.test(l) && joinedProvider(lines, i) !== undefined);
}

/** The provider statement starting at line i, joined over its wrapped lines, or undefined if it is not one. */
function joinedProvider(lines: string[], i: number): { text: string; end: number } | undefined {
  let text = '';
  for (let j = i; j < Math.min(lines.length, i + 8); j++) {
    text += lines[j].trim();
    if (PROVIDER_END.test(lines[j]) && /自由贸易试验区/.test(text)) return { text, end: j };
  }
  return undefined;
}

/** Provinces named in a provider statement: 中国（重庆）自由贸易试验区、中国（四川）自由贸易试验区提供 → 重庆, 四川. */
export function providerRegions(statement: string): string[] {
  return [...new Set([...statement.matchAll(FTZ_NAMED)].map((m) => m[1].trim()))];
}

export function parseCases(lines: string[]): ParsedDocument {
  const doc: ParsedDocument = { format: 'cases', title: '', items: [], warnings: [] };
  const body = lines.map((l, i) => ({ text: l, line: i + 1 })).filter((l) => l.text.trim() !== '' && !isPageNumber(l.text));
  const fullWidth = typicalFullWidth(body.map((l) => l.text));

  // A case starts at a numbered line whose provider statement follows within a few lines.
  const starts: { at: number; no: number; providerAt: number }[] = [];
  body.forEach((l, k) => {
    const m = CASE_HEADING.exec(l.text);
    if (!m) return;
    const providerAt = body.slice(k + 1, k + 5).findIndex((b) => PROVIDER_START.test(b.text));
    if (providerAt < 0) return;
    const expected = starts.length ? starts[starts.length - 1].no + 1 : undefined;
    if (expected !== undefined && Number(m[1]) !== expected) {
      doc.warnings.push({ message: `case ${m[1]} follows case ${expected - 1}; numbering skips`, line: l.line });
    }
    starts.push({ at: k, no: Number(m[1]), providerAt: k + 1 + providerAt });
  });

  const preamble = body.slice(0, starts[0]?.at ?? body.length).map((l) => l.text.trim());
  doc.title = removeCjkSpaces(preamble.join('')) || '';

  starts.forEach((s, n) => {
    const end = n + 1 < starts.length ? starts[n + 1].at : body.length;
    const m = CASE_HEADING.exec(body[s.at].text)!;
    const title = removeCjkSpaces([m[2], ...body.slice(s.at + 1, s.providerAt).map((b) => b.text)].join(''));
    let providerText = '';
    let k = s.providerAt;
    for (; k < end; k++) {
      providerText += body[k].text.trim();
      if (PROVIDER_END.test(body[k].text)) break;
    }
    const item: ParsedItem = { no: s.no, line: body[s.at].line, title, departments: [], regions: providerRegions(providerText) };
    const sections = new Map<'content' | 'applicableTo' | 'process' | 'outcome', string[]>();
    let field: 'content' | 'applicableTo' | 'process' | 'outcome' = 'content';
    for (const l of body.slice(k + 1, end)) {
      const f = sectionField(l.text);
      if (f) {
        field = f;
        continue;
      }
      if (!sections.has(field)) sections.set(field, []);
      sections.get(field)!.push(l.text);
    }
    for (const [f, ls] of sections) {
      const text = reflow(ls, fullWidth);
      if (text) item[f] = text;
    }
    doc.items.push(item);
  });
  return doc;
}

/** The width of a full (hard-wrapped) line: the most common width among long lines. */
function typicalFullWidth(lines: string[]): number {
  const counts = new Map<number, number>();
  for (const l of lines) {
    const w = displayWidth(l.trim());
    if (w >= 20) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [w, c] of counts) if (c > bestCount || (c === bestCount && w > best)) [best, bestCount] = [w, c];
  return best || 50;
}

/**
 * Join hard-wrapped lines into paragraphs without adding spaces (a word broken over a line is one word again).
 * A paragraph ends at a short line that closes a sentence; a numbered point （一）/ 一是 starts a new one.
 */
export function reflow(lines: string[], fullWidth: number): string | undefined {
  const paragraphs: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (current && /^（[一二三四五六七八九十]+）/.test(line)) {
      paragraphs.push(current);
      current = '';
    }
    current += line;
    const short = displayWidth(line) < fullWidth - 6;
    if (short && /[。！？：；]$|[。！？]”$/.test(line)) {
      paragraphs.push(current);
      current = '';
    }
  }
  if (current) paragraphs.push(current);
  const out = paragraphs.join('\n');
  return out || undefined;
}
