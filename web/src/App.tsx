/** The app shell: banner and navigation, the search box, and the view the URL names. */
import { useEffect } from 'preact/hooks';
import { interceptLinks, navigate, useRoute } from './nav';
import { emptyOutcomes, emptySearch, formatRoute } from './route';
import { OutcomesView } from './components/OutcomesView';
import { RecordView } from './components/RecordView';
import { SearchBox } from './components/SearchBox';
import { SearchView } from './components/SearchView';

const SITE = '自贸试验区改革经验检索';

export function App() {
  const route = useRoute();
  const search = route.view === 'outcomes' ? emptySearch() : route.search;
  useEffect(() => {
    if (route.view === 'search') document.title = route.search.q ? `${route.search.q} - ${SITE}` : SITE;
    if (route.view === 'outcomes') document.title = `成效数据 - ${SITE}`;
  }, [route]);

  return (
    <div class="app" onClick={interceptLinks}>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>跳到主要内容</a>
      <header class="site-header">
        <div class="wrap header-row">
          <a class="brand" href={formatRoute({ view: 'search', search: emptySearch() })}>
            <svg class="emblem" viewBox="0 0 32 32" aria-hidden="true" focusable="false"><rect width="32" height="32" rx="6" fill="#fff" /><path d="M16 5l2.6 7.4H26l-6 4.5 2.3 7.3L16 19.8 9.7 24.2 12 16.9 6 12.4h7.4z" fill="#b3261e" /></svg>
            <span class="brand-text">{SITE}<span class="brand-sub">制度创新成果与改革试点经验</span></span>
          </a>
          <nav class="site-nav" aria-label="主导航">
            <a href={formatRoute({ view: 'search', search: emptySearch() })} aria-current={route.view !== 'outcomes' ? 'page' : undefined}>改革检索</a>
            <a href={formatRoute({ view: 'outcomes', outcomes: emptyOutcomes() })} aria-current={route.view === 'outcomes' ? 'page' : undefined}>成效数据</a>
          </nav>
        </div>
      </header>
      {route.view !== 'outcomes' && (
        <div class="search-band">
          <div class="wrap">
            {route.view === 'search' && <h1 class="band-title">检索改革经验</h1>}
            <SearchBox
              value={search.q}
              autoFocus={route.view === 'search'}
              onSearch={(q) => navigate({ view: 'search', search: { ...search, q, page: 1 } })}
              onOpen={(id) => navigate({ view: 'record', id, otherRegions: true, search })}
            />
          </div>
        </div>
      )}
      <main id="main" class="wrap main" tabIndex={-1}>
        {route.view === 'search' && <SearchView state={route.search} />}
        {route.view === 'record' && <RecordView key={route.id} id={route.id} otherRegions={route.otherRegions} search={route.search} />}
        {route.view === 'outcomes' && <OutcomesView state={route.outcomes} />}
      </main>
      <footer class="site-footer">
        <div class="wrap">
          <p>资料来源：自由贸易试验区改革试点经验、制度创新成果及最佳实践案例等公开文件。本系统在本地运行，不连接外部网络。</p>
        </div>
      </footer>
    </div>
  );
}
