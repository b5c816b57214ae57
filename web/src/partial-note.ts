/** The results summary's note on partial matches: pure, so a test reads it without the page. */

/**
 * What the shown hits hold, from each hit's `missing` (partial means some shown hit lacks a word, not that none has
 * every word): the full matches first, as the engine ranks them, or how many there are when they are not all first.
 */
export function partialNote(hits: readonly { missing?: string[] }[]): string {
  const full = hits.filter((h) => !h.missing?.length).length;
  if (full === 0) return '（本页事项都只包含部分词语，缺少的词语已标出）';
  const leading = hits.findIndex((h) => h.missing?.length);
  if (leading === full) return `（前 ${full} 条包含全部词语，其后为部分匹配）`;
  return `（本页 ${full} 条包含全部词语，其余为部分匹配，缺少的词语已标出）`;
}
