import { beforeAll, describe, expect, it } from 'vitest';
import type { ReformRecord } from '../indexer/schema.js';
import { SearchService } from '../search/service.js';
import { DICT } from './helpers.js';
import { buildInSharedProcess } from './shared-build.js';
import { seedCorpus } from './seed-corpus.js';

// The seeds spell no percentage in Chinese: two seed records are given one each (the rest of the corpus as it is).
let service: SearchService;
let longer: ReformRecord;
let exact: ReformRecord;
beforeAll(async () => {
  const corpus = seedCorpus();
  const clean = corpus.records.filter((r) => !/30|三十/.test(`${r.title}${r.content}${r.outcome ?? ''}`));
  longer = { ...clean[0], content: `${clean[0].content}改革后办事满意度提高百分之三十五。` };
  exact = { ...clean[1], content: `${clean[1].content}改革后办事满意度提高百分之三十。` };
  const records = corpus.records.map((r) => (r.id === longer.id ? longer : r.id === exact.id ? exact : r));
  const { body } = await buildInSharedProcess({ seedsDir: '', dictDir: DICT, corpus: { ...corpus, records }, indexWorker: false });
  service = new SearchService(body);
}, 180_000);

describe('a percentage typed as 30% finds 百分之三十 printed whole, never inside a different value (百分之三十五)', () => {
  for (const q of ['30%', '百分之三十']) {
    it(`${q}: the record printing 百分之三十 is found, the one printing 百分之三十五 is not`, () => {
      const ids = service.search({ q, size: 100, collapse: false }).hits.map((h) => h.id);
      expect(ids).toContain(exact.id);
      expect(ids).not.toContain(longer.id);
    });
  }
  it('百分之三十五 itself is still found', () => {
    const ids = service.search({ q: '百分之三十五', size: 100, collapse: false }).hits.map((h) => h.id);
    expect(ids).toContain(longer.id);
  });
});
