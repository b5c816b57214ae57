/**
 * The similar-reform ranking as it was before issue 14 (frozen copy of search/similar.ts at 6e92c35), kept only as
 * the "before" row of the similar-reform benchmark: tf-idf cosine over segmented words with a hand list of generic
 * words, copies marked but listed. It re-segments every record when built.
 */
import type { ReformRecord } from '../indexer/schema.js';
import type { QueryAnalyzer } from '../search/analyzer.js';

/** How much each field's words count when comparing reforms. */
export const SIMILAR_FIELD_WEIGHTS = { title: 3, content: 1, outcome: 1.2, process: 0.8, applicableTo: 0.5 } as const;

/**
 * Generic words of policy prose that say nothing about what a reform does (一是, 予以, 推动 …). They stay searchable;
 * they only do not count as shared key terms.
 */
export const GENERIC_WORDS = new Set(
  ('一是 二是 三是 四是 五是 予以 中的 作为 进行 实现 通过 支持 提升 推动 助力 有效 实施 开展 建立 相关 工作 方面 情况 水平 提供 '
    + '进一步 不断 全面 积极 加强 推进 加快 促进 创新 改革 模式 新模式 机制 服务 管理 企业 部门 办理 完成 采取 形成 具有 主要 '
    + '以上 以下 其中 同时 目前 此外 以及 并且 对于 根据 按照 由于 为了 可以 需要 已经 共计 累计 同比 分别 有关 各类 一批 ').split(/\s+/).filter(Boolean),
);

export interface SimilarHit {
  index: number;
  score: number;
  sameReform: boolean;
  /** Shared key terms, most important first. */
  because: string[];
}

type Vector = Map<string, number>;

export class SimilarityIndex {
  private readonly vectors: Vector[];

  constructor(private readonly records: ReformRecord[], analyzer: QueryAnalyzer, stopwords: Iterable<string>) {
    const stop = new Set(stopwords);
    const tfs: Map<string, number>[] = records.map((r) => {
      const tf = new Map<string, number>();
      for (const [field, weight] of Object.entries(SIMILAR_FIELD_WEIGHTS)) {
        const text = r[field as keyof typeof SIMILAR_FIELD_WEIGHTS];
        if (!text) continue;
        for (const p of analyzer.segment(text)) {
          // Content words only: no stop words, single characters or bare numbers.
          if (p.kind !== 'word' || p.text.length < 2 || stop.has(p.text) || GENERIC_WORDS.has(p.text)) continue;
          tf.set(p.text, (tf.get(p.text) ?? 0) + weight);
        }
      }
      return tf;
    });
    const df = new Map<string, number>();
    for (const tf of tfs) for (const w of tf.keys()) df.set(w, (df.get(w) ?? 0) + 1);
    const n = records.length;
    this.vectors = tfs.map((tf) => {
      const v: Vector = new Map();
      let norm = 0;
      for (const [w, t] of tf) {
        const d = df.get(w)!;
        if (d > n * 0.3) continue; // words in a third of all reforms (企业, 服务) say nothing about what a reform does
        const x = (1 + Math.log(t)) * Math.log(n / d);
        v.set(w, x);
        norm += x * x;
      }
      norm = Math.sqrt(norm) || 1;
      for (const [w, x] of v) v.set(w, x / norm);
      return v;
    });
  }

  /** The `size` most similar other reforms, plus every copy of this reform (marked sameReform). */
  similar(index: number, size: number): SimilarHit[] {
    const me = this.vectors[index];
    const copies = new Set(this.records[index].related.map((r) => r.id));
    const scored: SimilarHit[] = [];
    this.vectors.forEach((v, j) => {
      if (j === index) return;
      let s = 0;
      const shared: [string, number][] = [];
      for (const [w, x] of me) {
        const y = v.get(w);
        if (y !== undefined) {
          s += x * y;
          shared.push([w, x * y]);
        }
      }
      if (s <= 0) return;
      shared.sort((a, b) => b[1] - a[1]);
      scored.push({ index: j, score: Math.round(s * 1000) / 1000, sameReform: copies.has(this.records[j].id), because: shared.slice(0, 5).map(([w]) => w) });
    });
    scored.sort((a, b) => b.score - a.score || a.index - b.index);
    const same = scored.filter((h) => h.sameReform);
    const others = scored.filter((h) => !h.sameReform).slice(0, size);
    return [...same, ...others];
  }
}
