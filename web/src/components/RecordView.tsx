/**
 * One reform at its own URL: every field, its figures marked in the text and listed as outcome facts, the
 * citation to copy, its copies in other documents and 相似改革 with the terms they share.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, similar, type Amount, type Outcome, type Quantity, type Reform } from '../api';
import type { SimilarReason } from '../../../search/similar.js';
import { navigate } from '../nav';
import { formatRoute, recordHref, type SearchState } from '../route';
import { useRequest } from '../useRequest';
import { ErrorBox } from './ErrorBox';
import { docName } from './HitItem';

const FIELDS: [keyof Reform & string, string][] = [
  ['content', '主要内容'],
  ['applicableTo', '适用对象'],
  ['process', '办理流程 / 主要做法'],
  ['outcome', '实际效果'],
];

interface Figure { field: string; start: number; end: number; text: string; label: string }

/** The similar list's reason kinds (search/similar.ts SimilarReason), as the page says them. */
const REASONS: Record<SimilarReason, string> = {
  'same-slogan': '同一口号',
  'same-mechanism': '同一机制',
  'same-process': '相同流程',
  'same-outcome': '相同成效',
  'same-topic': '相同主题',
};
const DIRECTION_LABELS: Record<string, string> = { down: '下降', up: '上升' };

function figuresOf(r: Reform): Figure[] {
  if (r.outcomes?.length) {
    return r.outcomes.map((o: Outcome) => ({ field: o.field, start: o.start, end: o.end, text: o.text, label: outcomeLabel(o) }));
  }
  return r.quantities.map((q: Quantity) => ({ field: q.field, start: q.start, end: q.end, text: q.text, label: quantityLabel(q) }));
}

function num(n: number | undefined): string {
  return n === undefined ? '' : n.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}

export function outcomeLabel(o: Outcome): string {
  const parts: string[] = [];
  if (o.metric) parts.push(o.metric);
  const amount = (a: Amount) => `${num(a.value)}${a.max !== undefined ? `–${num(a.max)}` : ''}${a.unit}`;
  if (o.from && o.to) parts.push(`由 ${amount(o.from)} 到 ${amount(o.to)}`);
  else if (o.to) parts.push(`至 ${amount(o.to)}`);
  // A change closed by a word (缩减至半天, 转变至即提): the figure it started from.
  else if (o.from) parts.push(`由 ${amount(o.from)}`);
  else if (o.value !== undefined) parts.push(`${num(o.value)}${o.max !== undefined ? `–${num(o.max)}` : ''}${o.unit ?? ''}`);
  const dir = o.direction ? DIRECTION_LABELS[o.direction] : undefined;
  if (dir) parts.push(o.percent !== undefined ? `${dir} ${num(Math.abs(o.percent))}%` : dir);
  return parts.join(' · ') || o.text;
}

function quantityLabel(q: Quantity): string {
  const range = q.max !== undefined ? `${num(q.value)}–${num(q.max)}` : num(q.value);
  const change = q.change === 'from' ? '（变化前）' : q.change === 'to' ? '（变化后）' : '';
  return `${q.qualifier ?? ''}${range}${q.unit}${change}`;
}

/** Field text with the figures in it marked; plain text, so nothing needs escaping. */
function Marked({ text, figures }: { text: string; figures: Figure[] }) {
  const spans = figures.filter((f) => f.start >= 0 && f.end <= text.length && text.slice(f.start, f.end) === f.text).sort((a, b) => a.start - b.start);
  const out: (string | preact.JSX.Element)[] = [];
  let at = 0;
  for (const f of spans) {
    if (f.start < at) continue;
    out.push(text.slice(at, f.start));
    out.push(<mark class="figure" key={f.start} title={f.label}>{text.slice(f.start, f.end)}</mark>);
    at = f.end;
  }
  out.push(text.slice(at));
  return <>{out}</>;
}

