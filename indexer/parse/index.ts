/** Recognise a document's layout by its structure (never by file name) and parse it with the matching parser. */
import { looksLikeBlocks, parseBlocks } from './blocks.js';
import { looksLikeCases, parseCases } from './cases.js';
import { looksLikeMarkdown, parseMarkdown } from './markdown.js';
import { looksLikeTable, parseTable } from './table.js';
import type { ParsedDocument } from './types.js';

export type { ParsedDocument, ParsedItem, DocumentFormat } from './types.js';

const FORMATS = [
  { test: looksLikeTable, parse: parseTable },
  { test: looksLikeBlocks, parse: parseBlocks },
  { test: looksLikeMarkdown, parse: parseMarkdown },
  { test: looksLikeCases, parse: parseCases },
];

/** Parse LF-normalised text; undefined when no known layout fits. */
export function parseDocumentText(text: string): ParsedDocument | undefined {
  const lines = text.split('\n');
  for (const f of FORMATS) if (f.test(lines)) return f.parse(lines);
  return undefined;
}
