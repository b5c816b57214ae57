/**
 * Tab-indented blocks (a Word table exported cell by cell): every cell starts on a line beginning with a tab;
 * a line without the tab continues the cell above (a unit name broken over lines, a wrapped scope). The first
 * cells are the header (序号, 改革事项, …); after it each item is one cell per column, starting with its number.
 */
import { removeCjkSpaces } from '../text.js';
import { columnFor, type Column } from './columns.js';
import { fillItem } from './table.js';
import type { ParsedDocument } from './types.js';

interface Cell {
  text: string[];
  line: number;
}

/** True when the text has a header made of tab-indented single cells (\t序号, \t改革事项, …). */
export function looksLikeBlocks(lines: string[]): boolean {
  const i = lines.findIndex((l) => /^\t\s*序号\s*$/.test(l));
  return i >= 0 && lines.slice(i + 1, i + 6).filter((l) => /^\t[^\t]+$/.test(l) && columnFor(l) !== undefined).length >= 2;
}

export function parseBlocks(lines: string[]): ParsedDocument {
  const doc: ParsedDocument = { format: 'blocks', title: '', items: [], warnings: [] };
  const titleLines: string[] = [];
  const cells: Cell[] = [];
  lines.forEach((raw, i) => {
    if (raw.startsWith('\t')) cells.push({ text: [raw.slice(1)], line: i + 1 });
    else if (raw.trim() === '') return;
    else if (cells.length) cells[cells.length - 1].text.push(raw);
    else titleLines.push(raw.trim());
  });
  doc.title = removeCjkSpaces(titleLines.join(''));

  // The header is the run of leading cells that name columns.
  const columns: (Column | undefined)[] = [];
  while (columns.length < cells.length && columnFor(cells[columns.length].text.join('')) !== undefined) {
    columns.push(columnFor(cells[columns.length].text.join('')));
  }
  if (!columns.includes('no') || !columns.includes('title')) {
    doc.warnings.push({ message: 'no header row (序号, 改革事项, …) found' });
    return doc;
  }
  const width = columns.length;
  const noIndex = columns.indexOf('no');
  let start = width;
  while (start < cells.length) {
    const group = cells.slice(start, start + width);
    const noText = group[noIndex]?.text.join('').trim() ?? '';
    if (!/^\d+$/.test(noText)) {
      doc.warnings.push({ message: `expected an item number, found "${noText.slice(0, 20)}"; cell skipped`, line: cells[start].line });
      start += 1;
      continue;
    }
    // A group ends early where the next item's number appears before all columns are filled.
    let size = width;
    for (let k = noIndex + 1; k < width && start + k < cells.length; k++) {
      const t = cells[start + k].text.join('').trim();
      if (k >= 2 && t === String(Number(noText) + 1) && cells[start + k].text.length === 1) {
        size = k;
        doc.warnings.push({ message: `item ${noText} has only ${k} of ${width} cells`, line: cells[start].line });
        break;
      }
    }
    const map = new Map<Column, string[]>();
    group.slice(0, size).forEach((cell, c) => {
      const col = columns[c];
      if (col && col !== 'no') map.set(col, cell.text);
    });
    doc.items.push(fillItem({ no: Number(noText), line: group[noIndex].line, title: '', departments: [] }, map));
    start += size;
  }
  return doc;
}
