/** What a format parser returns: items as printed, before ids, regions, quantities and links are added. */
import type { ReformRecord } from '../schema.js';

export type DocumentFormat = 'table' | 'blocks' | 'markdown' | 'cases';

/** One item as printed: the record's text fields, before ids, regions, quantities and links are added. */
export type ParsedItem = Pick<ReformRecord, 'title' | 'content' | 'applicableTo' | 'process' | 'outcome' | 'departments' | 'scope'> & {
  /** The printed section heading the item sits under (改革试点经验, 政府职能转变领域). */
  sectionName?: string;
  no: number;
  /** 1-based line where the item starts. */
  line: number;
  /** Ordinal of the printed section (一、→ 1), where item numbers restart in each section. */
  section?: number;
  /** Provinces named by the item itself (a case's "中国（X）自由贸易试验区…提供" line). */
  regions?: string[];
};

export interface ParsedDocument {
  format: DocumentFormat;
  /** The document's own title, as printed. */
  title: string;
  items: ParsedItem[];
  /** Problems with parts of the document; the rest is still parsed. */
  warnings: { message: string; line?: number }[];
}
