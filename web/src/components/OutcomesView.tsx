/**
 * Outcomes for reporters: the quantified facts as a table, filtered by direction, kind and size of change,
 * sorted by size of change or figure, each row linking to its record; export writes exactly the rows shown, in the shown order.
 */
import { useEffect, useState } from 'preact/hooks';
import { outcomes, type Amount, type OutcomeRow } from '../api';
import { download, plainText, toCsv, toJson, type Column } from '../export';
import { navigate } from '../nav';
import { recordHref, type OutcomesState } from '../route';
import { useRequest } from '../useRequest';
import { ErrorBox } from './ErrorBox';
import { Pager } from './Pager';

const SIZE = 50;
export const DIRECTIONS: Record<string, string> = { down: '下降 / 压缩', up: '上升 / 提高', none: '水平（无变化方向）' };
export const KINDS: Record<string, string> = { time: '时间', money: '金额', percent: '比例', count: '数量', other: '其他' };
/** Orders the API sorts the whole selection by (descending); '' is the documents' own order. */
const SORTS: Record<string, string> = { '': '原文顺序', change: '变化幅度', value: '数值大小' };

function num(n: number | undefined): string {
  return n === undefined ? '' : n.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}
function amount(a: Amount): string {
  return `${num(a.value)}${a.max !== undefined ? `–${num(a.max)}` : ''}${a.unit}`;
}
function figure(r: OutcomeRow): string {
  if (r.from && r.to) return `${amount(r.from)} → ${amount(r.to)}`;
  if (r.to) return `至 ${amount(r.to)}`;
  if (r.text) return r.text;
  return r.value !== undefined ? `${r.qualifier ?? ''}${num(r.value)}${r.unit ?? ''}` : '';
}
function change(r: OutcomeRow): string {
  if (r.percent === undefined) return '';
  return `${r.percent < 0 ? '↓' : r.percent > 0 ? '↑' : ''}${num(Math.abs(r.percent))}%`;
}
function regionOf(r: OutcomeRow): string {
  return r.region ?? r.regions?.join('、') ?? '';
}
function citation(r: OutcomeRow): string {
  const c = r.citation;
  if (!c) return '';
  return [c.document ? `《${c.document}》` : '', c.section ?? '', c.no !== undefined ? `第 ${c.no} 项` : '', c.line !== undefined ? `第 ${c.line} 行` : ''].filter(Boolean).join(' ');
}

export const EXPORT_COLUMNS: Column<OutcomeRow>[] = [
  { header: '改革事项', value: (r) => r.title },
  { header: '地区', value: (r) => regionOf(r) },
  { header: '指标', value: (r) => r.metric ?? (r.kind ? KINDS[r.kind] : undefined) },
  { header: '方向', value: (r) => (r.direction ? DIRECTIONS[r.direction] ?? r.direction : undefined) },
  { header: '数值', value: (r) => figure(r) },
  { header: '变化幅度(%)', value: (r) => r.percent },
  { header: '原文数字', value: (r) => r.text },
  { header: '原文', value: (r) => plainText(r.sentence) },
  { header: '出处', value: (r) => citation(r) },
  { header: '链接', value: (r) => new URL(recordHref(r.reformId), location.href).href },
];

