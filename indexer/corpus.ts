/** I/O edge of the indexer: read a folder of documents into records, with a named warning for each file that fails. */
import { createHash } from 'node:crypto';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
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
  /**
   * Copy links still to be computed (records input read with `deferLinks`): buildSnapshot links them itself, while
   * the vocabulary is counted in a child process.
   */
  linksPending?: boolean;
}

/** Progress lines for long runs ("parsed 120/400 files, 38 MB"); the CLI prints them to stderr. */
export type Progress = (message: string) => void;

/** Inputs at least this large (in bytes, all files together) report progress per file. */
export const PROGRESS_BYTES = 8 * 1024 * 1024;

/** Parse in-memory documents (file name → bytes). Pure apart from hashing: the tests and the CLI share it. */
export function parseCorpus(documents: { file: string; bytes: Uint8Array }[], progress?: Progress): Corpus {
  const totalBytes = documents.reduce((n, d) => n + d.bytes.length, 0);
  const report = progress && totalBytes >= PROGRESS_BYTES ? progress : undefined;
  let doneBytes = 0;
  let done = 0;
  const warnings: ParseWarning[] = [];
  const files: SourceFileInfo[] = [];
  const inputs: DocumentInput[] = [];
  for (const { file, bytes } of [...documents].sort((a, b) => a.file.localeCompare(b.file))) {
    const info: SourceFileInfo = { file, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, records: 0 };
    files.push(info);
    report?.(`parsing ${++done}/${documents.length}: ${file} (${mb(bytes.length)} MB; ${mb(doneBytes)} of ${mb(totalBytes)} MB done)`);
    doneBytes += bytes.length;
    let text: string;
    try {
      const decoded = decodeDocument(bytes);
      text = decoded.text;
      info.encoding = decoded.encoding;
      // A few bad bytes cost those characters, not the document: each damaged line is named.
      for (const d of decoded.damaged) {
        warnings.push({ file, line: d.line, message: `${d.count} undecodable byte sequence(s) as ${decoded.encoding}, replaced with U+FFFD; the rest of the line is kept` });
      }
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

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

/**
 * Read every file of a folder (not recursive) and parse it. Symbolic links to files are followed; every entry not
 * read is named in a warning with why (a folder, a broken link, a link loop, a hidden file, not a regular file).
 */
export async function loadCorpus(dir: string, progress?: Progress): Promise<Corpus> {
  const entries = await readdir(dir, { withFileTypes: true });
  const documents: { file: string; bytes: Uint8Array }[] = [];
  const warnings: ParseWarning[] = [];
  const skip = (file: string, why: string) => warnings.push({ file, message: `skipped: ${why}` });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.name.startsWith('.')) {
      skip(e.name, 'hidden file (name starts with a dot)');
      continue;
    }
    if (e.isSymbolicLink()) {
      let target;
      try {
        target = await stat(path); // follows the link
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        skip(e.name, code === 'ELOOP' ? 'symbolic link loop' : code === 'ENOENT' ? 'broken symbolic link (its target does not exist)' : `symbolic link not readable (${code ?? 'error'})`);
        continue;
      }
      if (!target.isFile()) {
        skip(e.name, target.isDirectory() ? 'symbolic link to a folder (folders are not read)' : 'symbolic link to something that is not a regular file');
        continue;
      }
      progress?.(`following symbolic link ${e.name} → ${await realpath(path).then((p) => p.split(/[\\/]/).pop(), () => '?')}`);
    } else if (e.isDirectory()) {
      skip(e.name, 'a folder (folders are not read; put documents directly in the folder)');
      continue;
    } else if (!e.isFile()) {
      skip(e.name, 'not a regular file');
      continue;
    }
    try {
      documents.push({ file: e.name, bytes: await readFile(path) });
    } catch (err) {
      // The error code, not the message: messages carry the server's absolute path.
      warnings.push({ file: e.name, message: `unreadable: ${(err as NodeJS.ErrnoException).code ?? 'read error'}` });
    }
  }
  const corpus = parseCorpus(documents, progress);
  corpus.warnings.unshift(...warnings);
  return corpus;
}
