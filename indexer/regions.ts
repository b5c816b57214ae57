/** Provinces: which ones a reform comes from, read from the document itself, never from its file name. */

/** China's provincial-level divisions, by the short names used in FTZ names (中国（山东）自由贸易试验区). */
export const PROVINCES = [
  '北京', '天津', '河北', '山西', '内蒙古', '辽宁', '吉林', '黑龙江', '上海', '江苏', '浙江', '安徽', '福建', '江西',
  '山东', '河南', '湖北', '湖南', '广东', '广西', '海南', '重庆', '四川', '贵州', '云南', '西藏', '陕西', '甘肃',
  '青海', '宁夏', '新疆', '台湾', '香港', '澳门',
] as const;

const PROVINCE_RE = new RegExp(PROVINCES.join('|'), 'g');

/** Provinces named in a text, most frequent first. */
export function provinceCounts(text: string): [string, number][] {
  const counts = new Map<string, number>();
  for (const m of text.matchAll(PROVINCE_RE)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * The province a document is about: the one its title names (…辽宁…自由贸易试验区… → 辽宁); where the title names
 * none, the one its text and departments name most (山东 for the Shandong tables). Undefined when neither names one.
 */
export function documentRegion(title: string, bodyText: string): string | undefined {
  const inTitle = provinceCounts(title);
  if (inTitle.length) return inTitle[0][0];
  return provinceCounts(bodyText)[0]?.[0];
}
