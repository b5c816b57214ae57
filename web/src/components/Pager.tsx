/** Previous / numbered / next links are buttons: the page number lives in the URL through navigate(). */
export function Pager({ page, pages, onPage }: { page: number; pages: number; onPage: (p: number) => void }) {
  const nums = new Set([1, pages, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pages));
  const list = [...nums].sort((a, b) => a - b);
  return (
    <nav class="pager" aria-label="分页">
      <button type="button" class="btn" disabled={page <= 1} onClick={() => onPage(page - 1)}>上一页</button>
      {list.map((n, i) => (
        <span key={n}>
          {i > 0 && list[i - 1] !== n - 1 && <span class="ellipsis" aria-hidden="true">…</span>}
          <button type="button" class={`btn page-num${n === page ? ' current' : ''}`} aria-current={n === page ? 'page' : undefined} aria-label={`第 ${n} 页`} onClick={() => onPage(n)}>{n}</button>
        </span>
      ))}
      <button type="button" class="btn" disabled={page >= pages} onClick={() => onPage(page + 1)}>下一页</button>
      <span class="page-of">第 {page} / {pages} 页</span>
    </nav>
  );
}
