/**
 * The snapshot: everything a server needs to answer queries with no seeds, no jieba and no network — the
 * records, the inverted index, and all query-analysis data (vocabulary, dictionaries, character table).
 * On disk it is one header line (format, version, sha256 of the body) followed by the JSON body, so a damaged
 * or truncated file is refused before anything is loaded.
 */
import type { MinedForms } from '../analysis/forms.js';
import { createHash } from 'node:crypto';
import type { ParseWarning, ReformRecord } from '../indexer/schema.js';

export const SNAPSHOT_FORMAT = 'ftz-search-snapshot';
export const SNAPSHOT_VERSION = 1;

export interface SourceFile {
  file: string;
  sha256: string;
  bytes: number;
  encoding?: string;
  format?: string;
  title?: string;
  records: number;
}

export interface SnapshotBody {
  builtAt: string;
  sources: SourceFile[];
  warnings: ParseWarning[];
  dictionary: {
    /** sha256 of the three dictionary files' contents, so a stats page can tell which version built the index. */
    version: string;
    userWords: string[];
    synonyms: string[][];
    stopwords: string[];
  };
  analysis: {
    /** Traditional → simplified, character to character. */
    t2s: Record<string, string>;
    /** Words jieba produced over the corpus (plus dictionary words), with counts: the query segmenter's dictionary. */
    vocabulary: [string, number][];
    /** Long and short forms mined from the corpus (analysis/forms.ts); absent in snapshots built before them. */
    forms?: MinedForms;
  };
  records: ReformRecord[];
  /** MiniSearch's own serialisation of the inverted index. */
  index: unknown;
}

export interface SnapshotHeader {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  sha256: string;
  records: number;
}

export class SnapshotError extends Error {}

export function serializeSnapshot(body: SnapshotBody): string {
  const json = JSON.stringify(body);
  const header: SnapshotHeader = { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, sha256: sha256(json), records: body.records.length };
  return `${JSON.stringify(header)}\n${json}`;
}

/** Parse and verify a snapshot; throws SnapshotError (never returns a partial body) when anything is off. */
export function parseSnapshot(text: string): SnapshotBody {
  const nl = text.indexOf('\n');
  if (nl < 0) throw new SnapshotError('not a snapshot: no header line');
  let header: SnapshotHeader;
  try {
    header = JSON.parse(text.slice(0, nl));
  } catch {
    throw new SnapshotError('not a snapshot: header is not JSON');
  }
  if (header.format !== SNAPSHOT_FORMAT) throw new SnapshotError(`not a snapshot: format is ${JSON.stringify(header.format)}`);
  if (header.version !== SNAPSHOT_VERSION) throw new SnapshotError(`unsupported snapshot version ${header.version} (this server reads ${SNAPSHOT_VERSION})`);
  const json = text.slice(nl + 1);
  const actual = sha256(json);
  if (actual !== header.sha256) throw new SnapshotError(`damaged snapshot: checksum ${actual.slice(0, 12)}… does not match ${String(header.sha256).slice(0, 12)}…`);
  let body: SnapshotBody;
  try {
    body = JSON.parse(json);
  } catch {
    throw new SnapshotError('damaged snapshot: body is not JSON');
  }
  if (!Array.isArray(body.records) || body.records.length !== header.records || !body.index || !body.analysis?.vocabulary) {
    throw new SnapshotError('damaged snapshot: missing records, index or analysis data');
  }
  return body;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
