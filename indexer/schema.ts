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
  normalized?: { value: number; unit: '元' | '天'; max?: number };
  /**
   * The word printed around the figure that makes it approximate or a bound, as printed: 约, 近, 超, 超过, 逾,
   * 不足, 不到 before it; 以上, 以下, 左右 after it; 余, 多 inside it (1100余家).
   */
  qualifier?: string;
  /** Set on both figures of a change such as 由75天压缩至25天: which side of the change this figure is. */
  change?: 'from' | 'to';
}

/** The same reform printed in another document. */
export interface RelatedRef {
  id: string;
  file: string;
}

export interface SourceRef {
  /** Seed file name. */
  file: string;
  /** The document's own title, as printed. */
  title: string;
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
  /** The section the item sits in, where the document has sections. */
  category?: string;
  /** 主要内容 / 实施内容 / a case's introduction. */
  content?: string;
  /** 适用对象. */
  applicableTo?: string;
  /** 办理流程 / 主要做法. */
  process?: string;
  /** 实际效果 / 实践效果. */
  outcome?: string;
  /** 负责单位 / 负责部门, one entry per unit. */
  departments: string[];
  /** 推广范围, as printed. */
  scope?: string;
  /** Provinces the reform comes from (山东, 辽宁, 广东 …). */
  regions: string[];
  source: SourceRef;
  quantities: Quantity[];
  related: RelatedRef[];
}

/** A named problem with one input document; the rest of the corpus is indexed all the same. */
export interface ParseWarning {
  file: string;
  message: string;
  line?: number;
}
