/** What a format parser returns: items as printed, before ids, regions, quantities and links are added. */

export type DocumentFormat = 'table' | 'blocks' | 'markdown' | 'cases';

export interface ParsedItem {
  no: number;
  /** 1-based line where the item starts. */
  line: number;
  title: string;
  category?: string;
  /** Ordinal of the printed section (一、→ 1), where item numbers restart in each section. */
  section?: number;
  content?: string;
  applicableTo?: string;
  process?: string;
  outcome?: string;
  departments: string[];
  scope?: string;
  /** Provinces named by the item itself (a case's "中国（X）自由贸易试验区…提供" line). */
  regions?: string[];
}

export interface ParsedDocument {
  format: DocumentFormat;
  /** The document's own title, as printed. */
  title: string;
  items: ParsedItem[];
  /** Problems with parts of the document; the rest is still parsed. */
  warnings: { message: string; line?: number }[];
}
