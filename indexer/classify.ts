/**
 * What a record is, on axes a user can filter by: the document type (`category`), the levels of its scope of
 * promotion (`scopeLevels`) and its policy areas (`policyAreas`). Rules from how these documents are written, read
 * from the document's own text (never its file name).
 */

/** The three kinds of documents FTZ reforms are published in. */
export type DocumentType = '试点经验' | '创新成果' | '最佳实践案例';

/**
 * The document type of an item: its section heading wins (Shandong's 分工表 has 一、改革试点经验 and 二、最佳实践案例
 * under a 制度创新成果 title), then the document title; narrative case collections with "…自由贸易试验区提供"
 * lines are 最佳实践案例 (the Ministry of Commerce's best-practice series), tables of tasks otherwise 试点经验.
 */
export function documentType(title: string, sectionName: string | undefined, format: string): DocumentType {
  for (const text of [sectionName ?? '', title]) {
    if (/最佳实践|实践案例/.test(text)) return '最佳实践案例';
    if (/试点经验|创新经验|改革经验/.test(text)) return '试点经验';
    if (/创新成果/.test(text)) return '创新成果';
  }
  return format === 'cases' ? '最佳实践案例' : '试点经验';
}

/**
 * A title for a document that prints none, from its own text: its type and its first item
 * (自由贸易试验区最佳实践案例：跨境电商出口退货“一站式”监管新模式等). No item count: ids are keyed on the title,
 * and adding a case to the document must not change the ids of the others.
 */
export function derivedTitle(type: DocumentType, firstItemTitle: string | undefined): string {
  const kind = type === '最佳实践案例' ? '自由贸易试验区最佳实践案例' : type === '创新成果' ? '自由贸易试验区制度创新成果' : '自由贸易试验区改革试点经验';
  return firstItemTitle ? `${kind}：${firstItemTitle}等` : kind;
}

/** Scope levels, most specific rules first; a printed scope may name several (全省（自贸试验区内…先行推广）). */
const SCOPE_RULES: [RegExp, string][] = [
  [/全省|全市域|全区域/, '全省'],
  [/海关特殊监管区域|综合保税区|综保区/, '海关特殊监管区域'],
  [/保税监管场所|保税物流中心/, '保税监管场所'],
  [/片区/, '自贸试验区片区'],
  [/自贸试验区|自由贸易试验区/, '自贸试验区'],
  [/协同区|联动创新区/, '自贸试验区协同区'],
  [/开发区|高新区|园区/, '开发区'],
  [/试点地区|试点城市|试点/, '试点地区'],
  [/[^省]市|设区市|地市/, '设区市'],
];

/** 推广范围 as a small set of levels: 济南、青岛、烟台、威海等具备条件的市 → 设区市; 省级以上 开发区 → 开发区. */
export function scopeLevels(scope: string | undefined): string[] {
  if (!scope?.trim()) return [];
  const levels: string[] = [];
  for (const [re, level] of SCOPE_RULES) if (re.test(scope) && !levels.includes(level)) levels.push(level);
  // 二手车出口业务试点地区（青岛市、济宁市）: the cities only say where the pilot is.
  if (levels.includes('试点地区')) return levels.filter((l) => l !== '设区市');
  return levels.length ? levels : ['其他'];
}

/**
 * Policy areas and the words that show them. From the fields of FTZ reform (the State Council's areas of
 * 投资自由化便利化, 贸易便利化, 金融开放创新, 政府职能转变 and the rest); a record is in an area when its title names
 * one of the words, or its text names them at least twice.
 */
export const POLICY_AREAS: Readonly<Record<string, readonly string[]>> = {
  投资: ['投资', '外资', '准入', '用地', '土地', '工程建设', '施工许可', '建设项目', '招商', '开发区', '不动产', '产业用地', '规划'],
  贸易: ['贸易', '通关', '海关', '进出口', '出口', '进口', '跨境电商', '口岸', '保税', '关税', '报关', '检疫', '原产地', '集装箱', '货物'],
  航运物流: ['航运', '船舶', '港口', '物流', '海事', '船员', '班列', '多式联运', '运输', '码头', '航空', '机场'],
  财税: ['税', '退税', '增值税', '纳税', '税务', '财政', '收费', '缴费'],
  金融: ['金融', '银行', '保险', '融资', '贷款', '外汇', '信贷', '保理', '基金', '资本', '结算', '汇率', '担保', '债券', '证券', '公积金', '银政'],
  政务服务: ['政务服务', '审批', '一网通办', '一窗', '企业开办', '登记', '证照', '营业执照', '许可', '一件事', '跨省通办', '便民', '一站式', '服务平台'],
  监管: ['监管', '执法', '信用', '检查', '处罚', '风险', '稽查', '抽查', '合规', '失信', '质量', '检验检测', '食品'],
  科技创新: ['科技', '研发', '知识产权', '专利', '技术', '数字', '大数据', '区块链', '智能', '创新中心', '成果转化'],
  人才就业: ['人才', '就业', '职业资格', '培训', '教育', '职称', '社保', '医保', '劳动'],
  法治: ['法院', '仲裁', '公证', '纠纷', '司法', '法律', '调解', '诉讼', '破产'],
  产业发展: ['产业', '制造', '农业', '医药', '海洋牧场', '文化', '旅游', '能源', '电力', '生态', '环境', '绿色', '医疗', '中医', '海洋', '经济', '演出'],
  国资国企: ['国资', '国企', '国有企业', '混合所有制'],
};

/** The printed section names of sector tables (辽宁: 政府职能转变领域 …) map onto the same areas. */
const SECTION_AREAS: [RegExp, string][] = [
  [/政府职能/, '政务服务'],
  [/投资/, '投资'],
  [/贸易/, '贸易'],
  [/金融/, '金融'],
  [/国资|国企/, '国资国企'],
  [/开放/, '投资'],
];

/**
 * How many times `word` (not empty) occurs in `text`, without overlaps, counted from the left: what
 * `text.split(word).length - 1` says, without building the pieces (300 records × 150 area words made 45,000 arrays of
 * substrings per seeds build).
 */
function occurrences(text: string, word: string): number {
  let n = 0;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) n++;
  return n;
}

/** The policy areas of a record, most evident first; never empty (a record that names none is 综合). */
export function policyAreas(r: { title: string; content?: string; process?: string; outcome?: string; applicableTo?: string; section?: string }): string[] {
  const body = [r.content, r.process, r.applicableTo, r.outcome].filter(Boolean).join('\n');
  const scored: [string, number][] = [];
  for (const [area, words] of Object.entries(POLICY_AREAS)) {
    let inTitle = 0;
    let inBody = 0;
    for (const w of words) {
      if (r.title.includes(w)) inTitle++;
      inBody += occurrences(body, w);
    }
    const score = inTitle * 5 + inBody;
    if (inTitle > 0 || inBody >= 2) scored.push([area, score]);
  }
  scored.sort((a, b) => b[1] - a[1]);
  const areas: string[] = [];
  for (const [re, area] of SECTION_AREAS) if (r.section && re.test(r.section) && !areas.includes(area)) areas.push(area);
  const top = scored[0]?.[1] ?? 0;
  for (const [area, score] of scored) {
    if (areas.length >= 3) break;
    if (!areas.includes(area) && score >= top / 3) areas.push(area);
  }
  return areas.length ? areas : ['综合'];
}
