/**
 * The query mix of the scale benchmark: eight kinds users type, each with a few queries whose words occur in the
 * seeds' sentences (so in every generated corpus). `q` is what our engine is given (its query language);
 * the other fields say the same thing to engines without one (words to match all, words to exclude, a region
 * filter, prefix matching, a facet count).
 */
export type QueryKind = 'one word' | 'two words' | 'phrase' | 'exclusion' | 'facet filter' | 'question' | 'two-character prefix' | 'empty query with facets';

export interface BenchQuery {
  kind: QueryKind;
  /** As typed into our search box. */
  q: string;
  /** Words that must all match (a phrase's text is one entry). */
  all: string[];
  /** Words that must not match. */
  not?: string[];
  /** A region facet filter. */
  region?: string;
  /** Match words by prefix. */
  prefix?: boolean;
  /** Any word may match (a question as typed, ranked by how much matches). */
  any?: boolean;
}

export const QUERY_KINDS: QueryKind[] = ['one word', 'two words', 'phrase', 'exclusion', 'facet filter', 'question', 'two-character prefix', 'empty query with facets'];

export const BENCH_QUERIES: BenchQuery[] = [
  ...['退税', '海关', '知识产权', '区块链', '冷链', '融资'].map((w) => ({ kind: 'one word' as const, q: w, all: [w] })),
  ...[['跨境电商', '退货'], ['知识产权', '质押'], ['海关', '监管'], ['企业', '登记'], ['船舶', '登记']].map((ws) => ({ kind: 'two words' as const, q: ws.join(' '), all: ws })),
  ...['一网通办', '告知承诺制', '综合保税区', '不动产登记'].map((p) => ({ kind: 'phrase' as const, q: `"${p}"`, all: [p] })),
  ...[['退税', '出口'], ['海关', '跨境'], ['融资', '银行']].map(([w, x]) => ({ kind: 'exclusion' as const, q: `${w} -${x}`, all: [w], not: [x] })),
  ...[['海关', '辽宁'], ['融资', '山东'], ['审批', '广东']].map(([w, region]) => ({ kind: 'facet filter' as const, q: w, all: [w], region })),
  ...['如何缩短工程建设项目审批时间', '怎样办理跨境电商退货', '企业如何申请知识产权质押融资'].map((q) => ({ kind: 'question' as const, q, all: [q], any: true })),
  ...['跨境', '知识', '审批', '通关'].map((p) => ({ kind: 'two-character prefix' as const, q: p, all: [p], prefix: true })),
  { kind: 'empty query with facets', q: '', all: [] },
  { kind: 'empty query with facets', q: '', all: [], region: '湖南' },
];
