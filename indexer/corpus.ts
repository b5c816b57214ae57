/** I/O edge of the indexer: read a folder of documents into records, with a named warning for each file that fails. */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeDocument, DecodeError } from './decode.js';
import { parseDocumentText, type DocumentFormat } from './parse/index.js';
import { buildRecords, type DocumentInput } from './records.js';
import type { ParseWarning, ReformRecord } from './schema.js';

export interface SourceFileInfo {
  file: string;
  sha256: string;
  bytes: number;
  encoding?: string;
  format?: DocumentFormat;
  title?: string;
  records: number;
}

export interface Corpus {
  records: ReformRecord[];
  files: SourceFileInfo[];
  warnings: ParseWarning[];
}

/** Parse in-memory documents (file name → bytes). Pure apart from hashing: the tests and the CLI share it. */
export function parseCorpus(documents: { file: string; bytes: Uint8Array }[]): Corpus {
  const warnings: ParseWarning[] = [];
  const files: SourceFileInfo[] = [];
  const inputs: DocumentInput[] = [];
  for (const { file, bytes } of [...documents].sort((a, b) => a.file.localeCompare(b.file))) {
    const info: SourceFileInfo = { file, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, records: 0 };
    files.push(info);
    let text: string;
    try {
      const decoded = decodeDocument(bytes);
      text = decoded.text;
      info.encoding = decoded.encoding;
    } catch (e) {
      warnings.push({ file, message: `unreadable: ${e instanceof DecodeError ? e.message : String(e)}` });
      continue;
    }
    const doc = parseDocumentText(text);
    if (!doc) {
      warnings.push({ file, message: 'not recognised: no task table, tab-indented table, markdown item list or case write-up found' });
      continue;
    }
    info.format = doc.format;
    info.title = doc.title;
    for (const w of doc.warnings) warnings.push({ file, ...w });
    if (!doc.items.length) {
      warnings.push({ file, message: `recognised as ${doc.format} but no items found` });
      continue;
    }
    info.records = doc.items.length;
    inputs.push({ file, doc });
  }
  return { records: buildRecords(inputs), files, warnings };
}

/** Read every regular file of a folder (non-recursive) and parse it. */
export async function loadCorpus(dir: string): Promise<Corpus> {
  const entries = await readdir(dir, { withFileTypes: true });
  const documents: { file: string; bytes: Uint8Array }[] = [];
  const warnings: ParseWarning[] = [];
  for (const e of entries) {
    if (!e.isFile() || e.name.startsWith('.')) continue;
    try {
      documents.push({ file: e.name, bytes: await readFile(join(dir, e.name)) });
    } catch (err) {
      warnings.push({ file: e.name, message: `unreadable: ${(err as Error).message}` });
    }
  }
  const corpus = parseCorpus(documents);
  corpus.warnings.unshift(...warnings);
  return corpus;
}
