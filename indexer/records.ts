/** Parsed documents → ReformRecords: stable ids, regions, quantities and links between copies of a reform. */
import { createHash } from 'node:crypto';
import { extractQuantities } from './quantities.js';
import { documentRegion } from './regions.js';
import { linkRelated } from './related.js';
import { TEXT_FIELDS, type ReformRecord } from './schema.js';
import type { ParsedDocument } from './parse/index.js';

export interface DocumentInput {
  file: string;
  doc: ParsedDocument;
}

/**
 * A document's key for ids: a short hash of its own title, so ids survive rebuilds, machines and renames of the
 * file. Two documents with the same title (a re-encoded copy) are told apart by their file names.
 */
function documentKeys(inputs: DocumentInput[]): Map<DocumentInput, string> {
  const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);
  const byTitle = new Map<string, DocumentInput[]>();
  for (const input of inputs) {
    const t = input.doc.title || input.file;
    byTitle.set(t, [...(byTitle.get(t) ?? []), input]);
  }
  const keys = new Map<DocumentInput, string>();
  for (const [title, group] of byTitle) {
    for (const input of group) keys.set(input, group.length === 1 ? hash(title) : hash(`${title}\u0000${input.file}`));
  }
  return keys;
}

export function buildRecords(inputs: DocumentInput[]): ReformRecord[] {
  const keys = documentKeys(inputs);
  const records: ReformRecord[] = [];
  for (const input of inputs) {
    const { doc, file } = input;
    const body = doc.items.map((it) => [it.title, it.content, it.process, it.outcome, it.applicableTo, ...it.departments, it.scope].join(' ')).join('\n');
    const docRegion = documentRegion(doc.title, body);
    const docTitle = doc.title || file.replace(/\.[^.]+$/, '');
    for (const it of doc.items) {
      const record: ReformRecord = {
        // Item numbers restart in each section of some tables (一、1…25, 二、1…26): the printed section is part of the id.
        id: it.section !== undefined ? `${keys.get(input)}-${it.section}-${it.no}` : `${keys.get(input)}-${it.no}`,
        title: it.title,
        ...(it.category ? { category: it.category } : {}),
        ...(it.content ? { content: it.content } : {}),
        ...(it.applicableTo ? { applicableTo: it.applicableTo } : {}),
        ...(it.process ? { process: it.process } : {}),
        ...(it.outcome ? { outcome: it.outcome } : {}),
        departments: it.departments,
        ...(it.scope ? { scope: it.scope } : {}),
        regions: it.regions?.length ? it.regions : docRegion ? [docRegion] : [],
        source: { file, title: docTitle, no: it.no, line: it.line },
        quantities: [],
        related: [],
      };
      for (const f of TEXT_FIELDS) {
        const text = record[f];
        if (text) record.quantities.push(...extractQuantities(text, f));
      }
      records.push(record);
    }
  }
  linkRelated(records);
  return records;
}
