/**
 * Naive "more like this" baselines for the similar-reform benchmark, each given a record's whole text as the query:
 *  - MiniSearch + plain jieba (jieba.cut(text, true), punctuation dropped; BM25, OR, title boosted 2×) — what lunr's
 *    more-like-this amounts to;
 *  - Orama with its Mandarin tokenizer (BM25 over its own segmentation), when it loads.
 * Runs in a process of its own (jieba keeps the first dictionary it loads). Prints JSON: { name: { sourceId: ids } }.
 *
 *   npx tsx bench/similar-baseline.ts SNAPSHOT
 */
import { readFileSync } from 'node:fs';
import type { ReformRecord } from '../indexer/schema.js';
import { parseSnapshot } from '../snapshot/file.js';
import { buildBaseline } from './baseline.js';
import { loadJudged } from './similar-eval.js';

const LIST = 40;

function recordText(r: ReformRecord): string {
  return [r.title, r.content, r.applicableTo, r.process, r.outcome].filter(Boolean).join('\n');
}

async function orama(records: ReformRecord[], sources: ReformRecord[]): Promise<Record<string, string[]> | undefined> {
  try {
    const { create, insertMultiple, search } = await import('@orama/orama');
    const { createTokenizer } = await import('@orama/tokenizers/mandarin');
    const db = create({ schema: { rid: 'string', title: 'string', body: 'string' } as const, components: { tokenizer: await createTokenizer() } });
    await insertMultiple(db, records.map((r) => ({ rid: r.id, title: r.title, body: recordText(r) })));
    const out: Record<string, string[]> = {};
    for (const s of sources) {
      // Orama caps a term list; the title and the opening of the text stand for the record.
      const res = await search(db, { term: recordText(s).slice(0, 600), properties: ['title', 'body'], boost: { title: 2 }, limit: LIST, threshold: 1 });
      out[s.id] = res.hits.map((h) => (h.document as { rid: string }).rid).filter((id) => id !== s.id);
    }
    return out;
  } catch (e) {
    console.error(`orama baseline unavailable: ${(e as Error).message}`);
    return undefined;
  }
}

async function main() {
  const body = parseSnapshot(new Uint8Array(readFileSync(process.argv[2])));
  const byId = new Map(body.records.map((r) => [r.id, r]));
  const sources = loadJudged().map((s) => byId.get(s.id)).filter((r): r is ReformRecord => r !== undefined);
  const mlt = buildBaseline(body.records);
  const minisearch: Record<string, string[]> = {};
  for (const s of sources) minisearch[s.id] = mlt(recordText(s), LIST + 1).filter((id) => id !== s.id);
  const result: Record<string, Record<string, string[]>> = { minisearch };
  const o = await orama(body.records, sources);
  if (o) result.orama = o;
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