export function OutcomesView({ state }: { state: OutcomesState }) {
  const req = useRequest(JSON.stringify(state), (signal) => outcomes(state, SIZE, signal));
  const [text, setText] = useState(state.q);
  const [min, setMin] = useState(state.min === undefined ? '' : String(state.min));
  useEffect(() => setText(state.q), [state.q]);
  useEffect(() => setMin(state.min === undefined ? '' : String(state.min)), [state.min]);
  const go = (next: Partial<OutcomesState>) => navigate({ view: 'outcomes', outcomes: { ...state, page: 1, ...next } });
  const rows = req.data?.rows ?? [];
  const pages = req.data ? Math.max(1, Math.ceil(req.data.total / SIZE)) : 1;
  useEffect(() => {
    if (req.data && !req.loading && state.page > pages) navigate({ view: 'outcomes', outcomes: { ...state, page: pages } }, { replace: true });
  }, [req.data, req.loading, state.page, pages]);

  // Column headers sort the whole selection on the server (largest first), like the sort menu.
  const header = (key: string, label: string) => {
    const on = state.sort === key;
    return (
      <th scope="col" class="sortable" aria-sort={on ? 'descending' : undefined}>
        <button type="button" class="th-sort" onClick={() => go({ sort: on ? '' : key })} aria-label={`${label}，${on ? '按原文顺序排列' : '从大到小排序'}`}>
          {label}<span aria-hidden="true" class="sort-mark">{on ? '▼' : '↕'}</span>
        </button>
      </th>
    );
  };
  const stamp = new Date().toISOString().slice(0, 10);
  return (
    <div class="outcomes">
      <h1>成效数据</h1>
      <p class="lede">改革事项中写明的量化成效（节约的时间、成本，提升的比例等），可按条件筛选、排序，并导出当前显示的数据。</p>
      <form class="outcome-filters" role="search" aria-label="筛选成效数据" onSubmit={(e) => { e.preventDefault(); const m = min.trim() === '' ? undefined : Number(min); go({ q: text.trim(), min: m !== undefined && Number.isFinite(m) && m >= 0 ? m : undefined }); }}>
        <label class="grow">关键词<input type="search" name="q" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} placeholder="如：通关时间、融资成本" /></label>
        <label>方向
          <select name="direction" value={state.direction} onChange={(e) => go({ direction: (e.target as HTMLSelectElement).value })}>
            <option value="">全部</option>
            {Object.entries(DIRECTIONS).map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </label>
        <label>类型
          <select name="kind" value={state.kind} onChange={(e) => go({ kind: (e.target as HTMLSelectElement).value })}>
            <option value="">全部</option>
            {Object.entries(KINDS).map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </label>
        <label>变化至少（%）<input type="number" name="min" min={0} max={100000} step="any" inputMode="decimal" value={min} onInput={(e) => setMin((e.target as HTMLInputElement).value)} /></label>
        <label>排序
          <select name="sort" value={state.sort} onChange={(e) => go({ sort: (e.target as HTMLSelectElement).value })}>
            {Object.entries(SORTS).map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </label>
        <button type="submit" class="btn-primary">筛选</button>
      </form>
      {req.data?.fallback && <p class="notice">成效接口尚未提供，以下为数量事实（/api/quantities 前 100 条），筛选在本页完成{state.direction ? '；数量事实不含变化方向，按方向筛选需要成效接口' : ''}。</p>}
      <div class="results-bar">
        <p class="summary" aria-live="polite" aria-atomic="true">
          {req.data ? <>共 <strong class="total">{req.data.total}</strong> 条成效，本页显示 {rows.length} 条{req.data.askedKind && <span class="asked-kind">（按问题只列{KINDS[req.data.askedKind] ?? req.data.askedKind}类成效）</span>}</> : req.loading ? '正在加载…' : ''}
          {req.loading && req.data && <span class="loading-note">，正在更新…</span>}
        </p>
        <div class="export" role="group" aria-label="导出本页显示的数据">
          <button type="button" class="btn" disabled={!rows.length} onClick={() => download(`成效数据-${stamp}.csv`, toCsv(rows, EXPORT_COLUMNS), 'text/csv;charset=utf-8')}>导出 CSV</button>
          <button type="button" class="btn" disabled={!rows.length} onClick={() => download(`成效数据-${stamp}.json`, toJson(rows, EXPORT_COLUMNS), 'application/json')}>导出 JSON</button>
        </div>
      </div>
      {req.error && <ErrorBox error={req.error} onRetry={req.retry} />}
      {req.data && rows.length === 0 && !req.loading && (
        <div class="empty" role="status"><h2>没有符合条件的成效数据</h2><p>请放宽条件：清空关键词、选择“全部”方向或类型，或降低变化幅度。</p>
          <button type="button" class="btn" onClick={() => navigate({ view: 'outcomes', outcomes: { q: '', direction: '', kind: '', sort: '', page: 1 } })}>清除全部条件</button></div>
      )}
      {rows.length > 0 && (
        <div class={`table-wrap${req.loading ? ' stale' : ''}`} tabIndex={0} role="region" aria-label="成效数据表">
          <table class="outcome-table">
            <caption class="visually-hidden">成效数据，点击列标题排序</caption>
            <thead>
              <tr><th scope="col" class="plain">改革事项</th><th scope="col" class="plain">地区</th><th scope="col" class="plain">指标</th>{header('value', '数值')}{header('change', '幅度')}<th scope="col" class="plain">原文</th></tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={`${r.reformId}-${i}`}>
                  <td data-label="改革事项"><a href={recordHref(r.reformId)}>{r.title}</a>{r.citation && <div class="muted small">{citation(r)}</div>}</td>
                  <td data-label="地区">{regionOf(r)}</td>
                  <td data-label="指标">{r.metric ?? (r.kind ? KINDS[r.kind] : '')}{r.direction && r.direction !== 'none' && <div class="muted small">{DIRECTIONS[r.direction] ?? r.direction}</div>}</td>
                  <td data-label="数值" class="num">{figure(r)}</td>
                  <td data-label="幅度" class={`num${r.percent !== undefined && r.percent < 0 ? ' down' : ''}`}>{change(r)}</td>
                  <td data-label="原文" class="sentence" dangerouslySetInnerHTML={{ __html: r.sentence }} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {req.data && pages > 1 && <Pager page={Math.min(state.page, pages)} pages={pages} onPage={(p) => navigate({ view: 'outcomes', outcomes: { ...state, page: p } })} />}
    </div>
  );
}
