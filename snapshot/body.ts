/**
 * What a snapshot holds: everything a server needs to answer queries with no seeds, no jieba and no network — the
 * records, the inverted index, and all query-analysis data (vocabulary, dictionaries, character table). The body is
 * a plain object; typed arrays anywhere in it are stored as binary sections by the container (container.ts).
 */
import type { SortedCharMap } from '../analysis/char-map.js';
import type { MinedForms } from '../analysis/forms.js';
import type { ParseWarning, ReformRecord } from '../indexer/schema.js';
import type { SimilarData } from '../indexer/similar-data.js';

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
  /** Build time. Kept in the file's header only, so two builds of the same inputs have byte-identical payloads. */
  builtAt: string;
  sources: SourceFile[];
  warnings: ParseWarning[];
  dictionary: {
    /** sha256 of the three dictionary files' contents (and ideas.txt's when present), so a stats page can tell which version built the index. */
    version: string;
    /** sha256 of the synonyms file alone. */
    synonymsVersion?: string;
    userWords: string[];
    synonyms: string[][];
    /** Broader terms with their narrower terms (synonyms.txt's `>` lines); absent in snapshots built before them. */
    narrower?: [string, string[]][];
    stopwords: string[];
    /** Reform mechanisms (dict/ideas.txt: class name, its terms), read by the similar lists only; absent in
     *  snapshots built before them. */
    ideas?: [string, string[]][];
  };
  analysis: {
    /** Traditional → simplified, character to character, as its sorted columns (analysis/char-map.ts); the unpacked
     *  layout writes it as a plain object, turned back into the columns as it is read (snapshot/tables.ts). */
    t2s: SortedCharMap;
    /** Words jieba produced over the corpus (plus dictionary words), with counts: the query segmenter's dictionary. */
    vocabulary: [string, number][];
    /** Long and short forms mined from the corpus (analysis/forms.ts); absent in snapshots built before them. */
    forms?: MinedForms;
  };
  records: ReformRecord[];
  /** The engine's inverted index: its own structure (typed arrays are stored as binary sections). */
  index: unknown;
  /** Similar-reform lists computed at build time (typed arrays; search/similar.ts). */
  similar?: SimilarData;
}
