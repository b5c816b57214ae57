/**
 * Markdown case collections (a PDF converted to markdown): a table of contents in pipe tables with dot
 * leaders and page numbers, then one heading per item ("## 12.国际艺术品…") at inconsistent levels, with
 * section headings (一、适用对象 / 二、办理流程 / 三、实际效果). A title may continue on the next heading line
 * (# 40. 工程建设项目 / ## “清单制+告知承诺制”审批改革). Items listed in the contents but absent from the body
 * are reported, not invented.
 */
import { removeCjkSpaces, joinParagraphs } from '../text.js';
import { plainInline } from './inline-markup.js';
import type { ParsedDocument, ParsedItem } from './types.js';

const HEADING = /^\s*#{1,6}\s*(.*?)\s*#*\s*$/;
const ITEM = /^(\d{1,3})\s*[.．、]\s*(.+)$/;
const TOC_ENTRY = /^\|\s*(\d{1,3})\s*[.．、]\s*(.+?)\s*(?:\.{2,}|…{1,}|\|)/;
type SectionField = 'content' | 'applicableTo' | 'process' | 'outcome';

/** 一、适用对象 → applicableTo …; undefined when the heading is not a section heading. */
export function sectionField(heading: string): SectionField | undefined {
  const m = /^[一二三四五六七八九十]+\s*[、.．]\s*(.+)$/.exec(heading.trim());
  if (!m) return undefined;
  const name = m[1];
  if (/适用对象|适应对象/.test(name)) return 'applicableTo';
  if (/流程|做法|举措|措施/.test(name)) return 'process';
  if (/效果|成效/.test(name)) return 'outcome';
  if (/内容|背景|简介/.test(name)) return 'content';
  return undefined;
}

export function looksLikeMarkdown(lines: string[]): boolean {
  return lines.filter((l) => {
    const h = HEADING.exec(l);
    return h !== null && l.trimStart().startsWith('#') && ITEM.test(h[1]);
  }).length >= 2;
}

export function parseMarkdown(lines: string[]): ParsedDocument {
  const doc: ParsedDocument = { format: 'markdown', title: '', items: [], warnings: [] };
  const toc = new Map<number, { title: string; line: number }>();
  let item: (ParsedItem & { sections: Map<SectionField, string[]> }) | undefined;
  let field: SectionField | undefined;
  let titleOpen = false;
  const preamble: string[] = [];

  const finish = () => {
    if (!item) return;
    for (const [f, paras] of item.sections) {
      const text = joinParagraphs(paras);
      if (text) item[f] = text;
    }
    const { sections: _unused, ...plain } = item;
    doc.items.push(plain);
    item = undefined;
  };

  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const tocMatch = TOC_ENTRY.exec(raw.trim());
    if (tocMatch && !item) {
      toc.set(Number(tocMatch[1]), { title: removeCjkSpaces(plainInline(tocMatch[2]).replace(/[.…]+$/, '')), line: lineNo });
      return;
    }
    if (raw.trim().startsWith('|')) {
      // Before the first item: contents-table debris. Inside an item: a table of the case (steps, indicators),
      // kept as one line of text per row so nothing printed is lost.
      const row = tableRow(raw);
      if (item && row) {
        const target = field ?? 'content';
        if (!item.sections.has(target)) item.sections.set(target, []);
        item.sections.get(target)!.push(row);
        titleOpen = false;
      }
      return;
    }
    const h = raw.trimStart().startsWith('#') ? HEADING.exec(raw) : null;
    const text = plainInline(h ? h[1] : raw.trim());
    if (h) {
      const m = ITEM.exec(text);
      // Numbered sub-headings inside an item (#### 1. 建立…平台) are not items: item numbers only go up.
      if (m && !sectionField(text) && (!item || Number(m[1]) > item.no)) {
        finish();
        item = { no: Number(m[1]), line: lineNo, title: m[2], departments: [], sections: new Map() };
        field = undefined;
        titleOpen = true;
        return;
      }
      const f = sectionField(text);
      if (f && item) {
        field = f;
        titleOpen = false;
        if (!item.sections.has(f)) item.sections.set(f, []);
        return;
      }
      if (item && titleOpen) {
        item.title += text; // the title continues on the next heading line
        return;
      }
      if (!item) {
        if (!/^目\s*录$/.test(text)) preamble.push(text);
        return;
      }
      // A sub-heading inside a section (流程图 captions, 一体编制 …) is kept as a paragraph of that section.
    }
    if (!text) return;
    if (!item) {
      preamble.push(text);
      return;
    }
    titleOpen = false;
    const target = field ?? 'content';
    if (!item.sections.has(target)) item.sections.set(target, []);
    item.sections.get(target)!.push(text);
  });
  finish();

  for (const it of doc.items) it.title = removeCjkSpaces(it.title);
  const seen = new Set(doc.items.map((it) => it.no));
  for (const [no, entry] of toc) {
    if (!seen.has(no)) {
      doc.warnings.push({ message: `item ${no} "${entry.title}" is listed in the table of contents but has no body; not indexed`, line: entry.line });
    }
  }
  doc.title = documentTitle(preamble);
  return doc;
}

/** A pipe-table row as text (cells joined by ；, <br> as ，); undefined for a separator row (|---|). */
export function tableRow(line: string): string | undefined {
  const cells = line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => plainInline(c.replace(/(\s*<br\s*\/?>\s*)+/gi, '，').replace(/^，+|，+$/g, '').trim()));
  if (cells.every((c) => /^:?-*:?$/.test(c))) return undefined;
  return cells.filter(Boolean).join('；') || undefined;
}

/** A markdown collection seldom prints its own title: take the first heading, or the book named in its preface note (《…》). */
function documentTitle(preamble: string[]): string {
  for (const p of preamble) {
    const book = /《([^》]+)》/.exec(p);
    if (book) return book[1];
  }
  return removeCjkSpaces(preamble.find((p) => p.length <= 60) ?? '');
}
