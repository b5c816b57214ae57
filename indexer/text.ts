/** Small pure helpers for cleaning text extracted from PDF and Word documents. */

/** CJK ideographs, CJK punctuation and full-width forms: characters around which a space is never meaningful. */
const CJK = '\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u2014\\u2018\\u2019\\u201c\\u201d\\u2026';
const SPACE_NEAR_CJK = new RegExp(`(?<=[${CJK}])[ \\t\\u00a0\\u3000]+|[ \\t\\u00a0\\u3000]+(?=[${CJK}])`, 'g');
const CJK_CHAR = new RegExp(`[${CJK}]`);

/** True when the character is CJK (ideograph, CJK punctuation or full-width form). */
export function isCjk(ch: string): boolean {
  return CJK_CHAR.test(ch);
}

/**
 * Remove spaces that PDF extraction put inside Chinese text (“一区一照一证” 实现 → “一区一照一证”实现,
 * 关银一 KEY通 → 关银一KEY通) while keeping spaces between two Latin words.
 */
export function removeCjkSpaces(s: string): string {
  return s.replace(SPACE_NEAR_CJK, '').replace(/[ \t]+/g, ' ').trim();
}

/** Display width: CJK characters take two columns, others one. Used to tell a hard-wrapped (full) line from a paragraph's last line. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += isCjk(ch) ? 2 : 1;
  return w;
}

/** A line holding nothing but a page number, as PDF extraction leaves between pages. */
export function isPageNumber(line: string): boolean {
  return /^\s*[-–—]?\s*\d{1,3}\s*[-–—]?\s*$/.test(line);
}

/** Chinese section ordinal prefix such as 一、 or （二）, with the rest of the line. */
export const CHINESE_ORDINAL = /^[一二三四五六七八九十]+、\s*/;

/** The printed ordinal of a section row (一、 → 1, 十二、 → 12); undefined when there is none. */
export function sectionOrdinal(cell: string): number | undefined {
  const m = /^([一二三四五六七八九十]+)、/.exec(cell.trim());
  if (!m) return undefined;
  const digits = '一二三四五六七八九';
  const s = m[1];
  if (s === '十') return 10;
  if (s.startsWith('十')) return 10 + digits.indexOf(s[1]) + 1;
  if (s.includes('十')) return (digits.indexOf(s[0]) + 1) * 10 + (s.length > 2 ? digits.indexOf(s[2]) + 1 : 0);
  return digits.indexOf(s) + 1;
}

/** Strip “一、” and a trailing count such as “（25项）” from a section row: 一、改革试点经验（25项） → 改革试点经验. */
export function sectionName(cell: string): string {
  return removeCjkSpaces(cell.replace(CHINESE_ORDINAL, '').replace(/[（(]\s*\d+\s*项\s*[）)]\s*$/, ''));
}

/** Trim every line, drop blank lines, and join paragraphs with a newline. */
export function joinParagraphs(paragraphs: string[]): string | undefined {
  const out = paragraphs.map((p) => p.trim()).filter(Boolean).join('\n');
  return out || undefined;
}
