/**
 * The search view: filters beside ranked results. Every change is a navigation (pushState), so the URL always
 * says what is on screen. Old results stay (dimmed) while the next page loads.
 */
import { useEffect, useRef } from 'preact/hooks';
import { search, getJson, type FacetName, type SearchResponse } from '../api';
import { navigate } from '../nav';
import { partialNote } from '../partial-note';
import type { SearchSort, SearchState } from '../route';
import { useRequest } from '../useRequest';
import { Chips, Facets, FACET_LABELS } from './Facets';
import { ErrorBox } from './ErrorBox';
import { HitItem } from './HitItem';
import { Pager } from './Pager';

export const PAGE_SIZE = 10;
const SORT_LABELS: Record<SearchSort, string> = { relevance: '相关度', source: '原文顺序', quantity: '成效金额' };

export function SearchView({ state }: { state: SearchState }) {
  const key = JSON.stringify(state);
  const req = useRequest<SearchResponse>(key, (signal) => search(state, PAGE_SIZE, signal));
  const labels = useRef<Record<string, string>>({});
  const data = req.data;
  if (data) for (const vs of Object.values(data.facets)) for (const v of vs ?? []) if (v.label) labels.current[v.value] = v.label;

  const go = (next: Partial<SearchState>) => navigate({ view: 'search', search: { ...state, page: 1, ...next } });
  const toggle = (f: FacetName, v: string) => {
    const cur = state.filters[f] ?? [];
    const vs = cur.includes(v) ? cur.filter((x) => x !== v) : [...cur, v];
    go({ filters: { ...state.filters, [f]: vs.length ? vs : undefined } });
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  const fresh = data && !req.loading;

  // A page past the end (a stale link, page=999) shows the last page instead of nothing.
  useEffect(() => {
    if (fresh && state.page > pages) navigate({ view: 'search', search: { ...state, page: pages } }, { replace: true });
  }, [fresh, state.page, pages]);

  const hasFilters = Object.values(state.filters).some((v) => v?.length);
  // Nothing to filter (no values, nothing checked): the column goes rather than stand empty.
  const noFacets = !!data && !hasFilters && Object.values(data.facets).every((vs) => !vs?.length);
  return (
    <div class={`search-layout${noFacets ? ' no-filters' : ''}`}>
      {!noFacets && (
        <aside class="filters" aria-labelledby="filters-title">
          <h2 id="filters-title" class="section-title">筛选</h2>
          {data ? <Facets facets={data.facets} filters={state.filters} labels={labels.current} onToggle={toggle} /> : <p class="muted">正在加载筛选项…</p>}
        </aside>
      )}
      <section class="results" aria-labelledby="results-title" aria-busy={req.loading}>
        <h2 id="results-title" class="visually-hidden">检索结果</h2>
        <Chips filters={state.filters} labels={labels.current} onRemove={toggle} onClear={() => go({ filters: {} })} />
        <div class="results-bar">
          <p class="summary" aria-live="polite" aria-atomic="true">
            {req.loading && !data ? '正在检索…' : data ? <Summary data={data} q={state.q} loading={req.loading} /> : ''}
          </p>
          {!noFacets && <a class="to-filters" href="#filters-title">筛选{hasFilters ? `（已选 ${Object.values(state.filters).reduce((n, v) => n + (v?.length ?? 0), 0)}）` : ''}</a>}
          <label class="sort">
            排序
            <select value={state.sort} onChange={(e) => go({ sort: (e.target as HTMLSelectElement).value as SearchSort })}>
              {(Object.keys(SORT_LABELS) as SearchSort[]).map((s) => <option key={s} value={s}>{SORT_LABELS[s]}</option>)}
            </select>
          </label>
        </div>
        {req.error && <ErrorBox error={req.error} onRetry={req.retry} />}
        {data && data.total === 0 && !req.loading && <EmptyState state={state} filler={data.filler === true} labels={labels.current} onDrop={toggle} onClear={() => go({ filters: {} })} hasFilters={hasFilters} />}
        {data && data.hits.length > 0 && (
          <ol class={`hits${req.loading ? ' stale' : ''}`} start={(data.page - 1) * PAGE_SIZE + 1}>
            {data.hits.map((h) => <HitItem key={h.id} hit={h} state={state} />)}
          </ol>
        )}
        {data && pages > 1 && <Pager page={Math.min(state.page, pages)} pages={pages} onPage={(p) => navigate({ view: 'search', search: { ...state, page: p } })} />}
      </section>
    </div>
  );
}

function Summary({ data, q, loading }: { data: SearchResponse; q: string; loading: boolean }) {
  return (
    <>
      {q ? <>“<strong>{q}</strong>”</> : '全部事项'}共 <strong class="total">{data.total}</strong> 条
      {data.total > 0 && <>，用时 {Math.max(1, Math.round(data.took_ms))} 毫秒</>}
      {data.partial && data.hits.length > 0 && <span class="partial-note">{partialNote(data.hits)}</span>}
      {loading && <span class="loading-note">，正在更新…</span>}
    </>
  );
}

/** Nothing found: say which words found nothing on their own and which filters to drop. */
function EmptyState({ state, filler, labels, onDrop, onClear, hasFilters }: { state: SearchState; filler: boolean; labels: Record<string, string>; onDrop: (f: FacetName, v: string) => void; onClear: () => void; hasFilters: boolean }) {
  const words = state.q.split(/[\s\u3000]+/).map((w) => w.replace(/^[-"“”]+|["“”]+$/g, '')).filter((w) => w && w !== 'OR').slice(0, 6);
  // A query of filler alone (的) was not searched: asking each word's count would call 的 a word no file prints.
  const key = hasFilters || filler || !words.length ? null : JSON.stringify(words);
  const counts = useRequest<number[]>(key, (signal) =>
    Promise.all(words.map((w) => getJson<SearchResponse>(`/api/search?${new URLSearchParams({ q: w, size: '1' })}`, signal).then((r) => r.total))));
  const none = counts.data ? words.filter((_, i) => counts.data![i] === 0) : [];
  return (
    <div class="empty" role="status">
      <h3>没有找到符合条件的事项</h3>
      {filler ? (
        <p>“<strong>{state.q}</strong>”只有虚词（如“的”“了”“之”），不能单独检索。请输入要找的内容词语，如 <code>留抵退税</code>。</p>
      ) : hasFilters ? (
        <>
          <p>当前检索词在所选筛选条件下没有结果。可以去掉以下条件：</p>
          <ul class="drop-list">
            {(Object.entries(state.filters) as [FacetName, string[]][]).flatMap(([f, vs]) => vs.map((v) => (
              <li key={`${f}:${v}`}><button type="button" class="chip" onClick={() => onDrop(f, v)}>去掉 {FACET_LABELS[f]}：{labels[v] ?? v} <span aria-hidden="true">×</span></button></li>
            )))}
          </ul>
          <p><button type="button" class="btn" onClick={onClear}>清除全部筛选</button></p>
        </>
      ) : none.length > 0 ? (
        <p>以下词语在全部文件中都没有出现：{none.map((w, i) => <span key={w}>{i > 0 && '、'}“<strong>{w}</strong>”</span>)}。请检查用字，或换一个说法。</p>
      ) : (
        <p>请减少检索词，或换一个说法。</p>
      )}
      <p class="muted">提示：多个词之间用空格分隔；用 OR 连接表示任一即可，如 <code>海铁联运 OR 多式联运</code>。</p>
    </div>
  );
}
