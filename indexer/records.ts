/**
 * Parsed documents → ReformRecords: stable ids, document titles and types, regions, canonical departments, scope
 * levels, policy areas, quantities and outcomes, and links between copies of a reform.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extractOutcomes } from '../analysis/outcomes.js';
import { scanChanges } from '../analysis/quantities.js';
import { derivedTitle, documentType, policyAreas, scopeLevels } from './classify.js';
import { canonicalDepartment, parseDepartmentAliases, type DepartmentAliases } from './departments.js';
import { documentRegion } from './regions.js';
import { linkRelated } from './related.js';
import { TEXT_FIELDS, type ReformRecord } from './schema.js';
import type { ParsedDocument } from './parse/index.js';

export interface DocumentInput {
  file: string;
  doc: ParsedDocument;
}

export interface RecordOptions {
  /** Printed unit name → full name (dict/departments.txt); read from the repository's dict/ when absent. */
  departmentAliases?: DepartmentAliases;
}

let defaultAliases: DepartmentAliases | undefined;
/** The alias table shipped in dict/departments.txt; empty when the file is missing (names stay as printed). */
export function defaultDepartmentAliases(): DepartmentAliases {
  if (!defaultAliases) {
    try {
      defaultAliases = parseDepartmentAliases(readFileSync(new URL('../dict/departments.txt', import.meta.url), 'utf8'));
    } catch {
      defaultAliases = new Map();
    }
  }
  return defaultAliases;
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

/** A document's title: as printed, or made from its type and first item when it prints none (never the file name). */
function titleOf(doc: ParsedDocument): { title: string; derived: boolean } {
  if (doc.title) return { title: doc.title, derived: false };
  const type = documentType('', doc.items[0]?.sectionName, doc.format);
  return { title: derivedTitle(type, doc.items[0]?.title), derived: true };
}

/**
 * A document's key for ids: a short hash of its title, so ids survive rebuilds, machines and renames of the file.
 * Two documents with the same title are told apart by a hash of their items' text (still not the file name);
 * byte-identical copies get an ordinal in the order of their content, which no rename changes either.
 */
function documentKeys(inputs: DocumentInput[]): Map<DocumentInput, string> {
  const byTitle = new Map<string, DocumentInput[]>();
  for (const input of inputs) {
    const t = titleOf(input.doc).title;
    byTitle.set(t, [...(byTitle.get(t) ?? []), input]);
  }
  const keys = new Map<DocumentInput, string>();
  for (const [title, group] of byTitle) {
    if (group.length === 1) {
      keys.set(group[0], hash(title));
      continue;
    }
    const seen = new Map<string, number>();
    const withContent = group.map((input) => ({ input, content: hash(title + '\u0000' + input.doc.items.map((it) => [it.title, it.content, it.process, it.outcome].join('\u0001')).join('\u0002')) }));
    for (const { input, content } of withContent) {
      const n = (seen.get(content) ?? 0) + 1;
      seen.set(content, n);
      keys.set(input, n === 1 ? content : hash(`${content}\u0000${n}`));
    }
  }
  return keys;
}

export function buildRecords(inputs: DocumentInput[], options: RecordOptions = {}): ReformRecord[] {
  const aliases = options.departmentAliases ?? defaultDepartmentAliases();
  const keys = documentKeys(inputs);
  const records: ReformRecord[] = [];
  for (const input of inputs) {
    const { doc, file } = input;
    const body = doc.items.map((it) => [it.title, it.content, it.process, it.outcome, it.applicableTo, ...it.departments, it.scope].join(' ')).join('\n');
    const { title: docTitle, derived } = titleOf(doc);
    const docRegion = documentRegion(doc.title, body);
    for (const it of doc.items) {
      const regions = it.regions?.length ? it.regions : docRegion ? [docRegion] : [];
      const province = regions.length === 1 ? regions[0] : docRegion;
      const departments = [...new Set(it.departments.map((d) => canonicalDepartment(d, province, aliases)))];
      const record: ReformRecord = {
        // Item numbers restart in each section of some tables (一、1…25, 二、1…26): the printed section is part of the id.
        id: it.section !== undefined ? `${keys.get(input)}-${it.section}-${it.no}` : `${keys.get(input)}-${it.no}`,
        title: it.title,
        category: documentType(doc.title, it.sectionName, doc.format),
        ...(it.sectionName ? { section: it.sectionName } : {}),
        policyAreas: [],
        ...(it.content ? { content: it.content } : {}),
        ...(it.applicableTo ? { applicableTo: it.applicableTo } : {}),
        ...(it.process ? { process: it.process } : {}),
        ...(it.outcome ? { outcome: it.outcome } : {}),
        departments,
        printedDepartments: it.departments,
        ...(it.scope ? { scope: it.scope } : {}),
        scopeLevels: scopeLevels(it.scope),
        regions,
        source: { file, title: docTitle, ...(derived ? { titleDerived: true } : {}), no: it.no, line: it.line },
        quantities: [],
        outcomes: [],
        related: [],
      };
      record.policyAreas = policyAreas(record);
      for (const f of TEXT_FIELDS) {
        const text = record[f];
        if (!text) continue;
        const scanned = scanChanges(text, f);
        record.quantities.push(...scanned.quantities);
        record.outcomes.push(...extractOutcomes(text, f, scanned));
      }
      records.push(record);
    }
  }
  linkRelated(records);
  return records;
}
