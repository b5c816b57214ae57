/**
 * Tab-separated task tables (任务分工表): a title, a header row (序号, 改革事项, 主要内容, …), section rows
 * (一、改革试点经验（25项）) and one row per item. Word exports repeat the header row at every page break.
 */
import { joinDepartments } from '../departments.js';
import { removeCjkSpaces, sectionName as sectionHeading, sectionOrdinal, CHINESE_ORDINAL } from '../text.js';
import { columnFor, isHeaderRow, type Column } from './columns.js';
import type { ParsedDocument, ParsedItem } from './types.js';

/** True when the text looks like a tab-separated table: a header row with at least three tab-separated cells. */
export function looksLikeTable(lines: string[]): boolean {
  return lines.some((l) => l.split('\t').length >= 4 && isHeaderRow(l.split('\t').map((c) => c.trim())));
}

export function parseTable(lines: string[]): ParsedDocument {
  const doc: ParsedDocument = { format: 'table', title: '', items: [], warnings: [] };
  const titleLines: string[] = [];
  let columns: (Column | undefined)[] | undefined;
  let sectionName: string | undefined;
  let section: number | undefined;
  let current: { item: ParsedItem; cells: Map<Column, string[]> } | undefined;

  const finish = () => {
    if (!current) return;
    doc.items.push(fillItem(current.item, current.cells));
    current = undefined;
  };

  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const cells = raw.split('\t').map((c) => c.trim());
    const nonEmpty = cells.filter(Boolean);
    if (nonEmpty.length === 0) return;
    if (isHeaderRow(cells)) {
      columns = cells.map(columnFor);
      return;
    }
    if (!columns) {
      // Before the first header: the document's title (skipping "附件" labels).
      if (!/^附件\s*\d*$/.test(nonEmpty[0])) titleLines.push(nonEmpty.join(''));
      return;
    }
    if (nonEmpty.length === 1 && CHINESE_ORDINAL.test(cells[0])) {
      finish();
      sectionName = sectionHeading(cells[0]);
      section = sectionOrdinal(cells[0]);
      return;
    }
    const noCol = columns.indexOf('no');
    const no = /^\d+$/.test(cells[noCol] ?? '') ? Number(cells[noCol]) : undefined;
    if (no !== undefined) {
      finish();
      current = { item: { no, line: lineNo, title: '', departments: [], sectionName, section }, cells: new Map() };
      cells.forEach((cell, c) => {
        const col = columns![c];
        if (col && col !== 'no' && cell) current!.cells.set(col, [cell]);
      });
      return;
    }
    if (current && cells.length === 1) {
      // A cell that wrapped onto a line of its own: it continues the last filled cell of the row.
      const last = [...current.cells.keys()].pop();
      if (last) current.cells.get(last)!.push(cells[0]);
      return;
    }
    doc.warnings.push({ message: `unrecognised table row skipped: ${raw.slice(0, 40)}`, line: lineNo });
  });
  finish();
  doc.title = removeCjkSpaces(titleLines.join(''));
  return doc;
}

/** Copy a row's cells into an item's fields. Shared by the table and the tab-indented block parsers. */
export function fillItem(item: ParsedItem, cells: Map<Column, string[]>): ParsedItem {
  for (const [col, parts] of cells) {
    if (col === 'departments') item.departments = joinDepartments(parts);
    else if (col === 'title') item.title = removeCjkSpaces(parts.join(''));
    else if (col === 'scope') item.scope = parts.map((p) => p.trim()).join('') || undefined;
    else if (col !== 'no') {
      const text = parts.map((p) => p.trim()).filter(Boolean).join('');
      if (text) item[col] = text;
    }
  }
  return item;
}
