/**
 * One result. The highlight strings are HTML the server escaped itself, adding only <mark>; they are the only
 * HTML the page inserts.
 */
import type { Hit } from '../api';
import { recordHref, type SearchState } from '../route';

/** A document by its printed title; a document without one by its file name, not dressed up as a title. */
export function docName(s: { title?: string; file?: string }): string {
  const file = s.file?.replace(/\.[a-z]+$/i, '');
  return s.title && s.title !== file && s.title !== s.file ? `《${s.title}》` : `文件 ${file ?? s.title ?? ''}`;
}

export function HitItem({ hit, state }: { hit: Hit; state: SearchState }) {
  return (
    <li class="hit">
      <h3 class="hit-title"><a href={recordHref(hit.id, state)} dangerouslySetInnerHTML={{ __html: hit.highlight.title }} /></h3>
      <p class="snippet" dangerouslySetInnerHTML={{ __html: hit.highlight.snippet }} />
      <p class="meta">
        {hit.regions.length > 0 && <span class="tag">{hit.regions.join('、')}</span>}
        {hit.category && <span class="meta-item">{hit.category}</span>}
        <span class="meta-item">{docName(hit.source)} 第 {hit.source.no} 项</span>
        {hit.departments.length > 0 && <span class="meta-item">负责：{hit.departments.slice(0, 4).join('、')}{hit.departments.length > 4 ? ` 等 ${hit.departments.length} 个部门` : ''}</span>}
      </p>
      {hit.missing && hit.missing.length > 0 && (
        <p class="missing">缺少：{hit.missing.map((w, i) => <span key={w}>{i > 0 && '、'}<s>{w}</s></span>)}</p>
      )}
      {hit.copies && hit.copies.length > 0 && (
        <p class="copies">同一改革也见于：{hit.copies.map((c, i) => (
          <span key={c.id}>{i > 0 && '；'}<a href={recordHref(c.id, state)}>{docName(c.source ?? { file: c.file })}{c.source?.no ? ` 第 ${c.source.no} 项` : ''}</a></span>
        ))}{(hit.copyCount ?? 0) > hit.copies.length ? ` 等 ${hit.copyCount} 处` : ''}</p>
      )}
    </li>
  );
}
