/**
 * A small search page over the API: query box, facets, ranked hits with highlights. The server HTML-escapes
 * every highlight and adds only <mark>, so the highlight strings are inserted as HTML.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SearchResponse } from '../../search/service';
import './style.css';

const FACET_LABELS: Record<string, string> = { region: '地区', category: '类别', department: '部门', source: '文件', scope: '推广范围' };

function readUrl() {
  const p = new URLSearchParams(location.search);
  const filters: Record<string, string[]> = {};
  for (const f of Object.keys(FACET_LABELS)) if (p.getAll(f).length) filters[f] = p.getAll(f);
  return { q: p.get('q') ?? '', page: Number(p.get('page') ?? 1) || 1, filters };
}

function App() {
  const initial = readUrl();
  const [q, setQ] = useState(initial.q);
  const [state, setState] = useState(initial);
  const [data, setData] = useState<SearchResponse | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    const p = new URLSearchParams();
    if (state.q) p.set('q', state.q);
    if (state.page > 1) p.set('page', String(state.page));
    for (const [f, vs] of Object.entries(state.filters)) for (const v of vs) p.append(f, v);
    history.replaceState(null, '', `?${p}`);
    fetch(`/api/search?${p}&size=10`)
      .then(async (r) => {
        const body = await r.json();
        if (!r.ok) throw new Error(body.message ?? r.statusText);
        setData(body);
        setError('');
      })
      .catch((e) => setError(String(e.message ?? e)));
  }, [state]);

  const toggle = (facet: string, value: string) => {
    const cur = state.filters[facet] ?? [];
    const next = cur.includes(value) ? cur.filter((v) => v !== value) : [...cur, value];
    setState({ ...state, page: 1, filters: { ...state.filters, [facet]: next } });
  };
  const pages = data ? Math.ceil(data.total / data.size) : 0;

  return (
    <main>
      <h1>自贸试验区改革经验检索</h1>
      <form onSubmit={(e) => { e.preventDefault(); setState({ ...state, q, page: 1 }); }}>
        <input value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} placeholder='例如：告知承诺制　"一网通办"　跨境电商 -出口　湖南 通关' aria-label="检索" />
        <button type="submit">检索</button>
      </form>
      {error && <p class="error">{error}</p>}
      {data && (
        <div class="layout">
          <aside>
            {Object.entries(data.facets).map(([facet, values]) => values.length > 0 && (
              <section key={facet}>
                <h3>{FACET_LABELS[facet]}</h3>
                {values.slice(0, 12).map((v) => (
                  <label key={v.value}>
                    <input type="checkbox" checked={(state.filters[facet] ?? []).includes(v.value)} onChange={() => toggle(facet, v.value)} />
                    {v.label || v.value} <span class="count">{v.count}</span>
                  </label>
                ))}
              </section>
            ))}
          </aside>
          <section class="results">
            <p class="summary">共 {data.total} 条{data.partial ? '（没有同时包含所有词的结果，以下为部分匹配）' : ''}，用时 {data.took_ms} 毫秒</p>
            {data.hits.map((h) => (
              <article key={h.id}>
                <h2 dangerouslySetInnerHTML={{ __html: h.highlight.title }} />
                <p class="meta">{[h.regions.join('、'), h.category, h.departments.join('、'), `${h.source.title || h.source.file} 第${h.source.no}项`].filter(Boolean).join(' · ')}</p>
                <p dangerouslySetInnerHTML={{ __html: h.highlight.snippet }} />
              </article>
            ))}
            {pages > 1 && (
              <nav>
                <button disabled={state.page <= 1} onClick={() => setState({ ...state, page: state.page - 1 })}>上一页</button>
                <span>{state.page} / {pages}</span>
                <button disabled={state.page >= pages} onClick={() => setState({ ...state, page: state.page + 1 })}>下一页</button>
              </nav>
            )}
          </section>
        </div>
      )}
    </main>
  );
}

render(<App />, document.getElementById('app')!);
