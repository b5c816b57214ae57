/**
 * Column headers → record fields. Tables from different provinces name the same column differently
 * (改革事项 / 借鉴推广事项, 负责单位 / 负责部门) and order them differently, so parsers map by name.
 */

export type Column = 'no' | 'title' | 'content' | 'applicableTo' | 'process' | 'outcome' | 'departments' | 'scope';

const RULES: [RegExp, Column][] = [
  [/^(序号|编号)$/, 'no'],
  [/(事项|名称|标题|案例)$/, 'title'],
  [/(主要内容|实施内容|改革内容|内容|举措)$/, 'content'],
  [/(适用对象|适应对象)$/, 'applicableTo'],
  [/(办理流程|主要做法|流程)$/, 'process'],
  [/(实际效果|实践效果|成效|效果)$/, 'outcome'],
  [/(负责单位|负责部门|责任单位|牵头单位|责任部门|单位)$/, 'departments'],
  [/(推广范围|复制推广范围|范围)$/, 'scope'],
];

/** The field a header cell names, or undefined when it names none. */
export function columnFor(header: string): Column | undefined {
  const h = header.replace(/\s+/g, '');
  for (const [re, col] of RULES) if (re.test(h)) return col;
  return undefined;
}

/** A header row names 序号 and a title column. */
export function isHeaderRow(cells: string[]): boolean {
  const cols = cells.map(columnFor);
  return cols.includes('no') && cols.includes('title');
}
