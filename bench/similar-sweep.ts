/**
 * A joint sweep of two similar-reform weights on the DEV half of the judged set only (the test half is never scored
 * here): the title's words around a quoted slogan (`titleObjectWeight`) against the process steps' field weight.
 * `npx tsx bench/similar-sweep.ts` prints dev nDCG@10 for scope all and for other-regions (judgements limited to
 * other provinces) for every pair, on the lists as served (an entry sharing no printed term with its source dropped);
 * the shipped pair is marked. Not part of `npm run bench`: it is how the defaults
 * in indexer/similar.ts were chosen, kept so the choice can be re-made.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSimilar, DEFAULT_SIMILAR_OPTIONS } from '../indexer/similar.js';
import { namingWordTest } from '../indexer/general-words.js';
import { checkJudged, evaluateSimilar, loadJudged, otherRegionsJudged } from './similar-eval.js';
import { Normalizer } from '../analysis/normalize.js';
import { servedRanker } from './similar.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const objects = [0.5, 0.6, 0.75, 0.9, 1];
const processes = [1, 1.25, 1.5, 1.75, 2];

async function main() {
  const { buildSnapshot } = await import('../indexer/build.js');
  const { body } = await buildSnapshot({ seedsDir: join(root, 'seeds'), dictDir: join(root, 'dict') });
  const judged = loadJudged();
  checkJudged(judged, body.records);
  const dev = judged.filter((s) => s.half === 'dev');
  const devOther = otherRegionsJudged(dev, body.records);
  const naming = namingWordTest(body.analysis.vocabulary.map(([w]) => w));
  // Lists scored as served (bench/similar-dev.ts and bench/similar.ts score so): entries sharing no printed term dropped.
  const normalizer = new Normalizer(body.analysis.t2s);
  const plain = (text: string) => normalizer.plain(text);
  const d = DEFAULT_SIMILAR_OPTIONS;
  console.log(`dev nDCG@10, scope all / other-regions (${dev.length} / ${devOther.length} dev sources); rows titleObjectWeight, columns process weight; * shipped`);
  console.log(`| titleObjectWeight | ${processes.map((p) => `process ${p}`).join(' | ')} |`);
  console.log(`|---|${processes.map(() => '---').join('|')}|`);
  for (const t of objects) {
    const cells = processes.map((p) => {
      const data = buildSimilar(body, { titleObjectWeight: t, fieldWeights: { ...d.fieldWeights, process: p } }, { naming });
      const all = evaluateSimilar(dev, body.records, servedRanker(body, data, plain)).dev.ndcg;
      const other = evaluateSimilar(devOther, body.records, servedRanker(body, data, plain, 'other-regions')).dev.ndcg;
      const shipped = t === d.titleObjectWeight && p === d.fieldWeights.process ? '*' : '';
      return `${shipped}${all.toFixed(3)} / ${other.toFixed(3)}`;
    });
    console.log(`| ${t} | ${cells.join(' | ')} |`);
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
