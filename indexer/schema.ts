/**
 * The one record schema, shared by the indexer (which produces records), the server (which serves them)
 * and the web page (which shows them). Data flows one way: seeds → indexer → snapshot → server → web.
 */

/** Text fields of a record that carry prose and can hold quantities and highlights. */
export type TextField = 'title' | 'content' | 'applicableTo' | 'process' | 'outcome';

export const TEXT_FIELDS: readonly TextField[] = ['title', 'content', 'applicableTo', 'process', 'outcome'];

/** A quantified fact found in a record's text, e.g. 约5000万元, 95.09%, 1-2个工作日. */
export interface Quantity {
  /** The figure; for a range (1-2个工作日) its low end. */
  value: number;
  /** High end of a range (1-2个工作日 → 2); absent for a single figure. */
  max?: number;
  /** Unit as printed, without spaces: 万元, 亿元, %, 天, 分钟, 个工作日, 分数 (for 2/3 or 三分之二) … */
  unit: string;
  /** The exact span of the original field text (spaces and 约/近/超 qualifiers as printed are not included unless inside the figure). */
  text: string;
  /** The record field the fact was found in. */
  field: TextField;
  /** Offsets of `text` in the field: field.slice(start, end) === text. */
  start: number;
  end: number;
  /** Money in 元 and durations in 天, so facts compare across units (5000万元 → 5e7 元); `max` for a range's high end. */
  normalized?: { value: number; unit: '元' | '天' | '工作日'; max?: number };
  /**
   * The word printed around the figure that makes it approximate or a bound, as printed: 约, 近, 超, 超过, 逾,
   * 不足, 不到 before it; 以上, 以下, 左右 after it; 余, 多 inside it (1100余家).
   */
  qualifier?: string;
  /** Set on both figures of a change such as 由75天压缩至25天: which side of the change this figure is. */
  change?: 'from' | 'to';
}

/** What an outcome measures, for filtering: durations, money (元), percentages and counts; `other` for measures and rates. */
export type OutcomeKind = 'time' | 'money' | 'percent' | 'count' | 'other';

/** One side (or a step) of a printed change: 75 天, 不足 70%. */
export interface OutcomeAmount {
  value: number;
  unit: string;
  /** High end of a range (1-2 个工作日). */
  max?: number;
  qualifier?: string;
  /** Money in 元, durations in 天 (working days in 工作日), as in {@link Quantity.normalized}. */
  normalized?: Quantity['normalized'];
}

/**
 * A quantified outcome as a reporter cites it: what was measured, which way it moved and by how much.
 * Every figure of a record belongs to exactly one outcome (the two sides of a change and a percentage printed for
 * that change share one).
 */
export interface Outcome {
  /** The measured thing as printed: 办理时限, 综合审批时间, 企业物流成本; '' when the text names none. */
  metric: string;
  /** down / up for a change, none for a level (满意度近100%, 7个工作日). */
  direction: 'down' | 'up' | 'none';
  kind: OutcomeKind;
  /** A single figure (a level, or the size of a change: 节约成本约5000万元 → 5000 万元, down). */
  value?: number;
  max?: number;
  unit?: string;
  normalized?: Quantity['normalized'];
  /** A change's two sides (由75天压缩至25天); `to` alone for 压缩至 7个工作日. */
  from?: OutcomeAmount;
  to?: OutcomeAmount;
  /** Intermediate steps of a printed chain (97 → 26 → 7 个工作日: via 26). */
  via?: OutcomeAmount[];
  /** Signed relative change in percent: 由30天压缩至6天 → −80; 成本降低35% → −35; 提升 50% → 50. */
  percent?: number;
  /** A percentage the text prints for the same change (提速 67%, 压减率达 90.3%), and whether it agrees with `percent`. */
  printedPercent?: number;
  percentCheck?: 'agrees' | 'differs';
  /** 约, 近, 超过, 以上, 余, 不足 …, as printed. */
  qualifier?: string;
  /** The exact span in the field (from the first figure to the last): field.slice(start, end) === text. */
  text: string;
  field: TextField;
  start: number;
  end: number;
  /** The sentence the figure is printed in, and where it starts in the field. */
  sentence: string;
  sentenceStart: number;
}

/** The same reform printed in another document. */
export interface RelatedRef {
  id: string;
  file: string;
}

export interface SourceRef {
  /** Seed file name. */
  file: string;
  /** The document's own title, as printed; for a document that prints none, one made from its own text. */
  title: string;
  /** True when the document prints no title and `title` was made from its first heading and its type. */
  titleDerived?: boolean;
  /** The item's number in that document. */
  no: number;
  /** 1-based line in the file where the item starts. */
  line: number;
}

/** One reform item. */
export interface ReformRecord {
  /** Stable across rebuilds and machines: derived from the document and the item number; URL-safe. */
  id: string;
  title: string;
  /** The document type: 试点经验, 创新成果 or 最佳实践案例 (from the document's title or section heading). */
  category: string;
  /** The section the item sits in, as printed (政府职能转变领域, 改革试点经验), where the document has sections. */
  section?: string;
  /** Policy areas (投资, 贸易, 金融, 政务服务, 监管 …): at least one for every record. */
  policyAreas: string[];
  /** 主要内容 / 实施内容 / a case's introduction. */
  content?: string;
  /** 适用对象. */
  applicableTo?: string;
  /** 办理流程 / 主要做法. */
  process?: string;
  /** 实际效果 / 实践效果. */
  outcome?: string;
  /** 负责单位 / 负责部门, canonical and qualified by province (省市场监管局 → 山东省市场监督管理局). */
  departments: string[];
  /** The units as printed, one entry per unit. */
  printedDepartments: string[];
  /** 推广范围, as printed. */
  scope?: string;
  /** The scope as levels: 全省, 设区市, 开发区, 海关特殊监管区域, 自贸试验区, 自贸试验区片区, 试点地区 … */
  scopeLevels: string[];
  /** Provinces the reform comes from (山东, 辽宁, 广东 …). */
  regions: string[];
  source: SourceRef;
  /** Every figure of the record, in field order. */
  quantities: Quantity[];
  /** The figures understood as outcomes (metric, direction, change), in field order. */
  outcomes: Outcome[];
  related: RelatedRef[];
}

/** A named problem with one input document; the rest of the corpus is indexed all the same. */
export interface ParseWarning {
  file: string;
  message: string;
  line?: number;
}