export function citationOf(r: Reform): string {
  const s = r.source;
  const parts = [docName(s)];
  if (r.section) parts.push(r.section);
  else if (r.category) parts.push(r.category);
  parts.push(`第 ${s.no} 项：${r.title}`);
  if (s.line) parts.push(`（文件 ${s.file} 第 ${s.line} 行）`);
  return parts.join('，').replace('，（', '（');
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Plain http on an intranet has no clipboard API: the old way still works there.
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.append(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

export function RecordView({ id, otherRegions, search }: { id: string; otherRegions: boolean; search: SearchState }) {
  const rec = useRequest<Reform>(id, (signal) => getJson<Reform>(`/api/reforms/${encodeURIComponent(id)}`, signal));
  const heading = useRef<HTMLHeadingElement>(null);
  const r = rec.data && rec.data.id === id ? rec.data : undefined;
  useEffect(() => {
    if (r) {
      document.title = `${r.title} - 自贸试验区改革经验检索`;
      heading.current?.focus();
    }
  }, [r?.id]);

  const back = formatRoute({ view: 'search', search });
  return (
    <article class="record" aria-busy={rec.loading}>
      <p class="breadcrumb"><a href={back}>← 返回检索结果</a></p>
      {rec.error && <ErrorBox error={rec.error} onRetry={rec.retry} />}
      {!r && !rec.error && <p class="muted" role="status">正在加载…</p>}
      {r && <RecordBody r={r} heading={heading} otherRegions={otherRegions} search={search} />}
    </article>
  );
}

function RecordBody({ r, heading, otherRegions, search }: { r: Reform; heading: preact.RefObject<HTMLHeadingElement>; otherRegions: boolean; search: SearchState }) {
  const figures = figuresOf(r);
  const citation = citationOf(r);
  const [copied, setCopied] = useState('');
  const facts = figures.filter((f) => f.field !== 'title');
  return (
    <>
      <header class="record-head">
        <p class="eyebrow">{[r.regions.join('、'), r.category, r.section].filter(Boolean).join(' · ')}</p>
        <h1 tabIndex={-1} ref={heading}>{r.title}</h1>
      </header>
      <dl class="facts-grid">
        <div><dt>来源文件</dt><dd>{docName(r.source)} 第 {r.source.no} 项</dd></div>
        {r.regions.length > 0 && <div><dt>地区</dt><dd>{r.regions.join('、')}</dd></div>}
        {r.category && <div><dt>类别</dt><dd>{r.category}</dd></div>}
        {r.section && <div><dt>所在部分</dt><dd>{r.section}</dd></div>}
        {(r.departments.length > 0 || !!r.printedDepartments?.length) && <div><dt>负责部门</dt><dd>{(r.printedDepartments?.length ? r.printedDepartments : r.departments).join('、')}</dd></div>}
        {r.scope && <div><dt>推广范围</dt><dd>{r.scope}</dd></div>}
        {r.scopeLevels && r.scopeLevels.length > 0 && <div><dt>推广层级</dt><dd>{r.scopeLevels.join('、')}</dd></div>}
        {r.policyAreas && r.policyAreas.length > 0 && <div><dt>政策领域</dt><dd>{r.policyAreas.join('、')}</dd></div>}
      </dl>

      {FIELDS.map(([field, label]) => {
        const text = r[field];
        if (typeof text !== 'string' || !text) return null;
        return (
          <section class="field" key={field} aria-labelledby={`f-${field}`}>
            <h2 id={`f-${field}`}>{label}</h2>
            <p class="prose"><Marked text={text} figures={figures.filter((f) => f.field === field)} /></p>
          </section>
        );
      })}

      {facts.length > 0 && (
        <section class="field" aria-labelledby="f-facts">
          <h2 id="f-facts">成效数据（{facts.length}）</h2>
          <ul class="fact-list">
            {facts.map((f, i) => <li key={i}><span class="fact-figure">{f.text}</span><span class="fact-label">{f.label}</span></li>)}
          </ul>
        </section>
      )}

      <section class="field citation" aria-labelledby="f-cite">
        <h2 id="f-cite">引用</h2>
        <p class="cite-text" id="cite-text">{citation}</p>
        <button type="button" class="btn" aria-describedby="cite-text" onClick={async () => setCopied((await copyText(citation)) ? '已复制引用' : '复制失败，请手动选择文字复制')}>复制引用</button>
        <span class="copied" role="status">{copied}</span>
      </section>

      {r.related.length > 0 && <Related related={r.related} search={search} />}
      <Similar r={r} otherRegions={otherRegions} search={search} />
    </>
  );
}

function Related({ related, search }: { related: Reform['related']; search: SearchState }) {
  const key = related.map((x) => x.id).join(',');
  const req = useRequest<Reform[]>(key, (signal) => Promise.all(related.slice(0, 10).map((x) => getJson<Reform>(`/api/reforms/${encodeURIComponent(x.id)}`, signal))));
  return (
    <section class="field" aria-labelledby="f-related">
      <h2 id="f-related">其他文件中的同一改革（{related.length}）</h2>
      <ul class="link-list">
        {related.map((x, i) => {
          const full = req.data?.[i];
          return (
            <li key={x.id}>
              <a href={recordHref(x.id, search)}>{full ? `${docName(full.source)} 第 ${full.source.no} 项` : x.file}</a>
              {full && full.title && <span class="muted">：{full.title}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Similar({ r, otherRegions, search }: { r: Reform; otherRegions: boolean; search: SearchState }) {
  const req = useRequest(`${r.id}|${otherRegions}`, (signal) => similar(r.id, otherRegions, signal));
  let hits = req.data?.hits ?? [];
  // The API without scope=other-regions: drop same-region hits here (and say so below).
  if (otherRegions && req.data?.filteredHere) hits = hits.filter((h) => !h.regions.some((g) => r.regions.includes(g)));
  const toggle = () => navigate({ view: 'record', id: r.id, otherRegions: !otherRegions, search });
  return (
    <section class="field similar" aria-labelledby="f-similar">
      <div class="similar-head">
        <h2 id="f-similar">相似改革</h2>
        <label class="check"><input type="checkbox" checked={otherRegions} onChange={toggle} /> 只看其他地区</label>
      </div>
      {req.data?.filteredHere && otherRegions && <p class="muted small">（按地区在本页筛选前 10 条相似结果）</p>}
      {req.error && <ErrorBox error={req.error} onRetry={req.retry} />}
      {req.loading && !req.data && <p class="muted">正在查找相似改革…</p>}
      {req.data && hits.length === 0 && <p class="muted">{otherRegions ? '其他地区没有找到相似的改革。' : '没有找到相似的改革。'}</p>}
      <ol class={`similar-list${req.loading ? ' stale' : ''}`}>
        {hits.map((h) => (
          <li key={h.id}>
            <a href={recordHref(h.id, search)} class="similar-title">{h.title}</a>
            {h.sameReform && <span class="badge">同一改革</span>}
            <p class="meta">
              {h.regions.length > 0 && <span class="tag">{h.regions.join('、')}</span>}
              <span class="meta-item">{docName(h.source)}{h.source.no ? ` 第 ${h.source.no} 项` : ''}</span>
            </p>
            {h.because && h.because.length > 0 && (
              <p class="because">共同关键词：{h.because.map((t) => <span class="term" key={t}>{t}</span>)}</p>
            )}
            {h.mechanism && <p class="because">同一机制：{h.mechanism.terms.map((t) => <span class="term" key={t}>{t}</span>)}</p>}
            {h.reason && h.reason !== 'same-mechanism' && <p class="muted small">{REASONS[h.reason] ?? h.reason}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}
